"""Rates per 10,000 residents aged 0–25 (``ehcp_rate_per_10k``: plans active at month end
per 10,000 of ``population.csv``'s population aged 0–25).

The population is that of the latest year on or before the report month's year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures.calendar import count_in, count_open
from sendlib.measures.cases import Cases
from sendlib.measures.family import family


def population_for(cases: Cases, months: np.ndarray) -> np.ndarray:
    """Population 0–25 of the latest year ≤ each month's year (NaN if none)."""
    pop = cases.tables.population.dropna().sort_values("year")
    years = pop["year"].to_numpy(dtype=np.int64)
    values = pop["population"].to_numpy(dtype=float)
    month_years = pd.PeriodIndex.from_ordinals(months, freq="M").year.to_numpy()
    idx = np.searchsorted(years, month_years, side="right") - 1
    return np.where(idx >= 0, values[np.maximum(idx, 0)] if len(values) else np.nan, np.nan)


def per_10k(count: np.ndarray, population: np.ndarray) -> np.ndarray:
    """count per 10,000 residents; missing when the population is missing or zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(population > 0, 10_000 * np.asarray(count, float) / population, np.nan)


@family(
    "rates",
    {
        "ehcp_rate_per_10k": "EHC plans in force at month end per 10,000 residents aged 0 to "
        "25 (population.csv, its latest year on or before the month's).",
        "requests_per_10k": "Requests for an EHC needs assessment received in the month, "
        "transfers-in excluded, per 10,000 residents aged 0 to 25.",
    },
    ("person", "plans", "requests", "population"),
    needs=("population.population",),
    also_needs={
        "ehcp_rate_per_10k": ("plans.plan_id",),
        "requests_per_10k": ("requests.request_id",),
    },
)
def rates(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Active plans and monthly requests per 10,000 residents aged 0–25."""
    pop = population_for(cases, months)
    plans, requests = cases.plans, cases.requests
    active = count_open(plans["start_m"].to_numpy(), plans["cease_m"].to_numpy(), months)
    received = count_in(requests["received_m"].to_numpy()[~requests["transfer"].to_numpy()], months)
    return {"ehcp_rate_per_10k": per_10k(active, pop), "requests_per_10k": per_10k(received, pop)}
