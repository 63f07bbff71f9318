"""Section 4: assessments and 20-week timeliness (SEND Regulations 2014 reg 13(2))."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import issuance as measures
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts.figure import Chart
from sendlib.paper.figures import shown, trend
from sendlib.paper.narrative import agree, compared, missing, plural
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table, counts_table


def counts(c: Cases, month: pd.Period) -> dict[str, pd.Series | pd.DataFrame]:
    """Plans not yet issued by time waited (since the request, since the decision), and
    reasons no plan followed an assessment in the last four years."""
    years = list(range(month.year - 3, month.year + 1))
    reasons = measures.no_plan_reasons(c, years)
    reasons.columns = [str(year) for year in reasons.columns]
    return {
        "not_issued_since_request": measures.not_yet_issued_by_band(c, month, "request"),
        "not_issued_since_decision": measures.not_yet_issued_by_band(c, month, "decision"),
        "no_plan_reasons": reasons,
    }


def headline(ctx: Context) -> str:
    now = ctx.value("plans_issued_20wk_pct")
    if missing(now):
        if ctx.value("plans_issued") == 0:
            return (
                f"No new EHCPs were issued in {ctx.month_name}, so there is no 20-week "
                "timeliness figure for the month."
            )
        return f"The 20-week timeliness of new EHCPs in {ctx.month_name} is not available."
    before = ctx.value("plans_issued_20wk_pct", ctx.month - 1)
    moved = compared(now, before, "last_month", "percent", 1)
    verb = (
        "increased to"
        if moved.startswith("up")
        else "fell to"
        if moved.startswith("down")
        else "was"
    )
    return (
        f"The timeliness of new EHCPs {verb} {shown(ctx, 'plans_issued_20wk_pct')} issued "
        f"within 20 weeks in {ctx.month_name} ({shown(ctx, 'plans_issued_20wk_excl_pct')} "
        f"excluding exceptions)."
    )


def facts(ctx: Context) -> Paragraphs:
    sentences = [headline(ctx)]
    england, period = ctx.comparator("plans_issued_20wk_pct", "england")
    if not missing(england):  # a comparator always with its period
        sentences.append(f"The latest England figure, for {period}, is {england:.1f}%.")
    median = ctx.value("plans_issued_median_days")
    if not missing(median):
        sentences.append(f"The median time from request to final plan was {plural(median, 'day')}.")
    over = ctx.value("plans_pending_over_20wk")
    if not missing(over):
        sentences.append(
            f"{plural(over, 'assessment')} still open at month end "
            f"{agree(over, 'has', 'have')} passed 20 weeks without a final plan."
        )
    return paragraphs(sentences)


def chart(ctx: Context) -> Chart:
    return trend(
        ctx,
        "New EHCPs issued within 20 weeks",
        "Percentage within 20 weeks",
        "plans_issued_20wk_pct",
        "plans_issued_20wk_excl_pct",
        labels={
            "plans_issued_20wk_pct": "Including exceptions",
            "plans_issued_20wk_excl_pct": "Excluding exceptions",
        },
        target_of="plans_issued_20wk_pct",
    )


def not_yet_issued(ctx: Context) -> Group:
    """Plans not yet issued at month end by time since the request and since the decision
    (counts of cases waiting: published as they are)."""
    since_request = labels.relabel(ctx.counts("not_issued_since_request"), labels.WAITING_BANDS)
    since_decision = labels.relabel(ctx.counts("not_issued_since_decision"), labels.WAITING_BANDS)
    return Group(
        counts_table(
            since_request,
            pd.Series(False, index=since_request.index),
            f"Plans not yet issued by time since the request, end of {ctx.month_name}",
            "Time since request",
        ),
        counts_table(
            since_decision,
            pd.Series(False, index=since_decision.index),
            "Plans agreed but not yet issued, by time since the decision to issue",
            "Time since decision",
        ),
    )


def no_plan_reasons(ctx: Context) -> Table:
    table = labels.relabel(ctx.breakdown("no_plan_reasons"), labels.REASONS).sort_index()
    frame = table.rename_axis("Reason").reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return (
        Table(frame, "Reasons a plan was not issued after assessment, by year")
        .row_header("Reason")
        .number(*frame.columns[1:])
        .when_empty("no assessment ended without a plan in these years")
    )
