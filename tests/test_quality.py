"""Data-quality warnings: the run continues, and each doubtful row is named."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import write_tables
from sendlib.data import findings as fnd
from sendlib.data.load import load_tables
from sendlib.data.quality import find_warnings

MONTH = pd.Period("2025-06", freq="M")


def _warnings(tmp_path, tiny, month=MONTH):
    tables = load_tables(write_tables(tmp_path / "data", tiny))
    return find_warnings(tables, month)


def test_the_tiny_council_has_no_warnings(tmp_path, tiny):
    assert _warnings(tmp_path, tiny).empty


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "rule", "warned_column"),
    [
        ("requests", 0, "request_outcome_date", "2023-12-01", "date_order", "request_outcome_date"),
        ("plans", 0, "cease_date", "2024-01-01", "date_order", "cease_date"),
        ("placements", 0, "leaving_date", "2024-05-01", "date_order", "leaving_date"),
        (
            "assessments",
            0,
            "assessment_outcome_date",
            "2023-01-01",
            "date_order",
            "assessment_outcome_date",
        ),
        (
            "reviews",
            0,
            "review_meeting_date",
            "2052-07-02",  # after today: a typing error, never the end of the data
            "date_after_extract",
            "review_meeting_date",
        ),
        ("person", 0, "sex", "", "blank_gender", "sex"),
        ("person", 1, "upn", "", "missing_upn", "upn"),
        ("person", 1, "upn", "Z00000000001", "duplicate_upn", "upn"),
        (
            "reviews",
            0,
            "review_meeting_date",
            "2024-05-01",
            "review_before_plan",
            "review_meeting_date",
        ),
        ("assessments", 0, "week20_exception", "true", "unnecessary_exception", "week20_exception"),
        ("plans", 0, "cease_date", "2025-01-31", "cease_without_reason", "cease_reason"),
    ],
)
def test_doubtful_value_gives_a_warning(
    tmp_path, tiny, file, row, column, value, rule, warned_column
):
    tiny[file][row][column] = value
    found = _warnings(tmp_path, tiny)
    hits = found[found["rule"] == rule]
    assert len(hits) >= 1, found.to_string()
    assert hits.iloc[-1]["column"] == warned_column
    assert (hits["severity"] == "warning").all()
    assert hits.iloc[-1]["file"] == f"{file}.csv"


def test_plan_before_its_request_is_its_own_finding_and_says_it_leaves_timeliness(tmp_path, tiny):
    linked = next(i for i, p in enumerate(tiny["plans"]) if p.get("request_id"))
    request = next(
        r for r in tiny["requests"] if r["request_id"] == tiny["plans"][linked]["request_id"]
    )
    tiny["plans"][linked]["start_date"] = "2000-01-01"
    request["received_date"] = "2000-02-01"  # keep the request before its decision
    found = _warnings(tmp_path, tiny)
    hit = found[found["rule"] == "plan_before_request"]
    assert len(hit) == 1 and hit.iloc[0]["file"] == "plans.csv"
    assert "left out of 20-week timeliness" in hit.iloc[0]["reason"]
    assert fnd.RULE_TITLES["plan_before_request"].startswith("Plan dated before its request")


def test_plan_holder_aged_26_is_warned_but_25_is_not(tmp_path, tiny):
    tiny["person"][0]["birth_date"] = "1999-06-30"  # 26 on 2025-06-30
    assert "age_26_plus" in set(_warnings(tmp_path, tiny)["rule"])
    tiny["person"][0]["birth_date"] = "1999-07-01"  # still 25 at month end
    assert "age_26_plus" not in set(_warnings(tmp_path / "b", tiny)["rule"])


def test_missing_upn_under_six_is_not_warned(tmp_path, tiny):
    # P3 is four at the report month and has no UPN: children not yet at school may lack one
    assert _warnings(tmp_path, tiny).empty


def test_overlapping_open_placements_are_warned(tmp_path, tiny):
    tiny["placements"].append(
        {
            "person_id": "P1",
            "setting": "ap",
            "urn": "",
            "entry_date": "2025-01-06",
            "leaving_date": "",
        }
    )
    found = _warnings(tmp_path, tiny)
    hit = found[found["rule"] == "overlapping_placements"]
    assert hit["row"].tolist() == [4]


def test_consecutive_placements_do_not_overlap(tmp_path, tiny):
    tiny["placements"][0]["leaving_date"] = "2025-01-06"
    tiny["placements"].append(
        {
            "person_id": "P1",
            "setting": "ap",
            "urn": "",
            "entry_date": "2025-01-06",
            "leaving_date": "",
        }
    )
    assert _warnings(tmp_path, tiny).empty


def test_exception_on_a_late_plan_is_fine(tmp_path, tiny):
    tiny["assessments"][0]["week20_exception"] = "true"
    tiny["plans"][0]["start_date"] = "2024-05-28"  # day 141 after 2024-01-08
    tiny["placements"][0]["entry_date"] = "2024-05-28"
    assert _warnings(tmp_path, tiny).empty


def test_summary_counts_by_rule(tmp_path, tiny):
    tiny["person"][0]["sex"] = ""
    tiny["person"][1]["sex"] = ""
    summary = fnd.summary(_warnings(tmp_path, tiny))
    row = summary[summary["rule"] == "blank_gender"].iloc[0]
    assert row["count"] == 2
    assert row["description"] == "Gender not recorded"


def test_records_after_the_report_month_but_within_the_extract_are_not_findings(tmp_path, tiny):
    # a back-filled paper: the extract reaches 2025-05-10 (a review decision) and the
    # report month is January 2025; later records are simply later, not doubtful
    found = _warnings(tmp_path, tiny, pd.Period("2025-01", freq="M"))
    assert "date_after_extract" not in set(found["rule"])


def test_dates_after_a_given_extract_date_are_findings(tmp_path, tiny):
    from sendlib.data.coverage import extract

    tables = load_tables(write_tables(tmp_path / "data", tiny))
    given = extract(tables, given=pd.Timestamp("2025-05-01").date())
    found = find_warnings(tables, MONTH, given)
    late = found[found["rule"] == "date_after_extract"]
    assert set(late["column"]) == {"review_meeting_date", "decision_date"}
    assert "after the extract date 01 May 2025" in late.iloc[0]["reason"]
