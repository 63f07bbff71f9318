"""Findings: every problem with the input, as a row naming file, row, column, value and reason.

Findings are a tidy frame so that a national-scale extract with many warnings stays cheap,
and so the paper's data-quality section can count them by rule.
"""

from __future__ import annotations

import re

import pandas as pd

COLUMNS = ["severity", "rule", "file", "row", "column", "value", "reason"]

#: Plain-English description of each rule, used for the data-quality summary.
RULE_TITLES: dict[str, str] = {
    # errors: the run stops
    "unreadable_file": "File cannot be read as a table",
    "ambiguous_source": "More than one file holds the same table",
    "date_format": "A date column mixes formats or is written month first",
    "depends_on_broken": "Rows refer to a file that could not be read",
    "out_of_range": "Number that cannot be right (a population of 0, a negative count)",
    "missing_file": "A file the catalogue needs is missing",
    "file_not_held": "A file the council may not hold is missing: its figures are not available",
    "malformed_row": "Row has the wrong number of fields",
    "missing_column": "Required column is missing",
    "duplicate_column": "Column name appears twice in the header",
    "blank_required": "Required value is blank",
    "bad_date": "Date is not a real date (YYYY-MM-DD or DD/MM/YYYY)",
    "bad_number": "Value is not a number",
    "bad_integer": "Value is not a whole number",
    "bad_bool": "Value is not true or false",
    "bad_period": "Period is not YYYY-MM",
    "unknown_code": "Code is not in the SEN2 code list",
    "duplicate_id": "Identifier appears on more than one row",
    "orphan_reference": "Refers to a record that does not exist",
    # warnings: the run continues and the paper lists them
    "date_order": "Dates are in an impossible order",
    "plan_before_request": "Plan dated before its request (left out of 20-week timeliness)",
    "date_after_extract": "Date falls after the extract date",
    "age_26_plus": "Plan holder aged 26 or over at month end",
    "missing_upn": "No UPN for a child aged 6 or over",
    "overlapping_placements": "Overlapping open placements for one person",
    "unnecessary_exception": "20-week exception recorded on a plan issued within 20 weeks",
    "review_before_plan": "Review meeting dated before the plan started",
    "blank_gender": "Gender not recorded",
    "duplicate_upn": "The same UPN is held by more than one person",
    "cease_without_reason": "Plan ceased with no cease reason",
    "plans_per_request": "More than one plan for one request",
    "two_open_plans": "Two open plans for one person at month end",
    "unknown_kpi": "A partner return or benchmark for a KPI not in the catalogue",
    "unknown_column": "A column the data contract does not know (not read)",
    "invalid": "Other problem found by the schema",
}


#: problems with a whole file or column: the causes, listed before what follows from them
STRUCTURAL = frozenset(
    {
        "unreadable_file",
        "missing_file",
        "file_not_held",
        "ambiguous_source",
        "malformed_row",
        "missing_column",
        "duplicate_column",
        "date_format",
    }
)


def empty() -> pd.DataFrame:
    """A findings frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def make(
    severity: str,
    rule: str,
    file: str,
    rows: pd.Series | list | None,
    column: str | None,
    values: pd.Series | list | None,
    reason: str | pd.Series,
) -> pd.DataFrame:
    """Findings of one rule for many rows at once (vectorised)."""
    if rows is None:
        rows = [None]
    n = len(rows)
    frame = pd.DataFrame(
        {
            "severity": severity,
            "rule": rule,
            "file": file,
            "row": pd.array(list(rows), dtype="Int64"),
            "column": column,
            "value": list(values) if values is not None else [None] * n,
            "reason": list(reason) if isinstance(reason, pd.Series) else reason,
        },
        index=range(n),
    )
    frame["value"] = frame["value"].map(lambda v: None if v is None or v != v else str(v))
    return frame[COLUMNS]


#: a finding about a whole row carries the row's text: masked like a personal value
WHOLE_ROW = frozenset({"malformed_row"})
_EXAMPLE_DIGITS = re.compile(r"(?<!row )(?<![\w])\d+")


def mask(value: str) -> str:
    """A personal value as the screen shows it: each letter and digit a dot, punctuation
    kept (so '31/02/2012' shows as '••/••/••••': the shape, not the value)."""
    shown = "".join("•" if ch.isalnum() else ch for ch in value[:24])
    return shown + ("…" if len(value) > 24 else "")


def masked(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings as they are printed (the screen, cron logs and mail): the value of every
    column marked ``personal`` in the contract — and a whole row's text — masked, and the
    examples a reason quotes from such a column too; the file, row, column and reason
    stay. The full values are only in validation.csv, which stays beside the data."""
    from sendlib.data.contract import personal_columns

    if findings.empty:
        return findings
    personal = findings["column"].isin(personal_columns()) | findings["rule"].isin(WHOLE_ROW)
    out = findings.copy()
    values = out.loc[personal, "value"]
    out.loc[personal, "value"] = values.map(lambda v: v if v is None else mask(str(v)))
    quoting = personal & out["reason"].astype(str).str.contains("e.g. ", regex=False)
    out.loc[quoting, "reason"] = out.loc[quoting, "reason"].map(_mask_examples)
    return out


def _mask_examples(reason: str) -> str:
    head, _, examples = reason.partition("e.g. ")
    return head + "e.g. " + _EXAMPLE_DIGITS.sub(lambda m: "•" * len(m.group()), examples)


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack findings in a stable order: notes, then errors — causes (a file or column that
    cannot be read) before the rest — then warnings; within each by file, row and column."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty()
    out = pd.concat(frames, ignore_index=True)
    out["_sev"] = out["severity"].map({"note": 0, "error": 3, "warning": 4}).fillna(5)
    out.loc[out["rule"].isin(STRUCTURAL), "_sev"] = 1  # the causes …
    out.loc[out["rule"] == "depends_on_broken", "_sev"] = 2  # … then what follows from them
    out = out.sort_values(
        ["_sev", "file", "row", "column", "rule"], na_position="first", kind="stable"
    )
    return out.drop(columns="_sev").reset_index(drop=True)


def errors(findings: pd.DataFrame) -> pd.DataFrame:
    """Only the findings that stop a run."""
    return findings[findings["severity"] == "error"]


def warnings(findings: pd.DataFrame) -> pd.DataFrame:
    """Only the findings the run carries on with."""
    return findings[findings["severity"] == "warning"]


def notes(findings: pd.DataFrame) -> list[str]:
    """How the files were read (an encoding, renamed headers, day-first dates)."""
    return findings.loc[findings["severity"] == "note", "reason"].tolist()


def note(file: str, text: str) -> pd.DataFrame:
    """A note on how a file was read (not a problem)."""
    return make("note", "how_read", file, None, None, None, text)


def summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Counts by severity and rule, with the rule's description: the paper's data-quality
    summary."""
    findings = findings[findings["severity"] != "note"]
    if findings.empty:
        return pd.DataFrame(columns=["severity", "rule", "description", "count"])
    counts = findings.groupby(["severity", "rule"], sort=False).size().rename("count").reset_index()
    counts["description"] = counts["rule"].map(RULE_TITLES).fillna(counts["rule"])
    counts = counts.sort_values(["severity", "count", "rule"], ascending=[True, False, True])
    return counts[["severity", "rule", "description", "count"]].reset_index(drop=True)


class InvalidData(Exception):  # noqa: N818 - the name users see
    """The input data has errors; ``findings`` lists every one of them."""

    def __init__(self, findings: pd.DataFrame):
        self.findings = findings
        n = len(errors(findings))
        super().__init__(f"{n} data error{'s' if n != 1 else ''} in the input")
