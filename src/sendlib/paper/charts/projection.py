"""A series' record and its projection, drawn with seaborn: the record a solid line with
markers and the projection dashed (``sns.lineplot``), the 80% interval a shaded band and
the 95% interval a lighter band between dotted edges (``seaborn.objects.Band``), so that
no part depends on colour. The data table gives ``[z]`` (not applicable) for a
projection in a month already recorded and for a record in a month ahead."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from sendlib.paper.charts.describe import describe_projection
from sendlib.paper.charts.figure import SOURCE, Chart, finish, month_names, svg
from sendlib.paper.charts.theme import PALETTE, pyplot, set_date_ticks, set_value_ticks
from sendlib.scorecard import formats as fmt

#: the columns of a projection chart's frame, and their names in its data table
PROJECTION_COLUMNS = {
    "recorded": "Recorded",
    "mean": "Projected",
    "lo80": "80% interval from",
    "hi80": "80% interval to",
    "lo95": "95% interval from",
    "hi95": "95% interval to",
}
#: each band: its bounds and how it is drawn (the 95% one lighter, between dotted edges)
BANDS = {
    "95% interval": ("lo95", "hi95", {"alpha": 0.12, "edgewidth": 1, "edgestyle": ":"}),
    "80% interval": ("lo80", "hi80", {"alpha": 0.3, "edgewidth": 0}),
}


def projection_chart(
    frame: pd.DataFrame, title: str, ylabel: str, unit: str = "count", source: str = SOURCE
) -> Chart:
    """History and projection of a monthly series (index: period text YYYY-MM; columns
    ``recorded``, ``mean`` and the interval bounds ``lo80`` … ``hi95``)."""
    frame = frame.reindex(columns=list(PROJECTION_COLUMNS))
    fig = draw_projection(frame, title, ylabel, unit)
    ahead = frame["mean"].notna()
    data = frame.astype(object)
    data.loc[ahead, "recorded"] = data.loc[ahead, "recorded"].where(
        frame.loc[ahead, "recorded"].notna(), fmt.NOT_APPLICABLE
    )
    for name in ("mean", "lo80", "hi80", "lo95", "hi95"):
        data.loc[~ahead, name] = fmt.NOT_APPLICABLE
    data = data.rename(columns=PROJECTION_COLUMNS)
    data.index = month_names(frame.index)
    data = data.rename_axis("Month").reset_index()
    alt = describe_projection(title, frame, unit)
    return Chart(svg(fig), title, alt, data, source, unit=unit, places=0)


def draw_projection(frame: pd.DataFrame, title: str, ylabel: str, unit: str = "count"):
    """The projection chart's figure (``projection_chart``)."""
    import seaborn as sns
    import seaborn.objects as so

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    x = np.arange(len(frame))
    long = frame.assign(x=x)
    handles = []
    for name, (lo, hi, look) in BANDS.items():
        band = so.Band(color=PALETTE[0], edgecolor=PALETTE[0], **look)
        with warnings.catch_warnings():  # seaborn 0.13.2 passes pandas 3 a deprecated copy=
            warnings.filterwarnings("ignore", message="The copy keyword is deprecated")
            so.Plot(long.dropna(subset=[lo, hi]), x="x", ymin=lo, ymax=hi).add(band).on(ax).plot()
        handles.append(
            plt.matplotlib.patches.Patch(
                facecolor=PALETTE[0],
                alpha=look["alpha"],
                edgecolor=PALETTE[0] if look["edgewidth"] else "none",
                linestyle=look.get("edgestyle", "-"),
                label=name,
            )
        )
    recorded = frame["recorded"].to_numpy(dtype=float)
    held = ~np.isnan(recorded)
    sns.lineplot(
        x=x[held], y=recorded[held], color=PALETTE[4], marker="o", markersize=4, linewidth=2, ax=ax
    )
    handles.insert(0, ax.lines[-1])
    # the projected line starts from the last recorded point, so the two lines meet
    line = frame["mean"].to_numpy(dtype=float).copy()
    ahead = ~np.isnan(line)
    first = int(np.argmax(ahead)) if ahead.any() else 0
    if first and not np.isnan(recorded[first - 1]):
        line[first - 1], ahead[first - 1] = recorded[first - 1], True
    sns.lineplot(x=x[ahead], y=line[ahead], color=PALETTE[0], linewidth=2, ax=ax)
    ax.lines[-1].set_linestyle("--")
    handles.insert(1, ax.lines[-1])
    set_date_ticks(ax, month_names(frame.index, "%b %y"), 5.2)
    set_value_ticks(ax, unit, integer=unit != "percent")
    names = ["Recorded", "Projected", *BANDS]
    ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    finish(ax, title, "Month", ylabel)
    return fig
