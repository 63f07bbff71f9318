"""What a paper withholds, with the values, for ``sendlib audit``; and whether a team's
pack could be published.

The paper data carry every withheld figure blank. The audit of the published files needs
the figures themselves, to look for them in any form a reader could see (the count, its
share at the printed precision, a total less the other printed cells): ``register`` lists
them, kept in the run's work folder (``OUT/.work/``), never published.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sendlib.measures.registry import count_behind
from sendlib.paper import labels
from sendlib.scorecard.build import Series
from sendlib.scorecard.catalogue import Catalogue
from sendlib.scorecard.disclosure import Disclosure
from sendlib.scorecard.figures import SHOWN, TOTALS, WITHHELD_STATUSES, Decided

REGISTER = [
    "kind",  # kpi, measure or cell
    "id",  # the KPI or measure id, or the breakdown of a cell
    "period",
    "row",  # a cell's group, as a code ('' for a KPI or measure)
    "column",  # a two-way cell's column, as a code
    "status",  # c (withheld) or s (withheld to protect another)
    "value",  # the figure itself
    "count",  # the count behind it (a share's numerator; the figure, for a count)
    "total",  # what a share of it is a share of, when known
    "unit",
    "places",
    "label",  # how the paper names it: the KPI's title, or the cell's group in words
    "phrases",  # other words it goes by, '|' between them (labels.FIGURE_WORDS)
    "captions",  # the captions of the tables it is in, '|' between them
    "column_label",  # a two-way cell's column in words
]
NOT_COUNTS = ("_pct", "_per_10k", "_days")
BY_TEAM = ("active_by_team", "review_status_by_team", "reviews_held_by_team")


def register(
    decided: Decided,
    measures: pd.DataFrame,
    series: Series,
    catalogue: Catalogue,
    shown: list[str],
) -> pd.DataFrame:
    """Every figure the paper withholds in the months it shows, with its value and the
    words and tables a reader would find it by (see ``REGISTER``)."""
    rows = [
        *_measure_rows(decided, measures, shown),
        *_kpi_rows(series, measures, catalogue, shown),
        *_cell_rows(decided, measures),
    ]
    return pd.DataFrame(rows, columns=REGISTER)


def _measure_rows(decided: Decided, measures: pd.DataFrame, shown: list[str]) -> list[dict]:
    """The withheld figures of the measures the paper shows (tables, sentences, tiles)."""
    rows = []
    status = decided.status
    for measure in status.columns:
        hidden = status[measure].reindex(shown)
        for period in hidden.index[hidden.isin(WITHHELD_STATUSES)]:
            value, count = _values(measures, measure, period)
            share = measure.endswith("_pct")
            words = labels.FIGURE_WORDS.get(count_behind(measure) or measure, ())
            rows.append(
                _row(
                    kind="measure",
                    id=measure,
                    period=period,
                    status=hidden[period],
                    value=value,
                    count=count,
                    unit="percent" if share else "count",
                    places=1 if share else 0,
                    label=measure,
                    phrases="|".join(words),
                )
            )
    return rows


def _kpi_rows(
    series: Series, measures: pd.DataFrame, catalogue: Catalogue, shown: list[str]
) -> list[dict]:
    """The withheld figures of the catalogue's KPIs (the scorecard and its appendix)."""
    rows = []
    for kpi in catalogue.kpis:
        hidden = series.status[kpi.id].reindex(shown)
        words = labels.FIGURE_WORDS.get(count_behind(kpi.source) or kpi.source, ())
        words = (*words, labels.SOCIAL_CARE.get(kpi.source, ""))
        for period in hidden.index[hidden.isin(WITHHELD_STATUSES)]:
            if kpi.source == "return":
                value = count = _returned(series, kpi.id, period)
            else:
                value, count = _values(measures, kpi.source, period)
            rows.append(
                _row(
                    kind="kpi",
                    id=kpi.id,
                    period=period,
                    status=hidden[period],
                    value=value,
                    count=count,
                    unit=kpi.unit,
                    places=kpi.places,
                    label=kpi.title.strip(),
                    phrases="|".join(w for w in words if w),
                )
            )
    return rows


def _cell_rows(decided: Decided, measures: pd.DataFrame) -> list[dict]:
    """The withheld cells of the breakdown tables, with their table's total."""
    rows = []
    cells = decided.cells
    cells = cells[cells["status"].isin(WITHHELD_STATUSES)]
    for cell in cells.itertuples(index=False):
        total_id = TOTALS.get(cell.breakdown)
        total = (
            float(measures.at[cell.period, total_id])
            if total_id and total_id in measures.columns and cell.period in measures.index
            else np.nan
        )
        words = labels.GROUP_WORDS.get(cell.breakdown, {})
        column = labels.word(cell.column, labels.REVIEW_STATUS) if cell.column else ""
        rows.append(
            _row(
                kind="cell",
                id=cell.breakdown,
                period=cell.period,
                row=cell.row,
                column=cell.column,
                status=cell.status,
                value=float(cell.count),
                count=float(cell.count),
                total=total,
                label=labels.word(cell.row, words),
                phrases=""
                if cell.breakdown in BY_TEAM  # a team's name is in a pack's every title
                else "|".join(_cell_words(cell.row, labels.word(cell.row, words))),
                captions="|".join(labels.TABLE_CAPTIONS.get(cell.breakdown, ())),
                column_label=column,
            )
        )
    return rows


def _cell_words(code: str, label: str) -> list[str]:
    """What a sentence may call a table's group ('ASD', 'Autistic spectrum disorder'):
    its code and its label, when they are words (not a one-letter code or a number)."""
    return [w for w in dict.fromkeys([code, label]) if len(w) >= 3 and re.search(r"[A-Za-z]{3}", w)]


def _row(**fields) -> dict:
    """A row of the register, its other fields empty."""
    empty = {"total": np.nan, "unit": "count", "places": 0}
    return {c: fields.get(c, empty.get(c, "")) for c in REGISTER}


def _values(measures: pd.DataFrame, measure: str, period: str) -> tuple[float, float]:
    """A measure's value in a month and the count behind it (itself, for a count)."""
    value = float(measures.at[period, measure])
    behind = count_behind(measure)
    return value, (float(measures.at[period, behind]) if behind else value)


def _returned(series: Series, kpi_id: str, period: str) -> float:
    """A partner's withheld figure: the one value the decision blanked."""
    return float(series.withheld_returns.get((kpi_id, period), np.nan))


def public_pack(
    shown: pd.DataFrame, parts: dict[str, pd.DataFrame], disclosure: Disclosure
) -> dict:
    """Whether a team's pack could be published: a team is a small group, so every count
    in it is a count of children by a characteristic (their team); the pack is public only
    if none it shows lies in 1..threshold. ``shown``: the measures as the pack shows them
    (period × id, withheld ones blank); ``parts``: the sections' own breakdowns."""
    limit = disclosure.threshold
    counts = shown[[c for c in shown.columns if not c.endswith(NOT_COUNTS)]]
    small = int(((counts >= 1) & (counts <= limit)).to_numpy().sum())
    for frame in parts.values():
        numbers = frame.select_dtypes("number").to_numpy(dtype=float)
        small += int(((numbers >= 1) & (numbers <= limit)).sum())
    return {"public": small == 0, "small_counts": small, "threshold": limit}


__all__ = ["REGISTER", "SHOWN", "public_pack", "register"]
