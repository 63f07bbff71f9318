"""A KPI's monthly line chart, drawn with seaborn (``sns.lineplot``) in the house style
(``sendlib.paper.charts.theme``): each line its own colour, marker and dashes, a month
without a value a gap, the target a dotted line, a count's axis from zero. Values the
disclosure decision withholds are not drawn; a chart with one point or none a reader may
see is a sentence (``NoChart``)."""

from __future__ import annotations

import pandas as pd

from sendlib.config import SUPPRESSION_THRESHOLD
from sendlib.paper.charts.describe import describe_lines
from sendlib.paper.charts.figure import (
    SOURCE,
    Chart,
    NoChart,
    as_published,
    finish,
    month_names,
    svg,
    value_text,
    withheld_count,
    withheld_words,
)
from sendlib.paper.charts.theme import (
    plot_series,
    pyplot,
    series_style,
    set_date_ticks,
    set_value_ticks,
)

TARGET_COLOUR = "#801650"


def line_chart(
    frame: pd.DataFrame,
    title: str,
    ylabel: str,
    unit: str = "count",
    target: float | None = None,
    source: str = SOURCE,
    places: int = 0,
    withheld: pd.DataFrame | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> Chart | NoChart:
    """Monthly series (index: period text YYYY-MM; one column per line); ``withheld``
    marks the values disclosure control withholds (blank in ``frame``): they are not
    drawn, show as [c] in the data and are counted in the alt text."""
    hidden = (
        withheld.reindex(index=frame.index, columns=frame.columns, fill_value=False).astype(bool)
        if withheld is not None
        else pd.DataFrame(False, index=frame.index, columns=frame.columns)
    )
    sentence = _as_sentence(frame, hidden, unit, places, threshold)
    if sentence:
        return NoChart(title, sentence)
    fig = draw_lines(frame, title, ylabel, unit, places, target)
    data = as_published(frame, hidden)
    data.index = month_names(frame.index)
    data = data.rename_axis("Month").reset_index()
    alt = describe_lines(title, frame, unit, places, target)
    alt += withheld_count(int(hidden.to_numpy().sum()), "value", threshold)
    return Chart(svg(fig), title, alt, data, source, unit=unit, places=places)


def _as_sentence(
    frame: pd.DataFrame, hidden: pd.DataFrame, unit: str, places: int, threshold: int
) -> str:
    """Why no chart is drawn — no value a reader may see, or only one — or ''."""
    shown = int(frame.notna().to_numpy().sum())
    if shown == 0:
        if hidden.to_numpy().any():
            return f"every value is {withheld_words(threshold)}, so no chart is drawn."
        return "no figures are available for these months, so no chart is drawn."
    if shown == 1:  # one point on an empty axis
        column = frame.columns[frame.notna().any().to_numpy()][0]
        when = frame[column].first_valid_index()
        said = value_text(frame.at[when, column], unit, places)
        named = f"{column}: " if len(frame.columns) > 1 else ""
        month = month_names([when], "%B %Y")[0]
        return f"one month has a figure, so no chart is drawn: {named}{said} in {month}."
    return ""


def draw_lines(
    frame: pd.DataFrame,
    title: str,
    ylabel: str,
    unit: str = "count",
    places: int = 0,
    target: float | None = None,
):
    """The line chart's figure (matplotlib's, drawn by seaborn): one line per column over
    the months of the index, gaps kept."""

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    legend = len(frame.columns) > 1 or target is not None
    plot_series(ax, frame, series_style(frame.columns), 2, 5, bool(legend))
    if target is not None:
        ax.axhline(target, color=TARGET_COLOUR, linestyle=":", linewidth=1.5)
    set_date_ticks(ax, month_names(frame.index, "%b %y"), 5.2 if legend else 6.6)
    ax.set_xlim(-0.5, len(frame) - 0.5)
    set_value_ticks(ax, unit, integer=unit != "percent" and places == 0)
    if legend:
        named = f"Target ({value_text(target, unit, places)})" if target is not None else None
        outside_legend(ax, extra=named)
    finish(ax, title, "Month", ylabel)
    return fig


def outside_legend(ax, extra: str | None = None) -> None:
    """Seaborn's legend beside the chart, untitled; ``extra`` names the axes' last line
    (a target) after the series."""
    legend = ax.get_legend()
    handles = list(legend.legend_handles) if legend else []
    names = [t.get_text() for t in legend.texts] if legend else []
    if extra is not None:
        handles.append(ax.lines[-1])
        names.append(extra)
    if legend:
        legend.remove()
    ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
