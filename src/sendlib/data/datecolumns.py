"""How a column of dates is written, decided per column and never guessed per cell.

Councils' exports write dates as ISO (``2019-07-01``) or, from Excel in the UK, day
first (``01/07/2019``, ``1/7/2019``, ``01-07-2019``, ``01/07/2019 00:00``). A column whose
values are all day-first dates is read as such, and the report says so once. A column
that mixes the two, or holds values that only make sense month first (``07/31/2019``),
is one error for the column with examples, and none of it is read: a wrong guess would
move every date in it.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sendlib.data import findings as fnd
from sendlib.data.arrow import arrow_text
from sendlib.data.contract import FileSpec
from sendlib.data.sources import RawTable

ISO = r"^\d{4}-\d{2}-\d{2}$"
DAY_FIRST = r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{4})(?: 00:00(?::00)?)?$"


def read_dates(table: RawTable, spec: FileSpec) -> set[str]:
    """Turn day-first date columns of ``table`` into ISO text (in place); returns the
    columns refused as a whole (mixed or month-first), whose cells are not checked one by
    one."""
    refused = set()
    for column in spec.columns_of_type("date"):
        if table.frame is None or column not in table.frame.columns:
            continue
        values = arrow_text(table.frame[column])
        iso = pc.match_substring_regex(values, ISO)
        other = pc.and_(pc.invert(iso), pc.not_equal(values, ""))
        if not pc.any(other).as_py():
            continue  # all ISO (or blank): the usual case, and the fastest
        day_first = pc.match_substring_regex(values, DAY_FIRST)
        if not pc.any(day_first).as_py():
            continue  # not dates at all: each bad cell is its own finding
        if pc.any(iso).as_py():
            _refuse(
                table,
                column,
                iso,
                day_first,
                "mixes ISO dates (YYYY-MM-DD) and "
                "day/month/year dates: save the column in one format",
            )
            refused.add(column)
            continue
        parts = pc.extract_regex(values, DAY_FIRST)
        first = pc.cast(pc.struct_field(parts, "a"), pa.int32())
        second = pc.cast(pc.struct_field(parts, "b"), pa.int32())
        month_first = pc.and_(pc.greater(second, 12), pc.less_equal(first, 12))
        if pc.any(month_first).as_py():
            _refuse(
                table,
                column,
                month_first,
                None,
                "has dates that only make sense month "
                "first (US style); UK exports write day/month/year",
            )
            refused.add(column)
            continue
        year = pc.struct_field(parts, "year")
        text = pc.binary_join_element_wise(
            year,
            pc.utf8_lpad(pc.struct_field(parts, "b"), 2, "0"),
            pc.utf8_lpad(pc.struct_field(parts, "a"), 2, "0"),
            pa.scalar("-", type=values.type),
        )
        real = pc.is_valid(pc.strptime(text, "%Y-%m-%d", "s", error_is_null=True))
        converted = pc.if_else(pc.and_(day_first, real), text, values)  # the rest stay as written
        table.frame[column] = pd.Series(
            converted.to_numpy(zero_copy_only=False), index=table.frame.index, dtype="str"
        )
        table.notes.append(f"{table.file} {column}: read as day/month/year")
    return refused


def _refuse(
    table: RawTable, column: str, one: pa.Array, other: pa.Array | None, reason: str
) -> None:
    """One error for the column, with an example or two (value and row)."""
    examples = []
    for mask in (one, other) if other is not None else (one,):
        hits = pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy()
        if len(hits):
            at = int(hits[0])
            examples.append(f"{table.frame[column].iloc[at]} (row {int(table.rows[at])})")
    finding = fnd.make(
        "error",
        "date_format",
        table.file,
        None,
        column,
        ["; ".join(examples)],
        f"the column {reason}; e.g. {', '.join(examples)}",
    )
    table.findings = fnd.combine([table.findings, finding])
