"""Disclosure control: small counts withheld, and no withheld count recoverable from totals."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from sendlib.paper.charts.bars import bar_chart
from sendlib.paper.charts.figure import NoChart
from sendlib.paper.charts.lines import line_chart
from sendlib.paper.tables import counts_table, in_order
from sendlib.scorecard import disclosure
from sendlib.scorecard.disclosure import Disclosure, Figures

FOUR = Disclosure(4)


def solutions_1d(shown: list[float | None], total: int, limit: int) -> list[tuple[int, ...]]:
    """Every assignment of the withheld cells consistent with what a reader sees."""
    hidden = [i for i, v in enumerate(shown) if v is None]
    rest = total - sum(v for v in shown if v is not None)
    options = []
    for combo in itertools.product(range(0, total + 1), repeat=len(hidden)):
        if sum(combo) == rest and all(v == 0 or v >= 1 for v in combo):
            options.append(combo)
    return options


def test_naive_suppression_of_one_cell_would_leak_through_the_total():
    counts = pd.Series({"A": 10, "B": 3, "C": 20})
    _, hidden = FOUR.protect(counts)
    assert hidden.tolist() == [True, True, False]  # 3 withheld, and 10 to protect it
    shown = [None if h else v for v, h in zip(counts, hidden, strict=True)]
    # the reader can no longer tell B's value: many pairs add up to what is hidden
    values_of_b = {combo[1] for combo in solutions_1d(shown, 33, 4)}
    assert len(values_of_b) > 1


def test_two_ones_are_not_left_as_the_only_withheld_cells():
    counts = pd.Series({"A": 1, "B": 1, "C": 50})
    _, hidden = FOUR.protect(counts)
    # hiding only the two 1s would show they sum to 2, i.e. 1 and 1
    assert hidden.tolist() == [True, True, True]


def test_zeros_and_large_counts_are_published():
    counts = pd.Series({"A": 0, "B": 12, "C": 30})
    _, hidden = FOUR.protect(counts)
    assert not hidden.any()


def test_two_way_table_with_row_and_column_totals_protects_every_line():
    counts = np.array([[5, 2, 9], [7, 8, 6], [9, 9, 3], [12, 15, 11]])
    mask = FOUR.mask(counts, row_totals=True, column_totals=True)
    assert mask[0, 1] and mask[2, 2]  # the primaries
    for line_values, line_mask in itertools.chain(
        zip(counts, mask, strict=True), zip(counts.T, mask.T, strict=True)
    ):
        hidden = int(line_mask.sum())
        assert hidden != 1
        if hidden:
            assert (line_values[line_mask] > 4).any()


def test_table_without_totals_needs_only_primary_suppression():
    counts = np.array([[5, 2], [7, 8]])
    assert FOUR.mask(counts).tolist() == [[False, True], [False, False]]


def test_threshold_comes_from_configuration():
    _, hidden = Disclosure(9).protect(pd.Series({"A": 8, "B": 40, "C": 50}))
    assert hidden.tolist() == [True, True, False]
    _, hidden = Disclosure(0).protect(pd.Series({"A": 1, "B": 40}))
    assert not hidden.any()


def _decided(counts: pd.Series, disclosure: Disclosure) -> pd.Series:
    """Which counts of a breakdown with a published total are withheld."""
    _, hidden = disclosure.protect(counts)
    return hidden


def test_a_table_shows_c_for_the_count_and_its_share_and_keeps_the_total():
    counts = pd.Series({"Team A": 10, "Team B": 3, "Team C": 20})
    hidden = _decided(counts, FOUR)
    html = counts_table(counts.where(~hidden), hidden, "EHCPs by team", "Team", 33).to_html()
    assert html.count("[c]") == 4  # B and A, number and share
    assert '<th scope="row">Total</th><td class="num">33</td><td class="num">100.0%</td>' in html
    assert ">3<" not in html and "9.1%" not in html and ">10<" not in html


def test_a_table_with_withheld_cells_needs_the_published_total():
    counts = pd.Series({"A": 9.0, "B": float("nan")})
    with pytest.raises(ValueError, match="needs its published total"):
        counts_table(counts, pd.Series({"A": False, "B": True}), "T", "Band")


def test_groups_are_listed_in_a_fixed_order_never_by_size():
    counts = pd.Series({"WOTH": 2.0, "WBRI": 30.0, "not_recorded": 1.0, "BAFR": 9.0})
    assert in_order(counts).index.tolist() == ["BAFR", "WBRI", "WOTH", "not_recorded"]
    assert in_order(counts, ["WOTH"]).index.tolist() == ["WOTH", "BAFR", "WBRI", "not_recorded"]


def test_charts_never_plot_a_withheld_value():
    values = pd.Series({"Mainstream": 40.0, "INMSS": 3.0, "Special": 12.0})
    hidden = _decided(values, FOUR)
    chart = bar_chart(values.where(~hidden), "Settings", "Number", "Setting", hidden)
    assert "INMSS" not in chart.alt and "Special" not in chart.alt  # 12 protects the 3
    assert "2 groups withheld to protect confidentiality" in chart.alt
    assert chart.data.set_index("Setting")["Number"].to_dict() == {
        "Mainstream": 40.0,
        "INMSS": "[c]",
        "Special": "[c]",
    }
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)  # the chart's words
    assert "Mainstream" in drawn and " 40" in drawn
    assert not {"INMSS", "Special", " 3", " 12"} & set(drawn)


def test_a_chart_of_nothing_that_may_be_shown_is_a_sentence():
    values = pd.Series({"EOTAS": float("nan"), "AP": float("nan")})
    hidden = pd.Series({"EOTAS": True, "AP": True})
    chart = bar_chart(values, "Settings", "Number", "Setting", hidden)
    assert isinstance(chart, NoChart) and "withheld to protect confidentiality" in chart.to_html()
    frame = pd.DataFrame({"EOTAS": [float("nan")] * 3}, index=["2026-08", "2026-09", "2026-10"])
    line = line_chart(frame, "EOTAS", "%", "percent", withheld=frame.isna())
    assert isinstance(line, NoChart) and "every value is withheld" in line.to_html()
    frame.iloc[0, 0] = 1.5
    line = line_chart(frame, "EOTAS", "%", "percent", places=1, withheld=frame.isna())
    assert isinstance(line, NoChart)  # one point on an empty axis: a sentence
    assert "one month has a figure, so no chart is drawn: 1.5% in August 2026" in line.to_html()
    frame.iloc[1, 0] = 2.0
    line = line_chart(frame, "EOTAS", "%", "percent", places=1, withheld=frame.isna())
    assert line.data["EOTAS"].tolist() == [1.5, 2.0, "[c]"]
    assert "1 value withheld" in line.alt


def test_the_same_figure_in_two_tables_has_one_decision():
    # a team of 6 is secondary-suppressed in the table of teams (to protect a team of 3):
    # the review-status table, whose row total is the same figure, must withhold it too
    figures = Figures()
    figures.add("ehcp_active", 19, characteristic=False)
    for team, n in {"North": 10, "South": 6, "West": 3}.items():
        figures.add(f"team|{team}", n, characteristic=True)
    figures.relate("ehcp_active", ["team|North", "team|South", "team|West"])
    decided = _decide(figures)
    assert decided["team|West"] == disclosure.PRIMARY
    assert decided["team|South"] == disclosure.SECONDARY  # smallest above 4
    assert decided["team|North"] == disclosure.PUBLISHED
    assert decided["ehcp_active"] == disclosure.PUBLISHED  # activity: never withheld


def test_a_sum_published_elsewhere_is_one_known_block():
    # mainstream + resourced is a published KPI: hiding both does not protect the two
    # small settings, whose sum the total then still gives away
    figures = Figures()
    figures.add("total", 18, characteristic=False)
    cells = {"m": 10, "mr": 0, "special": 6, "inmss": 1, "eotas": 1}
    for key, n in cells.items():
        figures.add(key, n, characteristic=True)
    figures.add("mainstream_kpi", 10, characteristic=True)
    figures.relate("total", list(cells))
    figures.relate("mainstream_kpi", ["m", "mr"])
    decided = _decide(figures)
    assert decided["special"] == disclosure.SECONDARY
    assert decided["m"] == decided["mainstream_kpi"] == disclosure.PUBLISHED
    assert decided["inmss"] == decided["eotas"] == disclosure.PRIMARY


def test_a_figure_added_twice_must_agree():
    figures = Figures()
    figures.add("team|North", 9, characteristic=True)
    figures.add("team|North", 9, characteristic=True)
    with pytest.raises(ValueError, match=r"is 9\.0 in one place and 8\.0 in another"):
        figures.add("team|North", 8, characteristic=True)


def test_suppression_protects_any_group_with_a_published_sum():
    values = np.array([[90.0], [4.0], [0.0], [0.0]])
    assert disclosure.suppression_mask(values, limit=4).ravel().tolist() == [
        False,
        True,
        False,
        False,
    ]
    group = [(1, 0), (2, 0), (3, 0)]
    mask = disclosure.suppression_mask(values, limit=4, published_sums=[group])
    assert mask.ravel().tolist() == [False, True, True, True]
    mask = disclosure.suppression_mask(values, column_totals=True, limit=4, published_sums=[group])
    assert mask.ravel().tolist() == [False, True, True, True]  # 90 = total - sum: known
    mask = disclosure.suppression_mask(values, column_totals=True, limit=4)
    assert mask.ravel().tolist() == [True, True, False, False]  # without the group


def test_the_audit_reads_numbers_as_a_reader_does_not_the_digits_of_a_code():
    from sendlib.months import Month
    from sendlib.ops.audit_figures import Figure
    from sendlib.ops.audit_text import in_text

    row = {
        "kind": "kpi",
        "id": "requests_post16",
        "period": "2026-10",
        "row": "",
        "column": "",
        "status": "c",
        "value": 2.0,
        "count": 2.0,
        "total": None,
        "unit": "count",
        "places": 0,
        "label": "of which post-16 phase",
        "phrases": "post-16",
        "captions": "",
        "column_label": "",
    }
    month = Month(2026, 10)
    figure = Figure.of(row, month)
    code = [("p", "Requests from post-16 students, as the SEN2 return counts them, rose.")]
    assert in_text("paper.html", code, [figure], month, {}) == []
    stated = [("p", "2 requests came from post-16 students.")]
    found = in_text("paper.html", stated, [figure], month, {})
    assert len(found) == 1 and found[0].found == "2"


def _decide(figures: Figures) -> dict[str, int]:
    """Each figure's decision at the threshold of 4, by its key."""
    return dict(zip(figures.keys, figures.decide(FOUR), strict=True))


def _decided_month(published: dict, children: dict, *relations: tuple) -> dict[str, int]:
    """The decisions over ``published`` totals (activity) and counts of ``children``
    (characteristic), related by ``(total, parts)`` or ``(total, parts, same)``."""
    figures = Figures()
    for key, n in published.items():
        figures.add(key, n, characteristic=False)
    for key, n in children.items():
        figures.add(key, n, characteristic=True)
    for total, parts, *same in relations:
        figures.relate(total, parts, same=bool(same and same[0]))
    return _decide(figures)


def test_a_group_that_holds_every_child_is_no_reason_to_publish_it():
    # three plans, all held by girls: "Female: 3" beside the total says each child's sex
    decided = _decided_month({"ehcp_active": 3}, {"sex|F": 3}, ("ehcp_active", ["sex|F"]))
    assert decided["sex|F"] == disclosure.PRIMARY
    assert decided["ehcp_active"] == disclosure.PUBLISHED


def test_the_only_team_of_a_pack_is_the_pack_itself():
    decided = _decided_month(
        {"ehcp_active": 3}, {"team|West": 3}, ("ehcp_active", ["team|West"], True)
    )
    assert decided["team|West"] == disclosure.PUBLISHED


def test_a_share_and_its_base_do_not_give_away_the_children_outside_it():
    # 49 of 50 in mainstream: the one child not in mainstream is a count of 1
    decided = _decided_month(
        {"ehcp_active": 50},
        {"placed_mainstream": 49, "placed_mainstream|rest": 1},
        ("ehcp_active", ["placed_mainstream", "placed_mainstream|rest"]),
    )
    assert decided["placed_mainstream|rest"] == disclosure.PRIMARY
    assert decided["placed_mainstream"] == disclosure.SECONDARY


def test_when_no_part_is_left_the_published_total_of_a_block_goes():
    # settings: mainstream 45 + resourced 3 (published together as 48), INMSS 2, of 50;
    # the table withholds resourced and INMSS, then mainstream (45 = 48 - resourced);
    # 48 still gives INMSS away (50 - 48), so the mainstream count is withheld too
    decided = _decided_month(
        {"ehcp_active": 50},
        {"m": 45, "mr": 3, "inmss": 2, "placed_mainstream": 48},
        ("ehcp_active", ["m", "mr", "inmss"]),
        ("placed_mainstream", ["m", "mr"]),
    )
    assert all(decided[k] != disclosure.PUBLISHED for k in ("m", "mr", "inmss"))
    assert decided["placed_mainstream"] == disclosure.SECONDARY
    assert {k for k, d in decided.items() if d == disclosure.PUBLISHED} == {"ehcp_active"}


def test_a_zero_is_withheld_only_when_nothing_else_can_be():
    decided = _decided_month({}, {"total": 12, "a": 0, "b": 2, "c": 10}, ("total", ["a", "b", "c"]))
    assert decided["a"] == disclosure.PUBLISHED  # 10 goes with 2, not the group of none
    assert decided["c"] == disclosure.SECONDARY


class _Said:
    """What the paper's sentences read of a figure's decision."""

    def __init__(self, status: dict[str, str]) -> None:
        self.status = status

    def status_of(self, kpi_id: str, period=None) -> str:
        return self.status.get(kpi_id, "")

    def value(self, kpi_id: str, period=None) -> float:
        return float("nan") if self.status.get(kpi_id) else 7.0


def test_a_sentence_never_tells_a_small_count_from_one_withheld_to_protect_another():
    from sendlib.paper.figures import how_many, withheld_sentence

    words = {"ehcp_looked_after": "looked after children with an EHCP"}
    small, protecting = _Said({"ehcp_looked_after": "c"}), _Said({"ehcp_looked_after": "s"})
    assert withheld_sentence(small, words) == withheld_sentence(protecting, words)
    assert "withheld to protect the confidentiality" in withheld_sentence(small, words)
    for ctx in (small, protecting):
        assert how_many(ctx, "ehcp_looked_after", "child", "children") is None
    assert withheld_sentence(_Said({}), words) is None
    assert how_many(_Said({}), "ehcp_looked_after", "child", "children") == "7 children"
    two = withheld_sentence(_Said({"a": "c", "b": "s"}), {"a": "one", "b": "two"})
    assert two.startswith("The figures for one and two are withheld")


def test_the_councils_share_of_a_few_children_is_withheld_beside_englands(tmp_path):
    """How we compare sets the council's January placement shares beside England's: a
    January the scorecard does not show is decided as every month is (one child in
    EOTAS out of 18 is withheld, England's figure is not)."""
    import shutil
    from pathlib import Path

    from helpers import measures, params_dir
    from sendlib.config import load_report
    from sendlib.data.load import load_tables
    from sendlib.measures.cases import prepare
    from sendlib.paper import compare
    from sendlib.paper.data import _as_decided
    from sendlib.scorecard.build import all_measures, kpi_series
    from sendlib.scorecard.catalogue import load_catalogue

    small = Path(__file__).parent / "data" / "small-council"
    data = tmp_path / "data"
    shutil.copytree(small, data)
    with (data / "benchmarks.csv").open("a") as f:
        f.write(
            "placed_eotas_pct,england,2026-01,1.9,DfE\nplaced_eotas_pct,england,2025-01,1.7,DfE\n"
        )
    params = params_dir(tmp_path)
    tables = load_tables(data)
    cases = prepare(tables)
    catalogue = load_catalogue(params / "kpis.yaml")
    report = load_report(params / "report.yaml")
    month = pd.Period("2026-10", freq="M")
    periods = pd.period_range("2026-03", "2026-10", freq="M")  # January 2026 not among them
    series = kpi_series(tables, catalogue, periods, cases, all_measures(cases, periods), FOUR)
    parts = {"comparison": compare.comparison(cases, month)}
    decided = _as_decided(parts, series.decided, cases, tables, catalogue, report, FOUR)
    frame = decided["comparison"].set_index(["kpi_id", "period", "series"])
    truth = measures(data, "2026-01", "placed_eotas")["placed_eotas"]
    assert 1 <= truth <= 4  # the fixture has a child in EOTAS in January
    council = frame.loc[("placed_eotas_pct", "2026-01", "council")]
    assert np.isnan(council["value"]) and council["status"] in ("c", "s")
    assert frame.loc[("placed_eotas_pct", "2026-01", "england"), "value"] == 1.9


def test_a_table_of_one_group_is_protected_by_the_groups_no_child_is_in():
    # every request from a child aged 8: the other ages (zeros) are figures too, so one
    # is withheld with it and the total no longer says which age
    ages = {"7": 0, "8": 1, "9": 0}
    cells = {f"age|{age}": n for age, n in ages.items()}
    decided = _decided_month({"requests_received": 1}, cells, ("requests_received", list(cells)))
    assert decided["age|8"] == disclosure.PRIMARY
    assert sum(decided[f"age|{a}"] != disclosure.PUBLISHED for a in ages) >= 2


def test_a_team_packs_review_status_does_not_give_its_one_status_away():
    # West's 3 plans, all in date: the pack's total is published (its one team), so a
    # status no plan is in is withheld beside it
    statuses = {"status|in_date": 3, "status|due": 0, "status|overdue": 0}
    decided = _decided_month(
        {"ehcp_active": 3},
        {"team|West": 3, **statuses},
        ("ehcp_active", ["team|West"], True),
        ("team|West", list(statuses)),
    )
    assert decided["team|West"] == disclosure.PUBLISHED
    assert decided["status|in_date"] == disclosure.PRIMARY
    assert decided["status|due"] == disclosure.SECONDARY


def test_a_group_within_another_is_decided_with_what_is_left():
    # 7 aged 0-4, of whom 6 in early years: the one aged 4 in Reception is a count of 1
    from sendlib.scorecard.figures import _month

    values = pd.Series({"ehcp_active": 20.0, "ehcp_early_years": 6.0, "ehcp_rising5": 5.0})
    cells = pd.DataFrame(
        {
            "period": "2026-10",
            "breakdown": "active_by_age_band",
            "row": ["0-4", "5-10"],
            "column": "",
            "count": [7, 13],
        }
    )
    kinds = {"ehcp_early_years": "characteristic", "ehcp_rising5": "characteristic"}
    figures, _ = _month(values, cells, kinds, {})
    decided = _decide(figures)
    shown = [k for k in ("active_by_age_band|0-4|", "ehcp_early_years", "ehcp_rising5")]
    assert not all(decided[k] == disclosure.PUBLISHED for k in shown[:2])
    assert not all(decided[k] == disclosure.PUBLISHED for k in shown[1:])


def test_the_audit_finds_a_withheld_group_of_a_table_named_in_a_sentence():
    from sendlib.months import Month
    from sendlib.ops.audit_figures import Figure
    from sendlib.ops.audit_text import in_text
    from sendlib.paper.withheld import _cell_words

    month = Month(2026, 10)
    row = {
        "kind": "cell",
        "id": "active_by_need",
        "period": "2026-10",
        "row": "ASD",
        "column": "",
        "status": "c",
        "value": 4.0,
        "count": 4.0,
        "total": 12.0,
        "unit": "count",
        "places": 0,
        "label": "Autistic spectrum disorder",
        "phrases": "|".join(_cell_words("ASD", "Autistic spectrum disorder")),
        "captions": "EHCPs by primary need",
        "column_label": "",
    }
    figure = Figure.of(row, month)
    said = [("narrative", "There are 4 children with autism (ASD) as their primary need.")]
    found = in_text("paper.html", said, [figure], month, {})
    assert len(found) == 1 and found[0].found == "4"
    other = [("p", "4 requests were from parents in Gasdale.")]  # 'asd' inside a word
    assert in_text("paper.html", other, [figure], month, {}) == []
    assert _cell_words("M", "Male") == ["Male"] and _cell_words("5-10", "5-10") == []
    # the PDF's lines: a row of another table that holds the group's words is no breach
    # ('School, college or early years setting 1 3' of requests by source); a line of
    # running text still is
    row = [("page 6", "Referred by the autistic spectrum disorder service 4 11")]
    assert in_text("paper.pdf", row, [figure], month, {}, lines=True) == []
    assert len(in_text("paper.html", row, [figure], month, {})) == 1  # as a sentence
    line = [("page 6", "There are 4 children with autism (ASD) as their primary need.")]
    assert len(in_text("paper.pdf", line, [figure], month, {}, lines=True)) == 1
    ends = [("page 6", "Children whose primary need is autism (ASD) numbered 4.")]
    assert len(in_text("paper.pdf", ends, [figure], month, {}, lines=True)) == 1


def test_plans_in_date_are_published_with_the_plans_due_and_overdue_and_protect_a_team():
    """6 plans, 1 due and 2 overdue: plans in date (3) are the plans less the due and the
    overdue, all three published, so the 3 is published too (withholding it would hide
    nothing, and the paper's total row prints it); the teams' small counts stay withheld,
    each with a partner in its row and its column."""
    from sendlib.scorecard.figures import _month, classes

    values = pd.Series({"ehcp_active": 6.0, "reviews_due_12_14m": 1.0, "reviews_overdue": 2.0})
    teams = (("North", (2, 1, 1)), ("South", (1, 0, 1)))
    rows = [("active_by_team", team, "", sum(n)) for team, n in teams] + [
        ("review_status_by_team", team, status, n)
        for team, counts in teams
        for status, n in zip(("in_date", "due", "overdue"), counts, strict=True)
    ]
    cells = pd.DataFrame(rows, columns=["breakdown", "row", "column", "count"])
    figures, _ = _month(values, cells, classes(), {})
    decided = _decide(figures)
    assert decided["reviews_in_date"] == disclosure.PUBLISHED
    assert figures.values[figures.index["reviews_in_date"]] == 3
    # every team cell: South's 0 due too, else the 1 due would be North's
    for team, _ in teams:
        for status in ("in_date", "due", "overdue"):
            assert decided[f"review_status_by_team|{team}|{status}"] != disclosure.PUBLISHED


def test_the_audit_reads_a_comparators_column_and_a_january_table_as_theirs_not_the_councils():
    from sendlib.months import Month
    from sendlib.ops.audit_figures import Figure
    from sendlib.ops.audit_tables import Grid, in_grids

    month = Month(2026, 10)
    row = {
        "kind": "kpi",
        "id": "placed_ehe_pct",
        "period": "2026-10",
        "row": "placed_ehe_pct",
        "column": "",
        "status": "c",
        "value": 0.8,
        "count": 1.0,
        "total": 120.0,
        "unit": "percent",
        "places": 1,
        "label": "Plans with elective home education",
        "phrases": "elective home education",
        "captions": "",
        "column_label": "",
    }
    figure = Figure.of(row, month)
    header = ["Setting", "England", "This council", "Statistical neighbours", "Region"]
    january = Grid(
        "table 32",
        "Data for the chart: Where children and young people with a plan are placed, January",
        header,
        [["Plans with elective home education", "0.8%", "0.8%", "0.8%", "0.8%"]],
    )
    assert in_grids("paper.html", [january], [figure], month) == []  # January's, not October's
    october = Grid("table 9", "Placements, October 2026", header, january.rows)
    found = in_grids("paper.html", [october], [figure], month)
    assert [b.place.rsplit("column ", 1)[1] for b in found] == ["“This council”"]
