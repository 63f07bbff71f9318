"""Section 5: annual reviews (Children and Families Act 2014 s44(1); seed 004's 12–14
month rule, because the amended plan may take 8 weeks after the meeting, reg 22(3))."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import reviews as measures
from sendlib.paper import labels
from sendlib.paper.charts import Chart
from sendlib.paper.figures import decided_table, moved, shown, trend
from sendlib.paper.narrative import Paragraphs, agree, missing, paragraphs, plural, were
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.tables import NotAvailable, Table, in_order


def headline(ctx: Context) -> str:
    pct, overdue = ctx.value("reviews_in_12m_pct"), ctx.value("reviews_overdue")
    if missing(pct, overdue):
        return ""
    change = moved(ctx, "reviews_overdue")
    return (
        f"{shown(ctx, 'reviews_in_12m_pct')} of plans held for 12 months or more were "
        f"reviewed in the last 12 months; {plural(overdue, 'review')} "
        f"{agree(overdue, 'is', 'are')} overdue (more than 14 months since the last "
        f"review or the plan)" + (f", {change} last month." if change else ".")
    )


def facts(ctx: Context) -> Paragraphs:
    held, done = ctx.value("reviews_completed"), ctx.value("reviews_not_finalised")
    soon = ctx.value("reviews_due_3m")
    sentences = [headline(ctx)]
    if not missing(held):
        sentences.append(
            f"{plural(held, 'annual review meeting')} {were(held)} held in "
            f"{ctx.month_name}; {plural(done, 'review')} {were(done)} awaiting the "
            f"local authority's decision at month end."
        )
    if not missing(soon):
        sentences.append(
            f"{plural(soon, 'review')} {agree(soon, 'falls', 'fall')} due in the next three months."
        )
    return paragraphs(sentences)


def chart(ctx: Context) -> Chart:
    return trend(
        ctx,
        "Plans reviewed in the last 12 months",
        "Percentage reviewed",
        "reviews_in_12m_pct",
        labels={"reviews_in_12m_pct": "Reviewed in 12 months"},
    )


def status_table(ctx: Context, statuses: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Current plans by team (rows) and review status (columns, in words), keeping only
    ``statuses`` and the teams with any plan; and which cells are withheld."""
    columns, hidden = {}, {}
    for status in statuses:
        counts, withheld = ctx.breakdown_cells("review_status_by_team", column=status)
        columns[status], hidden[status] = counts, withheld
    table = pd.DataFrame(columns)
    withheld = pd.DataFrame(hidden).reindex(table.index, fill_value=False).astype(bool)
    team_sizes, _ = ctx.breakdown_cells("active_by_team")
    order = in_order(team_sizes.reindex(table.index)).index
    table, withheld = (
        table.reindex(order).fillna(0.0).where(~withheld.reindex(order)),
        withheld.reindex(order),
    )
    words = labels.words(statuses, labels.REVIEW_STATUS)
    table.index = withheld.index = pd.Index(labels.words(table.index, {}))
    table.columns = withheld.columns = words
    return table, withheld


def status_by_team(ctx: Context) -> Group:
    """Review status of current plans by team, with each team's plans (as the table of
    EHCPs by team has them), and review meetings held in the month by team."""
    caption = f"{labels.TABLE_CAPTIONS['review_status_by_team'][0]}, end of {ctx.month_name}"
    if "review_status_by_team" in ctx.not_held:
        return Group(NotAvailable(caption, ctx.not_held["review_status_by_team"]))
    table, hidden = status_table(ctx, (measures.IN_DATE, measures.DUE, measures.OVERDUE))
    sizes, sizes_hidden = ctx.breakdown_cells("active_by_team")
    teams = labels.words(sizes.index, {})
    sizes.index = sizes_hidden.index = pd.Index(teams)
    table["Total"] = sizes.reindex(table.index)
    hidden["Total"] = sizes_hidden.reindex(table.index, fill_value=False).astype(bool)
    frame = table.rename_axis("Team").reset_index()
    withheld = hidden.rename_axis("Team").reset_index().assign(Team=False)
    held = decided_table(
        ctx,
        "reviews_held_by_team",
        f"{labels.TABLE_CAPTIONS['reviews_held_by_team'][0]} {ctx.month_name} by team",
        "Team",
        {},
        "reviews_completed",
    )
    return Group(
        Table(frame, caption)
        .row_header("Team")
        .number(*frame.columns[1:])
        .decided(withheld)
        .note(
            "Due: 12 to 14 months since the last review or the plan; overdue: more "
            "than 14 months (the amended plan may take 8 weeks after the meeting, "
            "reg 22(3))."
        ),
        held,
    )
