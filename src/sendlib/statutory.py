"""The statutory time limits and the calendar rules every measure counts by, in one place.

Limits in days (SEND Regulations 2014): the decision whether to assess within 6 weeks of
the request (reg 5(1): 42 days), the final plan within 20 weeks (reg 13(2): 140 days, day
140 included), the decision after an annual review meeting within 4 weeks (reg 20(10): 28
days). Limits in months: a plan is reviewed within 12 months of the plan or the previous
review (Children and Families Act 2014 s44(1)); the council counts it *overdue* only after 14
months, as the amended plan may follow 8 weeks after the meeting (reg 22(3)): 12 to 14
months since the last review (or the plan) is *due*, beyond 14 *overdue*.

Calendar months are counted as a person counts them: "12 months before 31 March 2026" is
31 March 2025, and the day is kept and clamped to the target month, so "14 months before
28 February 2026" is 28 December 2024 and "12 months before 29 February 2024" is 28
February 2023 (python-dateutil's ``relativedelta``). Each rule has a scalar form here
(dates) and an array form (month ordinals and days of the month, for the measures):
the property tests hold the two to ``relativedelta`` for every month end 2015-2035.

A reporting year starts in January (calendar year), April (financial year) or September
(academic year): ``year_start`` in report.yaml, for every year-to-date measure.

This module needs neither pandas nor numpy at import (the narrative-only path reads it).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from sendlib.months import Month

DECISION_DAYS = 42  # SEND Regs 2014 reg 5(1): decide whether to assess within 6 weeks
NO_PLAN_NOTICE_DAYS = 112  # reg 10(1): the family told within 16 weeks that no plan follows
PLAN_DAYS = 140  # reg 13(2): the final plan within 20 weeks ("within" includes day 140)
REVIEW_DECISION_DAYS = 28  # reg 20(10): the decision (and an amend's draft) within 4 weeks
AMENDED_PLAN_DAYS = 56  # reg 22(3): the final amended plan within 8 weeks of the meeting
REVIEW_MONTHS = 12  # CFA 2014 s44(1): reviewed within 12 months of the plan or last review
OVERDUE_MONTHS = 14  # the council's rule: 12 months and reg 22(3)'s 8 weeks, as whole months
LONG_WAIT_DAYS = 26 * 7  # the council's line past 20 weeks: a plan six months in coming
#: reg 18(1): a phase transfer's amended plan by 15 February of the year of a move between
#: schools, (1)(b) by 31 March for a move from school to a post-16 institution: (month, day)
TRANSFER_DEADLINES: dict[str, tuple[int, int]] = {"school": (2, 15), "post16": (3, 31)}

#: ``(first day, last day or None, code)``: how long a request has waited, in the bands the
#: time limits make (a decision by 6 weeks, a no-plan notice by 16, the plan by 20)
WAITING_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, DECISION_DAYS, "0-6wk"),
    (DECISION_DAYS + 1, NO_PLAN_NOTICE_DAYS, "6-16wk"),
    (NO_PLAN_NOTICE_DAYS + 1, PLAN_DAYS, "16-20wk"),
    (PLAN_DAYS + 1, None, "20wk+"),
)
#: the same bands for a plan not yet issued, with the wait past 20 weeks split at 26
NOT_ISSUED_BANDS: tuple[tuple[int, int | None, str], ...] = (
    *WAITING_BANDS[:-1],
    (PLAN_DAYS + 1, LONG_WAIT_DAYS, "20-26wk"),
    (LONG_WAIT_DAYS + 1, None, "26wk+"),
)

YearStart = Literal["January", "April", "September"]
#: the first month of each kind of reporting year
YEAR_STARTS: dict[str, int] = {"January": 1, "April": 4, "September": 9}
#: how the paper names each kind of year ("in the academic year to date")
YEAR_NAMES: dict[str, str] = {
    "January": "calendar year",
    "April": "financial year",
    "September": "academic year",
}


# ---------------------------------------------------------------- dates (scalar)
def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus whole calendar months, the day kept and clamped to the target month
    (2026-02-28 − 14 = 2024-12-28; 2024-02-29 − 12 = 2023-02-28)."""
    from dateutil.relativedelta import relativedelta

    return day - relativedelta(months=months)


def overdue_before(month: Month) -> dt.date:
    """A plan whose last review (or start) is before this date is overdue at the end of
    ``month``: month end minus 14 calendar months (12 months of CFA 2014 s44(1) and the
    8 weeks of reg 22(3) for the amended plan, as whole months)."""
    return months_before(month.end, OVERDUE_MONTHS)


def review_due_by(month: Month) -> dt.date:
    """A plan whose last review (or start) is on or before this date is due a review at
    the end of ``month``: month end minus 12 calendar months (CFA 2014 s44(1))."""
    return months_before(month.end, REVIEW_MONTHS)


def review_status(anchor: dt.date, month: Month) -> str:
    """``overdue``, ``due`` or ``in_date`` at the end of ``month`` for a plan whose last
    review meeting (or start, if never reviewed) was on ``anchor``."""
    if anchor < overdue_before(month):
        return "overdue"
    if anchor <= review_due_by(month):
        return "due"
    return "in_date"


def reviewed_within_12_months(meeting: dt.date, month: Month) -> bool:
    """A review meeting counts as 'in the last 12 months' at the end of ``month`` when it is
    after month end minus 12 calendar months and on or before month end."""
    return review_due_by(month) < meeting <= month.end


# ---------------------------------------------------------------- reporting years
def year_start_month(start: str) -> int:
    """The calendar month (1, 4 or 9) a reporting year begins in."""
    try:
        return YEAR_STARTS[start]
    except KeyError:
        raise ValueError(f"year_start '{start}' is not one of {', '.join(YEAR_STARTS)}") from None


def reporting_year(month: Month, start: str = "January") -> Month:
    """The first month of the reporting year that contains ``month``."""
    first = year_start_month(start)
    back = (month.number - first) % 12
    return month - back


def year_name(start: str = "January") -> str:
    """'calendar year', 'financial year' or 'academic year'."""
    year_start_month(start)
    return YEAR_NAMES[start]


def year_to_date(start: str = "January") -> str:
    """'calendar year to date' (January), 'financial year to date', 'academic year to date'."""
    return f"{year_name(start)} to date"


def year_label(month: Month, start: str = "January") -> str:
    """The reporting year containing ``month`` as a reader writes it: 2026 (calendar),
    2026/27 (financial or academic)."""
    first = reporting_year(month, start)
    if start == "January":
        return str(first.year)
    return f"{first.year}/{(first.year + 1) % 100:02d}"


# ---------------------------------------------------------------- the same rules on arrays
# Month ordinals count months since 1970-01 (pandas' Period ordinals); ``dom`` is the day
# of the month. numpy is imported inside, so this module stays light to import.
def days_in_month(months):
    """Days in each month ordinal (an int or an array)."""
    import numpy as np

    m = np.asarray(months, dtype=np.int64)
    year, number = 1970 + m // 12, m % 12 + 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.asarray([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    return days[number - 1] + ((number == 2) & leap)


def first_month_more_than(anchor_month, anchor_dom, months: int):
    """The first month M at whose end a date (month ordinal, day of month) is *before*
    month end minus ``months`` calendar months (e.g. overdue: more than 14 months).

    Month end of M minus n months is day min(dim(M), dim(M − n)) of M − n; the anchor is
    before it in M = anchor + n when its day is below both, else from the month after.
    """
    import numpy as np

    m = np.asarray(anchor_month, dtype=np.int64)
    dom = np.asarray(anchor_dom, dtype=np.int64)
    inside = dom < np.minimum(days_in_month(m + months), days_in_month(m))
    return m + months + ~inside


def first_month_at_least(anchor_month, anchor_dom, months: int):
    """The first month M at whose end a date is *on or before* month end minus ``months``
    calendar months (e.g. due: 12 months or more; held 12 months or more)."""
    import numpy as np

    m = np.asarray(anchor_month, dtype=np.int64)
    dom = np.asarray(anchor_dom, dtype=np.int64)
    return m + months + (dom > days_in_month(m + months))


def _month_ordinal(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def month_of_ordinal(ordinal: int) -> Month:
    """The ``Month`` of a month ordinal."""
    return Month(1970 + ordinal // 12, ordinal % 12 + 1)


def ordinal_of(month: Month | dt.date) -> int:
    """The month ordinal (months since 1970-01) of a month or a date."""
    if isinstance(month, dt.date):
        return _month_ordinal(month)
    return (month.year - 1970) * 12 + month.number - 1


def last_day(year: int, month: int) -> int:
    """Days in a calendar month."""
    return calendar.monthrange(year, month)[1]
