"""Section 5: annual reviews (Children and Families Act 2014 s44(1); seed 004's 12–14
month rule, because the amended plan may take 8 weeks after the meeting, reg 22(3))."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import reviews as measures
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts import Chart
from sendlib.paper.figures import moved, shown, trend
from sendlib.paper.narrative import Paragraphs, agree, missing, paragraphs, plural, were
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.tables import Table, counts_table


def counts(c: Cases, month: pd.Period) -> dict[str, pd.Series | pd.DataFrame]:
    """Current plans by team and review status (codes), and review meetings held in the
    month by team."""
    status = measures.status_at(c, month)
    by_team = status.pivot_table(index="team", columns="status", aggfunc="size", fill_value=0)
    by_team.columns = [str(s) for s in by_team.columns]
    return {
        "review_status_by_team": by_team,
        "reviews_held_by_team": measures.completed_by_team(c, month),
    }


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


def status_table(ctx: Context, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Current plans by team (rows) and review status (columns, in words), keeping only
    ``statuses`` and the teams with any such plan."""
    table = ctx.breakdown("review_status_by_team")
    table = table[[s for s in table.columns if s in statuses]]
    table = table[table.sum(axis=1) > 0]
    table.index = pd.Index(labels.words(table.index, {}))
    table.columns = labels.words(table.columns, labels.REVIEW_STATUS)
    return table


def status_by_team(ctx: Context) -> Group:
    table = status_table(ctx, (measures.IN_DATE, measures.DUE, measures.OVERDUE))
    table["Total"] = table.sum(axis=1)
    frame = table.rename_axis("Team").reset_index()
    held = labels.relabel(ctx.counts("reviews_held_by_team"), {})
    return Group(
        Table(frame, f"Review status of current plans by team, end of {ctx.month_name}")
        .row_header("Team")
        .number(*frame.columns[1:])
        .breakdown(ctx.disclosure, *frame.columns[1:], total_column="Total")
        .note(
            "Due: 12 to 14 months since the last review or the plan; overdue: more "
            "than 14 months (the amended plan may take 8 weeks after the meeting, "
            "reg 22(3))."
        ),
        counts_table(
            held, f"Annual review meetings held in {ctx.month_name} by team", "Team", ctx.disclosure
        ),
    )
