"""Small multiples: one small line chart per measure (``sns.lineplot`` on each panel), two
across, one legend for all.

Panels share their axes where they compare like with like: panels of one measure —
those ``scales`` names alike, such as 20-week timeliness with and without exceptions —
put the same year at the same place and share one value range, so a reader may compare
their heights; panels of different measures keep their own axes. A panel with figures
for one year only has no line to draw and is said beside the chart; a council figure the
disclosure decision withholds (``hidden``) is not drawn, reads ``[c]`` in the data and
"withheld" in the alt text.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from sendlib.paper.charts.describe import describe_panels
from sendlib.paper.charts.figure import SOURCE, Chart, NoChart, as_published, svg, value_text
from sendlib.paper.charts.theme import (
    plot_series,
    pyplot,
    series_style,
    set_date_ticks,
    set_value_ticks,
)


def small_multiples(
    panels: dict[str, pd.DataFrame],
    title: str,
    xlabel: str,
    ylabel: str,
    unit: str = "percent",
    source: str = SOURCE,
    places: int = 1,
    hidden: dict[str, pd.DataFrame] | None = None,
    scales: dict[str, str] | None = None,
) -> Chart | NoChart:
    """One small line chart per measure (``panels``: its title → a frame of labels by
    series, labels in order), ``hidden``: each panel's withheld cells; ``scales``: panel →
    the measure it shows (panels of one measure share a y axis); the data is one table,
    measure by label."""
    hidden = {n: _cells(f, (hidden or {}).get(n)) for n, f in panels.items()}
    series = list(dict.fromkeys(str(c) for frame in panels.values() for c in frame.columns))
    # a panel of one year's figures is points on an empty axis: said beside the chart
    single = {n: f for n, f in panels.items() if f.dropna(how="all").shape[0] <= 1}
    said = []
    for name, frame in single.items():
        found = frame.dropna(how="all")
        if len(found):
            label, row = found.index[0], found.iloc[0].dropna()
            values = "; ".join(f"{c} {value_text(v, unit, places)}" for c, v in row.items())
            said.append(f"{name}, {label}: {values}")
    note = f"Not drawn, having figures for one {xlabel.lower()} only: {'; '.join(said)}."
    note = note if said else ""
    drawn = {n: f for n, f in panels.items() if n not in single}
    if not drawn:
        return NoChart(title, f"no measure has more than one figure, so no chart is drawn. {note}")
    fig = draw_panels(drawn, title, xlabel, ylabel, unit, places, series, scales)
    data = pd.concat(
        [
            as_published(f, hidden[n]).rename_axis(xlabel).reset_index().assign(Measure=n)
            for n, f in panels.items()
        ],
        ignore_index=True,
    )
    data = data.reindex(columns=["Measure", xlabel, *series])
    data[xlabel] = data[xlabel].astype(str)
    alt = describe_panels(title, panels, unit, places, hidden)
    return Chart(
        svg(fig), title, alt, data, source, note, unit=unit, places=places, labels=(xlabel,)
    )


def _cells(frame: pd.DataFrame, hidden: pd.DataFrame | None) -> pd.DataFrame:
    if hidden is None:
        return pd.DataFrame(False, index=frame.index, columns=frame.columns)
    return hidden.reindex(index=frame.index, columns=frame.columns, fill_value=False).astype(bool)


def draw_panels(
    panels: dict[str, pd.DataFrame],
    title: str,
    xlabel: str,
    ylabel: str,
    unit: str = "percent",
    places: int = 1,
    series: list[str] | None = None,
    scales: dict[str, str] | None = None,
):
    """The small multiples' figure: panels of one scale on the labels of all of them
    (``merged``) and one value range."""

    plt = pyplot()
    series = series or list(dict.fromkeys(str(c) for f in panels.values() for c in f.columns))
    style = series_style(series)
    rows = -(-len(panels) // 2)
    height = 2.3 * rows + 1.4  # the panels, and room for the title, legend and source
    fig, axes = plt.subplots(rows, 2, figsize=(7.2, height), squeeze=False)
    used = dict(zip(panels, axes.flat, strict=False))
    for group in shared_scales(list(used), scales).values():
        everywhere = merged([list(panels[n].index) for n in group])
        for name in group:
            ax, frame = used[name], panels[name].reindex(everywhere)
            frame.columns = [str(c) for c in frame.columns]
            plot_series(ax, frame, style, 1.6, 4, False)
            ax.set_xlim(-0.5, len(everywhere) - 0.5)
            names = [str(label).replace("January ", "Jan ") for label in everywhere]
            set_date_ticks(ax, names, 3.0, 7)
            ax.set_title("\n".join(textwrap.wrap(name, 42)), fontsize=9, loc="left")
            ax.set(xlabel="", ylabel="")
        lows, highs = zip(*(used[n].get_ylim() for n in group), strict=True)
        for name in group:
            used[name].set_ylim(min(lows), max(highs))
    for ax in used.values():
        set_value_ticks(ax, unit, integer=unit != "percent" and places == 0)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    _furnish(fig, title, xlabel, ylabel, style, height)
    return fig


def merged(orders: list[list]) -> list:
    """The labels of every panel in one order that keeps each panel's: a label one panel
    has and another lacks goes after the label it follows where it is found."""
    out: list = []
    for labels in orders:
        for i, label in enumerate(labels):
            if label in out:
                continue
            before = [b for b in labels[:i] if b in out]
            after = [a for a in labels[i + 1 :] if a in out]
            at = out.index(before[-1]) + 1 if before else out.index(after[0]) if after else len(out)
            out.insert(at, label)
    return out


def shared_scales(names: list[str], scales: dict[str, str] | None) -> dict[str, list[str]]:
    """The panels drawn on one value range: those of one measure (``scales``); every other
    panel alone."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault((scales or {}).get(name, f"panel: {name}"), []).append(name)
    return groups


def _furnish(fig, title: str, xlabel: str, ylabel: str, style: dict, height: float) -> None:
    """The figure's title, the one legend of every panel's series, and the axis labels."""
    plt = pyplot()
    handles = [
        plt.matplotlib.lines.Line2D(
            [],
            [],
            color=style["palette"][s],
            marker=style["markers"][s],
            linestyle=(0, style["dashes"][s]) if style["dashes"][s] else "-",
            label=s,
        )
        for s in style["palette"]
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
