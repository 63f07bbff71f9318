"""What the paper says about its figures: comparators with their periods and definitions,
pairs of figures told apart, termly figures carried forward, charts with gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import ROOT

MONTH = "2025-06"


def html_text(markup: str) -> str:
    import html

    return html.unescape(markup)


@pytest.fixture(scope="module")
def ctx(demo_data):
    from sendlib.config import RunParams
    from sendlib.paper.notebook_context import Context
    from sendlib.paper.prepare import prepare_paper_data

    run = RunParams(
        month=MONTH,
        data_dir=str(demo_data),
        params_dir=str(ROOT / "params"),
        catalogue=str(ROOT / "params" / "kpis.yaml"),
    )
    return Context.from_data(prepare_paper_data(run))


def test_the_england_figure_is_said_with_its_year(ctx):
    from sendlib.paper import timeliness

    said = " ".join(timeliness.facts(ctx).sentences)
    assert "The latest England figure, for 2024, is 45.9%." in said


def test_every_comparator_in_a_sentence_says_its_period(ctx):
    from sendlib.paper import placements

    said = " ".join(placements.facts(ctx).sentences)
    assert "in England (Jan 2025)" in said


def test_the_appendix_shows_each_comparator_with_its_period_and_definition(ctx):
    from sendlib.paper import appendix

    html = html_text(appendix.scorecard(ctx).to_html())
    assert "45.9% (2024)" in html  # 3.03 beside England's 2024 figure
    assert "(Jan 2025)" in html  # a placement share beside the January snapshot
    notes = html_text(str(appendix.comparator_notes(ctx)))
    assert "3.03" in notes and "the same count" in notes
    assert "2.11" in notes and "none here (the denominator here is decisions" in notes


def test_the_appendix_scorecard_html_snapshot(ctx):
    from sendlib.paper import appendix
    from test_paper_parts import check_golden

    check_golden("appendix_scorecard_demo_2025-06.html", appendix.scorecard(ctx).to_html())


def test_the_appendix_sets_each_kpi_beside_its_figure_a_year_earlier_with_an_arrow(ctx):
    from bs4 import BeautifulSoup

    from sendlib.paper import appendix

    soup = BeautifulSoup(appendix.scorecard(ctx).to_html(), "lxml")
    heads = [th.get_text() for th in soup.table.thead.find_all("th")]
    assert "A year earlier (Jun 24)" in heads
    at = heads.index("A year earlier (Jun 24)")
    rows = {tr.th.get_text(): tr for tr in soup.table.tbody.find_all("tr")}
    cell = rows["Number of EHCPs"].find_all(["td", "th"])[at]
    before = ctx.value("ehcp_active", "2024-06")
    assert cell.get_text().startswith(f"{before:,.0f}\u00a0▲")  # higher now than then
    assert "(now higher)" in cell.get_text()
    # a termly KPI is set beside its latest figure's month a year earlier, named
    termly = next(tr for name, tr in rows.items() if "(termly)" in name)
    assert "(May 24)" in termly.find_all(["td", "th"])[at].get_text()


def test_a_year_earlier_figure_that_was_withheld_is_shown_as_withheld(ctx, monkeypatch):
    from bs4 import BeautifulSoup

    from sendlib.paper import appendix

    real = ctx.status_of
    monkeypatch.setattr(
        ctx,
        "status_of",
        lambda k, p=None: "c" if (k, str(p)) == ("ehcp_active", "2024-06") else real(k, p),
    )
    soup = BeautifulSoup(appendix.scorecard(ctx).to_html(), "lxml")
    heads = [th.get_text() for th in soup.table.thead.find_all("th")]
    row = next(
        tr for tr in soup.table.tbody.find_all("tr") if tr.th.get_text() == "Number of EHCPs"
    )
    cell = row.find_all(["td", "th"])[heads.index("A year earlier (Jun 24)")]
    assert cell.get_text() == "[c]"  # no figure, and no arrow that would hint at one


def test_how_we_compare_says_which_definition_each_scorecard_row_uses(ctx):
    from sendlib.paper import compare

    frame = compare.definitions(ctx).frame.set_index("Measure")
    assigned = frame.loc["Requests that went on to an assessment", "In the scorecard"]
    assert "2.11" in assigned and "another definition" in assigned
    timely = frame.loc["New plans issued within 20 weeks", "In the scorecard"]
    assert "3.03" in timely and "the same definition" in timely


def test_the_glossary_tells_apart_assessments_under_way_and_plans_not_yet_issued(ctx):
    from sendlib.paper import glossary

    pairs = dict(glossary.pairs(ctx))
    text = pairs["2.15 and 3.06"]
    under, waiting = ctx.value("under_assessment"), ctx.value("plans_not_yet_issued")
    agreed = ctx.value("plans_agreed_not_issued")
    assert under + agreed == waiting  # the figures between them, named
    assert f"{under:,.0f} under way and {agreed:,.0f} plans agreed but not yet issued" in text
    assert f"{waiting:,.0f} in all" in text
    assert "6.01 and 6.02" in pairs and "calendar year" in pairs["6.01 and 6.02"]
    assert "2.15 and 3.06" in str(glossary.glossary(ctx))


def test_the_disputes_section_says_which_year_it_counts_from(ctx):
    from sendlib.paper import disputes

    assert disputes.headline(ctx).startswith("In 2025 to date ")
    academic = ctx.report.model_copy(update={"year_start": "September"})
    ctx2 = type(ctx)(**{**ctx.__dict__, "report": academic})
    assert disputes.so_far(ctx2) == "In the academic year to date (2024/25)"
    assert disputes.chart(ctx2).title.endswith("academic year to date")


def test_a_termly_figure_is_carried_forward_with_its_month_until_the_next_arrives():
    from sendlib.scorecard.build import headline_tiles
    from sendlib.scorecard.catalogue import load_catalogue

    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    months = [str(p) for p in pd.period_range("2025-10", "2026-11", freq="M")]
    values = pd.DataFrame({"school_pop_ehcp_pct": np.nan}, index=months)
    values.loc["2026-05", "school_pop_ehcp_pct"] = 5.5  # October's is not in yet
    for month in ("2026-10", "2026-11"):  # the 6-month window of November misses May
        window = [m for m in months if m <= month][-6:]
        card = pd.DataFrame(
            {
                "kpi_id": "school_pop_ehcp_pct",
                "period": window,
                "value": [values.loc[m, "school_pop_ehcp_pct"] for m in window],
                "display": "",
            }
        )
        tiles = {
            t["kpi_id"]: t
            for t in headline_tiles(card, pd.Period(month, "M"), cat.headlines, values, cat)
        }
        assert (tiles["school_pop_ehcp_pct"]["value"], tiles["school_pop_ehcp_pct"]["period"]) == (
            "5.5%",
            "May 2026",
        )


def test_the_partner_table_carries_a_termly_figure_forward_with_its_month(ctx):
    from sendlib.paper import adulthood

    frame = adulthood.partner_returns(ctx).frame.set_index("Measure")
    kpi = ctx.catalogue.get("sen_support_pct")
    shown = frame.loc[kpi.title.strip(), ctx.month_name]
    series = ctx.values["sen_support_pct"].dropna()
    latest = series[series.index <= MONTH]
    if MONTH[5:] in ("01", "05", "10"):
        return  # a census month: its own figure or note
    month = pd.Period(latest.index[-1], freq="M").strftime("%b %Y")
    assert shown == f"{latest.iloc[-1]:.1f}% ({month})"


def test_a_chart_keeps_missing_months_as_gaps_never_joining_across_them():
    from sendlib.paper.charts.lines import line_chart
    from sendlib.paper.figures import trimmed

    months = [str(p) for p in pd.period_range("2024-01", "2025-12", freq="M")]
    series = pd.Series(np.nan, index=months)
    series["2024-03"], series["2025-11"], series["2025-12"] = 100.0, 50.0, 60.0
    frame = trimmed(pd.DataFrame({"% within 20 weeks": series}))
    assert frame.index[0] == "2024-03" and frame.index[-1] == "2025-12"
    assert len(frame) == 22 and frame.iloc[1:20].isna().all().all()  # the 19 empty months
    chart = line_chart(frame, "New plans", "Per cent", "percent")
    assert len(chart.data) == 22  # every month in the data table, the empty ones as gaps
    assert trimmed(pd.DataFrame({"x": [np.nan, np.nan]}, index=months[:2])).empty


def test_review_status_by_team_reads_in_date_due_overdue_with_a_total_row_that_adds_up(ctx):
    from sendlib.paper import reviews

    group = reviews.status_by_team(ctx)
    table = group.items[0]
    frame = table.frame.set_index("Team")
    assert list(frame.columns) == [
        "In date (under 12 months)",
        "Due (12–14 months)",
        "Overdue (over 14 months)",
        "Total",
    ]
    assert frame.index[-1] == "Total"
    hidden = table.withheld().set_index(table.frame["Team"])
    teams = frame.drop(index="Total")
    for column in frame.columns:
        if not hidden[column].drop(index="Total").any():  # nothing withheld: it adds up
            assert teams[column].sum() == frame.loc["Total", column], column
    assert frame.loc["Total", "Overdue (over 14 months)"] == ctx.value("reviews_overdue")


def test_without_a_need_at_request_the_paper_shows_the_needs_of_plans_issued_and_says_so(ctx):
    from sendlib.paper import requests

    assert "requests_by_need" in ctx.not_held  # the demo's requests record no need
    _, by_need = requests.by_age_and_need(ctx).items
    assert by_need.caption.startswith("New EHCPs issued by primary need: June 2025 and June 2024")
    assert any("need at request" in note for note in by_need.notes)
    frame = by_need.frame.set_index("Primary need")
    assert "No plan (yet)" not in frame.index  # no like-for-unlike 'no plan yet' row
    assert frame.loc["Total", "Jun 2025"] == ctx.value("plans_issued")
    assert frame.loc["Total", "Jun 2024"] == ctx.value("plans_issued", "2024-06")
    assert "Autistic spectrum disorder" in frame.index


def test_a_review_status_total_is_the_published_figure_beside_withheld_teams(ctx, monkeypatch):
    from sendlib.paper import reviews

    real = ctx.breakdown_cells

    def one_withheld(name, period=None, column=""):
        counts, hidden = real(name, period, column)
        if name == "review_status_by_team" and column == "in_date":
            hidden = hidden.copy()
            hidden.iloc[0] = True
            counts = counts.where(~hidden)
        return counts, hidden

    monkeypatch.setattr(ctx, "breakdown_cells", one_withheld)
    table, withheld = reviews.status_table(ctx, ("in_date", "overdue"))
    # the decision withholds a partner for a withheld team (sendlib.scorecard.figures):
    # the table's total is the figure the scorecard and the sentences publish
    in_date = ctx.value("ehcp_active") - ctx.value("reviews_due_12_14m")
    in_date -= ctx.value("reviews_overdue")
    assert not withheld.loc["Total"].any()
    assert table.loc["Total", "In date (under 12 months)"] == in_date
    assert table.loc["Total", "Overdue (over 14 months)"] == ctx.value("reviews_overdue")


def test_a_month_with_no_plan_issued_says_so_once_in_the_summary(ctx, monkeypatch):
    from sendlib.paper import summary

    real = ctx.value

    def none_issued(kpi_id, period=None):
        if period is None and kpi_id == "plans_issued":
            return 0.0
        if period is None and kpi_id.startswith("plans_issued_20wk"):
            return float("nan")
        return real(kpi_id, period) if period is not None else real(kpi_id)

    monkeypatch.setattr(ctx, "value", none_issued)
    said = " ".join(summary.key_messages(ctx).sentences)
    assert said.count("issued") == 1, said
    assert f"No new EHCPs were issued in {ctx.month_name}, so there is no 20-week" in said


def test_withheld_figures_that_end_alike_are_named_once():
    from sendlib.paper.figures import withheld_sentence

    class Withheld:
        def status_of(self, kpi_id):
            return "c" if kpi_id != "shown" else ""

    neet = "year olds not in education, employment or training"
    said = withheld_sentence(
        Withheld(), {"a": f"16 to 18 {neet}", "b": f"16 to 25 {neet}", "shown": "other"}
    )
    assert said == (
        f"The figures for 16 to 18 and 16 to 25 {neet} are withheld to protect the "
        "confidentiality of the children concerned."
    )
    one = withheld_sentence(Withheld(), {"a": "looked after children", "b": "children in need"})
    assert one == (
        "The figures for looked after children and children in need are withheld to protect "
        "the confidentiality of the children concerned."
    )


def test_data_quality_tells_missing_files_from_records_to_review(ctx):
    import dataclasses

    from sendlib.paper import data_quality

    warnings = pd.DataFrame(
        {
            "severity": ["warning", "warning"],
            "rule": ["file_not_held", "missing_upn"],
            "description": ["A file the council may not hold is missing", "No UPN"],
            "count": [3, 2],
        }
    )
    html = data_quality.summary(dataclasses.replace(ctx, warnings=warnings)).to_html()
    assert "found 2 records to review in the case-management system" in html
    assert "3 files or columns of the data were missing or not read" in html
    only_files = data_quality.summary(dataclasses.replace(ctx, warnings=warnings.iloc[:1]))
    said = only_files.to_html()
    assert "no records to review" in said and "3 files or columns" in said
