"""outputs/index.html: every published paper, newest first, for members and officers.

One row per month with its headline figures and links to the paper (HTML, PDF, Word)
and the scorecard (CSV, XLSX); above the table, a small trend line per headline KPI
across every month held, drawn as inline SVG with its data in words. Self-contained (no
file but the papers it links to), the paper's stylesheet, and the paper's accessibility:
a language, one h1, a skip link, captions, scoped headers, text alternatives.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

from sendlib.months import Month
from sendlib.render.html import TAIL, head_html

#: the files a month's folder may hold, as the archive names them
LINKS = {
    "paper": [("paper.html", "HTML"), ("paper.pdf", "PDF"), ("paper.docx", "Word")],
    "scorecard": [("scorecard.csv", "CSV"), ("scorecard.xlsx", "Excel")],
}
CSS = """
table.archive td, table.archive th { white-space: nowrap; }
table.archive td.links { white-space: normal; }
.links a { display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px;
           margin-right: .5rem; }
.trends { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; }
.trend { flex: 1 1 14rem; border: 2px solid var(--navy); padding: .5rem .6rem; margin: 0; }
.trend figcaption { font-size: .85rem; }
.trend svg { display: block; width: 100%; height: 3rem; }
"""


@dataclass
class Published:
    """One published paper: its month, headline tiles and which files it has."""

    month: Month
    tiles: list[dict[str, str]]  # label, value (display), period, kpi_id
    values: dict[str, float]  # headline KPI id → the month's own value (NaN if none)
    files: set[str] = field(default_factory=set)


def archive_html(title: str, months: list[Published]) -> str:
    """The archive page for ``months`` (any order: shown newest first)."""
    months = sorted(months, key=lambda m: m.month, reverse=True)
    parts = [head_html(title, CSS), f"<h1>{html.escape(title)}</h1>"]
    if not months:
        parts.append("<p>No paper has been published yet.</p>")
        return "\n".join(parts) + TAIL
    parts.append(
        f"<p>{len(months)} paper{'s' if len(months) != 1 else ''}, from "
        f"{_month(months[-1].month)} to {_month(months[0].month)}. Each month links to "
        "its committee paper and its scorecard.</p>"
    )
    parts.append(_trends(months))
    parts.append(_table(months))
    return "\n".join(parts) + TAIL


def _month(month: Month) -> str:
    return month.strftime("%B %Y")


def _trends(months: list[Published]) -> str:
    oldest_first = months[::-1]
    items = []
    for tile in months[0].tiles:
        kpi = tile["kpi_id"]
        points = [(m.month, m.values.get(kpi, math.nan)) for m in oldest_first]
        known = [(m, v) for m, v in points if not math.isnan(v)]
        if len(known) < 2:
            continue
        words = (
            f"{tile['label']}: {_number(known[0][1])} in {_month(known[0][0])}, "
            f"{_number(known[-1][1])} in {_month(known[-1][0])}"
            + (
                f"; lowest {_number(min(v for _, v in known))}, highest "
                f"{_number(max(v for _, v in known))}"
                if len(known) > 2
                else ""
            )
        )
        items.append(
            f'<li><figure class="trend">{_sparkline(points, words)}'
            f"<figcaption>{html.escape(words)}</figcaption></figure></li>"
        )
    if not items:
        return ""
    return (
        f'<h2 id="trends">Headline figures over time</h2><ul class="trends">{"".join(items)}</ul>'
    )


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _sparkline(points: list[tuple[Month, float]], words: str) -> str:
    """An SVG line through the known points (gaps left where a month has no value)."""
    width, height, pad = 200, 40, 4
    values = [v for _, v in points if not math.isnan(v)]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    segments, current = [], []
    for i, (_, value) in enumerate(points):
        if math.isnan(value):
            if current:
                segments.append(current)
            current = []
            continue
        x = pad + i * step
        y = height - pad - (value - lo) / span * (height - 2 * pad)
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="#12436D" stroke-width="2"/>'
        if len(s) > 1
        else f'<circle cx="{s[0].split(",")[0]}" cy="{s[0].split(",")[1]}" r="2" fill="#12436D"/>'
        for s in segments
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(words)}" '
        f'preserveAspectRatio="none" focusable="false">{lines}</svg>'
    )


def _table(months: list[Published]) -> str:
    labels = [t["label"] for t in months[0].tiles]
    head = "".join(f'<th scope="col" class="num">{html.escape(x)}</th>' for x in labels)
    rows = []
    for m in months:
        name = _month(m.month)
        cells = "".join(
            f'<td class="num">{html.escape(t["value"])}'
            + (
                f' <span class="key">({html.escape(t["period"])})</span>'
                if t["period"] and t["period"] != m.month.strftime("%b %Y")
                else ""
            )
            + "</td>"
            for t in m.tiles
        )
        rows.append(
            f'<tr><th scope="row">{name}</th>{cells}'
            f'<td class="links">{_links(m, "paper", name)}</td>'
            f'<td class="links">{_links(m, "scorecard", name)}</td></tr>'
        )
    return (
        '<h2 id="papers">Papers by month</h2>'
        '<table class="archive"><caption>Published papers, newest first, with the headline '
        "figures each reported (a figure from an earlier month shows that month)</caption>"
        f'<thead><tr><th scope="col">Month</th>{head}<th scope="col">Paper</th>'
        f'<th scope="col">Scorecard</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _links(m: Published, kind: str, name: str) -> str:
    folder = str(m.month)
    return "".join(
        f'<a href="{folder}/{file}">{label}<span class="visually-hidden"> {kind}, {name}</span></a>'
        for file, label in LINKS[kind]
        if file in m.files
    )
