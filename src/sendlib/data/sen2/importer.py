"""Import SEN2 returns into the data contract's case tables (``sendlib import sen2``).

Each return is read whole (streamed, one person at a time) before anything is written;
ids are then made with the key, the returns merged by person and census in census order
(``merge``: a later return replaces what it covers of the children it holds) and the
seven case tables written together into a new folder swapped in for ``out`` (``folder``).
A problem anywhere stops the import with one line naming the file, line and element, and
leaves ``out`` as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sendlib.data.contract import find_sources
from sendlib.data.sen2 import folder as dest
from sendlib.data.sen2.establishments import Establishments
from sendlib.data.sen2.fields import Fields
from sendlib.data.sen2.ids import IdKey
from sendlib.data.sen2.mapping import mapping
from sendlib.data.sen2.merge import OUTCOMES, History
from sendlib.data.sen2.person import TABLES, PersonReader, Read, Who
from sendlib.data.sen2.xml import Header, Return, Sen2Error

__all__ = ["OUTCOMES", "ImportSummary", "ReturnRead", "import_returns", "read_return"]


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
    force: bool = False,
) -> ImportSummary:
    """Import ``paths`` into ``out`` (see the module docstring); what it did. A folder
    holding case tables the import did not write, or imported with another key, is
    refused unless ``force``."""
    out = Path(out)
    _refuse_other_formats(out)
    record = dest.Record.read(out) if out.is_dir() else None
    key_check = key.id("K", dest.KEY_CHECK)
    try:
        dest.refuse_foreign(out, force)
        dest.refuse_other_key(out, record, key_check, force)
    except dest.FolderError as exc:
        raise Sen2Error(str(out), None, "", str(exc).removeprefix(f"{out} ")) from exc
    reads = [read_return(p, establishments) for p in paths]
    check_la(reads, la)
    # census order, then the time each was made (a resubmission), then as given
    reads.sort(key=lambda r: (r.header.reference_date, r.header.datetime))
    shared = set().union(*(r.shared_upns() for r in reads))
    history = History(key, shared)
    merged = [history.lay(r.read, r.header.reference_date) for r in reads]
    frames = history.frames()
    replaced = [f"{n}.csv" for n in TABLES if (out / f"{n}.csv").exists()]
    record = record or dest.Record()
    record.key = key_check
    record.returns = [
        {"file": r.path.name, "census": r.header.reference_date, "children": r.persons}
        for r in reads
    ]
    dest.write_folder(frames, out, record, tuple(f"{n}.csv" for n in TABLES))
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
