"""The KPI engine: every computed measure, by id, for any months.

Measures come in families (one module each, one pure function from ``Cases`` and month
ordinals to arrays). This module only wires them: which family makes which id, which
input files it needs, and the long ``KpiFrame`` (kpi_id × period × value) they make.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from sendlib.measures import amendments as amend
from sendlib.measures import sources, transfers
from sendlib.measures.caseload import SOCIAL_CARE, caseload
from sendlib.measures.cases import Cases
from sendlib.measures.decisions import PHASES, decisions
from sendlib.measures.disputes import dispute_measures
from sendlib.measures.issuance import issuance
from sendlib.measures.placements import BASES as PLACEMENT_BASES
from sendlib.measures.placements import SHARES, count_of, placement_measures
from sendlib.measures.rates import rates
from sendlib.measures.reviews import reviews
from sendlib.measures.threads import in_threads

Compute = Callable[[Cases, np.ndarray], dict[str, np.ndarray]]
PHASE_COUNTS = tuple(f"requests_{name}" for _, _, name in PHASES)
PHASE_NAMES = ("primary", "secondary", "post16")
PLACED = (
    *(x for share in SHARES for x in (count_of(share), share)),
    *(x for p in PHASE_NAMES for x in (f"placed_mainstream_{p}", f"placed_mainstream_{p}_pct")),
    "placed_inmss_18plus",
    "placed_inmss_18plus_pct",
    "placed_ap",
    "neet_count",
    "neet_16_25",
    "neet_16_25_pct",
    "neet_16_18",
    "neet_16_18_pct",
    "placed_none",
    *PLACEMENT_BASES.values(),
)


CHARACTERISTIC, ACTIVITY = "characteristic", "activity"


@dataclass(frozen=True)
class Family:
    """A group of measures computed together, and the input files they read.

    ``characteristic`` names the measures that count children by a personal or care
    characteristic (social-care status, age group, setting, need) and the shares of them:
    a small count of those would let a reader identify a child, so the paper withholds it
    (``sendlib.scorecard.disclosure``); every other measure counts events or is a process
    share (``activity``) and is published as it is. ``counts`` gives, for a share, the id
    of the count it is a share of (its numerator), and ``bases`` its denominator where
    that is a measure too: a share is withheld with either. ``needs`` names the columns
    (``file.column``) every measure of the family reads and ``also_needs`` those one
    measure reads besides: a measure whose column the data does not hold is not
    available (``[x]``), never 0.
    """

    name: str
    compute: Compute
    ids: tuple[str, ...]
    files: tuple[str, ...]
    characteristic: tuple[str, ...] = ()
    counts: dict[str, str] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    also_needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
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
            "ehcp_school_age",
            "ehcp_school_age_pct",
            *SOCIAL_CARE.values(),
        ),
        ("person", "plans"),
        characteristic=(
            "ehcp_early_years",
            "ehcp_rising5",
            "ehcp_school_age",
            "ehcp_school_age_pct",
            *SOCIAL_CARE.values(),
        ),
        counts={"ehcp_school_age_pct": "ehcp_school_age"},
        bases={"ehcp_school_age_pct": "ehcp_active"},
        needs=("plans.plan_id",),
        also_needs={kpi: ("person.social_care",) for kpi in SOCIAL_CARE.values()},
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
        characteristic=PHASE_COUNTS,
        needs=("requests.request_id",),
        also_needs={
            **{
                kpi: ("requests.request_outcome",)
                for kpi in (
                    "request_decisions",
                    "request_decisions_6wk_pct",
                    "requests_assess",
                    "requests_not_assess",
                    "requests_refused_pct",
                    "request_assess_pct",
                    "requests_awaiting_decision",
                    "requests_awaiting_over_6wk",
                )
            },
            "requests_from_parents_pct": ("requests.request_source",),
        },
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
        needs=("requests.request_id",),
        also_needs={
            **{
                kpi: ("plans.plan_id", "plans.request_id")
                for kpi in (
                    "plans_issued",
                    "plans_issued_20wk_pct",
                    "plans_issued_excl_exceptions",
                    "plans_issued_20wk_excl_pct",
                    "plans_issued_median_days",
                )
            },
            "plans_issued_excl_exceptions": (
                "plans.plan_id",
                "plans.request_id",
                "assessments.week20_exception",
            ),
            "plans_issued_20wk_excl_pct": (
                "plans.plan_id",
                "plans.request_id",
                "assessments.week20_exception",
            ),
            **{
                kpi: ("requests.request_outcome", "assessments.assessment_outcome")
                for kpi in ("assessments_plan", "assessments_no_plan", "plan_after_assessment_pct")
            },
        },
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
        needs=("plans.plan_id", "reviews.review_meeting_date"),
        also_needs={
            kpi: ("reviews.decision_date",)
            for kpi in ("reviews_not_finalised", "review_decisions", "review_decisions_4wk_pct")
        },
    ),
    Family(
        "amendments",
        amend.amendments,
        (*amend.DRAFT_IDS, *amend.FINAL_IDS),
        ("person", "plans", "reviews"),
    ),
    # phase_transfers.csv is not needed: without it the figures are not available
    Family("transfers", transfers.phase_transfers, transfers.IDS, ("person", "plans")),
    Family("sources", sources.request_sources, sources.IDS, ("person", "requests")),
    Family(
        "placements",
        placement_measures,
        PLACED,
        ("person", "plans", "placements"),
        characteristic=PLACED,
        counts={
            **{share: count_of(share) for share in SHARES},
            **{f"placed_mainstream_{p}_pct": f"placed_mainstream_{p}" for p in PHASE_NAMES},
            "placed_inmss_18plus_pct": "placed_inmss_18plus",
            "neet_16_25_pct": "neet_16_25",
            "neet_16_18_pct": "neet_16_18",
        },
        bases={
            **{share: "ehcp_active" for share in SHARES},
            **{f"placed_mainstream_{p}_pct": PLACEMENT_BASES[p] for p in PHASE_NAMES},
            "placed_inmss_18plus_pct": "placed_inmss",
            "neet_16_25_pct": PLACEMENT_BASES["16plus"],
            "neet_16_18_pct": PLACEMENT_BASES["16_18"],
        },
        needs=("plans.plan_id", "placements.setting"),
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
        needs=("disputes.dispute_id",),
        also_needs={
            kpi: ("disputes.outcome",)
            for kpi in (
                "mediations_to_appeal_pct",
                "appeals_parent_favour_pct",
                "appeals_la_favour_pct",
                "appeals_open",
            )
        },
        yearly=True,
    ),
    Family(
        "rates",
        rates,
        ("ehcp_rate_per_10k", "requests_per_10k"),
        ("person", "plans", "requests", "population"),
        needs=("population.population",),
        also_needs={
            "ehcp_rate_per_10k": ("plans.plan_id",),
            "requests_per_10k": ("requests.request_id",),
        },
    ),
)

MEASURES: dict[str, Family] = {kpi: f for f in FAMILIES for kpi in f.ids}


def disclosure_class(measure: str) -> str:
    """``characteristic`` or ``activity`` (see ``Family``); a partner's figure is activity."""
    family = MEASURES.get(measure)
    return CHARACTERISTIC if family and measure in family.characteristic else ACTIVITY


def count_behind(measure: str) -> str | None:
    """The count a share is a share of (``placed_inmss_pct`` → ``placed_inmss``), if known."""
    family = MEASURES.get(measure)
    return family.counts.get(measure) if family else None


def base_behind(measure: str) -> str | None:
    """The measure a share is a share of, when that is a measure of its own."""
    family = MEASURES.get(measure)
    return family.bases.get(measure) if family else None


def columns_needed(measure: str) -> tuple[str, ...]:
    """The columns (``file.column``) a measure reads; without any of them it is not available."""
    family = MEASURES.get(measure)
    if family is None:
        return ()
    return tuple(dict.fromkeys((*family.needs, *family.also_needs.get(measure, ()))))


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
