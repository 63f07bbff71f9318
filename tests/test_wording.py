"""The one sentence generator for changes, against a table of cases."""

from __future__ import annotations

import math

import pytest

from sendlib.paper.narrative import compared

NAN = math.nan

CASES = [
    # now, before, against, unit, places, relative, said
    (111, 84, "last_month", "count", 0, False, "up from 84 last month"),
    (70, 84, "last_month", "count", 0, False, "down from 84 last month"),
    (84, 84, "last_month", "count", 0, False, "unchanged on last month"),
    (84.4, 83.6, "last_month", "count", 0, False, "unchanged on last month"),  # as printed
    (18, 17, "last_year", "count", 0, True, "5.9% higher than a year ago"),
    (16, 17, "last_year", "count", 0, True, "5.9% lower than a year ago"),
    (17, 17, "last_year", "count", 0, True, "the same as a year ago"),
    (3, 0, "last_year", "count", 0, True, "up from 0 a year ago"),  # no share of nothing
    (58.6, 63.0, "last_month", "percent", 1, False, "down from 63.0% last month"),
    (4.81, 4.79, "last_year", "percent", 1, False, "the same as a year ago"),
    (432, 369, "this_point_last_year", "count", 0, False, "up from 369 at this point last year"),
    (NAN, 84, "last_month", "count", 0, False, ""),
    (84, NAN, "last_year", "count", 0, True, ""),
]


@pytest.mark.parametrize(("now", "before", "against", "unit", "places", "relative", "said"), CASES)
def test_a_change_is_said_one_way(now, before, against, unit, places, relative, said):
    assert compared(now, before, against, unit, places, relative) == said


def test_alt_text_names_what_the_bars_are_by_once():
    import pandas as pd

    from sendlib.paper.charts.describe import describe_paired

    frame = pd.DataFrame({"This year": [3, 4]}, index=pd.Index(["Jan", "Feb"], name="Month"))
    said = describe_paired("Requests for EHC needs assessment by month", frame)
    assert said == "Bar chart: Requests for EHC needs assessment by month. This year: total 7."
    assert describe_paired("Requests", frame).startswith("Bar chart: Requests, by month.")
