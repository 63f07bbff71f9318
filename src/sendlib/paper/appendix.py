"""Appendix 1: the SEND scorecard — every KPI by month with its arrow, status in words,
target, comparators and SPC reading (a committee paper's appendix, an improvement board's
scorecard).

Every comparator is shown with its period ("45.9% (2024)"), and a note under the tables
says which definition each comparator row uses — and why a KPI named like a DfE figure
has none (it counts something else; "How we compare" sets the council's figure on the
DfE's definition beside the DfE's)."""

from __future__ import annotations

import html

import pandas as pd

from sendlib.data.release import release_spec
from sendlib.paper import labels
from sendlib.paper.compare import comparators_not_held
from sendlib.paper.figures import last_year
from sendlib.paper.narrative import missing
from sendlib.paper.notebook_context import Context, Group, Html
from sendlib.paper.tables import Table
from sendlib.scorecard import formats as fmt
from sendlib.scorecard.build import COMPARATORS
from sendlib.scorecard.catalogue import unlike


def scorecard(ctx: Context) -> Group:
    """The full scorecard: one table per section, months across, with status and comparators."""
    card = ctx.scorecard
    periods = sorted(card["period"].unique())
    # month headings and "5,165 ▲" are kept on one line (no break space)
    months = [pd.Period(p, freq="M").strftime("%b\u00a0%y") for p in periods]
    year_ago = last_year(pd.Period(periods[-1], freq="M"))
    year_column = f"A year earlier ({year_ago.strftime('%b %y')})"
    columns = [
        "Ref",
        "Measure",
        *months,
        year_column,
        "Target",
        "Status",
        *labels.words(COMPARATORS, labels.COMPARATORS),
        "Variation",
        "Assurance",
    ]
    out = []
    for section in ctx.catalogue.sections:
        rows = []
        for kpi in (k for k in ctx.catalogue.kpis if k.section == section):
            items = card[card["kpi_id"] == kpi.id].set_index("period")
            latest = items.loc[periods[-1]]
            comparators = [
                _dated(ctx, kpi.id, c, fmt.format_value(latest[c], kpi.unit, kpi.places))
                if not missing(latest[c])
                else ""
                for c in COMPARATORS
            ]
            target = (
                fmt.format_value(kpi.target, kpi.unit, kpi.places) if kpi.target is not None else ""
            )
            status = fmt.RAG_WORDS[latest["rag"]]
            status_html = f'<span class="rag rag-{latest["rag"]}">{status}</span>' if status else ""
            rows.append(
                [
                    html.escape(kpi.ref),
                    html.escape(kpi.title.strip()),
                    *[_score_cell(items.loc[p]) for p in periods],
                    _year_ago_cell(ctx, kpi, items, year_ago),
                    html.escape(target),
                    status_html,
                    *map(html.escape, comparators),
                    html.escape(fmt.VARIATION_WORDS[latest["spc_variation"]]),
                    html.escape(fmt.ASSURANCE_WORDS[latest["spc_assurance"]]),
                ]
            )
        out.append(
            Table(pd.DataFrame(rows, columns=columns), f"Scorecard: {section}")
            .row_header("Measure")
            .html_columns(*columns)
            .classed("data scorecard")
        )
    return Group(*out, comparator_notes(ctx))


def _year_ago_cell(ctx: Context, kpi, items: pd.DataFrame, year_ago: pd.Period) -> str:
    """The KPI's value in the same month a year earlier, as the paper decided it ([c] when
    withheld), and an arrow saying how the latest month compares with it, compared at
    display precision (so an arrow never contradicts the printed figures). A termly or
    quarterly KPI is set beside its latest figure's month a year earlier, named."""
    shown = items[~items["display"].astype(str).isin(fmt.NO_FIGURE)]
    if shown.empty:
        return ""
    latest = shown.iloc[-1]
    when = last_year(pd.Period(latest.name, freq="M"))
    named = "" if when == year_ago else f" ({when.strftime('%b %y')})"
    text = _year_ago_value(ctx, kpi, when)
    if text in ("", fmt.CONFIDENTIAL, fmt.NOT_AVAILABLE):
        return html.escape(text + (named if text else ""))
    before = ctx.value(kpi.id, when)
    now = float("nan") if ctx.withheld(kpi.id, latest.name) else ctx.value(kpi.id, latest.name)
    direction = fmt.direction(now, before, kpi.places)
    text = html.escape(text + named)
    if not direction:
        return text
    glyph = fmt.GLYPHS[direction]
    words = {"up": "now higher", "down": "now lower", "same": "now the same"}[direction]
    return (
        f'{text}&nbsp;<span aria-hidden="true">{glyph}</span>'
        f'<span class="visually-hidden"> ({words})</span>'
    )


def _year_ago_value(ctx: Context, kpi, when: pd.Period) -> str:
    """A KPI's decided figure in a month as the paper prints it."""
    status = ctx.status_of(kpi.id, when)
    if status in ("c", "s"):
        return fmt.CONFIDENTIAL
    before = ctx.value(kpi.id, when)
    if missing(before):
        return fmt.NOT_AVAILABLE if status == "x" else ""
    return fmt.format_value(before, kpi.unit, kpi.places)


def _dated(ctx: Context, kpi_id: str, comparator: str, shown: str) -> str:
    """A comparator's value with its period: '45.9% (2024)'."""
    _, period = ctx.comparator(kpi_id, comparator)
    return f"{shown} ({period})" if period else shown


def comparator_notes(ctx: Context) -> Html:
    """Which definition each comparator uses: the DfE's figures set beside a KPI count the
    same thing; a KPI named like a DfE figure that counts something else has none."""
    spec = release_spec()
    same, other = [], []
    for kpi in ctx.catalogue.kpis:
        ref = f"{kpi.ref} {kpi.title.strip()}"
        if kpi.comparator in spec.measures:
            rule = spec.measures[kpi.comparator]
            same.append(f"{ref}: the DfE's figure, {rule.definition} (the same count)")
        elif kpi.id in spec.measures and kpi.comparator is None:
            why = "; ".join(unlike(kpi.source, kpi.id)) or "the KPI says benchmark: none"
            other.append(f"{ref}: none here ({why}); see How we compare")
    if not same and not other:
        return Html("")
    items = "".join(f"<li>{html.escape(t)}.</li>" for t in [*same, *other])
    shown = (
        "No comparators are shown: the benchmarks file (benchmarks.csv) is not held (see How "
        "we compare). When it is, England, region and statistical neighbours are shown"
        if comparators_not_held(ctx)
        else "England, region and statistical neighbours are shown"
    )
    return Html(
        f'<h3>Comparators</h3><p class="key">{shown} with the period they are for, and only '
        f'beside a KPI that counts what they count:</p><ul class="key">{items}</ul>'
    )


def _score_cell(item: pd.Series) -> str:
    text = html.escape(item["display"])
    direction = item["direction"]
    if not text or not direction:
        return text
    glyph = fmt.GLYPHS[direction]
    words = fmt.DIRECTION_WORDS[direction]
    return (
        f'{text}&nbsp;<span aria-hidden="true">{glyph}</span>'
        f'<span class="visually-hidden"> ({words})</span>'
    )


def symbol_key(ctx: Context | None = None) -> Html:
    """How to read the scorecard's symbols."""
    return Html(
        '<p class="key">▲ up, ▼ down, ► unchanged on the previous period (as shown). '
        "Status: on target, near target (within tolerance), off target. "
        f"{fmt.NOT_AVAILABLE} not available; {fmt.NOT_APPLICABLE} not applicable (a month a "
        "termly or quarterly measure does not report in); a partner's note is shown where one "
        "was given. "
        "Variation and assurance follow NHS England's Making Data Count (last 24 points).</p>"
    )
