"""The charts' house style, in one place: seaborn's theme set to the Analysis Function
categorical palette (#12436D, #28A197, #801650, #F46A25, #3D3D3D, #A285D1, in its
accessible order), and the rules every axis follows so that a reader never meets
two tick labels that read the same or month labels run together.

Lines also differ by marker and style (``MARKERS``, ``DASHES``) so that colour
never carries meaning alone; ``series_style`` gives each series of a chart its own. SVG
output is byte-stable (fixed hash salt, no date).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from sendlib.scorecard import formats as fmt

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
#: each line's style as seaborn's ``dashes`` take it: solid, dashed, dash-dot, dotted …
#: ("" solid; otherwise on, off, … in points)
DASHES = ["", (4, 2), (4, 1.5, 1, 1.5), (1, 1.5), "", (4, 2)]
TEXT = "#0B0C0C"
GREY = "#3D3D3D"

RC = {
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.facecolor": "white",
    "figure.facecolor": "white",
    "font.family": "DejaVu Sans",
    "grid.linewidth": 0.8,
    "svg.hashsalt": "sendlib",
    # labels stay text, not glyph outlines: the page is half the size and WeasyPrint
    # draws the charts in a third of the time
    "svg.fonttype": "none",
    "figure.dpi": 100,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.edgecolor": GREY,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "grid.color": "#DDDDDD",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def series_style(names) -> dict[str, dict]:
    """Each series' colour, marker and dashes, in the order given, as seaborn's
    ``palette``, ``markers`` and ``dashes`` take them."""
    names = list(dict.fromkeys(str(n) for n in names))
    return {
        "palette": {n: PALETTE[i % 6] for i, n in enumerate(names)},
        "markers": {n: MARKERS[i % 6] for i, n in enumerate(names)},
        "dashes": {n: DASHES[i % 6] for i, n in enumerate(names)},
    }


def segments(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of series (one column each, rows in order) as seaborn's long data: ``x`` the
    row's position, ``series``, ``value`` and ``run`` — each unbroken stretch of values its
    own unit, so that a line never joins two points across a month without a value
    (seaborn drops missing values before it draws)."""
    parts = []
    for name in frame.columns:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
        held = ~np.isnan(values)
        starts = held & ~np.concatenate([[False], held[:-1]])
        parts.append(
            pd.DataFrame(
                {
                    "x": np.arange(len(values))[held],
                    "series": str(name),
                    "value": values[held],
                    "run": np.cumsum(starts)[held],
                }
            )
        )
    columns = ["x", "series", "value", "run"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


@cache
def pyplot():
    """matplotlib's pyplot with seaborn's theme in the house style, imported on first use:
    a section without charts never pays for it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, rc=RC)
    return plt


def tick_labels(values: list[float] | np.ndarray, unit: str) -> list[str]:
    """The labels of an axis's ticks, with as few decimals as show each tick as it is, so
    no two labels read the same (a range of 0.6% to 1.4% reads 0.6%, 0.8% … never
    1% 1% 1%)."""
    values = [float(v) for v in values]
    for places in range(4):  # each tick shown as it is (1.25% never as 1.2%)
        if all(abs(v - round(v, places)) < 1e-9 for v in values):
            break
    shown = [_label(v, unit, places) for v in values]
    while len(set(shown)) < len(shown) and places < 6:
        places += 1
        shown = [_label(v, unit, places) for v in values]
    return shown


def _label(value: float, unit: str, places: int) -> str:
    if unit == "percent":
        return f"{value:,.{places}f}%"
    return fmt.format_value(value, "count", places) if places == 0 else f"{value:,.{places}f}"


#: units whose axis starts at zero: a count's line or bar read from a cut axis overstates
#: its change (the Government Analysis Function's guidance on charts)
FROM_ZERO = ("count",)


def set_value_ticks(ax, unit: str, integer: bool = False, from_zero: bool | None = None) -> None:
    """Up to six ticks on the value axis at round numbers, labelled by ``tick_labels``; the
    axis starts at zero for a count (``FROM_ZERO``) unless ``from_zero`` says otherwise."""
    plt = pyplot()
    locator = plt.matplotlib.ticker.MaxNLocator(nbins=6, integer=integer)
    lo, hi = ax.get_ylim()
    if (unit in FROM_ZERO if from_zero is None else from_zero) and lo > 0:
        lo = 0.0
    ticks = [t for t in locator.tick_values(lo, hi) if lo - 1e-9 <= t <= hi + 1e-9]
    ax.set_yticks(ticks, tick_labels(ticks, unit))
    ax.set_ylim(lo, hi)


def tick_step(labels: list[str], width_in: float, fontsize: float) -> int:
    """Every how many labels a date axis shows, so that no two run together: each label
    takes its width (0.6 em a character) and a gap of two characters."""
    if not labels:
        return 1
    longest = max(len(str(label)) for label in labels)
    per_label = (longest + 2) * fontsize * 0.6 / 72  # inches
    fits = max(1, int(width_in // per_label))
    return max(1, -(-len(labels) // fits))


def set_date_ticks(ax, labels: list[str], width_in: float, fontsize: float = 9) -> None:
    """The category (month) axis labelled at a step that keeps its labels apart."""
    step = tick_step(labels, width_in, fontsize)
    x = np.arange(len(labels))
    ax.set_xticks(x[::step], [str(label) for label in labels[::step]])
    ax.tick_params(axis="x", labelsize=fontsize, rotation=0)


def plot_series(ax, frame: pd.DataFrame, style: dict, width: float, marker: float, legend: bool):
    """One line per column of ``frame`` on ``ax``, with seaborn, in the series' colours and
    dashes (``style``, from ``series_style``), a gap where a month has no value."""
    import seaborn as sns

    sns.lineplot(
        data=segments(frame),
        x="x",
        y="value",
        hue="series",
        style="series",
        units="run",
        estimator=None,
        **style,
        linewidth=width,
        markersize=marker,
        legend=legend,
        ax=ax,
    )
