"""The council's disputes log joined to the children of a SEN2 import
(``sendlib import disputes``).

The SEN2 return holds no dated mediation or appeal, so ``disputes.csv`` comes from the
log the SEND team keeps (CSV or XLSX). After ``import sen2`` every child's id is a keyed
hash, so the log's rows are joined the same way: a row's ``upn`` is hashed with the same
key and found in ``person.csv`` (one UPN of two children is told apart by the log's
``birth_date``), a ``uln`` gives the id the import made from it (for a child the returns
know by ULN only: the person table keeps no ULN), and a log that names
children by the council's own ``person_id`` needs ``--lookup FILE`` (the case system's
``person_id`` and ``upn``) — or is used as it is in a folder holding the council's own
export. The log's ``dispute_id`` is hashed too (a tribunal's case number can identify a
child). A row that joins no child is a finding, named by row and column with its value
masked; the findings file, kept beside the log, holds the full value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sendlib.data.contract import contract, find_source
from sendlib.data.sen2 import folder as dest
from sendlib.data.sen2.ids import IdKey
from sendlib.data.sen2.merge import upn_hash
from sendlib.data.sen2.side_files import read_side_file
from sendlib.data.sen2.xml import Sen2Error
from sendlib.data.sources import header_key, read_source

__all__ = ["LogImport", "import_log"]

COLUMNS = ("dispute_id", "kind", "registered_date", "outcome", "outcome_date")
FINDING_COLUMNS = ["file", "row", "column", "value", "reason"]


@dataclass
class LogImport:
    """What the disputes import read, joined and could not join."""

    log: Path
    out: Path
    rows: int
    joined: int
    by: str  # how children were named: upn, uln, person_id
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))


def _read(path: Path) -> tuple[pd.DataFrame, list[int]]:
    table = read_side_file(path)
    frame = table.frame.rename(columns=header_key)
    return frame.fillna(""), [int(r) for r in table.rows]


def _person_frame(out: Path) -> pd.DataFrame:
    path = find_source(out, "person")
    if path is None:
        raise Sen2Error(
            str(out),
            None,
            "",
            "holds no person.csv: import the SEN2 returns first (sendlib "
            "import sen2 … --out DIR), then the disputes log into the same folder",
        )
    table = read_source(path, contract().files["person"])
    if table.frame is None:
        raise Sen2Error(path.name, None, "", "cannot be read as a table")
    return table.frame


def import_log(
    log: Path,
    out: Path,
    key: IdKey,
    lookup: Path | None = None,
    force: bool = False,
) -> LogImport:
    """Write ``out/disputes.csv`` from the log's rows that join a child of ``out``."""
    log, out = Path(log), Path(out)
    frame, lines = _read(log)
    missing = [c for c in ("dispute_id", "kind", "registered_date") if c not in frame.columns]
    if missing:
        raise Sen2Error(log.name, 1, "", f"has no column {', '.join(missing)}")
    by = next((c for c in ("upn", "uln", "person_id") if c in frame.columns), None)
    if by is None:
        raise Sen2Error(log.name, 1, "", "names no child: give a upn, uln or person_id column")
    record = dest.Record.read(out)
    imported = record is not None and bool(record.key)
    if imported and record.key != key.id("K", dest.KEY_CHECK):
        raise Sen2Error(
            str(out),
            None,
            "",
            "was imported with another id key: the log's rows would "
            "join no child. Use the key the SEN2 import used",
        )
    if not force:
        foreign = [f for f in dest.foreign_files(out, record) if f.startswith("disputes.")]
        if foreign:
            raise Sen2Error(
                str(out),
                None,
                "",
                f"holds {foreign[0]}, which sendlib import did not write: "
                "give --force to replace it",
            )
    people = _person_frame(out)
    person_ids, reasons = _join(frame, by, people, key, imported, lookup, log)
    ok = person_ids != ""
    written = pd.DataFrame(
        {
            "dispute_id": [key.id("D", v.strip()) for v in frame.loc[ok, "dispute_id"]],
            "person_id": person_ids[ok],
            **{c: frame.loc[ok, c] if c in frame.columns else "" for c in COLUMNS[1:]},
        }
    )[list(contract().files["disputes"].columns)]
    dest.write_one(written, out, "disputes.csv", record or dest.Record())
    bad = ~ok
    column = [by if by in frame.columns else "person_id"] * int(bad.sum())
    findings = pd.DataFrame(
        {
            "file": log.name,
            "row": [lines[i] for i in range(len(frame)) if bad[i]],
            "column": column,
            "value": frame.loc[bad, by].to_numpy() if by in frame.columns else "",
            "reason": reasons[bad],
        }
    )
    return LogImport(log, out, len(frame), int(ok.sum()), by, findings)


def _join(
    frame: pd.DataFrame,
    by: str,
    people: pd.DataFrame,
    key: IdKey,
    imported: bool,
    lookup: Path | None,
    log: Path,
) -> tuple[pd.Series, pd.Series]:
    """Each row's person id (``""`` when it joins no child) and why not."""
    ids = pd.Series("", index=frame.index, dtype=object)
    why = pd.Series("", index=frame.index, dtype=object)
    upns = frame["upn"] if "upn" in frame.columns else pd.Series("", index=frame.index)
    if by == "person_id" and imported:
        if lookup is None:
            raise Sen2Error(
                log.name,
                1,
                "person_id",
                "names children by the council's own ids, but "
                "this folder's children are keyed by UPN (a SEN2 import): give --lookup "
                "FILE, the case system's person_id and upn of each child",
            )
        table, _ = _read(Path(lookup))
        if not {"person_id", "upn"} <= set(table.columns):
            raise Sen2Error(Path(lookup).name, 1, "", "has no person_id and upn columns")
        upn_of = dict(zip(table["person_id"].str.strip(), table["upn"].str.strip(), strict=True))
        upns = frame["person_id"].str.strip().map(upn_of).fillna("")
        why[upns == ""] = f"this person_id is not in {Path(lookup).name}"
    known = set(people["person_id"])
    if by == "person_id" and not imported:
        given = frame["person_id"].str.strip()
        ids[given.isin(known)] = given
        why[~given.isin(known)] = "no child with this person_id in person.csv"
        return ids, why
    births = frame["birth_date"].str.strip() if "birth_date" in frame.columns else None
    hashed = people["upn"].fillna("")
    given = hashed[hashed != ""]
    hashed_upns = bool(len(given)) and bool(given.str.match(r"^U[0-9a-f]{16}$").all())
    for i in frame.index:
        upn = str(upns[i]).strip().upper()
        if upn:
            wanted = upn_hash(upn, key) if hashed_upns else upn
            found = people[hashed == wanted]
            if len(found) > 1 and births is not None and births[i]:
                found = found[found["birth_date"] == births[i]]
            if len(found) == 1:
                ids[i] = found["person_id"].iloc[0]
            elif len(found) > 1:
                why[i] = "this UPN is held by two children: add their birth_date to tell them apart"
            elif not why[i]:
                why[i] = "no child with this UPN in person.csv"
        elif "uln" in frame.columns and str(frame.at[i, "uln"]).strip():
            pid = key.id("P", "uln", str(frame.at[i, "uln"]).strip())
            if pid in known:
                ids[i] = pid
            else:
                why[i] = "no child with this ULN in person.csv"
        elif not why[i]:
            why[i] = f"no {by} given"
    return ids, why
