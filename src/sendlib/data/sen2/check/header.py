"""Rules on the return's header: which collection, which year and census, which council.

Each rule's wording is sendlib's: COLLECT's own wording of the SEN2 rules is not public.
"""

from __future__ import annotations

import datetime as dt

from sendlib.data.sen2.check.rule import ERROR, QUERY, Hits, header_hit, rule
from sendlib.data.sen2.check.tables import ReturnTables
from sendlib.data.sen2.upn import current_la, la_numbers
from sendlib.data.sen2.xml import DATE

DSCO_CODES = ("Y", "N", "R")


def census_day(year: int) -> dt.date:
    """The SEN2 census date of a collection year: the third Thursday of January (16
    January 2025, 15 January 2026)."""
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)


@rule("SL1001", ERROR, "header", "Collection", "the collection is not SEN2")
def collection_is_sen2(t: ReturnTables) -> list[Hits]:
    """Header/CollectionDetails/Collection is ``SEN2``. COLLECT's wording is not public;
    the wording is sendlib's."""
    return [] if t.head("collection").upper() == "SEN2" else [header_hit(t, "collection")]


@rule(
    "SL1002",
    ERROR,
    "header",
    ("Year", "ReferenceDate"),
    "the collection year is not the year of the census date",
)
def year_of_census(t: ReturnTables) -> list[Hits]:
    """Year is given, four digits, and the year of ReferenceDate. COLLECT's wording is not
    public; the wording is sendlib's."""
    census = t.census
    if t.year is None or (census is not None and census.year != t.year):
        return [header_hit(t, "year")]
    return []


@rule(
    "SL1003",
    ERROR,
    "header",
    "ReferenceDate",
    "the census date is missing, not a date, or not in January",
)
def census_date_given(t: ReturnTables) -> list[Hits]:
    """ReferenceDate is a date in January (the census is taken each January). COLLECT's
    wording is not public; the wording is sendlib's."""
    census = t.census
    return [] if census is not None and census.month == 1 else [header_hit(t, "referencedate")]


@rule(
    "SL1004",
    QUERY,
    "header",
    "ReferenceDate",
    "the census date is not the third Thursday of January",
)
def census_date_is_the_day(t: ReturnTables) -> list[Hits]:
    """The census is on the third Thursday of January (2025: 16 January; 2026: 15
    January). A query: sendlib's reading of the DfE's calendar, not a published rule."""
    census = t.census
    if census is None or census.month != 1 or census.date() == census_day(census.year):
        return []
    return [
        header_hit(
            t,
            "referencedate",
            f"the census day of {census.year} is {census_day(census.year):%d %B %Y}",
        )
    ]


@rule("SL1005", ERROR, "header", "LEA", "the LA number is not one of a local authority in England")
def la_number(t: ReturnTables) -> list[Hits]:
    """Source/LEA is the 3-digit number of a current English local authority (including
    the councils created since 2019: 838, 839, 940–943; ``la_numbers.yaml``). sendlib's
    demo council's made-up 999 passes too. COLLECT's wording is not public; the wording
    is sendlib's."""
    lea = t.head("lea")
    return (
        [] if current_la(lea) or lea in la_numbers().get("made_up", {}) else [header_hit(t, "lea")]
    )


@rule("SL1006", ERROR, "header", "SourceLevel", "the source level is not L (a local authority)")
def source_level(t: ReturnTables) -> list[Hits]:
    """Source/SourceLevel is ``L``. COLLECT's wording is not public; the wording is
    sendlib's."""
    return [] if t.head("sourcelevel").upper() == "L" else [header_hit(t, "sourcelevel")]


@rule(
    "SL1007",
    ERROR,
    "header",
    "DateTime",
    "the date and time the return was made is not a date-time",
)
def made_at(t: ReturnTables) -> list[Hits]:
    """Source/DateTime is a date and time (``2026-01-20T09:30:00``). COLLECT's wording is
    not public; the wording is sendlib's."""
    text = t.head("datetime")
    found = DATE.match(text)
    return [] if found and found.group(2) else [header_hit(t, "datetime")]


@rule("SL1010", ERROR, "header", "DSCO", "DSCO is not Y, N or R")
def dsco_code(t: ReturnTables) -> list[Hits]:
    """2025 (voluntary): a DSCO (Designated Social Care Officer) given is ``Y``, ``N`` or
    ``R``. COLLECT's wording is not public; the wording is sendlib's."""
    value = t.head("dsco").upper()
    return [] if not value or value in DSCO_CODES else [header_hit(t, "dsco")]


@rule("SL1010", ERROR, "header", "DSCO", "DSCO is missing, or not Y, N or R")
def dsco_required(t: ReturnTables) -> list[Hits]:
    """2026 on (mandatory): DSCO is given, ``Y``, ``N`` or ``R``. COLLECT's wording is not
    public; the wording is sendlib's."""
    return [] if t.head("dsco").upper() in DSCO_CODES else [header_hit(t, "dsco")]
