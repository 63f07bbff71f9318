"""The 2025-collection measures: phase transfers by their statutory deadline (SEND Regs
2014 reg 18), drafts and final amended plans after annual reviews (reg 20(10), 22), and
requests by who made them (the SEN2 RequestSource groups); and the quality rules for one
request with two plans and one person with two open plans."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import council_dir, measures
from sendlib.data.load import load_tables
from sendlib.data.quality import find_warnings
from sendlib.measures.cases import prepare
from sendlib.measures.sources import by_source
from sendlib.measures.transfers import by_deadline

PEOPLE = [{"person_id": f"P{i}", "birth_date": "2014-05-01"} for i in range(1, 6)]


def plans(n: int = 5, cease: dict[int, str] | None = None) -> list[dict[str, str]]:
    cease = cease or {}
    return [
        {
            "plan_id": f"E{i}",
            "person_id": f"P{i}",
            "start_date": "2020-01-10",
            "cease_date": cease.get(i, ""),
        }
        for i in range(1, n + 1)
    ]


def transfer(plan_id: str, due: str, final: str = "") -> dict[str, str]:
    return {"plan_id": plan_id, "due_date": due, "final_date": final}


def test_a_plan_issued_on_the_deadline_is_on_time_and_the_share_counts_passed_deadlines(
    tmp_path,
):
    d = council_dir(
        tmp_path,
        person=PEOPLE,
        plans=plans(),
        phase_transfers=[
            transfer("E1", "2026-02-15", "2026-02-15"),  # on the day: on time
            transfer("E2", "2026-02-15", "2026-02-16"),  # a day late
            transfer("E3", "2026-02-15"),  # not yet issued
            transfer("E4", "2026-03-31", "2026-01-20"),  # post-16, early
            transfer("E5", "2025-02-15", "2025-02-01"),  # last year's
        ],
    )
    ids = (
        "phase_transfers_due",
        "phase_transfers_deadline_passed",
        "phase_transfers_on_time",
        "phase_transfers_on_time_pct",
        "phase_transfers_outstanding",
    )
    jan = measures(d, "2026-01", *ids)
    assert jan["phase_transfers_due"] == 4 and jan["phase_transfers_deadline_passed"] == 0
    assert math.isnan(jan["phase_transfers_on_time_pct"])  # no deadline passed yet: missing
    assert jan["phase_transfers_outstanding"] == 3  # E4's came in January
    feb = measures(d, "2026-02", *ids)
    assert feb["phase_transfers_deadline_passed"] == 3 and feb["phase_transfers_on_time"] == 1
    assert round(feb["phase_transfers_on_time_pct"], 1) == 33.3
    assert feb["phase_transfers_outstanding"] == 1
    apr = measures(d, "2026-04", *ids)
    assert apr["phase_transfers_deadline_passed"] == 4 and apr["phase_transfers_on_time"] == 2
    assert measures(d, "2025-06", "phase_transfers_due")["phase_transfers_due"] == 1


def test_a_plan_ceased_before_its_deadline_is_not_due(tmp_path):
    d = council_dir(
        tmp_path,
        person=PEOPLE,
        plans=plans(cease={1: "2026-01-31", 2: "2026-02-15"}),
        phase_transfers=[
            transfer("E1", "2026-02-15"),
            transfer("E2", "2026-02-15"),  # ceased on the deadline: no longer due
            transfer("E3", "2026-02-15", "2026-02-10"),
        ],
    )
    m = measures(d, "2026-03", "phase_transfers_due", "phase_transfers_on_time_pct")
    assert m == {"phase_transfers_due": 1, "phase_transfers_on_time_pct": 100.0}


def test_phase_transfers_by_deadline_and_not_available_without_the_file(tmp_path):
    d = council_dir(
        tmp_path / "with",
        person=PEOPLE,
        plans=plans(),
        phase_transfers=[
            transfer("E1", "2026-02-15", "2026-02-01"),
            transfer("E2", "2026-02-15", "2026-03-02"),
            transfer("E3", "2026-03-31"),
        ],
    )
    table = by_deadline(prepare(load_tables(d)), pd.Period("2026-03", freq="M"))
    assert table.to_dict("index") == {
        "school": {"due": 2, "on_time": 1, "late": 1, "not_yet_issued": 0, "deadline_passed": 1},
        "post16": {"due": 1, "on_time": 0, "late": 0, "not_yet_issued": 1, "deadline_passed": 1},
    }
    without = council_dir(tmp_path / "without", person=PEOPLE, plans=plans())
    (without / "phase_transfers.csv").unlink()  # a council export without the file
    m = measures(without, "2026-03", "phase_transfers_due", "phase_transfers_on_time_pct")
    assert all(math.isnan(v) for v in m.values())  # not available, never 0


def review(plan_id: str, meeting: str, draft: str = "", amended: str = "") -> dict[str, str]:
    return {
        "plan_id": plan_id,
        "review_meeting_date": meeting,
        "review_decision": "A",
        "decision_date": draft,
        "draft_date": draft,
        "amended_date": amended,
    }


def test_a_draft_on_day_28_and_a_final_plan_on_day_56_are_in_time(tmp_path):
    d = council_dir(
        tmp_path,
        person=PEOPLE,
        plans=plans(),
        reviews=[
            review("E1", "2025-05-01", "2025-05-29", "2025-06-26"),  # day 28, day 56
            review("E2", "2025-05-01", "2025-05-30", "2025-06-27"),  # day 29, day 57
            review("E3", "2025-04-01", "2025-05-02"),
        ],
    )
    ids = ("review_drafts_issued", "review_drafts_4wk_pct", "review_amended_issued")
    may = measures(d, "2025-05", *ids, "review_amended_8wk_pct")
    assert may["review_drafts_issued"] == 3 and round(may["review_drafts_4wk_pct"], 1) == 33.3
    assert may["review_amended_issued"] == 0 and math.isnan(may["review_amended_8wk_pct"])
    june = measures(d, "2025-06", "review_amended_issued", "review_amended_8wk_pct")
    assert june == {"review_amended_issued": 2, "review_amended_8wk_pct": 50.0}


def test_a_column_the_data_do_not_hold_is_not_available(tmp_path):
    d = council_dir(
        tmp_path, person=PEOPLE, plans=plans(), reviews=[review("E1", "2025-05-01", "2025-05-20")]
    )
    m = measures(d, "2025-05", "review_drafts_issued", "review_amended_issued")
    assert m["review_drafts_issued"] == 1 and math.isnan(m["review_amended_issued"])


def request(rid: str, source: str, received: str = "2025-05-02", transfer: str = "false"):
    return {
        "request_id": rid,
        "person_id": "P1",
        "received_date": received,
        "transfer_in": transfer,
        "request_source": source,
    }


def test_requests_are_grouped_by_the_sen2_request_source_codes(tmp_path):
    d = council_dir(
        tmp_path,
        person=PEOPLE,
        requests=[
            request("R1", "parent"),
            request("R2", "1"),  # the SEN2 code
            request("R3", "School"),
            request("R4", "young person"),
            request("R5", "social_care"),
            request("R6", "Youth offending team"),  # in no group: other
            request("R7", ""),
            request("R8", "other_la", transfer="true"),  # a transfer-in is not a request
        ],
    )
    m = measures(
        d,
        "2025-05",
        "requests_by_source_parent",
        "requests_by_source_education",
        "requests_by_source_young_person",
        "requests_by_source_health_social_care",
        "requests_by_source_other",
        "requests_by_source_not_recorded",
        "requests_by_source_parent_pct",
    )
    assert m == {
        "requests_by_source_parent": 2,
        "requests_by_source_education": 1,
        "requests_by_source_young_person": 1,
        "requests_by_source_health_social_care": 1,
        "requests_by_source_other": 1,
        "requests_by_source_not_recorded": 1,
        "requests_by_source_parent_pct": pytest.approx(200 / 7),
    }
    table = by_source(prepare(load_tables(d)), pd.Period("2025-05", freq="M"))
    assert table["month"].sum() == 7 and table.loc["parent", "last_12_months"] == 2


def test_two_plans_for_one_request_and_two_open_plans_are_warnings(tmp_path):
    d = council_dir(
        tmp_path,
        person=PEOPLE,
        requests=[request("R1", "parent", "2024-01-05")],
        plans=[
            {"plan_id": "E1", "person_id": "P1", "request_id": "R1", "start_date": "2024-05-01"},
            {"plan_id": "E2", "person_id": "P1", "request_id": "R1", "start_date": "2024-05-02"},
            {
                "plan_id": "E3",
                "person_id": "P2",
                "start_date": "2020-01-01",
                "cease_date": "2024-01-01",
            },
            {"plan_id": "E4", "person_id": "P2", "start_date": "2024-02-01"},
        ],
    )
    found = find_warnings(load_tables(d), pd.Period("2025-06", freq="M"))
    by_rule = found.groupby("rule")["row"].apply(list).to_dict()
    assert by_rule["plans_per_request"] == [3]  # the second plan of R1 (spreadsheet row 3)
    assert by_rule["two_open_plans"] == [3]  # P1's second open plan; P2's first had ceased
    assert "(withheld)" in set(found.loc[found["rule"] == "two_open_plans", "value"])
