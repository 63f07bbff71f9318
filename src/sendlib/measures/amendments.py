"""Amended plans after an annual review: the draft and the final amended plan.

After a review meeting the local authority must tell the family within 4 weeks whether it
will keep, amend or cease the plan (SEND Regulations 2014 reg 20(10)); an amend decision
goes with the draft amended plan (reg 22(2); SEND Code of Practice 9.176), and the final
amended plan follows within 8 weeks — counted here from the review meeting, as reg 22(3)
is read and as the council's 12–14-month rule for a review *due*, not overdue, assumes.
``reviews.csv``'s ``draft_date`` (the SEN2 return's ``ReviewDraft``) and ``amended_date``
(the final amended plan; not in the SEN2 return) hold them.

Each month counts the drafts (or final amended plans) issued in it and the share issued
within the limit, as the 6-week and 4-week measures count decisions made in the month.
A column the data do not hold (absent or wholly blank) makes its figures not available.
"""

from __future__ import annotations

import numpy as np

from sendlib.measures.calendar import count_in, dates, pct
from sendlib.measures.cases import Cases
from sendlib.measures.family import family
from sendlib.statutory import AMENDED_PLAN_DAYS, REVIEW_DECISION_DAYS

DRAFT_IDS = ("review_drafts_issued", "review_drafts_4wk_pct")
FINAL_IDS = ("review_amended_issued", "review_amended_8wk_pct")


@family(
    "amendments",
    {
        DRAFT_IDS[0]: "Draft amended plans sent in the month after a review decided to amend "
        "the plan (SEND Regulations 2014 reg 22(2)).",
        DRAFT_IDS[1]: "Of draft amended plans sent in the month, % within 4 weeks (28 days) "
        "of the review meeting (SEND Regulations 2014 reg 20(10) with reg 22(2)).",
        FINAL_IDS[0]: "Final amended plans issued in the month after a review.",
        FINAL_IDS[1]: "Of final amended plans issued in the month, % within 8 weeks (56 "
        "days) of the review meeting (SEND Regulations 2014 reg 22(3)).",
    },
    ("person", "plans", "reviews"),
)
def amendments(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Drafts and final amended plans issued in each month, and the share within 4 and
    8 weeks of the review meeting (day 28 and day 56 count)."""
    reviews = cases.tables.reviews
    meeting = dates(reviews["review_meeting_date"]).day
    out: dict[str, np.ndarray] = {}
    for column, limit, (issued_id, pct_id) in (
        ("draft_date", REVIEW_DECISION_DAYS, DRAFT_IDS),
        ("amended_date", AMENDED_PLAN_DAYS, FINAL_IDS),
    ):
        if not reviews[column].notna().any():  # not held: not available, never 0
            out[issued_id] = out[pct_id] = np.full(len(months), np.nan)
            continue
        when = dates(reviews[column])
        issued = count_in(when.month, months)
        in_time = (when.day - meeting) <= limit
        out[issued_id] = issued.astype(float)
        out[pct_id] = pct(count_in(when.month[in_time], months), issued)
    return out
