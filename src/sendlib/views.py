"""The paper's sections: drafted facts, charts and tables, one function per item shown.

Each function takes the run's ``Context`` and returns HTML for a notebook cell. Counts in
breakdowns are published through ``sendlib.tables`` so that formatting (and disclosure
control) happen in one place.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from sendlib import caseload, decisions, issuance, placements, reviews
from sendlib import display as fmt
from sendlib.charts import bar_chart, line_chart, paired_bars
from sendlib.narrative import (
    agree,
    change,
    missing,
    movement,
    number,
    paragraphs,
    percent_change,
    plural,
    were,
)
from sendlib.paper import Context, Html, month_name
from sendlib.tables import Table, counts_table


def _fmt(ctx: Context, kpi_id: str, value: float | None = None) -> str:
    kpi = ctx.catalogue.get(kpi_id)
    v = ctx.value(kpi_id) if value is None else value
    return fmt.format_value(v, kpi.unit, kpi.places)


def _moved(ctx: Context, kpi_id: str, months_ago: int = 1) -> str:
    """'up from 35', 'down from 4.8%' or 'unchanged' on an earlier month; '' if unknown."""
    kpi = ctx.catalogue.get(kpi_id) if kpi_id in ctx.series.values.columns else None
    unit, places = (kpi.unit, kpi.places) if kpi else ("count", 0)
    return change(ctx.value(kpi_id), ctx.value(kpi_id, ctx.month - months_ago), unit, places)


def _trend(
    ctx: Context,
    title: str,
    ylabel: str,
    *ids: str,
    months: int = 25,
    labels: dict[str, str] | None = None,
    target_of: str | None = None,
) -> Html:
    frame = pd.DataFrame(
        {
            (labels or {}).get(i, ctx.catalogue.get(i).title.strip()): ctx.history(i, months)
            for i in ids
        }
    )
    frame = frame.dropna(how="all")
    kpi = ctx.catalogue.get(ids[0])
    target = ctx.catalogue.get(target_of).target if target_of else None
    return Html(line_chart(frame, title, ylabel, kpi.unit, target, places=kpi.places).to_html())


def _last_year(month: pd.Period) -> pd.Period:
    return month - 12


# ---------------------------------------------------------------- 1 summary
def key_messages(ctx: Context) -> Html:
    """The headline facts of the month, one numbered paragraph each."""
    return Html(
        paragraphs(
            [
                _caseload_sentence(ctx),
                _requests_sentence(ctx),
                _timeliness_sentence(ctx),
                _reviews_sentence(ctx),
                _disputes_sentence(ctx),
            ]
        )
    )


# ---------------------------------------------------------------- 2 caseload
def _caseload_sentence(ctx: Context) -> str:
    now, year_ago = ctx.value("ehcp_active"), ctx.value("ehcp_active", _last_year(ctx.month))
    if missing(now):
        return ""
    moved = movement(ctx.history("ehcp_active", 3).tolist())
    versus = percent_change(now, year_ago)
    tail = f", {versus} on the same month last year" if versus else ""
    verb = {"is": "is now", "is unchanged": "is unchanged at"}.get(moved, f"{moved}, now")
    return f"The number of EHCPs {verb} {number(now)}{tail}."


def caseload_facts(ctx: Context) -> Html:
    new, ceased = ctx.value("ehcp_new"), ctx.value("ehcp_ceased")
    rate = ctx.value("ehcp_rate_per_10k")
    england = ctx.england("ehcp_rate_per_10k")
    sentences = [_caseload_sentence(ctx)]
    if not missing(new, ceased):
        sentences.append(
            f"{plural(new, 'plan')} started in {month_name(ctx)} (including "
            f"transfers in) and {plural(ceased, 'plan')} ceased."
        )
    if not missing(rate):
        comparison = "" if missing(england) else f", compared with {england:,.1f} in England"
        sentences.append(
            f"That is {rate:,.1f} plans per 10,000 residents aged 0 to 25{comparison}."
        )
    lac = ctx.value("ehcp_looked_after")
    if not missing(lac):
        sentences.append(
            f"{plural(lac, 'looked after child', 'looked after children')} "
            f"{agree(lac, 'has', 'have')} an EHCP."
        )
    return Html(paragraphs(sentences))


def caseload_trend(ctx: Context) -> Html:
    return _trend(ctx, "Number of EHCPs at month end", "Number of EHCPs", "ehcp_active")


def caseload_breakdowns(ctx: Context) -> Html:
    """Active plans by age band, sex, primary need and team; ceased in the month by reason."""
    c, m = ctx.cases, ctx.month
    age = caseload.active_by(c, m, "age_band")
    order = [b[2] for b in caseload.AGE_BANDS] + [
        k for k in age.index if k not in [b[2] for b in caseload.AGE_BANDS]
    ]
    age = age.reindex([k for k in order if k in age.index])
    sex = caseload.active_by(c, m, "sex").rename({"M": "Male", "F": "Female", "U": "Unknown"})
    parts = [
        counts_table(age, f"EHCPs by age band, {month_name(ctx)}", "Age band"),
        counts_table(sex, f"EHCPs by sex, {month_name(ctx)}", "Sex"),
        counts_table(
            caseload.active_by(c, m, "need"),
            f"EHCPs by primary need, {month_name(ctx)}",
            "Primary need",
        ),
        counts_table(
            _top(caseload.active_by(c, m, "ethnicity"), 8),
            f"EHCPs by ethnicity, {month_name(ctx)}",
            "Ethnicity",
        ),
        counts_table(caseload.active_by(c, m, "team"), f"EHCPs by team, {month_name(ctx)}", "Team"),
    ]
    status = pd.Series(
        {
            label: ctx.value(kpi)
            for label, kpi in (
                ("Child protection plan", "ehcp_child_protection"),
                ("Looked after", "ehcp_looked_after"),
                ("Care leaver", "ehcp_care_leaver"),
                ("Child in need", "ehcp_child_in_need"),
            )
        }
    )
    parts.append(
        Table(
            status.rename_axis("Social care status").reset_index(name="Number"),
            f"EHCP holders known to social care, {month_name(ctx)}",
        )
        .row_header("Social care status")
        .number("Number")
        .breakdown("Number")
    )
    ceased = caseload.ceased_in_month(c, m, "reason")
    if ceased.sum():
        parts.append(counts_table(ceased, f"EHCPs ceased in {month_name(ctx)} by reason", "Reason"))
    return Html("".join(p.to_html() for p in parts))


def _top(counts: pd.Series, n: int) -> pd.Series:
    counts = counts.sort_values(ascending=False)
    if len(counts) <= n:
        return counts
    return pd.concat([counts.iloc[:n], pd.Series({"Other groups": counts.iloc[n:].sum()})])


# ---------------------------------------------------------------- 3 requests
def _requests_sentence(ctx: Context) -> str:
    now, before = ctx.value("requests_received"), ctx.value("requests_received", ctx.month - 1)
    issued = ctx.value("plans_issued")
    if missing(now):
        return ""
    moved = change(now, before)
    tail = (
        f", {moved} in the previous month"
        if moved and moved != "unchanged"
        else (", the same as the previous month" if moved == "unchanged" else "")
    )
    first = (
        f"{plural(now, 'new request')} for an EHC needs assessment {were(now)} received in "
        f"{month_name(ctx)}{tail}."
    )
    if missing(issued):
        return first
    return first + f" {plural(issued, 'new EHCP')} {were(issued)} issued in the month."


def requests_facts(ctx: Context) -> Html:
    decided = ctx.value("request_decisions")
    sentences = [_requests_sentence(ctx)]
    if not missing(decided) and decided:
        sentences.append(
            f"{plural(decided, 'decision')} whether to assess {were(decided)} made; "
            f"{_fmt(ctx, 'request_decisions_6wk_pct')} within 6 weeks"
            + (
                f" ({_moved(ctx, 'request_decisions_6wk_pct')})"
                if _moved(ctx, "request_decisions_6wk_pct")
                else ""
            )
            + f", and {_fmt(ctx, 'requests_refused_pct')} were decisions not to assess."
        )
    waiting = ctx.value("requests_awaiting_decision")
    if not missing(waiting):
        over = ctx.value("requests_awaiting_over_6wk")
        sentences.append(
            f"At the end of the month {plural(waiting, 'request')} "
            f"{were(waiting)} awaiting a decision, "
            f"{number(over)} of them for more than 6 weeks."
        )
    return Html(paragraphs(sentences))


def requests_chart(ctx: Context) -> Html:
    this = ctx.history("requests_received", 12)
    last = ctx.series.values["requests_received"].iloc[-25:-13]
    frame = pd.DataFrame(
        {
            f"12 months to {ctx.month.strftime('%b %Y')}": this.to_numpy(),
            "Previous 12 months": last.to_numpy(),
        },
        index=pd.Index([pd.Period(p, freq="M").strftime("%b") for p in this.index], name="Month"),
    )
    return Html(
        paired_bars(
            frame, "Requests for EHC needs assessment by month", "Number of requests"
        ).to_html()
    )


def requests_by_age_and_need(ctx: Context) -> Html:
    """Seed 001 section I: requests by age and by need, this month vs the same month last year."""
    c, m = ctx.cases, ctx.month
    out = []
    for by, label in (("age", "Age at request"), ("need", "Primary need")):
        now, before = decisions.requests_by(c, m, by), decisions.requests_by(c, m - 12, by)
        frame = pd.DataFrame({m.strftime("%b %Y"): now, (m - 12).strftime("%b %Y"): before})
        frame = (
            frame.fillna(0).sort_index()
            if by == "age"
            else frame.fillna(0).sort_values(m.strftime("%b %Y"), ascending=False)
        )
        frame = frame.rename_axis(label).reset_index()
        frame[label] = frame[label].astype(str)
        frame.loc[len(frame)] = ["Total", *frame.iloc[:, 1:].sum().tolist()]
        out.append(
            Table(
                frame,
                f"Requests for EHC needs assessment by {label.lower()}: "
                f"{m.strftime('%B %Y')} and {(m - 12).strftime('%B %Y')}",
            )
            .row_header(label)
            .number(*frame.columns[1:])
            .breakdown(*frame.columns[1:], total_row="Total")
        )
    return Html("".join(t.to_html() for t in out))


def decisions_table(ctx: Context) -> Html:
    table = decisions.decision_table(ctx.cases, ctx.month.year)
    table = table.iloc[: ctx.month.month]
    table.loc["Total"] = table.sum()
    frame = table.T.rename_axis("Decision").reset_index()
    return Html(
        Table(frame, f"Completed decisions by month, {ctx.month.year}")
        .row_header("Decision")
        .number(*frame.columns[1:])
        .breakdown(*frame.columns[1:], total_column="Total")
        .to_html()
    )


def awaiting_decision(ctx: Context) -> Html:
    bands = decisions.awaiting_by_band(ctx.cases, ctx.month)
    return Html(
        counts_table(
            bands,
            "Requests awaiting a decision whether to assess, by time "
            f"since the request, end of {month_name(ctx)}",
            "Time since request",
            published_sums=(decisions.OVER_6WK_BANDS,),  # stated in the section's text
        ).to_html()
    )


# ---------------------------------------------------------------- 4 timeliness
def _timeliness_sentence(ctx: Context) -> str:
    now = ctx.value("plans_issued_20wk_pct")
    if missing(now):
        return f"No new EHCPs were issued in {month_name(ctx)}."
    before = ctx.value("plans_issued_20wk_pct", ctx.month - 1)
    moved = change(now, before, "percent", 1)
    verb = (
        "increased to"
        if moved.startswith("up")
        else "fell to"
        if moved.startswith("down")
        else "was"
    )
    return (
        f"The timeliness of new EHCPs {verb} {_fmt(ctx, 'plans_issued_20wk_pct')} issued "
        f"within 20 weeks in {month_name(ctx)} ({_fmt(ctx, 'plans_issued_20wk_excl_pct')} "
        f"excluding exceptions)."
    )


def timeliness_facts(ctx: Context) -> Html:
    sentences = [_timeliness_sentence(ctx)]
    england = ctx.england("plans_issued_20wk_pct")
    if not missing(england):
        sentences.append(f"The latest England figure is {england:.1f}%.")
    median = ctx.value("plans_issued_median_days")
    if not missing(median):
        sentences.append(f"The median time from request to final plan was {plural(median, 'day')}.")
    over = ctx.value("plans_pending_over_20wk")
    if not missing(over):
        sentences.append(
            f"{plural(over, 'assessment')} still open at month end "
            f"{agree(over, 'has', 'have')} passed 20 weeks without a final plan."
        )
    return Html(paragraphs(sentences))


def timeliness_chart(ctx: Context) -> Html:
    return _trend(
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


def not_yet_issued(ctx: Context) -> Html:
    c, m = ctx.cases, ctx.month
    a = issuance.not_yet_issued_by_band(c, m, "request")
    b = issuance.not_yet_issued_by_band(c, m, "decision")
    return Html(
        counts_table(
            a,
            f"Plans not yet issued by time since the request, end of {month_name(ctx)}",
            "Time since request",
            published_sums=(issuance.OVER_20WK_BANDS,),  # stated in the section's text
        ).to_html()
        + counts_table(
            b,
            "Plans agreed but not yet issued, by time since the decision to issue",
            "Time since decision",
        ).to_html()
    )


def no_plan_reasons(ctx: Context) -> Html:
    years = list(range(ctx.month.year - 3, ctx.month.year + 1))
    table = issuance.no_plan_reasons(ctx.cases, years)
    frame = table.rename_axis("Reason").reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return Html(
        Table(frame, "Reasons a plan was not issued after assessment, by year")
        .row_header("Reason")
        .number(*frame.columns[1:])
        .breakdown(*frame.columns[1:])
        .to_html()
    )


# ---------------------------------------------------------------- 5 reviews
def _reviews_sentence(ctx: Context) -> str:
    pct, overdue = ctx.value("reviews_in_12m_pct"), ctx.value("reviews_overdue")
    if missing(pct, overdue):
        return ""
    return (
        f"{_fmt(ctx, 'reviews_in_12m_pct')} of plans held for 12 months or more were "
        f"reviewed in the last 12 months; {plural(overdue, 'review')} "
        f"{agree(overdue, 'is', 'are')} overdue (more than 14 months since the last "
        f"review or the plan)"
        + (
            f", {_moved(ctx, 'reviews_overdue')} last month."
            if _moved(ctx, "reviews_overdue")
            else "."
        )
    )


def reviews_facts(ctx: Context) -> Html:
    held, done = ctx.value("reviews_completed"), ctx.value("reviews_not_finalised")
    soon = ctx.value("reviews_due_3m")
    sentences = [_reviews_sentence(ctx)]
    if not missing(held):
        sentences.append(
            f"{plural(held, 'annual review meeting')} {were(held)} held in "
            f"{month_name(ctx)}; {plural(done, 'review')} {were(done)} awaiting the "
            f"local authority's decision at month end."
        )
    if not missing(soon):
        sentences.append(
            f"{plural(soon, 'review')} {agree(soon, 'falls', 'fall')} due in the next three months."
        )
    return Html(paragraphs(sentences))


def reviews_chart(ctx: Context) -> Html:
    return _trend(
        ctx,
        "Plans reviewed in the last 12 months",
        "Percentage reviewed",
        "reviews_in_12m_pct",
        labels={"reviews_in_12m_pct": "Reviewed in 12 months"},
    )


def review_status_by_team(ctx: Context) -> Html:
    status = reviews.status_at(ctx.cases, ctx.month)
    table = status.pivot_table(index="team", columns="status", aggfunc="size", fill_value=0)
    table["Total"] = table.sum(axis=1)
    frame = table.rename_axis("Team").reset_index()
    frame.columns = [str(c) for c in frame.columns]
    completed = reviews.completed_by_team(ctx.cases, ctx.month)
    return Html(
        Table(frame, f"Review status of current plans by team, end of {month_name(ctx)}")
        .row_header("Team")
        .number(*frame.columns[1:])
        .breakdown(*frame.columns[1:], total_column="Total")
        .note(
            "Due: 12 to 14 months since the last review or the plan; overdue: more "
            "than 14 months (the amended plan may take 8 weeks after the meeting, "
            "reg 22(3))."
        )
        .to_html()
        + counts_table(
            completed, f"Annual review meetings held in {month_name(ctx)} by team", "Team"
        ).to_html()
    )


# ---------------------------------------------------------------- 6 placements
def placements_facts(ctx: Context) -> Html:
    sentences = []
    main = ctx.value("placed_mainstream_pct")
    if not missing(main):
        sentences.append(
            f"{_fmt(ctx, 'placed_mainstream_pct')} of children and young people with an EHCP "
            f"attend a mainstream setting; {_fmt(ctx, 'placed_inmss_pct')} attend an "
            f"independent or non-maintained special school."
        )
        eotas = ctx.value("placed_eotas_pct")
        nat = ctx.england("placed_eotas_pct")
        versus = f", compared with {nat:.1f}% in England" if not missing(nat) else ""
        sentences.append(
            f"{fmt.format_value(eotas, 'percent', 1)} have education otherwise "
            f"than at school (section 61 and section 19){versus}"
            + (
                f", {_moved(ctx, 'placed_eotas_pct')} the previous month."
                if _moved(ctx, "placed_eotas_pct")
                else "."
            )
        )
    ap = ctx.value("placed_ap")
    if not missing(ap):
        sentences.append(
            f"{plural(ap, 'child', 'children')} with an EHCP "
            f"{agree(ap, 'is', 'are')} in alternative provision."
        )
    return Html(paragraphs(sentences))


def placements_table(ctx: Context) -> Html:
    counts = placements.by_setting(ctx.cases, ctx.month).sort_values(ascending=False)
    return Html(
        counts_table(counts, f"EHCPs by type of setting, {month_name(ctx)}", "Setting").to_html()
        + bar_chart(
            counts,
            f"EHCPs by type of setting, {month_name(ctx)}",
            "Number of children and young people",
            "Setting",
        ).to_html()
    )


def eotas_chart(ctx: Context) -> Html:
    return _trend(
        ctx,
        "Education otherwise than at school",
        "Percentage of EHCPs",
        "placed_eotas_s61_pct",
        "placed_eotas_s19_pct",
        labels={"placed_eotas_s61_pct": "EOTAS (section 61)", "placed_eotas_s19_pct": "Section 19"},
    )


def mainstream_by_phase(ctx: Context) -> Html:
    rows = [
        (label, ctx.value(kpi))
        for label, kpi in (
            ("Primary (Reception to Year 6)", "placed_mainstream_primary_pct"),
            ("Secondary (Years 7 to 11)", "placed_mainstream_secondary_pct"),
            ("Post-16 (16 to 25)", "placed_mainstream_post16_pct"),
            ("All ages", "placed_mainstream_pct"),
        )
    ]
    frame = pd.DataFrame(rows, columns=["Phase", "In mainstream"])
    return Html(
        Table(frame, f"Share of EHCPs in mainstream settings by phase, {month_name(ctx)}")
        .row_header("Phase")
        .percent("In mainstream")
        .to_html()
    )


# ---------------------------------------------------------------- 7 disputes
def _disputes_sentence(ctx: Context) -> str:
    med, app = ctx.value("mediations_ytd"), ctx.value("appeals_ytd")
    registered = ctx.value("appeals_registered")
    if missing(med, app):
        return ""
    last_year = ctx.value("mediations_ytd", _last_year(ctx.month))
    versus = (
        f" ({change(med, last_year)} at this point last year)" if not missing(last_year) else ""
    )
    return (
        f"In {ctx.month.year} to date {plural(med, 'mediation case')} "
        f"{agree(med, 'has', 'have')} been registered{versus} and "
        f"{plural(app, 'appeal')} to the SEND Tribunal; {number(registered)} "
        f"{agree(registered, 'appeal was', 'appeals were')} registered in "
        f"{ctx.month.strftime('%B')}."
    )


def disputes_facts(ctx: Context) -> Html:
    sentences = [_disputes_sentence(ctx)]
    open_ = ctx.value("appeals_open")
    if not missing(open_):
        sentences.append(
            f"{plural(open_, 'tribunal case')} {agree(open_, 'is', 'are')} ongoing at month end."
        )
    parent = ctx.value("appeals_parent_favour_pct")
    if not missing(parent):
        sentences.append(
            f"Of appeals registered this year, {_fmt(ctx, 'appeals_parent_favour_pct')} "
            f"were conceded by the local authority or decided in the parent's favour, "
            f"and {_fmt(ctx, 'appeals_la_favour_pct')} withdrawn or decided in the "
            f"local authority's favour."
        )
    return Html(paragraphs(sentences))


def disputes_chart(ctx: Context) -> Html:
    return _trend(
        ctx,
        "Mediations and appeals registered, calendar year to date",
        "Number (cumulative)",
        "mediations_ytd",
        "appeals_ytd",
        labels={"mediations_ytd": "Mediations", "appeals_ytd": "Appeals"},
    )


def disputes_table(ctx: Context) -> Html:
    ids = [
        "mediations_registered",
        "mediations_ytd",
        "mediations_rolling_12m",
        "mediations_to_appeal_pct",
        "appeals_registered",
        "appeals_ytd",
        "appeals_open",
        "appeals_parent_favour_pct",
        "appeals_la_favour_pct",
    ]
    titles = {
        "mediations_registered": "Mediations registered in the month",
        "appeals_registered": "Appeals registered in the month",
    }
    rows = []
    for kpi_id in ids:
        now, before = ctx.value(kpi_id), ctx.value(kpi_id, _last_year(ctx.month))
        kpi = ctx.catalogue.get(kpi_id) if kpi_id in {k.id for k in ctx.catalogue.kpis} else None
        unit, places = (kpi.unit, kpi.places) if kpi else ("count", 0)
        title = titles.get(kpi_id) or (kpi.title if kpi else kpi_id)
        rows.append(
            (title, fmt.format_value(now, unit, places), fmt.format_value(before, unit, places))
        )
    frame = pd.DataFrame(
        rows, columns=["Measure", month_name(ctx), _last_year(ctx.month).strftime("%B %Y")]
    )
    return Html(Table(frame, "Mediation and tribunal activity").row_header("Measure").to_html())


# ---------------------------------------------------------------- 8 adulthood and partners
def adulthood_facts(ctx: Context) -> Html:
    neet, neet_18 = ctx.value("neet_16_25_pct"), ctx.value("neet_16_18_pct")
    sentences = []
    if not missing(neet_18):
        before = ctx.value("neet_16_18_pct", _last_year(ctx.month))
        sentences.append(
            f"{_fmt(ctx, 'neet_16_18_pct')} of 16 to 18 year olds with an EHCP "
            f"were not in education, employment or training in {month_name(ctx)}"
            + (
                f", {change(neet_18, before, 'percent', 1)} in the same month last year."
                if not missing(before)
                else "."
            )
        )
    if not missing(neet):
        sentences.append(f"Across 16 to 25 year olds the figure is {_fmt(ctx, 'neet_16_25_pct')}.")
    return Html(paragraphs(sentences))


def partner_returns(ctx: Context) -> Html:
    """Every partner KPI of the month with last month, or the partner's note when blank."""
    month = ctx.month.strftime("%Y-%m")
    card = ctx.scorecard
    kpis = [k for k in ctx.catalogue.kpis if k.source == "return"]
    rows = []
    for kpi in kpis:
        row = card[(card["kpi_id"] == kpi.id) & (card["period"] == month)]
        prev = card[
            (card["kpi_id"] == kpi.id) & (card["period"] == (ctx.month - 1).strftime("%Y-%m"))
        ]
        if row.empty:
            continue
        r = row.iloc[0]
        arrow = fmt.DIRECTION_WORDS[r["direction"]]
        rows.append(
            (
                kpi.section,
                kpi.title.strip(),
                r["display"] or "not due this month",
                prev.iloc[0]["display"] if len(prev) else "",
                arrow,
                fmt.RAG_WORDS[r["rag"]],
            )
        )
    frame = pd.DataFrame(
        rows, columns=["Area", "Measure", month_name(ctx), "Previous month", "Change", "Status"]
    )
    return Html(
        Table(frame, f"Partner returns, {month_name(ctx)}")
        .row_header("Measure")
        .note(
            "Figures sent by partners (health, SENDIASS, adult social care, the SEND "
            "workforce). Where a figure has not been received the partner's note is "
            "shown."
        )
        .to_html()
    )


# ---------------------------------------------------------------- appendix and annex
def scorecard_appendix(ctx: Context) -> Html:
    """The full scorecard: one table per section, months across, with status and comparators."""
    card = ctx.scorecard
    periods = sorted(card["period"].unique())
    # month headings and "5,165 ▲" are kept on one line (no break space)
    labels = [pd.Period(p, freq="M").strftime("%b\u00a0%y") for p in periods]
    out = []
    for section in ctx.catalogue.sections:
        rows = []
        for kpi in (k for k in ctx.catalogue.kpis if k.section == section):
            items = card[card["kpi_id"] == kpi.id].set_index("period")
            latest = items.loc[periods[-1]]
            cells = [_score_cell(items.loc[p]) for p in periods]
            comparators = [
                fmt.format_value(latest[c], kpi.unit, kpi.places) if not missing(latest[c]) else ""
                for c in ("england", "statistical_neighbours", "region")
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
                    *cells,
                    html.escape(target),
                    status_html,
                    *map(html.escape, comparators),
                    html.escape(fmt.VARIATION_WORDS[latest["spc_variation"]]),
                    html.escape(fmt.ASSURANCE_WORDS[latest["spc_assurance"]]),
                ]
            )
        columns = [
            "Ref",
            "Measure",
            *labels,
            "Target",
            "Status",
            "England",
            "Stat. neighbours",
            "Region",
            "Variation",
            "Assurance",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        table = (
            Table(frame, f"Scorecard: {section}")
            .row_header("Measure")
            .html_columns(*columns)
            .classed("data scorecard")
        )
        out.append(table.to_html())
    return Html("".join(out))


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


def year_on_year_issued(ctx: Context) -> Html:
    years = [ctx.month.year - 2, ctx.month.year - 1, ctx.month.year]
    table = issuance.issued_by_month(ctx.cases, years)
    table.loc[table.index[ctx.month.month :], str(ctx.month.year)] = np.nan
    frame = table.rename_axis("Month").reset_index()
    return Html(
        Table(frame, "New EHCPs issued by month, year on year")
        .row_header("Month")
        .number(*frame.columns[1:])
        .to_html()
    )


def reviews_due_by_team(ctx: Context) -> Html:
    status = reviews.status_at(ctx.cases, ctx.month)
    due = status[status["status"] != "in date (under 12 months)"]
    counts = due.groupby(["team", "status"]).size().unstack(fill_value=0)
    frame = counts.rename_axis("Team").reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return Html(
        Table(frame, f"Reviews due or overdue by team, end of {month_name(ctx)}")
        .row_header("Team")
        .number(*frame.columns[1:])
        .breakdown(*frame.columns[1:])
        .to_html()
    )


def operational_pending(ctx: Context) -> Html:
    return Html(awaiting_decision(ctx) + not_yet_issued(ctx))
