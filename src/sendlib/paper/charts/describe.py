"""Alt text from a chart's data: what it shows, its span and its key figures, so a reader
who cannot see the picture reads what one who can sees (WCAG 2.2, 1.1.1 non-text
content). Withheld values are counted, never given."""

from __future__ import annotations

import pandas as pd

from sendlib.paper.charts.figure import value_text
from sendlib.scorecard import formats as fmt


def _month(period) -> str:
    return pd.Period(period, freq="M").strftime("%B %Y")


def describe_lines(
    title: str, frame: pd.DataFrame, unit: str, places: int, target: float | None = None
) -> str:
    """Alt text: what the line chart shows, its span and each line's latest value."""
    if frame.empty:
        return f"{title}: no data."
    parts = [f"Line chart: {title}, {_month(frame.index[0])} to {_month(frame.index[-1])}."]
    for column in frame.columns:
        series = frame[column].dropna()
        if series.empty:
            continue
        latest, start = series.iloc[-1], series.iloc[0]
        change = fmt.direction(latest, start, places)
        word = {"up": "up from", "down": "down from", "same": "the same as"}.get(change, "from")
        parts.append(
            f"{column}: {value_text(latest, unit, places)} in {_month(series.index[-1])}, "
            f"{word} {value_text(start, unit, places)} at the start."
        )
    if target is not None:
        parts.append(f"The target is {value_text(target, unit, places)}.")
    return " ".join(parts)


def describe_bars(title: str, values: pd.Series, unit: str, places: int) -> str:
    """Alt text: the bar chart's categories, largest first, with their values."""
    if values.empty:
        return f"{title}: no data."
    ordered = values.sort_values(ascending=False)
    listed = "; ".join(f"{k} {value_text(v, unit, places)}" for k, v in ordered.head(6).items())
    more = f"; and {len(ordered) - 6} more" if len(ordered) > 6 else ""
    return f"Bar chart: {title}. Largest first: {listed}{more}."


def describe_paired(title: str, frame: pd.DataFrame) -> str:
    """Alt text: totals of each series across the categories."""
    totals = "; ".join(f"{c}: total {frame[c].sum():,.0f}" for c in frame.columns)
    by = f"by {str(frame.index.name or 'category').lower()}"
    named = "" if by in title.lower() else f", {by}"  # never 'by month, by Month'
    return f"Bar chart: {title}{named}. {totals}."


def describe_panels(
    title: str,
    panels: dict[str, pd.DataFrame],
    unit: str,
    places: int,
    hidden: dict[str, pd.DataFrame] | None = None,
) -> str:
    """Alt text: each panel's latest label and every series' value there (a withheld one
    said to be withheld)."""
    parts = [f"Line charts: {title}."]
    for name, frame in panels.items():
        withheld = (hidden or {}).get(name)
        if withheld is None:
            withheld = pd.DataFrame(False, index=frame.index, columns=frame.columns)
        withheld = withheld.reindex(index=frame.index, columns=frame.columns, fill_value=False)
        latest = frame[frame.notna().any(axis=1) | withheld.any(axis=1)]
        if latest.empty:
            continue
        label, row = latest.index[-1], latest.iloc[-1]
        said = [
            f"{s} withheld" if withheld.at[label, s] else f"{s} {value_text(v, unit, places)}"
            for s, v in row.items()
            if withheld.at[label, s] or not pd.isna(v)
        ]
        parts.append(f"{name}, {label}: {'; '.join(said)}.")
    return " ".join(parts)


def describe_projection(title: str, frame: pd.DataFrame, unit: str = "count") -> str:
    """Alt text: the span, the last recorded value and the last projected one with its
    intervals."""
    recorded, ahead = frame["recorded"].dropna(), frame["mean"].dropna()
    if recorded.empty:
        return f"{title}: no data."
    first, last = _month(frame.index[0]), _month(recorded.index[-1])
    parts = [
        f"Line chart: {title}. Recorded from {first} to {last}, "
        f"{value_text(recorded.iloc[-1], unit, 0)} in {last}."
    ]
    if not ahead.empty:
        end = ahead.index[-1]
        row = frame.loc[end]
        v = {k: value_text(row[k], unit, 0) for k in ("mean", "lo80", "hi80", "lo95", "hi95")}
        parts.append(
            f"Projected {v['mean']} in {_month(end)} (80% interval {v['lo80']} to "
            f"{v['hi80']}; 95% interval {v['lo95']} to {v['hi95']})."
        )
    return " ".join(parts)
