"""Rules on any element of a kind: dates that are not dates, flags that are not true or
false, and dates after the census (a return describes what had happened by its census).

Each rule's wording is sendlib's: COLLECT's own wording of the SEN2 rules is not public.
"""

from __future__ import annotations

from sendlib.data.sen2.check.rule import ERROR, Hits, rows, rule
from sendlib.data.sen2.check.tables import ReturnTables
from sendlib.data.sen2.xml import DATE

DATES = {
    "person": ("personbirthdate",),
    "request": ("receiveddate", "requestoutcomedate"),
    "assessment": ("assessmentoutcomedate",),
    "namedplan": ("startdate", "ceasedate"),
    "activeplans": (
        "reviewmeeting",
        "lastreview",
        "reviewdraft",
        "phasetransferduedate",
        "phasetransferfinaldate",
    ),
    "placementdetail": ("entrydate", "leavingdate"),
}
#: a deadline may lie after the census (15 February, when the census is in January)
AHEAD = {("activeplans", "phasetransferduedate")}
FLAGS = {
    "request": ("rya", "requestmediation", "requesttribunal", "exported"),
    "assessment": (
        "assessmentmediation",
        "assessmenttribunal",
        "othermediation",
        "othertribunal",
        "week20",
    ),
    "namedplan": ("pb", "oa"),
    "placementdetail": ("senunitindicator", "resourcedprovisionindicator"),
}
TRUE_FALSE = ("true", "false", "1", "0")


@rule("SL9001", ERROR, "person", "(any date)", "not a date (YYYY-MM-DD)")
def dates_are_dates(t: ReturnTables) -> list[Hits]:
    """Every date element given is an XML Schema date (``2025-01-16``, optionally with a
    time zone or a time). COLLECT's wording is not public; the wording is sendlib's."""
    out = []
    for module, names in DATES.items():
        for name in names:
            text = t.col(module, name)
            bad = (text != "") & (~text.str.match(DATE) | t.date(module, name).isna())
            out.append(Hits(module, rows(bad), name))
    return out


@rule("SL9002", ERROR, "request", "(any flag)", "not true or false (or 1 or 0)")
def flags_are_flags(t: ReturnTables) -> list[Hits]:
    """Every flag given is an XML Schema boolean. COLLECT's wording is not public; the
    wording is sendlib's."""
    out = []
    for module, names in FLAGS.items():
        for name in names:
            text = t.col(module, name).str.lower()
            out.append(Hits(module, rows((text != "") & ~text.isin(TRUE_FALSE)), name))
    return out


@rule("SL9003", ERROR, "person", "(any date)", "after the census date")
def nothing_after_census(t: ReturnTables) -> list[Hits]:
    """No date is after the ReferenceDate, but a phase transfer's due date: a return
    describes what had happened by its census. COLLECT's wording is not public; the
    wording is sendlib's."""
    census = t.census
    if census is None:
        return []
    out = []
    for module, names in DATES.items():
        for name in names:
            if (module, name) not in AHEAD:
                out.append(Hits(module, rows(t.date(module, name) > census), name))
    return out
