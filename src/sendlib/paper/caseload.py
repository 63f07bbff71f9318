"""Section 2: children and young people with an EHCP — how many, who, and who left."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import caseload as measures
from sendlib.paper import labels
from sendlib.paper.charts.figure import Chart
from sendlib.paper.figures import (
    decided_table,
    how_many,
    last_year,
    sentence,
    trend,
    withheld_sentence,
)
from sendlib.paper.narrative import compared, missing, movement, number, plural
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table

#: the breakdowns of plan holders the section publishes: (breakdown, label, words)
TABLES = (
    ("active_by_age_band", "Age band", labels.AGE_BANDS),
    ("active_by_sex", "Sex", labels.SEX),
    ("active_by_need", "Primary need", labels.PRIMARY_NEED),
    ("active_by_ethnicity", "Ethnicity", labels.ETHNICITY),
    ("active_by_team", "Team", {}),
)


def headline(ctx: Context) -> str:
    """'The number of EHCPs continues to rise, now 4,712, 7.6% higher than a year ago.'"""
    now, year_ago = ctx.value("ehcp_active"), ctx.value("ehcp_active", last_year(ctx.month))
    if missing(now):
        return ""
    moved = movement(ctx.history("ehcp_active", 3).tolist())
    versus = compared(now, year_ago, "last_year", relative=True)
    tail = f", {versus}" if versus else ""
    verb = {"is": "is now", "is unchanged": "is unchanged at"}.get(moved, f"{moved}, now")
    return f"The number of EHCPs {verb} {number(now)}{tail}."


def facts(ctx: Context) -> Paragraphs:
    new, ceased = ctx.value("ehcp_new"), ctx.value("ehcp_ceased")
    rate = ctx.value("ehcp_rate_per_10k")
    england, when = ctx.comparator("ehcp_rate_per_10k", "england")  # with its period
    sentences = [headline(ctx)]
    if not missing(new, ceased):
        sentences.append(
            f"{plural(new, 'plan')} started in {ctx.month_name} (including "
            f"transfers in) and {plural(ceased, 'plan')} ceased."
        )
    if not missing(rate):
        comparison = (
            "" if missing(england) else f", compared with {england:,.1f} in England ({when})"
        )
        sentences.append(
            f"That is {rate:,.1f} plans per 10,000 residents aged 0 to 25{comparison}."
        )
    looked_after = how_many(ctx, "ehcp_looked_after", "looked after child", "looked after children")
    if looked_after is not None:
        has = "has" if looked_after.startswith("1 ") else "have"
        sentences.append(f"{sentence(looked_after)} {has} an EHCP.")
    withheld = withheld_sentence(ctx, {"ehcp_looked_after": "looked after children with an EHCP"})
    if withheld:
        sentences.append(withheld)
    return paragraphs(sentences)


def trend_chart(ctx: Context) -> Chart:
    return trend(ctx, "Number of EHCPs at month end", "Number of EHCPs", "ehcp_active")


def breakdown_tables(ctx: Context) -> Group:
    """Active plans by age band, sex, primary need, ethnicity and team; social-care status;
    plans ceased in the month by reason — each as the disclosure decision left it."""
    when = ctx.month_name
    parts: list = []
    for name, label, words in TABLES:
        caption = f"{labels.TABLE_CAPTIONS[name][0]}, {when}"
        order = [code for _, _, code in measures.AGE_BANDS] if name == "active_by_age_band" else ()
        parts.append(decided_table(ctx, name, caption, label, words, "ehcp_active", order))
    parts.append(social_care_table(ctx))
    ceased = ctx.value("ehcp_ceased")
    if ceased and ceased == ceased:
        caption = f"{labels.TABLE_CAPTIONS['ceased_by_reason'][0]} {when} by reason"
        reasons = list(labels.CEASE_REASONS)
        parts.append(
            decided_table(
                ctx,
                "ceased_by_reason",
                caption,
                "Reason",
                labels.CEASE_REASONS,
                "ehcp_ceased",
                reasons,
            )
        )
    return Group(*parts)


def social_care_table(ctx: Context) -> Table:
    """Plan holders known to social care: each status's count as the scorecard has it
    (withheld as [c], not available as [x])."""
    rows = [(label, ctx.value(kpi)) for kpi, label in labels.SOCIAL_CARE.items()]
    frame = pd.DataFrame(rows, columns=["Social care status", "Number"])
    hidden = pd.DataFrame(
        {"Number": [ctx.withheld(kpi) for kpi in labels.SOCIAL_CARE]}, index=frame.index
    )
    return (
        Table(frame, f"EHCP holders known to social care, {ctx.month_name}")
        .row_header("Social care status")
        .number("Number")
        .decided(hidden)
    )
