"""Section 7: mediation and SEND Tribunal appeals, counted over the reporting year to date
(``year_start`` in report.yaml: the calendar, financial or academic year)."""

from __future__ import annotations

import pandas as pd

from sendlib.months import Month
from sendlib.paper.charts.figure import Chart
from sendlib.paper.figures import last_year, shown, trend
from sendlib.paper.narrative import agree, compared, missing, number, plural
from sendlib.paper.notebook_context import Context
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table
from sendlib.scorecard import formats as fmt
from sendlib.statutory import year_label, year_name, year_to_date

ACTIVITY = (
    "mediations_registered",
    "mediations_ytd",
    "mediations_rolling_12m",
    "mediations_to_appeal_pct",
    "appeals_registered",
    "appeals_ytd",
    "appeals_open",
    "appeals_parent_favour_pct",
    "appeals_la_favour_pct",
)
TITLES = {
    "mediations_registered": "Mediations registered in the month",
    "appeals_registered": "Appeals registered in the month",
}


def so_far(ctx: Context) -> str:
    """'In 2026 to date' (a calendar year), 'In the academic year to date (2026/27)'."""
    start = ctx.report.year_start
    if start == "January":
        return f"In {ctx.month.year} to date"
    return f"In the {year_to_date(start)} ({year_label(Month.of(ctx.month), start)})"


def this_year(ctx: Context) -> str:
    """'this year', or 'this academic year' / 'this financial year'."""
    start = ctx.report.year_start
    return "this year" if start == "January" else f"this {year_name(start)}"


def headline(ctx: Context) -> str:
    med, app = ctx.value("mediations_ytd"), ctx.value("appeals_ytd")
    registered = ctx.value("appeals_registered")
    if missing(med, app):
        return ""
    year_ago = ctx.value("mediations_ytd", last_year(ctx.month))
    versus = (
        f" ({compared(med, year_ago, 'this_point_last_year')})" if not missing(year_ago) else ""
    )
    return (
        f"{so_far(ctx)} {plural(med, 'mediation case')} "
        f"{agree(med, 'has', 'have')} been registered{versus} and "
        f"{plural(app, 'appeal')} to the SEND Tribunal; {number(registered)} "
        f"{agree(registered, 'appeal was', 'appeals were')} registered in "
        f"{ctx.month.strftime('%B')}."
    )


def facts(ctx: Context) -> Paragraphs:
    sentences = [headline(ctx)]
    open_ = ctx.value("appeals_open")
    if not missing(open_):
        sentences.append(
            f"{plural(open_, 'tribunal case')} {agree(open_, 'is', 'are')} ongoing at month end."
        )
    parent = ctx.value("appeals_parent_favour_pct")
    if not missing(parent):
        sentences.append(
            f"Of appeals registered {this_year(ctx)}, {shown(ctx, 'appeals_parent_favour_pct')} "
            f"were conceded by the local authority or decided in the parent's favour, "
            f"and {shown(ctx, 'appeals_la_favour_pct')} withdrawn or decided in the "
            f"local authority's favour."
        )
    return paragraphs(sentences)


def chart(ctx: Context) -> Chart:
    return trend(
        ctx,
        f"Mediations and appeals registered, {year_to_date(ctx.report.year_start)}",
        "Number (cumulative)",
        "mediations_ytd",
        "appeals_ytd",
        labels={"mediations_ytd": "Mediations", "appeals_ytd": "Appeals"},
    )


def activity_table(ctx: Context) -> Table:
    """Mediation and tribunal measures this month beside the same month last year."""
    rows = []
    for kpi_id in ACTIVITY:
        now, before = ctx.value(kpi_id), ctx.value(kpi_id, last_year(ctx.month))
        kpi = ctx.kpi(kpi_id)
        unit, places = (kpi.unit, kpi.places) if kpi else ("count", 0)
        title = TITLES.get(kpi_id) or (kpi.title if kpi else kpi_id)
        rows.append(
            (title, fmt.format_value(now, unit, places), fmt.format_value(before, unit, places))
        )
    frame = pd.DataFrame(
        rows, columns=["Measure", ctx.month_name, last_year(ctx.month).strftime("%B %Y")]
    )
    return Table(frame, "Mediation and tribunal activity").row_header("Measure")
