"""Deadlines already in the pipeline, on hand-built cases whose dates and stage durations
are fixed, so that every count and percentage is worked out by hand below."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers import council_dir
from sendlib.data.load import Tables, load_tables
from sendlib.measures import pipeline
from sendlib.measures.cases import Cases, prepare
from sendlib.measures.reviews import reviews_due
from sendlib.measures.transfers import due_at_next_deadlines, phase_deadlines

MONTH = pd.Period("2025-06", freq="M")  # month end: 30 June 2025
CASE_FRAMES = ("person", "requests", "plans", "reviews", "placements", "disputes")


def day(text: str, days: int = 0) -> str:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def request(rid: str, received: str, decided: int | None, outcome: str = "A") -> dict:
    """A request decided ``decided`` days after it was received (None: not yet)."""
    return {
        "request_id": rid,
        "person_id": f"P{rid}",
        "received_date": received,
        "transfer_in": "false",
        "request_outcome": outcome if decided is not None else "",
        "request_outcome_date": day(received, decided) if decided is not None else "",
    }


def pipeline_council(folder) -> object:
    """Six finished cases (decision 30 days, assessment 60, drafting 40: 130 days in all)
    and five open ones at the end of June 2025:

    - A awaiting the decision: received 20 June (waited 10 days);
    - B being assessed: received 17 March, decided 16 April, waited 75 days;
    - C plan being drafted: received 20 January, decided 19 February, assessed 30 May
      after 100 days (the one long assessment of the last 12 months), waited 31 days;
    - D plan being drafted: received 10 March, decided 9 April, assessed 8 June, waited 22;
    - E being assessed: received 31 March, decided 30 April, waited 61 days.

    The last 12 months' durations are therefore: decisions all 30 days (all to assess),
    assessments 60 days (seven) or 100 (one), drafting 40 days (all)."""
    requests, assessments, plans = [], [], []
    for k in range(6):  # finished: received July to September 2024
        received = day("2024-07-01", 20 * k)
        requests.append(request(f"H{k}", received, 30))
        assessments.append(
            {
                "request_id": f"H{k}",
                "assessment_outcome": "Y",
                "assessment_outcome_date": day(received, 90),
            }
        )
        plans.append(
            {
                "plan_id": f"EH{k}",
                "person_id": f"PH{k}",
                "request_id": f"H{k}",
                "start_date": day(received, 130),
            }
        )
    requests += [
        request("A", "2025-06-20", None),
        request("B", "2025-03-17", 30),
        request("C", "2025-01-20", 30),
        request("D", "2025-03-10", 30),
        request("E", "2025-03-31", 30),
    ]
    assessments += [
        {"request_id": "C", "assessment_outcome": "Y", "assessment_outcome_date": "2025-05-30"},
        {"request_id": "D", "assessment_outcome": "Y", "assessment_outcome_date": "2025-06-08"},
    ]
    people = [{"person_id": r["person_id"], "birth_date": "2015-05-05"} for r in requests]
    return council_dir(
        folder, person=people, requests=requests, assessments=assessments, plans=plans
    )


@pytest.fixture
def cases(tmp_path):
    return prepare(load_tables(pipeline_council(tmp_path / "data")))


def test_open_cases_are_in_their_stage_with_the_days_they_have_waited(cases):
    found = pipeline.open_cases(cases, MONTH.ordinal)
    assert sorted(zip(found["stage"], found["waited"], strict=True)) == [
        ("assessing", 61),  # E: 30 April to 30 June
        ("assessing", 75),  # B: 16 April to 30 June
        ("awaiting_decision", 10),  # A: 20 June to 30 June
        ("drafting", 22),  # D: 8 June to 30 June
        ("drafting", 31),  # C: 30 May to 30 June
    ]


def test_deadlines_fall_in_the_months_worked_out_by_hand(cases):
    table = pipeline.deadlines(cases, MONTH).set_index(["deadline", "stage"])
    months = ["2025-07", "2025-08", "2025-09"]
    assert list(table.columns) == ["passed", *months, "later"]
    # A: 20 June + 42 days = 1 August
    assert table.loc[("6wk", "awaiting_decision")].tolist() == [0, 0, 1, 0, 0]
    # A: 20 June + 140 days = 7 November
    assert table.loc[("20wk", "awaiting_decision")].tolist() == [0, 0, 0, 0, 1]
    # B: 17 March + 140 = 4 August; E: 31 March + 140 = 18 August
    assert table.loc[("20wk", "assessing")].tolist() == [0, 0, 2, 0, 0]
    # C: 20 January + 140 = 9 June (passed); D: 10 March + 140 = 28 July
    assert table.loc[("20wk", "drafting")].tolist() == [1, 1, 0, 0, 0]


def test_the_recent_stage_durations_are_those_of_the_last_12_months(cases):
    d = pipeline.durations(cases, MONTH.ordinal)
    assert sorted(d.decision.days) == [30] * 10 and d.decision.go.all()  # H0–H5, B–E
    assert sorted(d.assessment.days) == [60] * 7 + [100]  # H0–H5 and D; C
    assert sorted(d.drafting.days) == [40] * 6


def test_projected_timeliness_gives_the_plans_and_percentages_worked_out_by_hand(cases):
    """With the durations fixed, each case's plan falls on one day:

    - C drafts for 40 days (the only drafting time longer than the 31 waited): issued
      9 July, 30 + 100 + 40 = 170 days after the request — late;
    - D: issued 8 June + 40 = 18 July, 130 days after the request — in time;
    - B has waited 75 days, so its assessment takes 100 (the only one longer): assessed
      25 July, issued 3 September, 170 days after the request — late;
    - E has waited 61 days: assessed 8 August after 100, issued 17 September — late;
    - A is decided on 20 July and assessed after 60 or 100 days: issued in October or
      December, after the three months; so are requests still to come (130 days at least).

    July: 2 plans, 1 in time (50%); August: none; September: 2 plans, none in time (0%)."""
    frame = pipeline.projected_timeliness(cases, MONTH).set_index("period")
    assert frame["plans"].tolist() == [2, 0, 2]
    assert frame.loc["2025-07", "pct"] == 50.0
    assert np.isnan(frame.loc["2025-08", "pct"])
    assert frame.loc["2025-09", "pct"] == 0.0
    for level in (80, 95):  # nothing is uncertain, so the intervals are the figure itself
        assert frame.loc["2025-07", f"lo{level}"] == frame.loc["2025-07", f"hi{level}"] == 50.0
    assert frame["beyond"].eq(0).all()


def test_a_case_older_than_every_recent_case_of_its_stage_is_counted_and_ends_soon(tmp_path):
    folder = pipeline_council(tmp_path / "data")
    requests = pd.read_csv(folder / "requests.csv", dtype=str, keep_default_na=False)
    late = request("F", "2025-01-02", 30)  # decided 1 February: assessing 149 days
    requests = pd.concat([requests, pd.DataFrame([late])], ignore_index=True)
    requests.to_csv(folder / "requests.csv", index=False)
    people = pd.read_csv(folder / "person.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame([{"person_id": "PF", "birth_date": "2015-05-05"}])
    pd.concat([people, extra]).to_csv(folder / "person.csv", index=False)
    frame = pipeline.projected_timeliness(prepare(load_tables(folder)), MONTH)
    assert frame["beyond"].eq(1).all()  # longer than every assessment (100 days) of the year
    # it is assessed in the 30 days after month end (1 to 30 July) and drafted in 40:
    # issued between 10 August and 8 September, late (received in January) — in August
    # when assessed 1 to 22 July (22 of the 30 days); September already had B and E
    frame = frame.set_index("period")
    assert frame.loc["2025-08", "plans"] == pytest.approx(22 / 30)
    assert frame.loc["2025-09", "plans"] == pytest.approx(2 + 8 / 30)
    assert frame.loc["2025-08", "pct"] == 0.0 and frame.loc["2025-09", "pct"] == 0.0


def test_no_projected_timeliness_when_a_stage_has_nothing_to_resample(tmp_path):
    folder = council_dir(
        tmp_path / "data",
        person=[{"person_id": "P1", "birth_date": "2015-05-05"}],
        requests=[request("R1", "2025-06-02", None) | {"person_id": "P1"}],
    )
    cases = prepare(load_tables(folder))
    assert pipeline.projected_timeliness(cases, MONTH).empty
    assert pipeline.durations(cases, MONTH.ordinal).missing() == [
        "decisions whether to assess",
        "assessments",
        "plans issued after an assessment",
    ]


def test_the_backtest_compares_each_months_projection_with_what_happened(cases):
    frame = pipeline.backtest_timeliness(cases, MONTH)
    # only month ends with a finished case in every stage in the 12 months before them
    assert set(frame["origin"]) <= {str(MONTH - k) for k in range(1, 13)}
    row = frame[(frame["origin"] == "2025-05") & (frame["horizon"] == 1)].iloc[0]
    assert row["period"] == "2025-06"
    assert row["actual_plans"] == 0  # no plan was issued in June 2025
    assert np.isnan(row["actual"])


def test_reviews_fall_due_12_months_after_the_plan_or_the_last_review(tmp_path):
    plans = [
        {"plan_id": "E1", "person_id": "P1", "start_date": "2024-08-15"},  # due August 2025
        {"plan_id": "E2", "person_id": "P1", "start_date": "2023-01-10"},  # reviewed below
        {"plan_id": "E3", "person_id": "P1", "start_date": "2023-03-01"},  # never: overdue
        {
            "plan_id": "E4",
            "person_id": "P1",
            "start_date": "2023-03-01",
            "cease_date": "2025-01-01",
        },
        {"plan_id": "E5", "person_id": "P1", "start_date": "2024-06-30"},  # due June: now
    ]
    reviews = [
        {"plan_id": "E2", "review_meeting_date": "2024-05-02"},  # due May 2025: due now
        {"plan_id": "E2", "review_meeting_date": "2025-02-14"},  # ... then February 2026
    ]
    folder = council_dir(
        tmp_path / "data",
        person=[{"person_id": "P1", "birth_date": "2012-01-01"}],
        plans=plans,
        reviews=reviews,
    )
    due = reviews_due(prepare(load_tables(folder)), MONTH)
    assert due["due"] == 2  # E3 (March 2024) and E5 (June 2025); E4 has ceased
    assert due["2025-08"] == 1 and due["2026-02"] == 1
    assert due.sum() == 4 and list(due.index)[1:] == [str(MONTH + k) for k in range(1, 13)]


def test_phase_transfer_deadlines_are_the_next_15_february_and_31_march():
    assert phase_deadlines(pd.Period("2025-06", "M")) == [
        (dt.date(2026, 2, 15), "school"),
        (dt.date(2026, 3, 31), "post16"),
    ]
    assert phase_deadlines(pd.Period("2026-02", "M")) == [
        (dt.date(2026, 3, 31), "post16"),
        (dt.date(2027, 2, 15), "school"),
    ]


def test_phase_transfers_are_counted_from_the_sen2_fields_when_the_data_hold_them(cases):
    assert due_at_next_deadlines(cases, MONTH) is None  # no phase_transfers table
    t = cases.tables
    transfers = pd.DataFrame(
        {
            "plan_id": ["EH0", "EH1", "EH2", "EH3", "EH4", "EH5", "EH9"],
            "due_date": pd.to_datetime(["2026-02-15"] * 3 + ["2026-03-31"] * 3 + ["2026-02-15"]),
            "final_date": pd.to_datetime(
                ["2025-06-01", None, "2025-07-01", "2025-05-05", None, None, None]
            ),
        }
    )
    held = Tables({**t.frames(), "phase_transfers": transfers}, sources=dict(t.sources))
    held.sources["phase_transfers"] = "phase_transfers.csv"
    with_transfers = Cases(held, *(getattr(cases, f) for f in CASE_FRAMES))
    found = due_at_next_deadlines(with_transfers, MONTH).set_index("due")
    # EH9 is no plan; EH0–EH5 are in force. 15 February: EH0 final in June (finalised),
    # EH1 not yet, EH2 final in July (after month end); 31 March: EH3 finalised, EH4, EH5 not
    assert found.loc["2026-02-15", ["count", "finalised", "outstanding"]].tolist() == [3, 1, 2]
    assert found.loc["2026-03-31", ["count", "finalised", "outstanding"]].tolist() == [3, 1, 2]
    assert found["kind"].tolist() == ["school", "post16"]
    empty = Tables({**t.frames(), "phase_transfers": transfers.iloc[:0]}, sources=dict(t.sources))
    assert (
        due_at_next_deadlines(Cases(empty, *(getattr(cases, f) for f in CASE_FRAMES)), MONTH)
        is None
    )


def test_a_duration_of_years_is_counted_as_three_and_keeps_the_tables_small():
    pool = pipeline.Pool.of(np.array([30, 4000]), np.array([True, True]))
    assert pool.days.tolist() == [30, pipeline.LONGEST_DAYS]
    cdf, beyond = pipeline._from_entry(pool, np.array([1.0]), 1200)
    assert cdf.shape == (pipeline.LONGEST_DAYS + 1, 1200)
    assert cdf[0, 30] == 0.5 and cdf[0, -1] == 1.0  # fresh: half at 30 days, half later
    assert cdf[31, 30] == 0.0 and cdf[31, pipeline.LONGEST_DAYS] == 1.0  # waited 30 days
    assert beyond[pipeline.BEYOND_DAYS] == pytest.approx(1.0)  # within 30 days, all go on
