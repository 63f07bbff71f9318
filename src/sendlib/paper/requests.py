"""Section 3: requests for an EHC needs assessment and the decision whether to assess."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import decisions as measures
from sendlib.measures import sources
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts.bars import paired_bars
from sendlib.paper.charts.figure import Chart
from sendlib.paper.figures import shown
from sendlib.paper.narrative import compared, missing, number, plural, were
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import NotAvailable, Table, counts_table, in_order


def counts(c: Cases, month: pd.Period) -> dict[str, pd.Series | pd.DataFrame]:
    """Decisions by month of the year, requests awaiting a decision by time waited and
    requests by who made them (codes): counts of events, published as they are. (Requests
    by age and need are breakdowns of children, decided with the paper's figures.)"""
    return {
        "decisions_by_month": measures.decision_table(c, month.year),
        "awaiting_by_band": measures.awaiting_by_band(c, month),
        "requests_by_source": sources.by_source(c, month),
    }


def headline(ctx: Context) -> str:
    now, before = ctx.value("requests_received"), ctx.value("requests_received", ctx.month - 1)
    issued = ctx.value("plans_issued")
    if missing(now):
        return ""
    moved_by = compared(now, before, "last_month")
    tail = f", {moved_by}" if moved_by else ""
    first = (
        f"{plural(now, 'new request')} for an EHC needs assessment {were(now)} received in "
        f"{ctx.month_name}{tail}."
    )
    if missing(issued) or not issued:  # none issued: the timeliness headline says so
        return first
    return first + f" {plural(issued, 'new EHCP')} {were(issued)} issued in the month."


def facts(ctx: Context) -> Paragraphs:
    decided = ctx.value("request_decisions")
    sentences = [headline(ctx)]
    if not missing(decided) and decided:
        pct = "request_decisions_6wk_pct"
        on_time = compared(
            ctx.value(pct), ctx.value(pct, ctx.month - 1), "last_month", "percent", 1
        )
        sentences.append(
            f"{plural(decided, 'decision')} whether to assess {were(decided)} made; "
            f"{shown(ctx, 'request_decisions_6wk_pct')} within 6 weeks"
            + (f" ({on_time})" if on_time else "")
            + f", and {shown(ctx, 'requests_refused_pct')} were decisions not to assess."
        )
    waiting = ctx.value("requests_awaiting_decision")
    if not missing(waiting):
        over = ctx.value("requests_awaiting_over_6wk")
        sentences.append(
            f"At the end of the month {plural(waiting, 'request')} "
            f"{were(waiting)} awaiting a decision, "
            f"{number(over)} of them for more than 6 weeks."
        )
    return paragraphs(sentences)


def chart(ctx: Context) -> Chart:
    """Requests in each of the last 12 months beside the 12 months before."""
    this = ctx.history("requests_received", 12)
    last = ctx.history("requests_received", 12, ending=ctx.month - 12)  # the same months
    frame = pd.DataFrame(
        {
            f"12 months to {ctx.month.strftime('%b %Y')}": this.to_numpy(),
            "Previous 12 months": last.to_numpy(),
        },
        index=pd.Index([pd.Period(p, freq="M").strftime("%b") for p in this.index], name="Month"),
    )
    return paired_bars(frame, "Requests for EHC needs assessment by month", "Number of requests")


def by_age_and_need(ctx: Context) -> Group:
    """Requests by age and by need, this month vs the same month last
    year; each month's counts as that month's disclosure decision left them. By need, like
    for like: the need recorded at request when the data hold it; otherwise the need of
    the plans issued in each month, and the table says so (the need of a request is known
    only once its plan is issued, so a year-old month would show needs this one cannot)."""
    m = ctx.month
    months = {m.strftime("%b %Y"): m, (m - 12).strftime("%b %Y"): m - 12}
    when = f"{m.strftime('%B %Y')} and {(m - 12).strftime('%B %Y')}"
    out = [_month_by_month(ctx, "requests_by_age", "Age at request", months, when)]
    if "requests_by_need" not in ctx.not_held or "issued_by_need" in ctx.not_held:
        out.append(_month_by_month(ctx, "requests_by_need", "Primary need", months, when))
    else:
        table = _month_by_month(ctx, "issued_by_need", "Primary need", months, when, "plans_issued")
        out.append(
            table.note(
                "The requests do not record the need at request, so requests cannot be set "
                "beside last year's by need like for like: these are the primary needs of "
                "the new EHCPs issued in each month."
            )
            if isinstance(table, Table)
            else table
        )
    return Group(*out)


def _month_by_month(
    ctx: Context,
    name: str,
    label: str,
    months: dict[str, pd.Period],
    when: str,
    total: str = "requests_received",
) -> Table | NotAvailable:
    """A breakdown in two months side by side, as each month's decision left it, with the
    published ``total`` of each month."""
    caption = f"{labels.TABLE_CAPTIONS[name][0]}: {when}"
    if name in ctx.not_held:
        return NotAvailable(caption, ctx.not_held[name])
    counts, hidden = {}, {}
    for heading, month in months.items():
        counts[heading], hidden[heading] = ctx.breakdown_cells(name, month)
    frame = pd.DataFrame(counts)
    withheld = pd.DataFrame(hidden).reindex(frame.index, fill_value=False).astype(bool)
    frame = frame.where(withheld | frame.notna(), 0.0)  # a group seen in one month only
    some = ((frame != 0) & frame.notna() | withheld).any(axis=1)  # no row of no requests
    frame, withheld = frame[some], withheld[some]
    if name == "requests_by_age":
        order = sorted(frame.index, key=int)
        index = [str(i) for i in order]
    else:
        order = in_order(frame.iloc[:, 0], ()).index.tolist()
        index = labels.words(order, labels.GROUP_WORDS[name])
    frame, withheld = frame.reindex(order), withheld.reindex(order)
    frame.index = withheld.index = pd.Index(index)
    frame.loc["Total"] = [ctx.value(total, month) for month in months.values()]
    withheld.loc["Total"] = [ctx.withheld(total, month) for month in months.values()]
    frame = frame.rename_axis(label).reset_index()
    withheld = withheld.rename_axis(label).reset_index()
    withheld[label] = False
    return Table(frame, caption).row_header(label).number(*frame.columns[1:]).decided(withheld)


def decisions_table(ctx: Context) -> Table:
    """Decisions to assess or not, and transfers-in, by month of the year so far."""
    table = ctx.breakdown("decisions_by_month").copy()
    table.index = pd.Index([pd.Period(p, freq="M").strftime("%b") for p in table.index])
    table.columns = labels.words(table.columns, labels.DECISIONS)
    table = table.iloc[: ctx.month.month]
    table.loc["Total"] = table.sum()
    frame = table.T.rename_axis("Decision").reset_index()
    return (
        Table(frame, f"Completed decisions by month, {ctx.month.year}")
        .row_header("Decision")
        .number(*frame.columns[1:])
    )


def awaiting_decision(ctx: Context) -> Table:
    """Requests awaiting a decision at month end by time since the request, in bands of
    the statutory timeline (6 weeks to decide whether to assess, 20 weeks to issue the
    plan: SEND Regulations 2014 regs 4(1) and 13(2))."""
    bands = labels.relabel(ctx.counts("awaiting_by_band"), labels.WAITING_BANDS)
    return counts_table(
        bands,
        pd.Series(False, index=bands.index),  # counts of requests waiting: published
        "Requests awaiting a decision whether to assess, by time "
        f"since the request, end of {ctx.month_name}",
        "Time since request",
    )


def by_source(ctx: Context) -> Table:
    """Requests by who made them (the SEN2 return's RequestSource groups): the month and
    the 12 months to its end."""
    table = ctx.breakdown("requests_by_source").copy()
    table = table[table.sum(axis=1) > 0]
    table.index = pd.Index(labels.words(table.index, labels.REQUEST_SOURCES))
    month = ctx.month.strftime("%b %Y")
    table.columns = [month, f"12 months to {month}"]
    table.loc["Total"] = table.sum()
    frame = table.rename_axis("Made by").reset_index()
    return (
        Table(frame, f"Requests for EHC needs assessment by who made them, {ctx.month_name}")
        .row_header("Made by")
        .number(*frame.columns[1:])
        .note(
            "A parent, the young person or a school or college may ask for an assessment "
            "(Children and Families Act 2014 s36(1)); others, such as health or social care "
            "professionals, may bring a child to the council's notice (s24). Transfers-in are "
            "not requests."
        )
    )
