"""Section 6: where children and young people with a plan are placed, and sufficiency."""

from __future__ import annotations

import pandas as pd

from sendlib.paper import labels
from sendlib.paper.charts.bars import bar_chart
from sendlib.paper.charts.figure import Chart
from sendlib.paper.figures import (
    decided_table,
    how_many,
    moved,
    sentence,
    share_of,
    trend,
    withheld_sentence,
)
from sendlib.paper.narrative import missing
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table

PHASES = (
    ("Primary (Reception to Year 6)", "placed_mainstream_primary_pct"),
    ("Secondary (Years 7 to 11)", "placed_mainstream_secondary_pct"),
    ("Post-16 (16 to 25)", "placed_mainstream_post16_pct"),
    ("All ages", "placed_mainstream_pct"),
)


def facts(ctx: Context) -> Paragraphs:
    """Where plan holders are placed; the figures disclosure control withholds are named
    in one sentence, whether small or withheld to protect another."""
    sentences = []
    who = "children and young people with an EHCP"
    main = share_of(ctx, "placed_mainstream_pct", who)
    if main is not None:
        attend = f"{sentence(main)} attend a mainstream setting"
        inmss = share_of(ctx, "placed_inmss_pct", "them")
        if inmss is not None:
            attend += f"; {inmss} attend an independent or non-maintained special school"
        sentences.append(attend + ".")
    elif share_of(ctx, "placed_inmss_pct", who) is not None:
        sentences.append(
            f"{sentence(share_of(ctx, 'placed_inmss_pct', who))} attend an independent or "
            "non-maintained special school."
        )
    eotas = share_of(ctx, "placed_eotas_pct", who)
    if eotas is not None:
        nat, when = ctx.comparator("placed_eotas_pct", "england")  # always with its period
        versus = f", compared with {nat:.1f}% in England ({when})" if not missing(nat) else ""
        change = moved(ctx, "placed_eotas_pct")
        tail = f", {change}." if change else "."
        sentences.append(
            f"{sentence(eotas)} have education otherwise than at school "
            f"(section 61 and section 19){versus}{tail}"
        )
    ap = how_many(ctx, "placed_ap", "child", "children")
    if ap is not None:
        sentences.append(
            f"{sentence(ap)} with an EHCP {'is' if ap.startswith('1 ') else 'are'} "
            "in alternative provision."
        )
    withheld = withheld_sentence(ctx, WITHHELD_WORDS)
    if withheld:
        sentences.append(withheld)
    return paragraphs(sentences)


#: the figures the paragraph states, in words for the sentence that says they are withheld
WITHHELD_WORDS = {
    "placed_mainstream_pct": "mainstream settings",
    "placed_inmss_pct": "independent or non-maintained special schools",
    "placed_eotas_pct": "education otherwise than at school",
    "placed_ap": "alternative provision",
}


def by_setting(ctx: Context) -> Group:
    """Plan holders by type of setting: a table (settings in a fixed order) and a bar chart
    of the counts that may be published, largest first."""
    title = f"{labels.TABLE_CAPTIONS['by_setting'][0]}, {ctx.month_name}"
    table = decided_table(
        ctx, "by_setting", title, "Setting", labels.SETTINGS, "ehcp_active", list(labels.SETTINGS)
    )
    if "by_setting" in ctx.not_held:
        return Group(table)
    counts, hidden = ctx.breakdown_cells("by_setting")
    some = ((counts != 0) | hidden).to_numpy()  # no bar for a setting no child is in
    counts, hidden = counts[some], hidden[some]
    counts = labels.relabel(counts, labels.SETTINGS)
    hidden = pd.Series(hidden.to_numpy(), index=counts.index)
    order = counts[~hidden].sort_values(ascending=False).index.tolist()
    order += [k for k in counts.index if k not in order]
    chart = bar_chart(
        counts.reindex(order),
        title,
        "Number of children and young people",
        "Setting",
        hidden.reindex(order),
        threshold=ctx.disclosure.threshold,
    )
    return Group(table, chart)


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
    hidden = pd.DataFrame({"In mainstream": [ctx.withheld(kpi) for _, kpi in PHASES]})
    return (
        Table(frame, f"Share of EHCPs in mainstream settings by phase, {ctx.month_name}")
        .row_header("Phase")
        .percent("In mainstream")
        .decided(hidden)
    )
