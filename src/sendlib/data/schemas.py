"""pandera schemas built from the data contract, checking the raw text of each file.

Every cell arrives as text (blank = ""), so one schema per file can say, vectorised,
which cells are not real dates, numbers, periods or known codes, which required values
are blank and which identifiers repeat. ``failures`` turns pandera's failure cases
into findings.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sendlib.data import findings as fnd
from sendlib.data.arrow import arrow_text
from sendlib.data.contract import Contract, FileSpec
from sendlib.data.sources import RawTable, header_key

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", ""})
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def is_iso_date(values: pd.Series) -> pd.Series:
    """True where a text cell is blank or a real calendar date written YYYY-MM-DD (ASCII
    digits), checked in Arrow: a national extract has millions of dates."""
    text = arrow_text(values)
    shaped = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$")
    safe = pc.if_else(shaped, text, "2000-01-01")
    parsed = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    # Arrow reads 30 February as 2 March: a real date keeps the day it was written with
    real = pc.equal(pc.day(parsed), pc.cast(pc.utf8_slice_codeunits(safe, 8, 10), pa.int64()))
    ok = pc.or_kleene(pc.equal(text, ""), pc.and_kleene(shaped, real)).fill_null(False)
    return pd.Series(np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool), index=values.index)


def is_number(values: pd.Series) -> pd.Series:
    """True where a text cell is blank or a finite decimal number."""
    parsed = pd.to_numeric(
        values.where(values.str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)")), errors="coerce"
    )
    return (values == "") | parsed.notna()


def is_integer(values: pd.Series) -> pd.Series:
    """True where a text cell is blank or a whole number."""
    return (values == "") | values.str.fullmatch(r"[-+]?\d+")


def is_bool(values: pd.Series) -> pd.Series:
    """True where a text cell is true/false (or yes/no, 1/0) or blank."""
    return values.str.lower().isin(TRUE_WORDS | FALSE_WORDS)


# check name (the finding's rule) -> human reason shown to the user
_REASONS = {
    "blank_required": "is blank but required",
    "bad_date": "is not a real date written YYYY-MM-DD (or DD/MM/YYYY for the whole column)",
    "bad_number": "is not a number",
    "bad_integer": "is not a whole number",
    "bad_bool": "is not true or false",
    "bad_period": "is not a period written YYYY-MM",
    "unknown_code": "is not a known code",
    "out_of_range": "is a number that cannot be right here",
}


def in_range(low: float | None, high: float | None):
    """True where a text cell is blank, not a number (another check says so) or within
    [low, high]."""

    def check(values: pd.Series) -> pd.Series:
        number = pd.to_numeric(values.where(values != ""), errors="coerce")
        inside = pd.Series(True, index=values.index)
        if low is not None:
            inside &= ~(number < low)
        if high is not None:
            inside &= ~(number > high)
        return inside

    return check


def _type_check(kind: str, codes: list[str]):
    from pandera import Check

    if kind == "date":
        return Check(is_iso_date, error="bad_date")
    if kind == "number":
        return Check(is_number, error="bad_number")
    if kind == "integer":
        return Check(is_integer, error="bad_integer")
    if kind == "bool":
        return Check(is_bool, error="bad_bool")
    if kind == "period":
        return Check(lambda s: (s == "") | s.str.fullmatch(PERIOD_PATTERN), error="bad_period")
    if kind == "code":
        allowed = set(codes)
        return Check(lambda s: (s == "") | s.isin(allowed), error="unknown_code")
    return None


def schema_for(spec: FileSpec, contract: Contract, skip: set[str] = frozenset()):
    """The pandera schema of one input file, all columns as text (pandera is imported only
    when data is validated, not when a notebook kernel reads a prepared context); the
    columns in ``skip`` were refused as a whole and are not checked cell by cell."""
    import pandera.pandas as pa
    from pandera import Check

    columns = {}
    for name, col in spec.columns.items():
        checks = []
        if col.required:
            checks.append(Check(lambda s: s != "", error="blank_required"))
        typed = _type_check(col.type, contract.codes_for(spec.name, name))
        if typed is not None and name not in skip:
            checks.append(typed)
        if col.min is not None or col.max is not None:
            checks.append(Check(in_range(col.min, col.max), error="out_of_range"))
        columns[name] = pa.Column(None, checks=checks, required=col.required, nullable=False)
    return pa.DataFrameSchema(
        columns,
        unique=spec.key or None,
        report_duplicates="exclude_first",
        name=spec.filename,
    )


def failures(
    table: RawTable, spec: FileSpec, contract: Contract, skip: set[str] = frozenset()
) -> pd.DataFrame:
    """Validate one table read as text; every failing cell becomes an error finding."""
    import pandera.pandas as pa

    try:
        schema_for(spec, contract, skip).validate(table.frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _to_findings(exc.failure_cases, spec, contract, table)
    return fnd.empty()


def nearest_header(column: str, headers: list[str], spec: FileSpec) -> str:
    """The header nearest to a missing required column (' — the nearest header is
    'recieved_date': a misspelling?'), or the headers the file has when none is near."""
    strangers = [h for h in headers if h not in spec.columns]  # not another contract column
    keys = {header_key(h): h for h in strangers}
    close = difflib.get_close_matches(column, list(keys), n=1, cutoff=0.6)
    if close:
        return f" — the nearest header is '{keys[close[0]]}': a misspelling of '{column}'?"
    if headers:
        shown = ", ".join(f"'{h}'" for h in headers[:12])
        more = f" and {len(headers) - 12} more" if len(headers) > 12 else ""
        return f" (the header has {shown}{more})"
    return ""


def _to_findings(
    cases: pd.DataFrame, spec: FileSpec, contract: Contract, table: RawTable
) -> pd.DataFrame:
    def locate(index: pd.Series) -> np.ndarray:
        return table.rows[index.astype(int).to_numpy()]

    out = []
    for check, group in cases.groupby("check", sort=False, dropna=False):
        check = str(check)
        if check == "column_in_dataframe":
            for column in group["failure_case"]:
                out.append(
                    fnd.make(
                        "error",
                        "missing_column",
                        table.file,
                        None,
                        str(column),
                        None,
                        f"required column '{column}' is missing from the header"
                        + nearest_header(str(column), list(table.frame.columns), spec),
                    )
                )
        elif "uniqueness" in check or check.startswith("unique"):
            rows = group.dropna(subset=["index"]).drop_duplicates("index")
            key = ", ".join(spec.key)
            values = rows["failure_case"].astype(str)
            out.append(
                fnd.make(
                    "error",
                    "duplicate_id",
                    table.file,
                    locate(rows["index"]),
                    key,
                    values,
                    f"repeats the {key} of an earlier row",
                )
            )
        elif check in _REASONS:
            rows = group.dropna(subset=["index"])
            reasons = [_reason(check, col, spec, contract) for col in rows["column"]]
            for column, part in rows.assign(reason=reasons).groupby("column", sort=False):
                out.append(
                    fnd.make(
                        "error",
                        check,
                        table.file,
                        locate(part["index"]),
                        str(column),
                        part["failure_case"],
                        part["reason"].iloc[0],
                    )
                )
        else:  # anything pandera reports that we did not foresee still reaches the user
            out.append(
                fnd.make(
                    "error",
                    "invalid",
                    table.file,
                    group["index"].map(
                        lambda i: None if i is None or i != i else int(table.rows[int(i)])
                    ),
                    None,
                    group["failure_case"],
                    check,
                )
            )
    return fnd.combine(out)


def _reason(check: str, column: str, spec: FileSpec, contract: Contract) -> str:
    col = spec.columns.get(column)
    if check == "out_of_range" and col is not None:
        bounds = " and ".join(
            b
            for b in (
                f"at least {col.min:g}" if col.min is not None else "",
                f"at most {col.max:g}" if col.max is not None else "",
            )
            if b
        )
        return f"is a number that cannot be right: it must be {bounds}"
    if check == "unknown_code":
        allowed = contract.codes_for(spec.name, column)
        return f"is not a known code (expected one of {', '.join(allowed)})"
    return _REASONS[check]
