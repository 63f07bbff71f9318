"""Section 6: where children and young people with a plan are placed, and sufficiency."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import placements as measures
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts import Chart, bar_chart
from sendlib.paper.figures import moved, shown, trend
from sendlib.paper.narrative import Paragraphs, agree, missing, paragraphs, plural
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.tables import Table, counts_table
from sendlib.scorecard import formats as fmt

PHASES = (
    ("Primary (Reception to Year 6)", "placed_mainstream_primary_pct"),
    ("Secondary (Years 7 to 11)", "placed_mainstream_secondary_pct"),
    ("Post-16 (16 to 25)", "placed_mainstream_post16_pct"),
    ("All ages", "placed_mainstream_pct"),
)


def counts(c: Cases, month: pd.Period) -> dict[str, pd.Series]:
    """Plan holders at month end by setting (codes; ``none``: no placement recorded)."""
    return {"by_setting": measures.by_setting(c, month)}


def facts(ctx: Context) -> Paragraphs:
    sentences = []
    main = ctx.value("placed_mainstream_pct")
    if not missing(main):
        sentences.append(
            f"{shown(ctx, 'placed_mainstream_pct')} of children and young people with an EHCP "
            f"attend a mainstream setting; {shown(ctx, 'placed_inmss_pct')} attend an "
            f"independent or non-maintained special school."
        )
        eotas = ctx.value("placed_eotas_pct")
        nat, when = ctx.comparator("placed_eotas_pct", "england")  # always with its period
        versus = f", compared with {nat:.1f}% in England ({when})" if not missing(nat) else ""
        change = moved(ctx, "placed_eotas_pct")
        sentences.append(
            f"{fmt.format_value(eotas, 'percent', 1)} have education otherwise "
            f"than at school (section 61 and section 19){versus}"
            + (f", {change} the previous month." if change else ".")
        )
    ap = ctx.value("placed_ap")
    if not missing(ap):
        sentences.append(
            f"{plural(ap, 'child', 'children')} with an EHCP "
            f"{agree(ap, 'is', 'are')} in alternative provision."
        )
    return paragraphs(sentences)


def by_setting(ctx: Context) -> Group:
    """Plan holders by type of setting: a table and a bar chart, largest first."""
    counts = labels.relabel(ctx.counts("by_setting"), labels.SETTINGS).sort_values(ascending=False)
    title = f"EHCPs by type of setting, {ctx.month_name}"
    return Group(
        counts_table(counts, title, "Setting", ctx.disclosure),
        bar_chart(counts, title, "Number of children and young people", "Setting", ctx.disclosure),
    )


def eotas_chart(ctx: Context) -> Chart:
    return trend(
        ctx,
        "Education otherwise than at school",
        "Percentage of EHCPs",
        "placed_eotas_s61_pct",
        "placed_eotas_s19_pct",
        labels={"placed_eotas_s61_pct": "EOTAS (section 61)", "placed_eotas_s19_pct": "Section 19"},
    )


def mainstream_by_phase(ctx: Context) -> Table:
    frame = pd.DataFrame(
        [(label, ctx.value(kpi)) for label, kpi in PHASES], columns=["Phase", "In mainstream"]
    )
    return (
        Table(frame, f"Share of EHCPs in mainstream settings by phase, {ctx.month_name}")
        .row_header("Phase")
        .percent("In mainstream")
    )
