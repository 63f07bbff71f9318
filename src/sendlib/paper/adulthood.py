"""Section 8: Preparing for Adulthood and what partners report (``returns.csv``)."""

from __future__ import annotations

import pandas as pd

from sendlib.paper.figures import last_year, sentence, share_of, withheld_sentence
from sendlib.paper.narrative import compared
from sendlib.paper.notebook_context import Context
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table
from sendlib.scorecard import formats as fmt


def facts(ctx: Context) -> Paragraphs:
    """Young people with a plan not in education, employment or training; the shares
    disclosure control withholds are named in one sentence (and no comparison is made with
    them)."""
    sentences = []
    neet_18 = share_of(ctx, "neet_16_18_pct", "16 to 18 year olds with an EHCP")
    if neet_18 is not None:
        now = ctx.value("neet_16_18_pct")
        before = ctx.value("neet_16_18_pct", last_year(ctx.month))
        moved = compared(now, before, "last_year", "percent", 1)
        sentences.append(
            f"{sentence(neet_18)} were not in education, employment or training in "
            f"{ctx.month_name}" + (f", {moved}." if moved else ".")
        )
    neet = share_of(ctx, "neet_16_25_pct", "16 to 25 year olds with an EHCP")
    if neet is not None:
        sentences.append(f"{sentence(neet)} were not in education, employment or training.")
    withheld = withheld_sentence(
        ctx,
        {
            "neet_16_18_pct": "16 to 18 year olds not in education, employment or training",
            "neet_16_25_pct": "16 to 25 year olds not in education, employment or training",
        },
    )
    if withheld:
        sentences.append(withheld)
    return paragraphs(sentences)


def carried_forward(ctx: Context, kpi_id: str, unit: str, places: int) -> str:
    """A figure not due this month (termly, quarterly): the latest one received, with its
    month, as the summary's headline carries it forward ('16.3% (May 2026)')."""
    series = ctx.values[kpi_id] if kpi_id in ctx.values.columns else pd.Series(dtype=float)
    series = series[(series.index <= str(ctx.month)) & series.notna()]
    if series.empty:
        return "not due this month"
    when = pd.Period(series.index[-1], freq="M").strftime("%b %Y")
    return f"{fmt.format_value(float(series.iloc[-1]), unit, places)} ({when})"


def partner_returns(ctx: Context) -> Table:
    """Every partner KPI of the month with last month, or the partner's note when blank."""
    month = ctx.month.strftime("%Y-%m")
    previous = (ctx.month - 1).strftime("%Y-%m")
    card = ctx.scorecard
    rows = []
    for kpi in (k for k in ctx.catalogue.kpis if k.source == "return"):
        row = card[(card["kpi_id"] == kpi.id) & (card["period"] == month)]
        prev = card[(card["kpi_id"] == kpi.id) & (card["period"] == previous)]
        if row.empty:
            continue
        r = row.iloc[0]
        rows.append(
            (
                kpi.section,
                kpi.title.strip(),
                r["display"]
                if r["display"] not in fmt.NO_FIGURE
                else carried_forward(ctx, kpi.id, kpi.unit, kpi.places),
                prev.iloc[0]["display"] if len(prev) else "",
                fmt.DIRECTION_WORDS[r["direction"]],
                fmt.RAG_WORDS[r["rag"]],
            )
        )
    frame = pd.DataFrame(
        rows, columns=["Area", "Measure", ctx.month_name, "Previous month", "Change", "Status"]
    )
    return (
        Table(frame, f"Partner returns, {ctx.month_name}")
        .row_header("Measure")
        .note(
            "Figures sent by partners (health, SENDIASS, adult social care, the SEND "
            "workforce). Where a figure has not been received the partner's note is "
            "shown."
        )
    )
