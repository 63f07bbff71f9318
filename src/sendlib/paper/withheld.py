"""What a paper withholds, with the values, for ``sendlib audit``; and whether a team's
pack could be published.

The paper data carry every withheld figure blank. The audit of the published files needs
the figures themselves, to look for them in any form a reader could see (the count, its
share at the printed precision, a total less the other printed cells): ``register`` lists
them, kept in the run's work folder (``OUT/.work/``), never published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures.registry import count_behind
from sendlib.scorecard.build import Series
from sendlib.scorecard.catalogue import Catalogue
from sendlib.scorecard.disclosure import Disclosure
from sendlib.scorecard.figures import SHOWN, TOTALS, WITHHELD_STATUSES, Decided

REGISTER = [
    "kind",  # kpi, measure or cell
    "id",  # the KPI or measure id, or the breakdown of a cell
    "period",
    "row",  # a cell's group ('' for a KPI or measure)
    "column",  # a two-way cell's column
    "status",  # c (withheld) or s (withheld to protect another)
    "value",  # the figure itself
    "count",  # the count behind it (a share's numerator; the figure, for a count)
    "total",  # what a share of it is a share of, when known
    "unit",
    "places",
    "label",  # the KPI's title, or the cell's group
]
NOT_COUNTS = ("_pct", "_per_10k", "_days")


def register(
    decided: Decided,
    measures: pd.DataFrame,
    series: Series,
    catalogue: Catalogue,
    shown: list[str],
) -> pd.DataFrame:
    """Every figure the paper withholds in the months it shows, with its value."""
    rows = []
    status = decided.status
    for measure in status.columns:
        hidden = status[measure].reindex(shown)
        for period in hidden.index[hidden.isin(WITHHELD_STATUSES)]:
            value = float(measures.at[period, measure])
            behind = count_behind(measure)
            count = float(measures.at[period, behind]) if behind else value
            rows.append(
                (
                    "measure",
                    measure,
                    period,
                    "",
                    "",
                    hidden[period],
                    value,
                    count,
                    np.nan,
                    "percent" if measure.endswith("_pct") else "count",
                    1 if measure.endswith("_pct") else 0,
                    measure,
                )
            )
    for kpi in catalogue.kpis:
        hidden = series.status[kpi.id].reindex(shown)
        for period in hidden.index[hidden.isin(WITHHELD_STATUSES)]:
            if kpi.source == "return":
                value = _returned(series, kpi.id, period)
                count = value
            else:
                value = float(measures.at[period, kpi.source])
                behind = count_behind(kpi.source)
                count = float(measures.at[period, behind]) if behind else value
            rows.append(
                (
                    "kpi",
                    kpi.id,
                    period,
                    "",
                    "",
                    hidden[period],
                    value,
                    count,
                    np.nan,
                    kpi.unit,
                    kpi.places,
                    kpi.title.strip(),
                )
            )
    cells = decided.cells
    cells = cells[cells["status"].isin(WITHHELD_STATUSES)]
    for cell in cells.itertuples(index=False):
        total_id = TOTALS.get(cell.breakdown)
        total = (
            float(measures.at[cell.period, total_id])
            if total_id and total_id in measures.columns and cell.period in measures.index
            else np.nan
        )
        rows.append(
            (
                "cell",
                cell.breakdown,
                cell.period,
                cell.row,
                cell.column,
                cell.status,
                float(cell.count),
                float(cell.count),
                total,
                "count",
                0,
                cell.row,
            )
        )
    return pd.DataFrame(rows, columns=REGISTER)


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
