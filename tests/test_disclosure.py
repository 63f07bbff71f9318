"""Disclosure control: small counts withheld, and no withheld count recoverable from totals."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from sendlib.paper import disclosure
from sendlib.paper.charts import bar_chart
from sendlib.paper.disclosure import Disclosure
from sendlib.paper.tables import Table, counts_table

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


def test_a_table_outside_any_paper_uses_the_threshold_it_is_given():
    counts = pd.Series({f"Group {n}": n for n in range(1, 16)})
    html = counts_table(counts, "Counts", "Group", Disclosure(10)).to_html()
    shown = re.findall(r'<th scope="row">Group (\d+)</th><td class="num">([^<]*)</td>', html)
    for group, cell in shown:
        if int(group) <= 9:
            assert cell == "[c]", (group, cell)
    assert ("15", "15") in shown  # above the threshold and not needed to protect another


def test_a_breakdown_cannot_be_published_without_disclosure_control():
    frame = pd.DataFrame({"Group": ["A"], "Number": [2]})
    with pytest.raises(TypeError):
        Table(frame, "T").breakdown("Number")  # the Disclosure is a required argument


def test_published_table_shows_c_for_the_count_and_its_share_and_keeps_the_total():
    html = counts_table(
        pd.Series({"Team A": 10, "Team B": 3, "Team C": 20}), "EHCPs by team", "Team", FOUR
    ).to_html()
    assert html.count("[c]") == 4  # B and A, number and share
    assert '<th scope="row">Total</th><td class="num">33</td><td class="num">100.0%</td>' in html
    assert ">3<" not in html and "9.1%" not in html


def test_two_way_published_table_keeps_row_totals():
    frame = pd.DataFrame(
        {"Decision": ["Assess", "Not assess"], "Jan": [20, 2], "Feb": [25, 9], "Total": [45, 11]}
    )
    table = Table(frame, "Decisions").row_header("Decision").number("Jan", "Feb", "Total")
    html = table.breakdown(FOUR, "Jan", "Feb", "Total", total_column="Total").to_html()
    assert html.count("[c]") == 2 and ">11<" in html and ">45<" in html


def test_charts_never_plot_a_withheld_value():
    chart = bar_chart(
        pd.Series({"Mainstream": 40.0, "INMSS": 3.0, "Special": 12.0}),
        "Settings",
        "Number",
        "Setting",
        FOUR,
    )
    assert "INMSS" not in chart.alt and "Special" not in chart.alt  # 12 protects the 3
    assert "2 group(s) withheld to protect confidentiality" in chart.alt
    assert chart.data.set_index("Setting")["Number"].to_dict() == {
        "Mainstream": 40.0,
        "INMSS": "[c]",
        "Special": "[c]",
    }
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)  # the chart's words
    assert "Mainstream" in drawn and " 40" in drawn
    assert not {"INMSS", "Special", " 3", " 12"} & set(drawn)


def test_a_published_sum_of_bands_cannot_reveal_a_withheld_band():
    # "94 awaiting a decision, 4 of them for more than 6 weeks": with 16-20 and over 20
    # weeks published as 0, the 6-16 weeks cell would be 4 for anyone to see
    frame = pd.Series({"0–6": 90, "6–16": 4, "16–20": 0, "over 20": 0}, name="n")
    naive = counts_table(frame, "Awaiting", "Band", FOUR).withheld()["Number"].tolist()
    assert naive[2:4] == [False, False]  # the leak this guards against
    table = counts_table(
        frame, "Awaiting", "Band", FOUR, published_sums=(("6–16", "16–20", "over 20"),)
    )
    hidden = table.withheld()["Number"].tolist()
    # 0-6 weeks stays: 94 - 4 is known from the text anyway; the total stays
    assert hidden == [False, True, True, True, False]
    html = table.to_html()
    assert html.count("[c]") == 6 and ">90<" in html and ">94<" in html


def test_a_published_sum_must_name_rows_of_the_table():
    table = counts_table(pd.Series({"A": 9, "B": 3}), "T", "Band", FOUR, published_sums=(("C",),))
    with pytest.raises(ValueError, match=r"not in the table: \['C'\]"):
        table.withheld()


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
