"""The KPI engine: every computed measure, by id, for any months.

Measures come in families (one module each, one pure function from ``Cases`` and month
ordinals to arrays). This module only wires them: which family makes which id, which
input files it needs, and the long ``KpiFrame`` (kpi_id × period × value) they make.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from sendlib.measures.caseload import SOCIAL_CARE, caseload
from sendlib.measures.cases import Cases
from sendlib.measures.decisions import decisions
from sendlib.measures.disputes import dispute_measures
from sendlib.measures.issuance import issuance
from sendlib.measures.placements import SHARES, placement_measures
from sendlib.measures.rates import rates
from sendlib.measures.reviews import reviews
from sendlib.measures.threads import in_threads

Compute = Callable[[Cases, np.ndarray], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Family:
    """A group of measures computed together, and the input files they read."""

    name: str
    compute: Compute
    ids: tuple[str, ...]
    files: tuple[str, ...]
    #: counts over the reporting year to date: ``compute`` takes ``year_start``
    yearly: bool = False


FAMILIES: tuple[Family, ...] = (
    Family(
        "caseload",
        caseload,
        (
            "ehcp_active",
            "ehcp_new",
            "ehcp_ceased",
            "ehcp_early_years",
            "ehcp_rising5",
            "ehcp_school_age_pct",
            *SOCIAL_CARE.values(),
        ),
        ("person", "plans"),
    ),
    Family(
        "decisions",
        decisions,
        (
            "requests_received",
            "transfers_in",
            "request_decisions",
            "request_decisions_6wk_pct",
            "requests_assess",
            "requests_not_assess",
            "requests_refused_pct",
            "request_assess_pct",
            "requests_from_parents_pct",
            "requests_early_years",
            "requests_primary",
            "requests_secondary",
            "requests_post16",
            "requests_awaiting_decision",
            "requests_awaiting_over_6wk",
        ),
        ("person", "requests"),
    ),
    Family(
        "issuance",
        issuance,
        (
            "plans_issued",
            "plans_issued_20wk_pct",
            "plans_issued_excl_exceptions",
            "plans_issued_20wk_excl_pct",
            "plans_issued_median_days",
            "plans_not_yet_issued",
            "plans_pending_over_20wk",
            "under_assessment",
            "plans_agreed_not_issued",
            "assessments_plan",
            "assessments_no_plan",
            "plan_after_assessment_pct",
        ),
        ("person", "requests", "assessments", "plans"),
    ),
    Family(
        "reviews",
        reviews,
        (
            "reviews_overdue",
            "reviews_due_12_14m",
            "reviews_due_3m",
            "reviews_in_12m_pct",
            "reviews_held_12m",
            "reviews_completed",
            "reviews_not_finalised",
            "review_decisions",
            "review_decisions_4wk_pct",
        ),
        ("person", "plans", "reviews"),
    ),
    Family(
        "placements",
        placement_measures,
        (
            *SHARES,
            "placed_mainstream_primary_pct",
            "placed_mainstream_secondary_pct",
            "placed_mainstream_post16_pct",
            "placed_inmss_18plus_pct",
            "placed_ap",
            "neet_count",
            "neet_16_25_pct",
            "neet_16_18_pct",
            "placed_none",
        ),
        ("person", "plans", "placements"),
    ),
    Family(
        "disputes",
        dispute_measures,
        (
            "mediations_registered",
            "mediations_ytd",
            "mediations_rolling_12m",
            "appeals_registered",
            "appeals_ytd",
            "appeals_rolling_12m",
            "mediations_to_appeal_pct",
            "appeals_parent_favour_pct",
            "appeals_la_favour_pct",
            "appeals_open",
        ),
        ("person", "disputes"),
        yearly=True,
    ),
    Family(
        "rates",
        rates,
        ("ehcp_rate_per_10k", "requests_per_10k"),
        ("person", "plans", "requests", "population"),
    ),
)

MEASURES: dict[str, Family] = {kpi: f for f in FAMILIES for kpi in f.ids}


def files_needed(ids: Iterable[str]) -> set[str]:
    """Input files the given measures read (``returns`` for partner KPIs is added by callers)."""
    return {file for kpi in ids if kpi in MEASURES for file in MEASURES[kpi].files}


def compute(
    c: Cases,
    months: Iterable[pd.Period] | pd.PeriodIndex,
    ids: Iterable[str] | None = None,
    year_start: int = 1,
) -> pd.DataFrame:
    """Long KpiFrame of computed measures: columns kpi_id, period (YYYY-MM), value.
    ``year_start``: the calendar month the reporting year starts in (1, 4 or 9)."""
    periods = pd.PeriodIndex(list(months), freq="M")
    ords = periods.asi8
    wanted = set(MEASURES) if ids is None else {i for i in ids if i in MEASURES}
    families = [f for f in FAMILIES if wanted.intersection(f.ids)]
    computed = in_threads(
        {
            f.name: partial(f.compute, c, ords, year_start=year_start)
            if f.yearly
            else partial(f.compute, c, ords)
            for f in families
        }
    )
    frames = []
    for family in families:
        values = computed[family.name]
        for kpi in family.ids:
            if kpi in wanted:
                frames.append(
                    pd.DataFrame(
                        {
                            "kpi_id": kpi,
                            "period": periods.strftime("%Y-%m"),
                            "value": np.asarray(values[kpi], dtype=float),
                        }
                    )
                )
    if not frames:
        return pd.DataFrame({"kpi_id": [], "period": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def wide(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KpiFrame as a table: one row per period, one column per KPI."""
    return kpis.pivot(index="period", columns="kpi_id", values="value")
