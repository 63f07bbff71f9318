"""Requests for an EHC needs assessment and the decision whether to assess.

The LA must decide within 6 weeks of the request (SEND Regulations 2014 reg 5(1)),
i.e. ``decision date − received date ≤ 42 days``. Transfers-in of a plan from another LA
are not requests for assessment and are counted separately (DESIGN.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures.calendar import (
    academic_age_at,
    count_in,
    count_open,
    month_end_day,
    month_of_day,
    pct,
)
from sendlib.measures.cases import Cases
from sendlib.statutory import DECISION_DAYS, NO_PLAN_NOTICE_DAYS, PLAN_DAYS

WAITING_BANDS = [
    (0, DECISION_DAYS, "0-6wk"),
    (DECISION_DAYS + 1, NO_PLAN_NOTICE_DAYS, "6-16wk"),
    (NO_PLAN_NOTICE_DAYS + 1, PLAN_DAYS, "16-20wk"),
    (PLAN_DAYS + 1, None, "20wk+"),
]
# the bands that add up to the published KPI requests_awaiting_over_6wk
OVER_6WK_BANDS = tuple(code for lo, _, code in WAITING_BANDS if lo > DECISION_DAYS)
PHASES = [(None, 3, "early_years"), (4, 10, "primary"), (11, 15, "secondary"), (16, None, "post16")]


def decisions(c: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Requests received, decisions to assess or not, 6-week timeliness and the backlog."""
    r = c.requests
    new = ~r["transfer"].to_numpy()
    received_m = r["received_m"].to_numpy()
    outcome = r["outcome"].to_numpy()
    decided_m = r["decided_m"].to_numpy()
    decided = new & np.isin(outcome, ["A", "N"])
    on_time = (r["decided_day"].to_numpy() - r["received_day"].to_numpy()) <= DECISION_DAYS
    source = r["source"].to_numpy()
    n_decisions = count_in(decided_m[decided], months)
    refused = count_in(decided_m[decided & (outcome == "N")], months)
    received = count_in(received_m[new], months)
    out = {
        "requests_received": received,
        "transfers_in": count_in(received_m[~new], months),
        "request_decisions": n_decisions,
        "request_decisions_6wk_pct": pct(
            count_in(decided_m[decided & on_time], months), n_decisions
        ),
        "requests_assess": n_decisions - refused,
        "requests_not_assess": refused,
        "requests_refused_pct": pct(refused, n_decisions),
        "request_assess_pct": pct(n_decisions - refused, n_decisions),
        "requests_from_parents_pct": pct(
            count_in(received_m[new & (source == "parent")], months), received
        ),
    }
    acad = academic_age_at(r["birth_ymd"].to_numpy(), received_m)
    for lo, hi, name in PHASES:
        hit = (
            new
            & (acad >= (lo if lo is not None else -99))
            & (acad <= (hi if hi is not None else 999))
        )
        out[f"requests_{name}"] = count_in(received_m[hit], months)
    # waiting at month end: received by then and not decided (A, N or W) by then
    decided_any = r["decided_m"].to_numpy()
    out["requests_awaiting_decision"] = count_open(received_m[new], decided_any[new], months)
    over_6wk = month_of_day(r["received_day"].to_numpy() + DECISION_DAYS + 1)
    out["requests_awaiting_over_6wk"] = count_open(over_6wk[new], decided_any[new], months)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def awaiting_mask(c: Cases, month: int) -> np.ndarray:
    """New requests received by month end with no decision (A, N or W) by month end."""
    r = c.requests
    return (
        ~r["transfer"].to_numpy()
        & (r["received_m"].to_numpy() <= month)
        & (r["decided_m"].to_numpy() > month)
    )


def band_of(days: np.ndarray, bands=WAITING_BANDS) -> np.ndarray:
    """The band (code) of each waiting time in days."""
    codes = np.full(len(days), "", dtype=object)
    for lo, hi, code in bands:
        codes[(days >= lo) & ((days <= hi) if hi is not None else True)] = code
    return codes


def awaiting_by_band(c: Cases, month: pd.Period) -> pd.Series:
    """Requests awaiting a decision at month end by time since the request (seed 004)."""
    pending = awaiting_mask(c, month.ordinal)
    waited = month_end_day(month.ordinal) - c.requests["received_day"].to_numpy()[pending]
    counts = pd.Series(band_of(waited)).value_counts()
    return counts.reindex([b[2] for b in WAITING_BANDS], fill_value=0).rename("count")


def decision_table(c: Cases, year: int) -> pd.DataFrame:
    """Completed decisions by month (``YYYY-MM``) of a calendar year: to assess (``A``),
    not to assess (``N``) and transfers-in (``transfer_in``)."""
    r = c.requests
    months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
    ords = months.asi8
    new = ~r["transfer"].to_numpy()
    outcome, decided_m = r["outcome"].to_numpy(), r["decided_m"].to_numpy()
    return pd.DataFrame(
        {
            "A": count_in(decided_m[new & (outcome == "A")], ords),
            "N": count_in(decided_m[new & (outcome == "N")], ords),
            "transfer_in": count_in(r["received_m"].to_numpy()[~new], ords),
        },
        index=pd.Index(months.strftime("%Y-%m"), name="month"),
    )
