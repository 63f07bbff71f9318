"""Import SEN2 returns into the data contract's case tables (``sendlib import sen2``).

Each return is read whole (streamed, one person at a time) before anything is written;
ids are then made with the key, the returns merged in census order (the later return's
values win) and the six case tables written together. A problem anywhere stops the import
with one line naming the file, line and element, and leaves ``out`` as it was.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sendlib.data.contract import contract, find_sources
from sendlib.data.sen2.establishments import Establishments
from sendlib.data.sen2.fields import Fields
from sendlib.data.sen2.ids import IdKey
from sendlib.data.sen2.mapping import mapping
from sendlib.data.sen2.person import TABLES, PersonReader, Read, Who
from sendlib.data.sen2.xml import Header, Return, Sen2Error
from sendlib.data.sources import write_table

KEYS = {
    "person": ("person_id",),
    "requests": ("request_id",),
    "assessments": ("request_id",),
    "plans": ("plan_id",),
    "reviews": ("plan_id", "review_meeting_date"),
    "placements": ("person_id", "entry_date"),
}
OUTCOMES = ("new", "updated", "unchanged")


@dataclass
class ReturnRead:
    """One return, read: its header and rows (ids not yet made)."""

    path: Path
    header: Header
    read: Read
    persons: int

    def shared_upns(self) -> set[str]:
        """UPNs this return gives to children with different birth dates."""
        births: dict[str, set[str]] = {}
        for row in self.read.rows["person"]:
            who: Who = row["_who"]
            if who.kind == "upn":
                births.setdefault(who.value, set()).add(who.birth)
        return {upn for upn, seen in births.items() if len(seen) > 1}


@dataclass
class ImportSummary:
    """What an import read and wrote, for the command to print."""

    out: Path
    returns: list[ReturnRead]
    rows: dict[str, int]
    merged: list[dict[str, Counter]]  # per return (census order): table → new/updated/…
    counts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    shared_upns: int = 0
    replaced: list[str] = field(default_factory=list)


def read_return(path: Path, establishments: Establishments | None = None) -> ReturnRead:
    """Read one return's header and persons into rows."""
    path = Path(path)
    if not path.is_file():
        raise Sen2Error(str(path), None, "", "no such file")
    source = Return(path)
    reader = PersonReader(Fields(path.name), establishments)
    persons = 0
    for person in source.persons():
        reader.add(person)
        persons += 1
    assert source.header is not None  # persons() raises without one
    return ReturnRead(path, source.header, reader.read, persons)


def check_la(reads: list[ReturnRead], la: str | None) -> None:
    """Every return is from one LA, and from ``la`` (an old 3-digit code) when given."""
    first = reads[0]
    for r in reads:
        if not r.header.la:
            raise Sen2Error(r.path.name, None, "Message/Header/Source/LEA", "is empty")
        if la and r.header.la != la:
            raise Sen2Error(
                r.path.name,
                None,
                "Message/Header/Source/LEA",
                f"is {r.header.la}, but this project's council is {la} (la_code in "
                "params/report.yaml, or --la-code): a return from another local authority",
            )
        if r.header.la != first.header.la:
            raise Sen2Error(
                r.path.name,
                None,
                "Message/Header/Source/LEA",
                f"is {r.header.la}, but {first.path.name} is from {first.header.la}: "
                "returns of one local authority only",
            )


def import_returns(
    paths: list[Path],
    out: Path,
    key: IdKey,
    establishments: Establishments | None = None,
    la: str | None = None,
) -> ImportSummary:
    """Import ``paths`` into ``out`` (see the module docstring); what it did."""
    out = Path(out)
    _refuse_other_formats(out)
    with _bulk():
        reads = [read_return(p, establishments) for p in paths]
        check_la(reads, la)
        reads.sort(key=lambda r: r.header.reference_date)  # stable: same date, given order
        shared = set().union(*(r.shared_upns() for r in reads))
        tables: dict[str, dict[tuple, dict]] = {t: {} for t in TABLES}
        merged = [_merge(tables, _with_ids(r.read, key, shared)) for r in reads]
    frames = {name: _frame(name, rows) for name, rows in tables.items()}
    replaced = [f"{n}.csv" for n in TABLES if (out / f"{n}.csv").exists()]
    write_atomically(frames, out)
    summary = ImportSummary(
        out, reads, {n: len(f) for n, f in frames.items()}, merged, shared_upns=len(shared)
    )
    summary.replaced = replaced
    for r in reads:
        summary.counts.update(r.read.counts)
        summary.warnings.extend(r.read.warnings)
    if establishments is not None:
        for kind, n in sorted(establishments.unknown_types.items()):
            summary.warnings.append(
                f"{establishments.file}: {n} placements at a '{kind}', a type of establishment "
                "sendlib does not know (written as 'other'; add it to the mapping)"
            )
    return summary


@contextmanager
def _bulk() -> Iterator[None]:
    """No cycle collection while a return's hundreds of thousands of rows are built: the
    collector would scan them again and again (a fifth of an import) and they make no
    cycles (the XML nodes link to their parents weakly); it runs again afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


# ---------------------------------------------------------------- ids
def person_id(who: Who, key: IdKey, shared: set[str]) -> str:
    """A child's id: from the UPN (with the birth date when one UPN names two children),
    else from the ULN, else from the names and birth date."""
    if who.kind == "upn" and who.value not in shared:
        return key.id("P", "upn", who.value)
    if who.kind == "uln":
        return key.id("P", "uln", who.value)
    return key.id("P", who.kind, who.value, who.birth)


def _with_ids(read: Read, key: IdKey, shared: set[str]) -> dict[str, list[dict]]:
    """The return's rows with ids in place of who the child is (and nothing private)."""
    people: dict[Who, str] = {}

    def pid(who: Who) -> str:
        if who not in people:
            people[who] = person_id(who, key, shared)
        return people[who]

    def public(row: dict) -> dict:
        return {k: v for k, v in row.items() if not k.startswith("_")}

    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for row in read.rows["person"]:
        out["person"].append({"person_id": pid(row["_who"]), **public(row)})
    for row in read.rows["requests"]:
        p = pid(row["_who"])
        rid = key.id("R", p, row["_received"])
        out["requests"].append({"request_id": rid, "person_id": p, **public(row)})
    for row in read.rows["assessments"]:
        rid = key.id("R", pid(row["_who"]), row["_received"])
        out["assessments"].append({"request_id": rid, **public(row)})
    for row in read.rows["plans"]:
        p = pid(row["_who"])
        plan = key.id("E", p, row["start_date"])
        rid = key.id("R", p, row["_received"])
        out["plans"].append({"plan_id": plan, "person_id": p, "request_id": rid, **public(row)})
    for row in read.rows["reviews"]:
        plan = key.id("E", pid(row["_who"]), row["_start"])
        out["reviews"].append({"plan_id": plan, **public(row)})
    for row in read.rows["placements"]:
        out["placements"].append({"person_id": pid(row["_who"]), **public(row)})
    return out


# ---------------------------------------------------------------- merging
def _key(table: str, row: dict) -> tuple:
    key = tuple(row.get(c, "") for c in KEYS[table])
    if table == "placements" and not row["entry_date"]:
        key += (row["urn"], row["setting"])
    return key


def _merge(tables: dict[str, dict[tuple, dict]], rows: dict[str, list[dict]]) -> dict:
    """Lay one return's rows over the history so far; count new/updated/unchanged rows."""
    counts: dict[str, Counter] = {}
    for table, new_rows in rows.items():
        held, seen, count = tables[table], set(), Counter({o: 0 for o in OUTCOMES})
        for row in new_rows:
            k = _key(table, row)
            if k not in seen:
                before = held.get(k)
                count["new" if before is None else "unchanged" if before == row else "updated"] += 1
                seen.add(k)
            held[k] = row
        counts[table] = count
    return counts


def _frame(table: str, rows: dict[tuple, dict]) -> pd.DataFrame:
    """The table in the contract's column order, sorted by its key (byte-stable)."""
    columns = list(contract().files[table].columns)
    frame = pd.DataFrame([rows[k] for k in sorted(rows)], columns=columns, dtype=object)
    return frame.fillna("")


# ---------------------------------------------------------------- writing
def _refuse_other_formats(out: Path) -> None:
    """A table already in ``out`` as another file (``person.xlsx``) would be ambiguous."""
    for name in TABLES:
        others = [p for p in find_sources(out, name) if p.name != f"{name}.csv"]
        if others:
            raise Sen2Error(
                str(out),
                None,
                "",
                f"already holds {others[0].name}; the import writes {name}.csv: move "
                f"{others[0].name} away or choose another --out folder",
            )


def write_atomically(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """Write every table or none: into a folder beside ``out``, then moved into place."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-import-", dir=out.parent))
    try:
        for name, frame in frames.items():
            write_table(frame, staging / f"{name}.csv")
        if not out.exists():
            os.replace(staging, out)
            return
        for name in frames:
            os.replace(staging / f"{name}.csv", out / f"{name}.csv")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def not_carried() -> dict[str, list[str]]:
    """The contract columns the return does not carry (left blank), by table."""
    return mapping().not_carried


def old_la_code(code: str) -> str | None:
    """The 3-digit LA number a return's ``LEA`` holds, for a council's code: itself when
    it is one, else looked up (E06000058 → 839) in sendlib's copy of the DfE release;
    None when the release does not list the council."""
    code = code.strip()
    if code.isdigit():
        return code
    from sendlib.data.release import ReleaseError, find_council, read_release, reduced_release

    try:
        return find_council(read_release(reduced_release()), code).old_code or None
    except ReleaseError:
        return None


def coverage(summary: ImportSummary) -> tuple[str, str]:
    """The first and last month the merged returns describe in full: from January of the
    year the first return covers to December of the year the last one covers."""
    first = min(r.header.reference_date for r in summary.returns)
    last = max(r.header.reference_date for r in summary.returns)
    return f"{int(first[:4]) - 1}-01", f"{int(last[:4]) - 1}-12"
