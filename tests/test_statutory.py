"""The statutory limits and calendar rules in one place, held to python-dateutil's
``relativedelta`` for every month end 2015-2035 and dates on, before and after each
boundary."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from sendlib import statutory as law
from sendlib.months import Month, months_between

MONTHS = months_between(Month(2015, 1), Month(2035, 12))


def _ordinal(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _boundaries(end: dt.date, months: int) -> list[dt.date]:
    """The boundary ``months`` before a month end, and the days either side of it."""
    edge = end - relativedelta(months=months)
    return [edge - dt.timedelta(days=1), edge, edge + dt.timedelta(days=1)]


def test_the_limits_are_the_regulations():
    assert law.DECISION_DAYS == 6 * 7  # reg 5(1)
    assert law.NO_PLAN_NOTICE_DAYS == 16 * 7  # reg 10(1)
    assert law.PLAN_DAYS == 20 * 7  # reg 13(2)
    assert law.REVIEW_DECISION_DAYS == 4 * 7  # reg 20(10)
    assert (law.REVIEW_MONTHS, law.OVERDUE_MONTHS) == (12, 14)  # s44(1); + reg 22(3)'s 8 weeks


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-02-28", 14, "2024-12-28"),
        ("2026-09-30", 14, "2025-07-30"),
        ("2026-01-31", 14, "2024-11-30"),
        ("2024-02-29", 12, "2023-02-28"),
        ("2025-02-28", 12, "2024-02-28"),
        ("2024-03-31", 1, "2024-02-29"),
    ],
)
def test_month_subtraction_keeps_the_day_and_clamps_it(day, months, expected):
    got = law.months_before(dt.date.fromisoformat(day), months)
    assert got == dt.date.fromisoformat(expected)


@pytest.mark.parametrize("months", [law.REVIEW_MONTHS, law.OVERDUE_MONTHS])
def test_the_array_rules_agree_with_relativedelta_at_every_month_end(months):
    """For every month end 2015-2035 and the dates on and either side of its boundary:
    'before month end minus n months' and 'on or before it' as the array rules count them
    (the first month each becomes true) against relativedelta."""
    anchors, ends = [], []
    for month in MONTHS:
        for day in _boundaries(month.end, months):
            anchors.append(day)
            ends.append(month)
    anchor_m = np.array([_ordinal(a) for a in anchors])
    dom = np.array([a.day for a in anchors])
    more = law.first_month_more_than(anchor_m, dom, months)
    least = law.first_month_at_least(anchor_m, dom, months)
    for i, (anchor, month) in enumerate(zip(anchors, ends, strict=True)):
        m = law.ordinal_of(month)
        edge = month.end - relativedelta(months=months)
        assert (m >= more[i]) == (anchor < edge), (anchor, month)
        assert (m >= least[i]) == (anchor <= edge), (anchor, month)
        # and the months after: once true, true from then on
        later = month + 1
        later_edge = later.end - relativedelta(months=months)
        assert (m + 1 >= more[i]) == (anchor < later_edge)
        assert (m + 1 >= least[i]) == (anchor <= later_edge)


@given(
    anchor=st.dates(dt.date(2013, 1, 1), dt.date(2035, 12, 31)),
    months=st.sampled_from([1, 12, 14, 24]),
    ahead=st.integers(0, 40),
)
def test_the_array_rules_agree_with_relativedelta_for_any_date(anchor, months, ahead):
    month = Month.of(anchor) + ahead
    m = law.ordinal_of(month)
    edge = month.end - relativedelta(months=months)
    a, d = np.array([_ordinal(anchor)]), np.array([anchor.day])
    assert (m >= law.first_month_more_than(a, d, months)[0]) == (anchor < edge)
    assert (m >= law.first_month_at_least(a, d, months)[0]) == (anchor <= edge)


def test_days_in_month_as_the_calendar_has_them():
    for month in MONTHS:
        assert law.days_in_month(law.ordinal_of(month)) == month.end.day


@pytest.mark.parametrize(
    ("anchor", "month", "status"),
    [
        ("2024-12-28", "2026-02", "due"),  # 28 Feb 2026 − 14 months = 28 Dec 2024: not before it
        ("2024-12-27", "2026-02", "overdue"),
        ("2024-12-31", "2026-02", "due"),
        ("2025-07-30", "2026-09", "due"),
        ("2025-07-29", "2026-09", "overdue"),
        ("2024-02-29", "2025-02", "in_date"),  # 28 Feb 2025 − 12 months = 28 Feb 2024
        ("2024-02-28", "2025-02", "due"),
        ("2025-11-30", "2026-11", "due"),
        ("2025-12-01", "2026-11", "in_date"),
    ],
)
def test_review_status_at_the_boundaries(anchor, month, status):
    assert law.review_status(dt.date.fromisoformat(anchor), Month.parse(month)) == status


def test_a_review_on_29_february_counts_as_within_12_months_at_the_end_of_february():
    assert law.reviewed_within_12_months(dt.date(2024, 2, 29), Month(2025, 2))
    assert not law.reviewed_within_12_months(dt.date(2024, 2, 28), Month(2025, 2))


@pytest.mark.parametrize(
    ("start", "month", "first", "name", "label"),
    [
        ("January", Month(2026, 2), Month(2026, 1), "calendar year", "2026"),
        ("April", Month(2026, 2), Month(2025, 4), "financial year", "2025/26"),
        ("April", Month(2026, 4), Month(2026, 4), "financial year", "2026/27"),
        ("September", Month(2026, 8), Month(2025, 9), "academic year", "2025/26"),
        ("September", Month(2026, 9), Month(2026, 9), "academic year", "2026/27"),
    ],
)
def test_reporting_years(start, month, first, name, label):
    assert law.reporting_year(month, start) == first
    assert law.year_name(start) == name
    assert law.year_to_date(start) == f"{name} to date"
    assert law.year_label(month, start) == label


def test_an_unknown_year_start_is_refused():
    with pytest.raises(ValueError, match="January, April, September"):
        law.reporting_year(Month(2026, 1), "March")


def test_waiting_bands_cover_every_day_once_and_break_at_the_time_limits():
    from sendlib.statutory import (
        DECISION_DAYS,
        NO_PLAN_NOTICE_DAYS,
        NOT_ISSUED_BANDS,
        PLAN_DAYS,
        WAITING_BANDS,
    )

    for bands in (WAITING_BANDS, NOT_ISSUED_BANDS):
        assert bands[0][0] == 0 and bands[-1][1] is None
        for (_, last, _), (first, _, _) in itertools.pairwise(bands):
            assert first == last + 1
    assert [hi for _, hi, _ in WAITING_BANDS[:3]] == [DECISION_DAYS, NO_PLAN_NOTICE_DAYS, PLAN_DAYS]
    assert NOT_ISSUED_BANDS[:3] == WAITING_BANDS[:3]


def test_phase_transfer_deadlines_are_15_february_and_31_march():
    from sendlib.statutory import TRANSFER_DEADLINES

    assert TRANSFER_DEADLINES == {"school": (2, 15), "post16": (3, 31)}
