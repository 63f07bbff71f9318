"""Bar charts, drawn with seaborn (``sns.barplot``) in the house style: a breakdown's
horizontal bars (counts the disclosure decision withholds are not drawn) and vertical bars
of two or three series side by side, told apart by hatching as well as colour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.config import SUPPRESSION_THRESHOLD
from sendlib.paper.charts.describe import describe_bars, describe_paired
from sendlib.paper.charts.figure import (
    SOURCE,
    Chart,
    NoChart,
    finish,
    svg,
    value_text,
    withheld_count,
    withheld_words,
)
from sendlib.paper.charts.theme import PALETTE, pyplot, set_date_ticks, set_value_ticks
from sendlib.scorecard import formats as fmt

HATCHES = ["", "//", ".."]


def bar_chart(
    values: pd.Series,
    title: str,
    xlabel: str,
    ylabel: str,
    hidden: pd.Series,
    unit: str = "count",
    source: str = SOURCE,
    places: int = 0,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> Chart | NoChart:
    """Horizontal bars for a breakdown (largest first as given); the counts the disclosure
    decision withholds (``hidden``) are not plotted and show as [c] in the chart's data."""
    import seaborn as sns

    hidden = hidden.reindex(values.index, fill_value=False).astype(bool)
    plotted = values[~hidden].dropna()
    if plotted.empty or not (plotted > 0).any():
        return NoChart(
            title,
            f"every group is {withheld_words(threshold)}, so no chart is drawn; "
            "the table gives what can be published."
            if hidden.any()
            else "there is nothing to show this month.",
        )
    fig, ax = pyplot().subplots(figsize=(7.2, 0.42 * max(len(plotted), 3) + 1.0))
    sns.barplot(
        x=plotted.to_numpy(dtype=float),
        y=[str(i) for i in plotted.index],
        orient="h",
        color=PALETTE[0],
        ax=ax,
    )
    for y, v in enumerate(plotted.to_numpy(dtype=float)):
        ax.text(v, y, " " + value_text(v, unit, places), va="center", fontsize=9)
    ax.grid(axis="y", visible=False)
    finish(ax, title, xlabel, ylabel)
    data = values.astype(object).mask(hidden, fmt.CONFIDENTIAL)
    data = data.rename_axis(ylabel).reset_index(name=xlabel)
    alt = describe_bars(title, plotted, unit, places)
    alt += withheld_count(int(hidden.sum()), "group", threshold)
    return Chart(svg(fig), title, alt, data, source, unit=unit, places=places)


def paired_bars(
    frame: pd.DataFrame, title: str, ylabel: str, source: str = SOURCE
) -> Chart | NoChart:
    """Vertical bars of counts per category for two or three series (e.g. this year vs
    last year); a sentence when no bar would show."""
    import seaborn as sns

    values = frame.to_numpy(dtype=float)
    if not (np.nan_to_num(values) > 0).any():
        return NoChart(title, "there is nothing to show for these months.")
    categories = [str(i) for i in frame.index]
    series = [str(c) for c in frame.columns]
    long = pd.DataFrame(
        {
            "category": np.repeat([categories], len(series), axis=0).ravel(),
            "series": np.repeat(series, len(categories)),
            "value": values.T.ravel(),
        }
    )
    fig, ax = pyplot().subplots(figsize=(7.2, 3.2))
    sns.barplot(
        data=long,
        x="category",
        y="value",
        hue="series",
        order=categories,
        hue_order=series,
        palette=dict(zip(series, PALETTE, strict=False)),
        edgecolor="white",
        ax=ax,
    )
    for container, hatch in zip(ax.containers, HATCHES, strict=False):
        for bar in container:
            bar.set_hatch(hatch)
    legend = ax.get_legend()
    for handle, hatch in zip(legend.legend_handles, HATCHES, strict=False):
        handle.set_hatch(hatch)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, title=None)
    set_date_ticks(ax, categories, 5.2)
    set_value_ticks(ax, "count", integer=True)
    finish(ax, title, frame.index.name or "", ylabel)
    data = frame.rename_axis(frame.index.name or "Category").reset_index()
    data.columns = [str(c) for c in data.columns]
    return Chart(svg(fig), title, describe_paired(title, frame), data, source)
