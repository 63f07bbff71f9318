"""Mediation and SEND Tribunal appeals, counted over the reporting year to date.

Counters reset when the reporting year starts (``year_start`` in report.yaml: 1 January,
the calendar year, by default; 1 April, the financial year; or 1 September, the academic
year): ``mediations_ytd`` counts mediations, ``appeals_ytd`` appeals, registered from the
year's first day to month end. Outcomes are free text in disputes.csv; the words that
place an outcome in a group are data in ``contract.yaml`` (``dispute_outcomes``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.data.contract import contract
from sendlib.measures.calendar import count_in, count_open, pct
from sendlib.measures.cases import Cases
from sendlib.measures.family import family


def outcome_group(outcomes: np.ndarray, group: str) -> np.ndarray:
    """True where the outcome text contains any keyword of the group."""
    words = contract().dispute_outcomes[group]
    codes, texts = pd.factorize(outcomes)  # a few distinct texts among many rows
    texts = np.asarray(texts, dtype=str)
    hit = np.zeros(len(texts), bool)
    for word in words:
        hit |= np.char.find(texts, word) >= 0
    return hit[codes]  # outcomes are text, "" when missing (``cases._disputes``): no -1 codes


def year_first_month(months: np.ndarray, year_start: int = 1) -> np.ndarray:
    """Month ordinal of the first month of the reporting year holding each month (the year
    starting in calendar month ``year_start``: 1, 4 or 9)."""
    months = np.asarray(months, dtype=np.int64)
    return months - (months % 12 + 1 - year_start) % 12


KINDS = {
    "mediations": "Mediations (Children and Families Act 2014 s52-53)",
    "appeals": "Appeals to the First-tier Tribunal (SEND) (Children and Families Act 2014 s51)",
}
COUNTED = {
    "registered": "registered in the month.",
    "ytd": "registered from the start of the reporting year (year_start in report.yaml) to "
    "month end.",
    "rolling_12m": "registered in the 12 months to month end.",
}
#: the measures that read a dispute's outcome
OUTCOMES = {
    "mediations_to_appeal_pct": "Of mediations registered in the reporting year to date, % "
    "whose outcome is known to have gone on to an appeal.",
    "appeals_parent_favour_pct": "Of appeals registered in the reporting year to date, % "
    "decided in the family's favour.",
    "appeals_la_favour_pct": "Of appeals registered in the reporting year to date, % decided "
    "in the local authority's favour.",
    "appeals_open": "Appeals registered by month end with no outcome by then.",
}


@family(
    "disputes",
    {
        **{
            f"{kind}_{counted}": f"{words} {when}"
            for kind, words in KINDS.items()
            for counted, when in COUNTED.items()
        },
        **OUTCOMES,
    },
    ("person", "disputes"),
    needs=("disputes.dispute_id",),
    also_needs={kpi: ("disputes.outcome",) for kpi in OUTCOMES},
    yearly=True,
)
def dispute_measures(
    cases: Cases, months: np.ndarray, year_start: int = 1
) -> dict[str, np.ndarray]:
    """Registered in month and year to date, rolling 12 months, outcomes YTD, open appeals
    (the reporting year starting in calendar month ``year_start``)."""
    d = cases.disputes
    kind, reg, decided = (
        d["kind"].to_numpy(),
        d["registered_m"].to_numpy(),
        d["decided_m"].to_numpy(),
    )
    outcome = d["outcome"].to_numpy()
    first = year_first_month(months, year_start)
    out = {}
    for k, name in (("mediation", "mediations"), ("appeal", "appeals")):
        regs = np.sort(reg[kind == k])
        to_end = np.searchsorted(regs, months, side="right")
        out[f"{name}_registered"] = count_in(regs, months)
        out[f"{name}_ytd"] = to_end - np.searchsorted(regs, first)
        out[f"{name}_rolling_12m"] = to_end - np.searchsorted(regs, months - 11)
    med = kind == "mediation"
    app = kind == "appeal"
    to_appeal = med & outcome_group(outcome, "went_to_appeal")
    parent = app & outcome_group(outcome, "parent_favour")
    la = app & outcome_group(outcome, "la_favour")
    # an outcome counts from the month it is known until the end of the registration year
    year_end = year_first_month(reg, year_start) + 12
    known_from = np.maximum(reg, decided)
    ytd = {
        name: count_open(known_from[mask], year_end[mask], months)
        for name, mask in (("to_appeal", to_appeal), ("parent", parent), ("la", la))
    }
    out["mediations_to_appeal_pct"] = pct(ytd["to_appeal"], out["mediations_ytd"])
    out["appeals_parent_favour_pct"] = pct(ytd["parent"], out["appeals_ytd"])
    out["appeals_la_favour_pct"] = pct(ytd["la"], out["appeals_ytd"])
    out["appeals_open"] = np.array(
        [int((app & (reg <= m) & (decided > m)).sum()) for m in months], dtype=float
    )
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}
