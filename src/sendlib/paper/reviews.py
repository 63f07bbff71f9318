"""Section 5: annual reviews (Children and Families Act 2014 s44(1): within 12 months;
counted overdue after 14, because the amended plan may take 8 weeks after the meeting,
SEND Regulations 2014 reg 22(3))."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import reviews as measures
from sendlib.measures import transfers
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts.figure import Chart
from sendlib.paper.figures import decided_table, shown, trend
from sendlib.paper.narrative import agree, compared, missing, number, plural, were
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import NotAvailable, Table, in_order


def counts(c: Cases, month: pd.Period) -> dict[str, pd.Series | pd.DataFrame]:
    """This year's phase transfers by deadline (counts of plans due a transfer review:
    published as they are). (Review status and meetings by team are breakdowns of
    children, decided with the paper's figures.)"""
    return {"phase_transfers_by_deadline": transfers.by_deadline(c, month)}


def headline(ctx: Context) -> str:
    pct, overdue = ctx.value("reviews_in_12m_pct"), ctx.value("reviews_overdue")
    if missing(pct, overdue):
        return ""
    change = compared(overdue, ctx.value("reviews_overdue", ctx.month - 1), "last_month")
    return (
        f"{shown(ctx, 'reviews_in_12m_pct')} of plans held for 12 months or more were "
        f"reviewed in the last 12 months; {plural(overdue, 'review')} "
        f"{agree(overdue, 'is', 'are')} overdue (more than 14 months since the last "
        f"review or the plan)" + (f", {change}." if change else ".")
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
    sentences += [_amendments(ctx), _phase_transfers(ctx)]
    return paragraphs(sentences)


def _pct(ctx: Context, kpi_id: str) -> str:
    """A percentage as the paper prints it (its KPI's format when the catalogue has it)."""
    if ctx.kpi(kpi_id) is not None:
        return shown(ctx, kpi_id)
    return f"{number(ctx.value(kpi_id), 1)}%"


def _amendments(ctx: Context) -> str:
    """Drafts sent after amend decisions, and how many within 4 weeks (reg 20(10))."""
    drafts = ctx.value("review_drafts_issued")
    if missing(drafts) or not drafts:
        return ""
    return (
        f"{plural(drafts, 'draft amended plan')} {were(drafts)} sent after annual reviews in "
        f"{ctx.month_name}, {_pct(ctx, 'review_drafts_4wk_pct')} within 4 weeks of the "
        "review meeting."
    )


def _phase_transfers(ctx: Context) -> str:
    """This year's phase transfers: how many are due, on time so far, still to issue."""
    due = ctx.value("phase_transfers_due")
    if missing(due) or not due:
        return ""
    year = ctx.month.year
    first = (
        f"{plural(due, 'phase transfer')} {agree(due, 'is', 'are')} due in {year} (the "
        "amended plan by 15 February, or by 31 March for a move to post-16)"
    )
    passed, left = (
        ctx.value("phase_transfers_deadline_passed"),
        ctx.value("phase_transfers_outstanding"),
    )
    if not missing(passed) and passed:
        first += (
            f"; of the {number(passed)} whose deadline has passed, "
            f"{_pct(ctx, 'phase_transfers_on_time_pct')} had the amended plan by it"
        )
    if not missing(left):
        first += f"; {number(left)} still {agree(left, 'has', 'have')} no amended plan"
    return first + "."


DEADLINE_DAYS = {"school": "15 February", "post16": "31 March"}


def phase_transfers(ctx: Context) -> Table | str:
    """This year's phase transfers by deadline: due, issued by the deadline, after it and
    not yet issued at month end (SEND Regulations 2014 reg 18)."""
    table = ctx.breakdown("phase_transfers_by_deadline")
    if not len(table):
        return ""
    passed = table["deadline_passed"].astype(bool)
    table = table[list(labels.TRANSFER_COLUMNS)]
    table.index = pd.Index(labels.words(table.index, labels.DEADLINES))
    table.columns = labels.words(table.columns, labels.TRANSFER_COLUMNS)
    table.loc["Total"] = table.sum()
    frame = table.rename_axis("Deadline").reset_index()
    ahead = [DEADLINE_DAYS[k] for k, p in passed.items() if not p and k in DEADLINE_DAYS]
    note = (
        "The amended plan is due by 15 February of the year of the move, or by 31 March "
        "for a move from school to a post-16 institution (SEND Regulations 2014 reg 18)."
    )
    if ahead:
        note += (
            f" At the end of {ctx.month_name} the {' and '.join(ahead)} deadline was still ahead."
        )
    return (
        Table(frame, f"Phase transfers due in {ctx.month.year}, end of {ctx.month_name}")
        .row_header("Deadline")
        .number(*frame.columns[1:])
        .note(note)
    )


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
    totals, unknown = status_totals(ctx, statuses)
    # a total beside a withheld cell would give it away (the total less the others)
    unknown = [u or bool(withheld[s].any()) for u, s in zip(unknown, statuses, strict=True)]
    table.loc[TOTAL] = [float("nan") if u else t for t, u in zip(totals, unknown, strict=True)]
    withheld.loc[TOTAL] = unknown
    table.columns = withheld.columns = words
    return table, withheld.astype(bool)


TOTAL = "Total"


def status_totals(ctx: Context, statuses: tuple[str, ...]) -> tuple[list[float], list[bool]]:
    """Each review status's count of current plans as the scorecard publishes it (overdue
    and due are KPIs; in date is the plans that are neither), and whether it is withheld
    (the scorecard withholds it; ``status_table`` also withholds a total whose column
    has a withheld cell, which the total less the other cells would give away)."""
    kpis = {measures.OVERDUE: "reviews_overdue", measures.DUE: "reviews_due_12_14m"}
    values, hidden = [], []
    for status in statuses:
        needs = [kpis[status]] if status in kpis else ["ehcp_active", *kpis.values()]
        known = [ctx.value(k) for k in needs]
        withheld = any(ctx.withheld(k) for k in needs)
        value = known[0] - sum(known[1:]) if not missing(*known) else float("nan")
        values.append(float("nan") if withheld else value)
        hidden.append(withheld)
    return values, hidden


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
    hide = ctx.withheld("ehcp_active") or bool(hidden["Total"].drop(index=TOTAL).any())
    table.loc[TOTAL, "Total"] = float("nan") if hide else ctx.value("ehcp_active")
    hidden.loc[TOTAL, "Total"] = hide
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
