"""Annual reviews.

A plan must be reviewed within 12 months of the plan or the previous review (Children and
Families Act 2014 s44(1)), and the council must tell the family its decision within 4
weeks of the review meeting (SEND Regulations 2014 reg 20(10)). The council's rule: a plan
whose last review (or start, if never reviewed) was 12–14 months before month end is
*due*, not overdue, because the amended plan may take 8 weeks after the meeting (reg
22(3)); beyond 14 months it is *overdue*.

Months are calendar months with the day kept and clamped (``sendlib.statutory``): at the
end of February 2026 a plan last reviewed on 28 December 2024 is due, not overdue (month end
minus 14 months is 28 December 2024, and the review is not before it).

Each plan's history is a chain of *anchors*: its start, then each review meeting. Anchor
j is the plan's last review for the months from P(anchor j) until the next anchor, so
every measure is a count of month windows, computed for all months at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sendlib.measures.calendar import (
    NEVER,
    count_in,
    count_open,
    months_after,
    next_differs,
    pct,
    shift,
)
from sendlib.measures.cases import Cases
from sendlib.measures.family import family
from sendlib.statutory import (
    OVERDUE_MONTHS,
    REVIEW_DECISION_DAYS,
    REVIEW_MONTHS,
    first_month_at_least,
    first_month_more_than,
)

#: review status of a current plan at month end (in date; due at 12–14 months; overdue beyond)
IN_DATE, DUE, OVERDUE = "in_date", "due", "overdue"


def _anchors(cases: Cases) -> pd.DataFrame:
    """Per plan: each anchor (start or review meeting) with the month its successor starts."""
    plans = cases.plans
    meetings = cases.reviews  # sorted by plan, then meeting date (``prepare``)
    row = meetings["plan_row"].to_numpy()
    plan_start = plans["start_ymd"].to_numpy()[row]
    # a meeting dated before the plan started (a data-quality warning) cannot reset the clock
    usable = (row >= 0) & (meetings["meeting_ymd"].to_numpy() >= plan_start)
    rows = np.concatenate((np.arange(len(plans)), row[usable]))
    order = np.argsort(rows, kind="stable")
    m = np.concatenate((plans["start_m"].to_numpy(), meetings["meeting_m"].to_numpy()[usable]))
    ymd = np.concatenate(
        (plans["start_ymd"].to_numpy(), meetings["meeting_ymd"].to_numpy()[usable])
    )
    anchors = pd.DataFrame({"plan_row": rows[order], "m": m[order], "dom": ymd[order] % 100})
    row = anchors["plan_row"].to_numpy()
    following = np.roll(anchors["m"].to_numpy(), -1)
    anchors["next_m"] = np.where(next_differs(row), NEVER, following)
    anchors["start_m"] = plans["start_m"].to_numpy()[row]
    anchors["cease_m"] = plans["cease_m"].to_numpy()[row]
    # due from the first month end at least 12 calendar months after the anchor, overdue
    # from the first more than 14 months after it (the day kept and clamped: statutory)
    m, dom = anchors["m"].to_numpy(), anchors["dom"].to_numpy()
    anchors["due_from"] = first_month_at_least(m, dom, REVIEW_MONTHS)
    anchors["overdue_from"] = first_month_more_than(m, dom, OVERDUE_MONTHS)
    return anchors


@dataclass(frozen=True)
class StatusWindows:
    """For each anchor, the months [lo, hi) in which its plan is in date, due or overdue
    for review: the one rule the review KPIs and the review-status breakdowns share."""

    plan_row: np.ndarray
    anchor_m: np.ndarray
    current_until: np.ndarray
    due_from: np.ndarray
    overdue_from: np.ndarray

    def by_status(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        m, until = self.anchor_m, self.current_until
        return {
            IN_DATE: (m, np.minimum(self.due_from, until)),
            DUE: (self.due_from, np.minimum(self.overdue_from, until)),
            OVERDUE: (np.maximum(self.overdue_from, m), until),
        }


def status_windows(cases: Cases) -> StatusWindows:
    """Each anchor's review-status windows (see ``StatusWindows``)."""
    anchors = _anchors(cases)
    m = anchors["m"].to_numpy()
    return StatusWindows(
        anchors["plan_row"].to_numpy(),
        m,
        np.minimum(anchors["next_m"].to_numpy(), anchors["cease_m"].to_numpy()),
        anchors["due_from"].to_numpy(),
        anchors["overdue_from"].to_numpy(),
    )


#: the measures that read the decision after a review meeting
DECIDED = {
    "reviews_not_finalised": "Review meetings held by month end with no decision "
    "(maintain, amend or cease) notified by then.",
    "review_decisions": "Decisions after an annual review (maintain, amend or cease the "
    "plan) notified in the month.",
    "review_decisions_4wk_pct": "Of decisions after a review notified in the month, % "
    "within 4 weeks (28 days) of the review meeting (SEND Regulations 2014 reg 20(10)).",
}


@family(
    "reviews",
    {
        "reviews_overdue": "EHC plans in force at month end whose last review meeting (or "
        "start, if never reviewed) was more than 14 months before: the 12 months of Children "
        "and Families Act 2014 s44(1) and the 8 weeks of SEND Regulations 2014 reg 22(3).",
        "reviews_due_12_14m": "EHC plans in force at month end whose last review meeting (or "
        "start) was 12 to 14 months before: due, not yet overdue.",
        "reviews_due_3m": "EHC plans in force at month end whose next annual review falls due "
        "(12 months after the last review or the start) within the next 3 months.",
        "reviews_in_12m_pct": "Of EHC plans in force at month end that started at least 12 "
        "months before, % with a review meeting in the 12 months to month end (Children "
        "and Families Act 2014 s44(1)).",
        "reviews_held_12m": "EHC plans in force at month end that started at least 12 months "
        "before: the plans due at least one annual review.",
        "reviews_completed": "Annual review meetings held in the month.",
        **DECIDED,
    },
    ("person", "plans", "reviews"),
    needs=("plans.plan_id", "reviews.review_meeting_date"),
    also_needs={kpi: ("reviews.decision_date",) for kpi in DECIDED},
)
def reviews(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Overdue, due (12–14 months), due in the next 3 months, % reviewed in 12 months."""
    windows = status_windows(cases)
    status = windows.by_status()
    m, current_until = windows.anchor_m, windows.current_until
    overdue = count_open(*status[OVERDUE], months)
    due = count_open(*status[DUE], months)
    # next review due date = anchor + 12 months, falling within the 3 months after month end
    due_soon = count_open(np.maximum(m + 9, m), np.minimum(m + 12, current_until), months)

    # % of plans held ≥ 12 months (started on or before month end minus 12 months) that had
    # a review meeting after that date and on or before month end
    plans = cases.plans
    start, plan_cease = plans["start_m"].to_numpy(), plans["cease_m"].to_numpy()
    held_from = first_month_at_least(start, plans["start_ymd"].to_numpy() % 100, REVIEW_MONTHS)
    held_12m = count_open(held_from, plan_cease, months)
    rv = cases.reviews
    row = rv["plan_row"].to_numpy()  # sorted by plan, then meeting
    linked = row >= 0
    row, meet = row[linked], rv["meeting_m"].to_numpy()[linked]
    # a meeting counts until the first month end it is 12 months or more before
    meet_until = first_month_at_least(
        meet, rv["meeting_ymd"].to_numpy()[linked] % 100, REVIEW_MONTHS
    )
    prev_end = shift(meet_until, NEVER)
    same_plan = ~shift(next_differs(row), True)
    lo = np.where(same_plan, np.maximum(meet, prev_end), meet)
    lo = np.maximum(lo, held_from[row])
    hi = np.minimum(meet_until, plan_cease[row])
    reviewed = count_open(lo, hi, months)

    finalised = cases.reviews
    decided_m = finalised["decided_m"].to_numpy()
    taken = finalised["decided_day"].to_numpy() - finalised["meeting_day"].to_numpy()
    decisions = count_in(decided_m, months)
    return {
        "review_decisions": decisions,
        "review_decisions_4wk_pct": pct(
            count_in(decided_m[taken <= REVIEW_DECISION_DAYS], months), decisions
        ),
        "reviews_overdue": overdue,
        "reviews_due_12_14m": due,
        "reviews_due_3m": due_soon,
        "reviews_in_12m_pct": pct(reviewed, held_12m),
        "reviews_held_12m": held_12m,
        "reviews_completed": count_in(finalised["meeting_m"].to_numpy(), months),
        "reviews_not_finalised": count_open(
            finalised["meeting_m"].to_numpy(), finalised["decided_m"].to_numpy(), months
        ),
    }


def reviews_due(cases: Cases, month: pd.Period, ahead: int = 12) -> pd.Series:
    """Plans active at month end by when their next annual review falls due (12 months
    after the plan or the last review meeting, Children and Families Act 2014 s44(1)):
    ``due`` (already due or overdue at month end), then each month ahead (``YYYY-MM``).
    A plan falls due at most once in the next 12 months.

    The anchor is the reviews family's (``sendlib.measures.reviews``): the last meeting on
    or before month end, a meeting dated before the plan started not counting; found here
    for the one month by a maximum per plan (a test holds it to the family's chain)."""
    mo = month.ordinal
    plans, reviews = cases.plans, cases.reviews
    row = reviews["plan_row"].to_numpy()
    meeting_m, meeting_ymd = reviews["meeting_m"].to_numpy(), reviews["meeting_ymd"].to_numpy()
    start_m, cease_m = plans["start_m"].to_numpy(), plans["cease_m"].to_numpy()
    usable = row >= 0
    usable[usable] = meeting_ymd[usable] >= plans["start_ymd"].to_numpy()[row[usable]]
    usable &= meeting_m <= mo
    last = np.full(len(plans), -NEVER, dtype=np.int64)
    np.maximum.at(last, row[usable], meeting_m[usable])
    active = (start_m <= mo) & (cease_m > mo)
    due_m = np.maximum(start_m, last)[active] + 12
    out = {"due": int((due_m <= mo).sum())}
    for period in months_after(month, ahead):
        out[str(period)] = int((due_m == period.ordinal).sum())
    return pd.Series(out, name="count")
