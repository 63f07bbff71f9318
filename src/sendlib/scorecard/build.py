"""The scorecard: one tidy row per KPI × period of the window (README "The KPI catalogue
and scorecard").

Columns: kpi_id, ref, title, section, period, value, display, direction, rag, target,
last_year_value, england, statistical_neighbours, region, spc_variation, spc_assurance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.data.contract import shown_comparators
from sendlib.data.load import Tables
from sendlib.files import atomic_output
from sendlib.measures.cases import Cases, prepare
from sendlib.measures.registry import CHARACTERISTIC, compute, wide
from sendlib.scorecard import formats as fmt
from sendlib.scorecard import spc
from sendlib.scorecard.catalogue import SCHEDULE, Catalogue, Headline, Kpi
from sendlib.scorecard.disclosure import Disclosure
from sendlib.scorecard.figures import (
    NOT_HELD,
    SHOWN,
    WITHHELD,
    WITHHELD_STATUSES,
    Decided,
    decide_all,
)

COLUMNS = [
    "kpi_id",
    "ref",
    "title",
    "section",
    "period",
    "value",
    "display",
    "direction",
    "rag",
    "target",
    "last_year_value",
    *shown_comparators(),
    "spc_variation",
    "spc_assurance",
]
#: the scorecard's comparator columns (contract.yaml); benchmarks.csv may hold more
COMPARATORS = shown_comparators()
SPC_WINDOW = 24
SPC_MINIMUM = 12


def window(month: pd.Period, months: int) -> pd.PeriodIndex:
    """The scorecard's periods: ``months`` months ending with the report month."""
    return pd.period_range(end=month, periods=months, freq="M")


def history(month: pd.Period, months: int) -> pd.PeriodIndex:
    """Every period a scorecard of ``months`` months reads: its window, the SPC baseline
    before it and the year before that (for last year's value)."""
    return pd.period_range(end=month, periods=months + SPC_WINDOW + 12, freq="M")


def spc_history(
    t: Tables, catalogue: Catalogue, month: pd.Period, months: int, cases: Cases
) -> pd.PeriodIndex:
    """The periods a scorecard reads (``history``), reaching back to the first month of
    the data when a KPI fixes its SPC limits after its first N points (``spc: fix_after``)
    or rebases them: so a phase's first points are the same whatever the window."""
    periods = history(month, months)
    if not any(k.spc and (k.spc.fix_after or k.spc.rebase) for k in catalogue.kpis):
        return periods
    starts = [first_data_month(cases)]
    returns = t.returns["period"].dropna()
    if len(returns):
        starts.append(pd.Period(str(returns.min()), freq="M").ordinal)
    first = pd.Period(ordinal=int(min(starts)), freq="M") if min(starts) < NO_DATA else month
    return pd.period_range(min(first, periods[0]), month, freq="M")


def all_measures(c: Cases, periods: pd.PeriodIndex, year_start: int = 1) -> pd.DataFrame:
    """Every computed measure over ``periods`` (period × measure id), computed once (the
    reporting year starting in calendar month ``year_start``)."""
    return wide(compute(c, periods, year_start=year_start)).reindex(periods.strftime("%Y-%m"))


NO_DATA = np.iinfo(np.int64).max // 2


def first_data_month(c: Cases) -> int:
    """The earliest month the case data covers (no values are computed before it)."""
    starts = [c.requests["received_m"].min(), c.plans["start_m"].min()]
    starts = [int(s) for s in starts if pd.notna(s) and s < NO_DATA]
    return min(starts) if starts else np.iinfo(np.int64).max


@dataclass
class Series:
    """Every KPI's monthly values (and partner notes) over a run of months, each value as
    the disclosure decision leaves it: ``status`` is '' (shown), ``c`` or ``s`` (withheld:
    the value is blank) or ``x`` (not available)."""

    periods: pd.PeriodIndex
    values: pd.DataFrame  # index: period text; columns: kpi ids
    notes: pd.DataFrame
    status: pd.DataFrame
    decided: Decided | None = None
    #: a partner's figure withheld (``disclosure: characteristic``), by (KPI, period)
    withheld_returns: dict[tuple[str, str], float] = field(default_factory=dict)


def kpi_series(
    t: Tables,
    catalogue: Catalogue,
    periods: pd.PeriodIndex,
    cases: Cases | None = None,
    measures: pd.DataFrame | None = None,
    disclosure: Disclosure | None = None,
    year_start: int = 1,
    pack: bool = False,
) -> Series:
    """Computed measures and partner returns for the catalogue's KPIs over ``periods``, as
    published (``measures``: every measure already computed for these periods, if at hand;
    ``disclosure``: the threshold, default 4; ``pack``: one team's cases)."""
    c = cases or prepare(t)
    disclosure = disclosure or Disclosure()
    labels = periods.strftime("%Y-%m")
    if measures is None:
        measures = all_measures(c, periods, year_start)
    overrides = catalogue.disclosure_overrides()
    decided = decide_all(c, t.held, measures, periods, disclosure, overrides, pack)
    if not t.held.get("returns"):  # every partner figure is then not available
        for kpi in (k for k in catalogue.kpis if k.source == "return"):
            decided.not_held[kpi.id] = "returns.csv is missing or has no rows"
    wide_values = decided.mask(measures.reindex(labels))
    before = periods.asi8 < first_data_month(c)
    # columns gathered, then one frame each (over a hundred KPIs inserted one by one
    # fragment the frame)
    values: dict[str, np.ndarray] = {}
    notes: dict[str, np.ndarray] = {}
    status: dict[str, np.ndarray] = {}
    held_back: dict[tuple[str, str], float] = {}
    returns = t.returns.drop_duplicates(["kpi_id", "period"]).set_index(["kpi_id", "period"])
    for kpi in catalogue.kpis:
        if kpi.source == "return":
            rows = returns.reindex(pd.MultiIndex.from_product([[kpi.id], labels]))
            v = rows["value"].to_numpy(dtype=float)
            notes[kpi.id] = rows["note"].to_numpy(dtype=object)
            code = np.where(np.isnan(v), NOT_HELD, SHOWN).astype(object)
            if kpi.disclosure_class == CHARACTERISTIC:
                small = (v >= 1) & (v <= disclosure.threshold)
                code[small] = WITHHELD
                held_back |= {
                    (kpi.id, p): float(x) for p, x in zip(labels[small], v[small], strict=True)
                }
                v = np.where(small, np.nan, v)
        else:
            v = wide_values[kpi.source].to_numpy(dtype=float).copy()
            code = decided.status[kpi.source].reindex(labels).to_numpy(dtype=object).copy()
            v[before] = np.nan
            v[~np.isin(periods.month, SCHEDULE[kpi.frequency])] = np.nan
            notes[kpi.id] = np.full(len(labels), None, dtype=object)
        values[kpi.id] = v
        status[kpi.id] = code
    return Series(
        periods,
        pd.DataFrame(values, index=labels),
        pd.DataFrame(notes, index=labels),
        pd.DataFrame(status, index=labels),
        decided,
        held_back,
    )


Comparators = dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]


def comparator_index(benchmarks: pd.DataFrame) -> Comparators:
    """Each (KPI, comparator)'s periods in order and their values, read once for every
    KPI's lookups (``benchmark_lookup``)."""
    out = {}
    for key, rows in benchmarks.groupby(["kpi_id", "comparator"], sort=False, observed=True):
        rows = rows.sort_values("period")
        out[key] = (rows["period"].to_numpy(dtype=str), rows["value"].to_numpy(dtype=float))
    return out


def benchmark_lookup(
    index: Comparators, kpi_id: str | None, periods: list[str], dated: bool = False
) -> dict:
    """Latest comparator value with period ≤ each row's period, per comparator (all
    missing for ``kpi_id`` None: a KPI with no comparator); with ``dated``, each as
    (value, the comparator's own period)."""
    out = {}
    for comparator in COMPARATORS:
        known, vals = index.get((kpi_id, comparator), (np.array([], dtype=str), np.array([])))
        idx = np.searchsorted(known, periods, side="right") - 1
        if dated:
            out[comparator] = [(vals[i], known[i]) if i >= 0 else (np.nan, "") for i in idx]
        else:
            out[comparator] = [vals[i] if i >= 0 else np.nan for i in idx]
    return out


def comparator_periods(
    catalogue: Catalogue, benchmarks: pd.DataFrame, month: pd.Period
) -> pd.DataFrame:
    """Each KPI's comparators in the report month as the scorecard shows them, with the
    period each is for (a comparator is always shown with its period: "England, 2024"):
    kpi_id, comparator, benchmark (the comparator rows' id), period, value."""
    index = comparator_index(benchmarks)
    rows = []
    for kpi in catalogue.kpis:
        found = benchmark_lookup(index, kpi.comparator, [str(month)], dated=True)
        for comparator in COMPARATORS:
            value, period = found[comparator][0]
            if period:
                rows.append((kpi.id, comparator, kpi.comparator, str(period), float(value)))
    return pd.DataFrame(rows, columns=["kpi_id", "comparator", "benchmark", "period", "value"])


def build(
    t: Tables,
    catalogue: Catalogue,
    month: pd.Period,
    months: int = 6,
    cases: Cases | None = None,
    disclosure: Disclosure | None = None,
    year_start: int = 1,
) -> pd.DataFrame:
    """The tidy scorecard for the ``months`` months ending with ``month``, as published
    (year-to-date measures counted from calendar month ``year_start``)."""
    c = cases or prepare(t)
    periods = spc_history(t, catalogue, month, months, c)
    series = kpi_series(t, catalogue, periods, c, disclosure=disclosure, year_start=year_start)
    return from_series(series, catalogue, month, months, t.benchmarks)


def from_series(
    series: Series, catalogue: Catalogue, month: pd.Period, months: int, benchmarks: pd.DataFrame
) -> pd.DataFrame:
    """The tidy scorecard from KPI series covering at least ``history(month, months)``."""
    labels = list(window(month, months).strftime("%Y-%m"))
    index = comparator_index(benchmarks)
    standard = str(history(month, months)[0])
    rows = [_kpi_rows(kpi, series, labels, index, standard) for kpi in catalogue.kpis]
    return pd.concat(rows, ignore_index=True)[COLUMNS]


def _kpi_rows(
    kpi: Kpi, series: Series, labels: list[str], index: Comparators, standard: str
) -> pd.DataFrame:
    rule = kpi.spc
    frame = series.values[kpi.id]
    if not (rule and (rule.fix_after or rule.rebase)):
        # the periods ``history`` reads, whatever longer series was made for a KPI with
        # fixed or rebased limits (``spc_history``)
        frame = frame.loc[standard:]
    values = frame.to_numpy(dtype=float)
    notes = series.notes[kpi.id].loc[frame.index].to_numpy(dtype=object)
    status = series.status[kpi.id].loc[frame.index].to_numpy(dtype=object)
    position = {label: i for i, label in enumerate(frame.index)}
    comparators = benchmark_lookup(index, kpi.comparator, labels)
    phase = spc.phase_starts(list(frame.index), rule.rebase if rule else ())
    out: dict[str, list] = {column: [] for column in ROW_COLUMNS}
    for period in labels:
        i = position[period]
        value = values[i]
        note = notes[i] if isinstance(notes[i], str) else None
        previous = _previous(values, i, kpi)
        variation, assurance = spc.reading(
            values[phase[i] : i + 1],
            kpi.polarity,
            kpi.target,
            SPC_WINDOW,
            SPC_MINIMUM,
            fix_after=rule.fix_after if rule else None,
        )
        row = (
            period,
            value,
            display(kpi, period, value, note, status[i]),
            fmt.direction(value, previous, kpi.places),
            fmt.rag(value, kpi.target, kpi.tolerance, kpi.polarity, kpi.places),
            values[i - 12] if i >= 12 else np.nan,
            variation,
            assurance,
        )
        for column, cell in zip(ROW_COLUMNS, row, strict=True):
            out[column].append(cell)
    n = len(labels)
    return pd.DataFrame(
        {
            "kpi_id": [kpi.id] * n,
            "ref": [kpi.ref] * n,
            "title": [kpi.title.strip()] * n,
            "section": [kpi.section] * n,
            **{c: out[c] for c in ("period", "value", "display", "direction", "rag")},
            "target": [kpi.target] * n,
            "last_year_value": out["last_year_value"],
            **{c: comparators[c] for c in COMPARATORS},
            "spc_variation": out["spc_variation"],
            "spc_assurance": out["spc_assurance"],
        }
    )


def display(kpi: Kpi, period: str, value: float, note: str | None, status: str) -> str:
    """A KPI's figure in a month as published, never blank (GSS symbols): ``[z]`` in a
    month a termly, quarterly or annual KPI does not report in (unless a partner sent a
    figure or a note for it), ``[c]`` withheld, the partner's note, or ``[x]`` when a
    month it reports in has no figure (its file or column not held, the value not
    received)."""
    if np.isnan(value) and note is None and int(period[5:]) not in SCHEDULE[kpi.frequency]:
        return fmt.NOT_APPLICABLE
    if status in WITHHELD_STATUSES:
        return fmt.CONFIDENTIAL
    return fmt.format_value(value, kpi.unit, kpi.places, note)


#: what ``_kpi_rows`` works out for each period
ROW_COLUMNS = (
    "period",
    "value",
    "display",
    "direction",
    "rag",
    "last_year_value",
    "spc_variation",
    "spc_assurance",
)


def _previous(values: np.ndarray, i: int, kpi: Kpi) -> float:
    """The value of the previous period of the KPI's frequency (previous month if monthly)."""
    if kpi.frequency == "monthly":
        return values[i - 1] if i >= 1 else np.nan
    earlier = values[:i][~np.isnan(values[:i])]
    return earlier[-1] if len(earlier) else np.nan


def _carried(
    kpi_id: str,
    label: str,
    values: pd.DataFrame,
    catalogue: Catalogue,
    month: pd.Period,
    status: pd.DataFrame | None = None,
) -> dict[str, str]:
    """A tile's latest value on or before the month in the KPI's series, with its month; a
    value withheld there is [c] (never an older month's value instead)."""
    series = values[kpi_id]
    hidden = (
        status[kpi_id].reindex(series.index).isin(WITHHELD_STATUSES)
        if status is not None and kpi_id in status.columns
        else pd.Series(False, index=series.index)
    )
    keep = (series.index <= str(month)) & (series.notna() | hidden)
    series, hidden = series[keep], hidden[keep]
    if series.empty:
        return {"kpi_id": kpi_id, "label": label, "value": fmt.NOT_AVAILABLE, "period": ""}
    kpi = catalogue.get(kpi_id)
    shown = (
        fmt.CONFIDENTIAL
        if hidden.iloc[-1]
        else fmt.format_value(float(series.iloc[-1]), kpi.unit, kpi.places)
    )
    return {
        "kpi_id": kpi_id,
        "label": label,
        "value": shown,
        "period": pd.Period(series.index[-1], freq="M").strftime("%b %Y"),
    }


def write_csv(scorecard: pd.DataFrame, path: Path) -> None:
    """scorecard.csv: stable text (fixed float format, LF line ends)."""
    with atomic_output(path) as temp:
        scorecard.to_csv(temp, index=False, float_format="%.10g", lineterminator="\n")


def headline_tiles(
    scorecard: pd.DataFrame,
    month: pd.Period,
    headlines: list[Headline],
    values: pd.DataFrame | None = None,
    catalogue: Catalogue | None = None,
    status: pd.DataFrame | None = None,
) -> list[dict[str, str]]:
    """The headline tiles (``headlines`` in kpis.yaml): the latest available value
    of each KPI, with its month.

    With ``values`` (the KPIs' series, period × id, longer than the scorecard's window) and
    the ``catalogue``, a termly or partner figure is carried forward from its month until
    the next one arrives, whatever the window holds — the same value, with its period, in
    every month's paper."""
    out = []
    upto = scorecard[scorecard["period"] <= str(month)]
    for kpi_id, label in ((h.kpi, h.label) for h in headlines):
        if values is not None and catalogue is not None and kpi_id in values.columns:
            out.append(_carried(kpi_id, label, values, catalogue, month, status))
            continue
        # the latest value known, or withheld ([c]: the tile says so rather than go back
        # to an older month)
        known = upto["value"].notna() | (upto["display"] == fmt.CONFIDENTIAL)
        rows = upto[(upto["kpi_id"] == kpi_id) & known]
        if rows.empty:
            out.append({"kpi_id": kpi_id, "label": label, "value": fmt.NOT_AVAILABLE, "period": ""})
            continue
        last = rows.iloc[-1]
        out.append(
            {
                "kpi_id": kpi_id,
                "label": label,
                "value": last["display"],
                "period": pd.Period(last["period"], freq="M").strftime("%b %Y"),
            }
        )
    return out
