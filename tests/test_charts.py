"""The charts' axis rules: tick labels never repeat, month labels never run together."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sendlib.paper.chart_theme import tick_labels, tick_step
from sendlib.paper.charts import NoChart, line_chart, paired_bars, small_multiples


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


def test_a_panel_of_one_figure_is_said_beside_the_small_multiples_not_drawn():
    years = ["January 2023", "January 2024", "January 2025"]
    panels = {
        "Mainstream": pd.DataFrame({"Council": [40.0, 41.0, 42.0]}, index=years),
        "Annual review decisions": pd.DataFrame(
            {"Council": [float("nan"), float("nan"), 45.0]}, index=years
        ),
    }
    chart = small_multiples(panels, "How we compare", "Year", "Share")
    assert "Annual review decisions" not in _texts(chart.svg)
    assert "Not drawn (one figure only): Annual review decisions: Council 45.0% (January 2025)" in (
        chart.to_html()
    )
    assert "Annual review decisions" in chart.data["Measure"].tolist()  # its data stay
    alone = small_multiples(
        {"Annual review decisions": panels["Annual review decisions"]}, "T", "Year", "Share"
    )
    assert isinstance(alone, NoChart)
