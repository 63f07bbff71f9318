"""Charts in one house style (seaborn's theme, ``sendlib.paper.chart_theme``), published
as accessible figures.

Every chart has a title and axis labels in the picture, one caption beside it (its
source), alt text generated from its data (what it shows and its key figure) and its
data as a table beside it. A chart that would show one point, or nothing a reader may
see, is a sentence instead (``NoChart``). Tick labels never repeat and month labels
never run together (``chart_theme``).
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sendlib.paper.chart_theme import (
    MARKERS,
    PALETTE,
    STYLES,
    pyplot,
    set_date_ticks,
    set_value_ticks,
)
from sendlib.paper.tables import Table, slug
from sendlib.scorecard import formats as fmt

SOURCE = "Source: council SEND case records"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: SVG, its title, alt text, source and data."""

    svg: str
    title: str
    alt: str
    data: pd.DataFrame
    source: str = SOURCE
    note: str = ""  # what the picture leaves out, said beside it

    def to_html(self) -> str:
        """A <figure>: the image with alt text, a caption, and the data in a table."""
        uri = "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()
        table = Table(self.data, f"Data for the chart: {self.title}").classed("data chart-data")
        first = self.data.columns[0]
        table = table.row_header(first).number(
            *[c for c in self.data.columns if c != first],
            places=1 if _has_fraction(self.data) else 0,
        )
        return (
            f'<figure class="chart" id="f-{slug(self.title)}">'
            f'<img src="{uri}" alt="{html.escape(self.alt)}">'
            f'<figcaption><span class="source">{html.escape(self.source)}.</span>'
            + (f" {html.escape(self.note)}" if self.note else "")
            + "</figcaption>"
            f'<details class="chart-data"><summary>Show the data for this chart</summary>'
            f"{table.to_html()}</details></figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class NoChart:
    """What stands where a chart would, when it would show nothing a reader may see (every
    value withheld or not available): a sentence saying so."""

    title: str
    reason: str

    def to_html(self) -> str:
        return f'<p class="chart-note">{html.escape(self.title)}: {html.escape(self.reason)}</p>'

    def _repr_html_(self) -> str:
        return self.to_html()


def withheld_words(threshold: int) -> str:
    """How a chart says why a value is not drawn."""
    return (
        f"withheld to protect confidentiality (fewer than {threshold + 1} children, or "
        "needed to protect such a figure)"
    )


def _has_fraction(frame: pd.DataFrame) -> bool:
    numbers = frame.select_dtypes("number").to_numpy(dtype=float)
    numbers = numbers[~np.isnan(numbers)]
    return bool(len(numbers)) and not np.allclose(numbers, np.round(numbers))


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    pyplot().close(fig)
    return buffer.getvalue()


def _finish(fig, ax, title: str, xlabel: str, ylabel: str, source: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)


def line_chart(
    frame: pd.DataFrame,
    title: str,
    ylabel: str,
    unit: str = "count",
    target: float | None = None,
    source: str = SOURCE,
    places: int = 0,
    withheld: pd.DataFrame | None = None,
    threshold: int = 4,
) -> Chart | NoChart:
    """Monthly series (index: period text YYYY-MM; one column per line); ``withheld``
    marks the values disclosure control withholds (blank in ``frame``): they are not
    drawn, show as [c] in the data and are counted in the alt text."""
    frame = frame.copy()
    hidden = (
        withheld.reindex(index=frame.index, columns=frame.columns, fill_value=False).astype(bool)
        if withheld is not None
        else pd.DataFrame(False, index=frame.index, columns=frame.columns)
    )
    if frame.notna().to_numpy().sum() == 0:
        reason = (
            f"every value is {withheld_words(threshold)}, so no chart is drawn."
            if hidden.to_numpy().any()
            else "no figures are available for these months, so no chart is drawn."
        )
        return NoChart(title, reason)
    if frame.notna().to_numpy().sum() == 1:  # one point on an empty axis: a sentence
        column = frame.columns[frame.notna().any().to_numpy()][0]
        when = frame[column].first_valid_index()
        said = _v(frame.at[when, column], unit, places)
        month = pd.Period(when, freq="M").strftime("%B %Y")
        named = f"{column}: " if len(frame.columns) > 1 else ""
        return NoChart(
            title, f"one month has a figure, so no chart is drawn: {named}{said} in {month}."
        )
    labels = [pd.Period(p, freq="M").strftime("%b %y") for p in frame.index]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    x = np.arange(len(frame))
    for i, column in enumerate(frame.columns):
        ax.plot(
            x,
            frame[column].to_numpy(dtype=float),
            label=column,
            color=PALETTE[i % 6],
            marker=MARKERS[i % 6],
            linestyle=STYLES[i % 6],
            linewidth=2,
            markersize=4,
        )
    if target is not None:
        ax.axhline(
            target,
            color="#801650",
            linestyle=":",
            linewidth=1.5,
            label=f"Target ({_v(target, unit, places)})",
        )
    legend = len(frame.columns) > 1 or target is not None
    set_date_ticks(ax, labels, 5.2 if legend else 6.6)
    set_value_ticks(ax, unit, integer=unit != "percent" and places == 0)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    _finish(fig, ax, title, "Month", ylabel, source)
    data = frame.astype(object).mask(hidden, fmt.CONFIDENTIAL)
    data.index = [pd.Period(p, freq="M").strftime("%b %Y") for p in frame.index]
    data = data.rename_axis("Month").reset_index()
    alt = describe_lines(title, frame, unit, places, target)
    if hidden.to_numpy().any():
        count = int(hidden.to_numpy().sum())
        alt += f" {count} {'value' if count == 1 else 'values'} {withheld_words(threshold)}."
    return Chart(_svg(fig), title, alt, data, source)


def bar_chart(
    values: pd.Series,
    title: str,
    xlabel: str,
    ylabel: str,
    hidden: pd.Series,
    unit: str = "count",
    source: str = SOURCE,
    places: int = 0,
    threshold: int = 4,
) -> Chart | NoChart:
    """Horizontal bars for a breakdown (largest first as given); the counts the disclosure
    decision withholds (``hidden``) are not plotted and show as [c] in the chart's data."""
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
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.42 * max(len(plotted), 3) + 1.0))
    import seaborn as sns

    y = np.arange(len(plotted))
    sns.barplot(
        x=plotted.to_numpy(dtype=float),
        y=[str(i) for i in plotted.index],
        orient="h",
        color=PALETTE[0],
        ax=ax,
    )
    for yi, v in zip(y, plotted.to_numpy(dtype=float), strict=True):
        ax.text(v, yi, " " + _v(v, unit, places), va="center", fontsize=9)
    ax.grid(axis="y", visible=False)
    _finish(fig, ax, title, xlabel, ylabel, source)
    data = values.astype(object).mask(hidden, fmt.CONFIDENTIAL)
    data = data.rename_axis(ylabel).reset_index(name=xlabel)
    alt = describe_bars(title, plotted, unit, places)
    if hidden.any():
        count = int(hidden.sum())
        alt += f" {count} {'group' if count == 1 else 'groups'} {withheld_words(threshold)}."
    return Chart(_svg(fig), title, alt, data, source)


def paired_bars(
    frame: pd.DataFrame, title: str, ylabel: str, source: str = SOURCE
) -> Chart | NoChart:
    """Vertical bars per category for two or three series (e.g. this year vs last year);
    a sentence when no bar would show."""
    values = frame.to_numpy(dtype=float)
    if not (np.nan_to_num(values) > 0).any():
        return NoChart(title, "there is nothing to show for these months.")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    x = np.arange(len(frame))
    width = 0.8 / len(frame.columns)
    hatches = ["", "//", ".."]
    for i, column in enumerate(frame.columns):
        ax.bar(
            x + (i - (len(frame.columns) - 1) / 2) * width,
            frame[column].to_numpy(dtype=float),
            width,
            label=str(column),
            color=PALETTE[i % 6],
            hatch=hatches[i % 3],
            edgecolor="white",
        )
    set_date_ticks(ax, [str(i) for i in frame.index], 5.2)
    set_value_ticks(ax, "count", integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    _finish(fig, ax, title, frame.index.name or "", ylabel, source)
    data = frame.rename_axis(frame.index.name or "Category").reset_index()
    data.columns = [str(c) for c in data.columns]
    return Chart(_svg(fig), title, describe_paired(title, frame), data, source)


#: the columns of a projection chart's frame, and their names in its data table
PROJECTION_COLUMNS = {
    "recorded": "Recorded",
    "mean": "Projected",
    "lo80": "80% interval from",
    "hi80": "80% interval to",
    "lo95": "95% interval from",
    "hi95": "95% interval to",
}


def projection_chart(
    frame: pd.DataFrame, title: str, ylabel: str, unit: str = "count", source: str = SOURCE
) -> Chart:
    """History and projection of a monthly series (index: period text YYYY-MM; columns
    ``recorded``, ``mean`` and the interval bounds ``lo80`` … ``hi95``): the record as a
    solid line with markers, the projection dashed, the 80% interval shaded and the 95%
    interval shaded lighter between dotted lines, so that no part depends on colour."""
    frame = frame.reindex(columns=list(PROJECTION_COLUMNS))
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    x = np.arange(len(frame))
    column = {name: frame[name].to_numpy(dtype=float) for name in PROJECTION_COLUMNS}
    ahead = ~np.isnan(column["mean"])
    ax.fill_between(
        x,
        column["lo95"],
        column["hi95"],
        where=ahead,
        color=PALETTE[0],
        alpha=0.12,
        lw=0,
        label="95% interval",
    )
    for bound in ("lo95", "hi95"):
        ax.plot(x, column[bound], color=PALETTE[0], linestyle=":", linewidth=1)
    ax.fill_between(
        x,
        column["lo80"],
        column["hi80"],
        where=ahead,
        color=PALETTE[0],
        alpha=0.3,
        lw=0,
        label="80% interval",
    )
    ax.plot(
        x,
        column["recorded"],
        color=PALETTE[4],
        marker="o",
        markersize=3,
        linewidth=2,
        label="Recorded",
    )
    # the projected line starts from the last recorded point, so the two lines meet
    line = column["mean"].copy()
    first = int(np.argmax(ahead)) if ahead.any() else 0
    if first and not np.isnan(column["recorded"][first - 1]):
        line[first - 1] = column["recorded"][first - 1]
    ax.plot(x, line, color=PALETTE[0], linestyle="--", linewidth=2, label="Projected")
    labels = [pd.Period(p, freq="M").strftime("%b %y") for p in frame.index]
    set_date_ticks(ax, labels, 5.2)
    set_value_ticks(ax, unit, integer=unit != "percent")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    _finish(fig, ax, title, "Month", ylabel, source)
    data = frame.rename(columns=PROJECTION_COLUMNS)
    data.index = [pd.Period(p, freq="M").strftime("%b %Y") for p in frame.index]
    data = data.rename_axis("Month").reset_index()
    return Chart(_svg(fig), title, describe_projection(title, frame, unit), data, source)


def describe_projection(title: str, frame: pd.DataFrame, unit: str = "count") -> str:
    """Alt text: the span, the last recorded value and the last projected one with its
    intervals."""
    recorded, ahead = frame["recorded"].dropna(), frame["mean"].dropna()
    if recorded.empty:
        return f"{title}: no data."
    first = pd.Period(frame.index[0], freq="M").strftime("%B %Y")
    last = pd.Period(recorded.index[-1], freq="M").strftime("%B %Y")
    parts = [
        f"Line chart: {title}. Recorded from {first} to {last}, "
        f"{_v(recorded.iloc[-1], unit, 0)} in {last}."
    ]
    if not ahead.empty:
        end = ahead.index[-1]
        when = pd.Period(end, freq="M").strftime("%B %Y")
        row = frame.loc[end]
        parts.append(
            f"Projected {_v(row['mean'], unit, 0)} in {when} (80% interval "
            f"{_v(row['lo80'], unit, 0)} to {_v(row['hi80'], unit, 0)}; 95% interval "
            f"{_v(row['lo95'], unit, 0)} to {_v(row['hi95'], unit, 0)})."
        )
    return " ".join(parts)


def _v(value: float, unit: str, places: int) -> str:
    return fmt.format_value(value, unit, places)


def describe_lines(
    title: str, frame: pd.DataFrame, unit: str, places: int, target: float | None = None
) -> str:
    """Alt text: what the line chart shows, its span and each line's latest value."""
    if frame.empty:
        return f"{title}: no data."
    first = pd.Period(frame.index[0], freq="M").strftime("%B %Y")
    last = pd.Period(frame.index[-1], freq="M").strftime("%B %Y")
    parts = [f"Line chart: {title}, {first} to {last}."]
    for column in frame.columns:
        series = frame[column].dropna()
        if series.empty:
            continue
        latest, start = series.iloc[-1], series.iloc[0]
        when = pd.Period(series.index[-1], freq="M").strftime("%B %Y")
        change = fmt.direction(latest, start, places)
        word = {"up": "up from", "down": "down from", "same": "the same as"}.get(change, "from")
        parts.append(
            f"{column}: {_v(latest, unit, places)} in {when}, {word} "
            f"{_v(start, unit, places)} at the start."
        )
    if target is not None:
        parts.append(f"The target is {_v(target, unit, places)}.")
    return " ".join(parts)


def describe_bars(title: str, values: pd.Series, unit: str, places: int) -> str:
    """Alt text: the bar chart's categories, largest first, with their values."""
    if values.empty:
        return f"{title}: no data."
    ordered = values.sort_values(ascending=False)
    listed = "; ".join(f"{k} {_v(v, unit, places)}" for k, v in ordered.head(6).items())
    more = f"; and {len(ordered) - 6} more" if len(ordered) > 6 else ""
    return f"Bar chart: {title}. Largest first: {listed}{more}."


def describe_paired(title: str, frame: pd.DataFrame) -> str:
    """Alt text: totals of each series across the categories."""
    totals = "; ".join(f"{c}: total {frame[c].sum():,.0f}" for c in frame.columns)
    by = f"by {str(frame.index.name or 'category').lower()}"
    named = "" if by in title.lower() else f", {by}"  # never 'by month, by Month'
    return f"Bar chart: {title}{named}. {totals}."


def small_multiples(
    panels: dict[str, pd.DataFrame],
    title: str,
    xlabel: str,
    ylabel: str,
    unit: str = "percent",
    source: str = SOURCE,
    places: int = 1,
) -> Chart | NoChart:
    """One small line chart per measure (``panels``: its title → a frame of labels by
    series), two across, a legend shared by all; the data is one table, measure by label."""
    everything = panels
    series = list(dict.fromkeys(c for frame in panels.values() for c in frame.columns))
    # a panel of one point is a point on an empty axis: said beside the chart instead
    single = {n: f for n, f in panels.items() if f.notna().to_numpy().sum() <= 1}
    panels = {n: f for n, f in panels.items() if n not in single}
    said = []
    for name, frame in single.items():
        found = frame.stack().dropna()
        if len(found):
            (label, column), value = found.index[0], found.iloc[0]
            said.append(f"{name}: {column} {_v(value, unit, places)} ({label}) only")
    note = f"Not drawn (one figure only): {'; '.join(said)}." if said else ""
    if not panels:
        return NoChart(title, f"no measure has more than one figure, so no chart is drawn. {note}")
    plt = pyplot()
    style = {s: i for i, s in enumerate(series)}
    rows = -(-len(panels) // 2)
    height = 2.3 * rows + 1.4  # the panels, and room for the title, legend and source
    fig, axes = plt.subplots(rows, 2, figsize=(7.2, height), squeeze=False)
    for ax, (name, frame) in zip(axes.flat, panels.items(), strict=False):
        x = np.arange(len(frame))
        for column in frame.columns:
            i = style[column]
            ax.plot(
                x,
                frame[column].to_numpy(dtype=float),
                color=PALETTE[i % 6],
                marker=MARKERS[i % 6],
                linestyle=STYLES[i % 6],
                linewidth=1.6,
                markersize=4,
                label=column,
            )
        names = [str(label).replace("January ", "Jan ") for label in frame.index]
        set_date_ticks(ax, names, 3.0, fontsize=7)
        ax.set_title(_wrap(name, 42), fontsize=9, loc="left")
        set_value_ticks(ax, unit, integer=unit != "percent" and places == 0)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    handles = [
        plt.matplotlib.lines.Line2D(
            [], [], color=PALETTE[i % 6], marker=MARKERS[i % 6], linestyle=STYLES[i % 6], label=s
        )
        for s, i in style.items()
    ]
    top = 1 - 0.75 / height  # inches from the top for the title and legend
    fig.suptitle(title, x=0.01, y=1 - 0.1 / height, ha="left", va="top", fontsize=12, weight="bold")
    fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - 0.38 / height),
        ncol=min(4, len(handles)),
        frameon=False,
        fontsize=8,
    )
    fig.supxlabel(xlabel, fontsize=9, y=0.3 / height)
    fig.supylabel(ylabel, fontsize=9)
    fig.tight_layout(rect=(0.02, 0.45 / height, 1, top))
    data = pd.concat(
        [f.rename_axis(xlabel).reset_index().assign(Measure=n) for n, f in everything.items()],
        ignore_index=True,
    )
    data = data[["Measure", xlabel, *series]]
    data[xlabel] = data[xlabel].astype(str)
    alt = describe_panels(title, everything, unit, places)
    return Chart(_svg(fig), title, alt, data, source, note)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def describe_panels(title: str, panels: dict[str, pd.DataFrame], unit: str, places: int) -> str:
    """Alt text: each panel's latest label and every series' value there."""
    parts = [f"Line charts: {title}."]
    for name, frame in panels.items():
        latest = frame.dropna(how="all")
        if latest.empty:
            continue
        label, row = latest.index[-1], latest.iloc[-1]
        values = "; ".join(f"{s} {_v(v, unit, places)}" for s, v in row.dropna().items())
        parts.append(f"{name}, {label}: {values}.")
    return " ".join(parts)
