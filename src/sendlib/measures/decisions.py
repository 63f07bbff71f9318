"""Requests for an EHC needs assessment and the decision whether to assess.

The LA must decide within 6 weeks of the request (SEND Regulations 2014 reg 5(1)),
i.e. ``decision date − received date ≤ 42 days``. Transfers-in of a plan from another LA
are not requests for assessment (the plan is kept, Children and Families Act 2014 s47 and
SEND Regulations 2014 reg 15) and are counted separately.
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
from sendlib.measures.family import family
from sendlib.statutory import DECISION_DAYS, WAITING_BANDS

# the bands that add up to the published KPI requests_awaiting_over_6wk
OVER_6WK_BANDS = tuple(code for lo, _, code in WAITING_BANDS if lo > DECISION_DAYS)
PHASES = [(None, 3, "early_years"), (4, 10, "primary"), (11, 15, "secondary"), (16, None, "post16")]
#: requests by the child's phase: characteristic counts (children by age group)
PHASE_COUNTS = tuple(f"requests_{name}" for _, _, name in PHASES)


#: the measures that read a request's outcome (not available without it): decisions made
DECIDED = {
    "request_decisions": "Decisions whether to carry out an EHC needs assessment (to assess "
    "or not) made in the month, transfers-in excluded.",
    "request_decisions_6wk_pct": "Of decisions whether to assess made in the month, % made "
    "within 6 weeks (42 days) of the request (SEND Regulations 2014 reg 5(1)).",
    "requests_assess": "Decisions in the month to carry out an EHC needs assessment.",
    "requests_not_assess": "Decisions in the month not to carry out an EHC needs assessment.",
    "requests_refused_pct": "Of decisions whether to assess made in the month, % not to assess.",
    "request_assess_pct": "Of decisions whether to assess made in the month, % to assess.",
}
#: … and requests still waiting for one
WAITING = {
    "requests_awaiting_decision": "Requests received by month end with no decision "
    "(assess, not assess or withdrawn) by then.",
    "requests_awaiting_over_6wk": "Requests with no decision at month end received more "
    "than 6 weeks (42 days) before: past the limit of SEND Regulations 2014 reg 5(1).",
}
OUTCOME_IDS = (*DECIDED, *WAITING)


def _phase_words(lo: int | None, hi: int | None) -> str:
    """A band of ``PHASES`` as a definition says it."""
    if lo is None:
        return f"of academic age {hi} or under (not yet in Reception)"
    return f"of academic age {lo} or over" if hi is None else f"of academic age {lo} to {hi}"


@family(
    "decisions",
    {
        "requests_received": "Requests for an EHC needs assessment received in the month "
        "(Children and Families Act 2014 s36), transfers-in excluded.",
        "transfers_in": "EHC plans transferred in the month from another local authority "
        "(Children and Families Act 2014 s47; SEND Regulations 2014 reg 15).",
        **DECIDED,
        "requests_from_parents_pct": "Of requests received in the month, % made by a parent "
        "(Children and Families Act 2014 s36(1)).",
        **{
            f"requests_{name}": f"Requests received in the month for a child "
            f"{_phase_words(lo, hi)}, transfers-in excluded (academic age: the age on the "
            "31 August before the school year)."
            for lo, hi, name in PHASES
        },
        **WAITING,
    },
    ("person", "requests"),
    characteristic=PHASE_COUNTS,
    needs=("requests.request_id",),
    also_needs={
        **{kpi: ("requests.request_outcome",) for kpi in OUTCOME_IDS},
        "requests_from_parents_pct": ("requests.request_source",),
    },
)
def decisions(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Requests received, decisions to assess or not, 6-week timeliness and the backlog."""
    requests = cases.requests
    new = ~requests["transfer"].to_numpy()
    received_m = requests["received_m"].to_numpy()
    outcome = requests["outcome"].to_numpy()
    decided_m = requests["decided_m"].to_numpy()
    decided = new & np.isin(outcome, ["A", "N"])
    on_time = (
        requests["decided_day"].to_numpy() - requests["received_day"].to_numpy()
    ) <= DECISION_DAYS
    source = requests["source"].to_numpy()
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
    acad = academic_age_at(requests["birth_ymd"].to_numpy(), received_m)
    for lo, hi, name in PHASES:
        hit = (
            new
            & (acad >= (lo if lo is not None else -99))
            & (acad <= (hi if hi is not None else 999))
        )
        out[f"requests_{name}"] = count_in(received_m[hit], months)
    # waiting at month end: received by then and not decided (A, N or W) by then
    decided_any = requests["decided_m"].to_numpy()
    out["requests_awaiting_decision"] = count_open(received_m[new], decided_any[new], months)
    over_6wk = month_of_day(requests["received_day"].to_numpy() + DECISION_DAYS + 1)
    out["requests_awaiting_over_6wk"] = count_open(over_6wk[new], decided_any[new], months)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def awaiting_mask(cases: Cases, month: int) -> np.ndarray:
    """New requests received by month end with no decision (A, N or W) by month end."""
    requests = cases.requests
    return (
        ~requests["transfer"].to_numpy()
        & (requests["received_m"].to_numpy() <= month)
        & (requests["decided_m"].to_numpy() > month)
    )


def band_of(days: np.ndarray, bands=WAITING_BANDS) -> np.ndarray:
    """The band (code) of each waiting time in days."""
    codes = np.full(len(days), "", dtype=object)
    for lo, hi, code in bands:
        codes[(days >= lo) & ((days <= hi) if hi is not None else True)] = code
    return codes


def awaiting_by_band(cases: Cases, month: pd.Period) -> pd.Series:
    """Requests awaiting a decision at month end by time since the request, in the bands the
    time limits make (``statutory.WAITING_BANDS``)."""
    pending = awaiting_mask(cases, month.ordinal)
    waited = month_end_day(month.ordinal) - cases.requests["received_day"].to_numpy()[pending]
    counts = pd.Series(band_of(waited)).value_counts()
    return counts.reindex([b[2] for b in WAITING_BANDS], fill_value=0).rename("count")


def decision_table(cases: Cases, year: int) -> pd.DataFrame:
    """Completed decisions by month (``YYYY-MM``) of a calendar year: to assess (``A``),
    not to assess (``N``) and transfers-in (``transfer_in``)."""
    requests = cases.requests
    months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
    ords = months.asi8
    new = ~requests["transfer"].to_numpy()
    outcome, decided_m = requests["outcome"].to_numpy(), requests["decided_m"].to_numpy()
    return pd.DataFrame(
        {
            "A": count_in(decided_m[new & (outcome == "A")], ords),
            "N": count_in(decided_m[new & (outcome == "N")], ords),
            "transfer_in": count_in(requests["received_m"].to_numpy()[~new], ords),
        },
        index=pd.Index(months.strftime("%Y-%m"), name="month"),
    )
