"""Checking a return: read it, run its collection year's pack, and list the findings.

A finding names its rule, severity, line, element path (``Person[3]/Requests/Request[1]/
ReceivedDate``), the element and its value. Values of personal elements (a UPN, a ULN, a
birth date) are masked wherever they are shown (``shown``); the findings file, kept beside
the return, may hold them in full. Names and postcodes are never read at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.data.sen2.check import active
from sendlib.data.sen2.check.header import dsco_required
from sendlib.data.sen2.check.packs import Pack, pack_for
from sendlib.data.sen2.check.requests import request_source_required
from sendlib.data.sen2.check.rule import ERROR, QUERY, Hits, Rule
from sendlib.data.sen2.check.tables import ReturnTables, read_tables, spelt
from sendlib.data.sen2.fields import mask_middle

COLUMNS = ["rule", "severity", "line", "path", "field", "value", "message"]
#: elements whose values are a child's: masked on screen
PERSONAL = frozenset({"personbirthdate", "upn", "uniquelearnernumber"})
HEADER_PATHS = {
    "collection": "Header/CollectionDetails/Collection",
    "year": "Header/CollectionDetails/Year",
    "referencedate": "Header/CollectionDetails/ReferenceDate",
}


@dataclass
class Checked:
    """A return checked: the pack used (and why, when not its own year's), findings and
    the 2026 readiness summary (None when the pack has none)."""

    file: str
    pack: Pack
    note: str
    findings: pd.DataFrame
    readiness: pd.DataFrame | None
    children: int

    @property
    def errors(self) -> int:
        return int((self.findings["severity"] == ERROR).sum())

    @property
    def queries(self) -> int:
        return int((self.findings["severity"] == QUERY).sum())

    def by_rule(self) -> pd.DataFrame:
        """Findings counted by rule, in the pack's order."""
        counts = self.findings.groupby(["rule", "severity"], sort=False).size()
        frame = counts.rename("count").reset_index()
        messages = {r.code: r.message for r in self.pack.rules}
        frame["message"] = frame["rule"].map(messages).fillna("")
        return frame


def check_return(path: Path, year: int | None = None) -> Checked:
    """Check the return at ``path`` with ``year``'s pack (default: its header's year)."""
    t = read_tables(Path(path))
    if t.fatal is not None:
        line, reason = t.fatal
        finding = pd.DataFrame(
            [
                [
                    "SL0001",
                    ERROR,
                    line or 0,
                    "",
                    "",
                    "",
                    f"the return cannot be checked: it {reason}",
                ]
            ],
            columns=COLUMNS,
        )
        pack, note = pack_for(year)
        return Checked(t.file, pack, note, finding, None, 0)
    pack, note = pack_for(year if year is not None else t.year)
    if year is not None and t.year is not None and t.year != year:
        note = f"checked with the {year} rules, but the return's header says {t.year}"
    frame = findings_of(t, pack.rules)
    readiness = readiness_of(t) if pack.readiness else None
    return Checked(t.file, pack, note, frame, readiness, len(t.modules["person"]))


def findings_of(t: ReturnTables, rules: list[Rule]) -> pd.DataFrame:
    """The findings of ``rules`` on the return's tables, in the order of the file."""
    found = [_findings(t, r, hit) for r in rules for hit in r.run(t)]
    frame = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=COLUMNS)
    return frame.sort_values(["line", "rule"], kind="stable").reset_index(drop=True)


def _findings(t: ReturnTables, rule: Rule, hit: Hits) -> pd.DataFrame:
    """One rule's hits as findings."""
    n = len(hit.rows)
    fields = hit.field if isinstance(hit.field, list) else [hit.field] * n
    message = rule.message
    details = hit.detail or [""] * n
    messages = [f"{message} ({d})" if d else message for d in details]
    if hit.module == "header":
        name = fields[0]
        text, line = t.header.get(name, ("", t.header_line))
        path = HEADER_PATHS.get(name, f"Header/Source/{spelt(name)}")
        return pd.DataFrame(
            [
                [
                    rule.code,
                    rule.severity,
                    line or t.header_line,
                    path,
                    spelt(name),
                    text,
                    messages[0],
                ]
            ],
            columns=COLUMNS,
        )
    frame = t.frame(hit.module)
    at = frame.iloc[hit.rows]
    values, lines = [], []
    for i, (row, name) in enumerate(zip(hit.rows, fields, strict=True)):
        values.append(at[name].iloc[i] if name in at.columns else "")
        lines.append(t.line(hit.module, int(row), name))
    paths = (
        at["path"].to_numpy(dtype=object) + "/" + np.array([spelt(f) for f in fields], dtype=object)
    )
    return pd.DataFrame(
        {
            "rule": rule.code,
            "severity": rule.severity,
            "line": lines,
            "path": paths,
            "field": [spelt(f) for f in fields],
            "value": values,
            "message": messages,
        },
        columns=COLUMNS,
    )


def shown(finding) -> str:
    """A finding as one line for the screen: the value masked when it is a child's."""
    value = str(finding.value)
    if finding.field.lower() in PERSONAL and value:
        value = mask_middle(value)
    where = f"line {finding.line}, {finding.path}" if finding.path else f"line {finding.line}"
    said = f" ('{value}')" if value else ""
    return f"{where}: {finding.rule} {finding.severity} — {finding.message}{said}"


def readiness_of(t: ReturnTables) -> pd.DataFrame:
    """For each item mandatory from 2026, how many records it applies to and how many
    lack it (2025's voluntary items: RequestSource, DSCO, ReviewDraft, the phase-transfer
    dates)."""
    census = t.census
    amend = t.col("activeplans", "reviewoutcome").str.upper() == "A"
    decided = t.date("activeplans", "lastreview")
    if census is not None:
        amend &= decided <= census - pd.Timedelta(days=active.DRAFT_DAYS)
    due = t.date("activeplans", "phasetransferduedate")
    passed = due.notna() & (due <= census) if census is not None else due.notna() & False
    moving = active.transfer_expected(t) | t.given("activeplans", "phasetransferduedate")
    rows = [
        ("DSCO", "the return's header", 1, len(dsco_required(t))),
        (
            "RequestSource",
            "requests",
            len(t.frame("request")),
            int(request_source_required(t).sum()),
        ),
        (
            "ReviewDraft",
            "amend decisions more than 4 weeks before the census",
            int(amend.sum()),
            int((amend & ~t.given("activeplans", "reviewdraft")).sum()),
        ),
        (
            "PhaseTransferDueDate",
            "plans of children whose year group moves phase (or with a transfer)",
            int(moving.sum()),
            int(active.transfer_expected(t).sum()),
        ),
        (
            "PhaseTransferFinalDate",
            "phase transfers due before the census",
            int(passed.sum()),
            int((passed & ~t.given("activeplans", "phasetransferfinaldate")).sum()),
        ),
    ]
    return pd.DataFrame(rows, columns=["element", "applies_to", "records", "lacking"])
