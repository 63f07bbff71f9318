"""The council's figures for a year, counted as the DfE counts them in its "Education,
health and care plans" release, so the comparison with England, the region and
statistical neighbours is like for like (the definitions are the release's
``data-guidance.txt``; ``sendlib/data/dfe_release.yaml`` names them).

Calendar-year figures are for years the data covers whole and are dated December; the
placement shares are January snapshots (plans active at the end of January) and are dated
January. Transfers-in are not requests. An empty denominator gives a missing value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures.calendar import pct
from sendlib.measures.cases import Cases
from sendlib.measures.placements import placement_measures
from sendlib.months import Month
from sendlib.statutory import DECISION_DAYS, PLAN_DAYS, REVIEW_DECISION_DAYS, ordinal_of

#: the placement shares the DfE publishes as January snapshots
JANUARY = (
    "placed_mainstream_pct",
    "placed_special_state_pct",
    "placed_inmss_pct",
    "placed_eotas_pct",
    "placed_ehe_pct",
    "placed_post16_specialist_pct",
)


def yearly(cases: Cases, years: list[int], januaries: list[int]) -> pd.DataFrame:
    """Measures by the DfE's definitions: one row per kpi_id and period (``YYYY-12`` for the
    calendar ``years``, ``YYYY-01`` for the January snapshots of ``januaries``)."""
    rows = []
    for year in years:
        for kpi_id, value in calendar_year(cases, year).items():
            rows.append((kpi_id, f"{year}-12", value))
    if januaries:
        months = pd.PeriodIndex([f"{y}-01" for y in januaries], freq="M")
        shares = placement_measures(cases, months.asi8)
        for kpi_id in JANUARY:
            for period, value in zip(months.strftime("%Y-%m"), shares[kpi_id], strict=True):
                rows.append((kpi_id, period, float(value)))
    return pd.DataFrame(rows, columns=["kpi_id", "period", "value"])


def calendar_year(cases: Cases, year: int) -> dict[str, float]:
    """One calendar year's figures, as the release defines them."""
    first, last = ordinal_of(Month(year, 1)), ordinal_of(Month(year, 12))
    requests = cases.requests
    received = (~requests["transfer"].to_numpy()) & _between(
        requests["received_m"].to_numpy(), first, last
    )
    outcome = requests["outcome"].to_numpy()
    assess, refused = received & (outcome == "A"), received & (outcome == "N")
    decided = assess | refused
    waited = requests["decided_day"].to_numpy() - requests["received_day"].to_numpy()
    # assessments of the year's requests: a plan issued (Y) of all assessments started
    plan = assess & (requests["a_outcome"].to_numpy() == "Y")

    plans = cases.plans[cases.plans["new"].to_numpy()]
    issued = _between(plans["start_m"].to_numpy(), first, last)
    days = plans["start_day"].to_numpy() - plans["received_day"].to_numpy()
    issued &= days >= 0  # a plan dated before its request is left out (``issuance``)
    within = days <= PLAN_DAYS
    exception = plans["exception"].to_numpy(dtype=bool)

    reviews = cases.reviews
    review_decided = _between(reviews["decided_m"].to_numpy(), first, last)
    review_days = reviews["decided_day"].to_numpy() - reviews["meeting_day"].to_numpy()
    return {
        "request_assess_pct": _pct(assess.sum(), received.sum()),
        "requests_refused_pct": _pct(refused.sum(), received.sum()),
        "request_decisions_6wk_pct": _pct(
            (decided & (waited <= DECISION_DAYS)).sum(), decided.sum()
        ),
        "plan_after_assessment_pct": _pct(plan.sum(), assess.sum()),
        "plans_issued_20wk_pct": _pct((issued & within).sum(), issued.sum()),
        "plans_issued_20wk_excl_pct": _pct(
            (issued & within & ~exception).sum(), (issued & ~exception).sum()
        ),
        "review_decisions_4wk_pct": _pct(
            (review_decided & (review_days <= REVIEW_DECISION_DAYS)).sum(), review_decided.sum()
        ),
    }


def _between(values: np.ndarray, first: int, last: int) -> np.ndarray:
    return (values >= first) & (values <= last)


def _pct(numerator: int, denominator: int) -> float:
    return float(pct(numerator, denominator))
