"""The charts' axis rules: tick labels never repeat, month labels never run together."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sendlib.paper.charts.bars import paired_bars
from sendlib.paper.charts.figure import NoChart
from sendlib.paper.charts.lines import draw_lines, line_chart
from sendlib.paper.charts.panels import draw_panels, merged, small_multiples
from sendlib.paper.charts.projection import draw_projection, projection_chart
from sendlib.paper.charts.theme import tick_labels, tick_step


@pytest.mark.parametrize(
    ("ticks", "unit", "labels"),
    [
        ([0.6, 0.8, 1.0, 1.2, 1.4], "percent", ["0.6%", "0.8%", "1.0%", "1.2%", "1.4%"]),
        ([0, 20, 40, 60], "percent", ["0%", "20%", "40%", "60%"]),
        ([1.0, 1.25, 1.5], "percent", ["1.00%", "1.25%", "1.50%"]),
        ([4400, 4600, 4800], "count", ["4,400", "4,600", "4,800"]),
        ([0.0, 0.5, 1.0], "count", ["0.0", "0.5", "1.0"]),
    ],
)
def test_tick_labels_take_the_fewest_decimals_that_keep_them_apart(ticks, unit, labels):
    assert tick_labels(ticks, unit) == labels


def _texts(svg: str) -> list[str]:
    """The text matplotlib wrote into an SVG (labels are kept as text)."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.strip()]


def test_a_narrow_percentage_range_never_prints_the_same_tick_label_twice():
    frame = pd.DataFrame(
        {"Electively home educated": [0.8, 0.9, 1.1, 1.0, 1.2, 1.3]},
        index=[str(p) for p in pd.period_range("2026-01", periods=6, freq="M")],
    )
    chart = line_chart(frame, "EHE", "Share", "percent", places=1)
    labels = [t for t in _texts(chart.svg) if t.endswith("%")]
    assert len(labels) >= 3 and len(labels) == len(set(labels))


def test_month_labels_are_spaced_to_fit_the_axis():
    labels = [f"Jan {y}" for y in range(2015, 2027)]  # 12 labels of 8 characters
    step = tick_step(labels, 3.0, 7)
    shown = labels[::step]
    width = len(shown) * (8 + 2) * 7 * 0.6 / 72
    assert width <= 3.0 and step > 1
    assert tick_step(["Jan", "Feb", "Mar"], 6.6, 9) == 1


def test_small_multiples_of_years_label_a_few_years_apart_not_all_run_together():
    years = [f"January {y}" for y in range(2015, 2027)]
    panels = {
        "EHE": pd.DataFrame({"Council": [1.0 + i / 100 for i in range(12)]}, index=years),
        "Mainstream": pd.DataFrame({"Council": [40.0 + i for i in range(12)]}, index=years),
    }
    chart = small_multiples(panels, "How we compare", "Year", "Share")
    texts = _texts(chart.svg)
    years_drawn = [t for t in texts if re.fullmatch(r"Jan \d{4}", t)]
    assert 4 <= len(years_drawn) <= 12  # a few years on each of the two panels, not 24
    assert len(years_drawn) == len(set(years_drawn)) * 2  # the same years on each panel
    ehe = [t for t in texts if t.endswith("%") and t.startswith("1.")]
    assert len(ehe) >= 2 and len(ehe) == len(set(ehe))  # never "1% 1% 1%"


def test_bars_of_nothing_are_a_sentence():
    frame = pd.DataFrame({"This year": [0.0, 0.0]}, index=pd.Index(["Jan", "Feb"], name="Month"))
    assert isinstance(paired_bars(frame, "Requests by month", "Requests"), NoChart)


def test_a_chart_has_one_caption_its_source_and_its_title_once():
    frame = pd.DataFrame({"EHCPs": [10.0, 12.0]}, index=["2026-01", "2026-02"])
    html = line_chart(frame, "Number of EHCPs", "Number").to_html()
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html).group(1)
    assert "Source: council SEND case records" in caption and "Number of EHCPs" not in caption
    svg = line_chart(frame, "Number of EHCPs", "Number").svg
    assert svg.count("Number of EHCPs") == 1 and "Source:" not in svg


def test_a_panel_of_one_years_figures_is_said_beside_the_small_multiples_not_drawn():
    years = ["January 2023", "January 2024", "January 2025"]
    panels = {
        "Mainstream": pd.DataFrame({"Council": [40.0, 41.0, 42.0]}, index=years),
        "Annual review decisions": pd.DataFrame(
            {"Council": [float("nan"), float("nan"), 45.0]}, index=years
        ),
    }
    chart = small_multiples(panels, "How we compare", "Year", "Share")
    assert "Annual review decisions" not in _texts(chart.svg)
    said = "Not drawn, having figures for one year only: Annual review decisions, January 2025: "
    assert said + "Council 45.0%." in chart.to_html()
    assert "Annual review decisions" in chart.data["Measure"].tolist()  # its data stay
    alone = small_multiples(
        {"Annual review decisions": panels["Annual review decisions"]}, "T", "Year", "Share"
    )
    assert isinstance(alone, NoChart)


def _months(n: int, start: str = "2026-01") -> list[str]:
    return [str(p) for p in pd.period_range(start, periods=n, freq="M")]


def test_a_line_is_drawn_by_seaborn_and_never_joins_points_across_a_month_without_a_value():
    frame = pd.DataFrame({"Plans": [10.0, 12.0, float("nan"), 14.0, 15.0]}, index=_months(5))
    fig = draw_lines(frame, "Plans", "Number")
    drawn = [line for line in fig.axes[0].lines if len(line.get_xdata())]
    assert [list(line.get_xdata()) for line in drawn] == [[0, 1], [3, 4]]  # two runs, a gap
    assert len({line.get_color() for line in drawn}) == 1  # one series, one look


def test_a_counts_axis_starts_at_zero_and_a_percentages_may_not():
    counts = pd.DataFrame({"EHCPs": [4300.0, 4500.0, 5100.0]}, index=_months(3))
    assert draw_lines(counts, "EHCPs", "Number").axes[0].get_ylim()[0] == 0
    shares = pd.DataFrame({"EHE": [1.1, 1.2, 1.4]}, index=_months(3))
    assert draw_lines(shares, "EHE", "Share", "percent", 1).axes[0].get_ylim()[0] > 0.5


def test_panels_of_one_measure_share_a_y_axis_and_every_panel_the_same_years():
    years = ["2021", "2022", "2023", "2024"]
    panels = {
        "Within 20 weeks": pd.DataFrame({"Council": [40.0, 50.0, 60.0, 70.0]}, index=years),
        "Within 20 weeks, exceptions excluded": pd.DataFrame(
            {"Council": [80.0, 85.0, 90.0]}, index=years[1:]
        ),
        "Refused": pd.DataFrame({"Council": [20.0, 22.0, 25.0]}, index=years[:3]),
    }
    scales = {"Within 20 weeks": "20wk", "Within 20 weeks, exceptions excluded": "20wk"}
    fig = draw_panels(panels, "How we compare", "Year", "Per cent", scales=scales)
    within, excluded, refused = fig.axes[:3]
    assert within.get_ylim() == excluded.get_ylim()  # one measure counted two ways
    ticks = [[t.get_text() for t in ax.get_yticklabels()] for ax in (within, excluded)]
    assert ticks[0] == ticks[1]
    assert refused.get_ylim() != within.get_ylim()  # another measure keeps its own
    assert refused.get_ylim()[1] < 30
    # 2022 sits at the same place on both panels of the measure, though one starts there
    xs = [list(ax.lines[0].get_xdata()) for ax in (within, excluded)]
    assert xs == [[0, 1, 2, 3], [1, 2, 3]]
    assert within.get_xlim() == excluded.get_xlim() != refused.get_xlim()


def test_the_years_of_panels_merge_in_order():
    assert merged([["2022", "2023"], ["2020", "2021", "2022"], ["2023", "2024"]]) == [
        "2020",
        "2021",
        "2022",
        "2023",
        "2024",
    ]


def test_a_withheld_council_figure_reads_c_and_a_figure_not_held_reads_x():
    years = ["January 2023", "January 2024", "January 2025"]
    frame = pd.DataFrame(
        {
            "This council": [2.0, float("nan"), float("nan")],
            "England": [1.0, 1.1, float("nan")],
        },
        index=years,
    )
    hidden = pd.DataFrame(False, index=years, columns=frame.columns)
    hidden.loc["January 2024", "This council"] = True  # withheld; January 2025 not held
    chart = small_multiples(
        {"EHE": frame, "Mainstream": frame.fillna(40.0)},
        "How we compare",
        "Year",
        "Per cent",
        hidden={"EHE": hidden},
    )
    table = chart.data.set_index(["Measure", "Year"])
    assert table.loc[("EHE", "January 2024"), "This council"] == "[c]"
    html = chart.to_html()
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    ehe = {re.sub("<[^>]+>", "|", r).split("|")[3]: r for r in rows if ">EHE<" in r}
    assert '<td class="num">[c]</td><td class="num">1.1%</td>' in ehe["January 2024"]
    assert '<td class="num">[x]</td><td class="num">[x]</td>' in ehe["January 2025"]
    assert "EHE, January 2024: This council withheld; England 1.1%." in chart.alt


def test_a_charts_data_prints_its_values_in_its_unit():
    frame = pd.DataFrame({"Within 20 weeks": [58.6, 59.1]}, index=_months(2))
    html = line_chart(frame, "New plans", "Per cent", "percent", places=1).to_html()
    assert '<td class="num">58.6%</td>' in html and '<td class="num">59.1%</td>' in html
    counts = pd.DataFrame({"Plans": [3824.0, 3869.0]}, index=_months(2))
    html = line_chart(counts, "Plans", "Number").to_html()
    assert '<td class="num">3,824</td>' in html and "3,824.0" not in html


def test_a_projection_has_bands_from_seaborn_and_z_where_a_column_does_not_apply():
    months = _months(6)
    nan = float("nan")
    frame = pd.DataFrame(
        {
            "recorded": [100.0, 102.0, 104.0, nan, nan, nan],
            "mean": [nan, nan, nan, 106.0, 108.0, 110.0],
            "lo80": [nan, nan, nan, 104.0, 105.0, 106.0],
            "hi80": [nan, nan, nan, 108.0, 111.0, 114.0],
            "lo95": [nan, nan, nan, 103.0, 103.0, 104.0],
            "hi95": [nan, nan, nan, 109.0, 113.0, 116.0],
        },
        index=months,
    )
    fig = draw_projection(frame, "Plans", "Number")
    ax = fig.axes[0]
    assert len(ax.patches) == 2  # the 80% and 95% bands (seaborn.objects.Band)
    assert ax.get_ylim()[0] == 0  # a count
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Recorded",
        "Projected",
        "95% interval",
        "80% interval",
    ]
    chart = projection_chart(frame, "Plans", "Number")
    data = chart.data.set_index("Month")
    assert data.loc["Jan 2026", "Projected"] == "[z]" and data.loc["Jun 2026", "Recorded"] == "[z]"
    html = chart.to_html()
    assert '<td class="num">100</td>' in html and "100.0" not in html


def test_how_we_compare_prints_c_for_a_withheld_council_figure_and_x_for_one_not_held():
    from sendlib.paper import compare

    rows = [  # kpi_id, period, series, value, status (as the paper data hold them)
        ("placed_ehe_pct", "2023-01", "council", 1.2, ""),
        ("placed_ehe_pct", "2024-01", "council", float("nan"), "c"),  # from 3 children
        ("placed_ehe_pct", "2023-01", "england", 1.0, ""),
        ("placed_ehe_pct", "2024-01", "england", 1.1, ""),
        ("placed_ehe_pct", "2025-01", "england", 1.3, ""),  # the council's not yet held
    ]
    frame = pd.DataFrame(rows, columns=["kpi_id", "period", "series", "value", "status"])

    class Ctx:
        def breakdown(self, name):
            assert name == "comparison"
            return frame

    (chart,) = compare.charts(Ctx()).items
    cells = chart.data.set_index(["Measure", "Year"])["This council"]
    ehe = "Plans with elective home education"
    assert cells[(ehe, "January 2024")] == "[c]"
    assert pd.isna(cells[(ehe, "January 2025")])
    html = chart.to_html()
    assert '<td class="num">[c]</td><td class="num">1.1%</td>' in html
    assert '<td class="num">[x]</td><td class="num">1.3%</td>' in html
    assert f"{ehe}, January 2025: England 1.3%." in chart.alt
