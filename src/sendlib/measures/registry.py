"""The KPI engine: every computed measure, by id, for any months.

Measures come in families (one module each, one pure function from ``Cases`` and month
ordinals to arrays, declared with ``@family``: the ids it makes and the files and columns
they read). This module only wires them: their order, which family makes which id, and
the long ``KpiFrame`` (kpi_id × period × value) they make.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import numpy as np
import pandas as pd

from sendlib.measures.amendments import amendments
from sendlib.measures.caseload import caseload
from sendlib.measures.cases import Cases
from sendlib.measures.decisions import PHASE_COUNTS, decisions
from sendlib.measures.disputes import dispute_measures
from sendlib.measures.family import ACTIVITY, CHARACTERISTIC, Family, family_of
from sendlib.measures.issuance import issuance
from sendlib.measures.placements import placement_measures
from sendlib.measures.rates import rates
from sendlib.measures.reviews import reviews
from sendlib.measures.sources import request_sources
from sendlib.measures.threads import in_threads
from sendlib.measures.transfers import phase_transfers

__all__ = ["ACTIVITY", "CHARACTERISTIC", "FAMILIES", "MEASURES", "PHASE_COUNTS", "Family"]

#: the families in the order their measures are listed (each declared where it is
#: computed: ``@family`` in its module)
FAMILIES: tuple[Family, ...] = tuple(
    family_of(compute)
    for compute in (
        caseload,
        decisions,
        issuance,
        reviews,
        amendments,
        phase_transfers,
        request_sources,
        placement_measures,
        dispute_measures,
        rates,
    )
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
    cases: Cases,
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
            f.name: partial(f.compute, cases, ords, year_start=year_start)
            if f.yearly
            else partial(f.compute, cases, ords)
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
