"""Every computed measure on tiny hand-built councils, including the statutory boundaries."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from helpers import council_dir, measures
from sendlib.data.load import load_tables
from sendlib.measures import breakdowns
from sendlib.measures.cases import prepare
from sendlib.measures.decisions import awaiting_by_band
from sendlib.measures.issuance import not_yet_issued_by_band
from sendlib.measures.registry import MEASURES, compute


def person(pid: str, birth: str = "2012-03-04", **extra) -> dict[str, str]:
    return {"person_id": pid, "birth_date": birth, **extra}


def request(
    rid: str,
    pid: str,
    received: str,
    outcome: str = "",
    decided: str = "",
    transfer: str = "false",
    source: str = "school",
) -> dict[str, str]:
    return {
        "request_id": rid,
        "person_id": pid,
        "received_date": received,
        "transfer_in": transfer,
        "request_source": source,
        "request_outcome": outcome,
        "request_outcome_date": decided,
    }


def plan(
    plan_id: str,
    pid: str,
    start: str,
    request_id: str = "",
    cease: str = "",
    reason: str = "",
    need: str = "ASD",
) -> dict[str, str]:
    return {
        "plan_id": plan_id,
        "person_id": pid,
        "request_id": request_id,
        "start_date": start,
        "cease_date": cease,
        "cease_reason": reason,
        "primary_need": need,
    }


def test_every_design_id_is_a_measure():
    design = [
        "ehcp_active",
        "requests_received",
        "request_decisions",
        "request_decisions_6wk_pct",
        "requests_refused_pct",
        "plans_issued",
        "plans_issued_20wk_pct",
        "plans_issued_20wk_excl_pct",
        "reviews_overdue",
        "reviews_in_12m_pct",
        "ehcp_rate_per_10k",
        "mediations_ytd",
        "appeals_ytd",
    ]
    assert set(design) <= set(MEASURES)


# ---------------------------------------------------------------- caseload
def test_plan_ceased_on_the_month_end_is_not_active(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1")],
        plans=[plan("E1", "P1", "2024-01-10", cease="2025-06-30", reason="2")],
    )
    m = measures(d, "2025-06", "ehcp_active", "ehcp_ceased")
    assert m == {"ehcp_active": 0, "ehcp_ceased": 1}
    assert measures(d, "2025-05", "ehcp_active")["ehcp_active"] == 1


def test_plan_started_on_the_month_end_is_active_and_issued(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1")],
        requests=[request("R1", "P1", "2025-03-01", "A", "2025-04-01")],
        assessments=[
            {"request_id": "R1", "assessment_outcome": "Y", "assessment_outcome_date": "2025-06-10"}
        ],
        plans=[plan("E1", "P1", "2025-06-30", "R1")],
    )
    m = measures(d, "2025-06", "ehcp_active", "ehcp_new", "plans_issued")
    assert m == {"ehcp_active": 1, "ehcp_new": 1, "plans_issued": 1}
    assert measures(d, "2025-05", "ehcp_active")["ehcp_active"] == 0


def in_month(frame: pd.DataFrame, period: str = "2025-06") -> dict[str, int]:
    """A breakdown's groups with a child in the month, and their counts."""
    rows = frame[(frame["period"] == period) & (frame["count"] > 0)]
    return dict(zip(rows["row"], rows["count"].astype(int), strict=True))


def test_caseload_breakdowns_and_social_care(tmp_path):
    d = council_dir(
        tmp_path,
        person=[
            person("P1", "2020-01-01", sex="M", social_care="LAC", team="A"),
            person("P2", "2012-06-01", sex="F", social_care="CP", team="B"),
            person("P3", "2007-06-01", sex="M", team="B"),
            person("P4", "2001-06-01", sex="M", team="B"),
        ],
        plans=[
            plan("E1", "P1", "2023-01-01"),
            plan("E2", "P2", "2023-01-01", need="SEMH"),
            plan("E3", "P3", "2023-01-01"),
            plan("E4", "P4", "2020-01-01", cease="2025-06-15", reason="1"),
        ],
    )
    c = prepare(load_tables(d))
    months = pd.period_range("2025-05", "2025-06", freq="M").asi8
    assert in_month(breakdowns.active_by(c, months, "age_band")) == {
        "5-10": 1,
        "11-15": 1,
        "16-19": 1,
    }
    assert in_month(breakdowns.active_by(c, months, "sex")) == {"M": 2, "F": 1}
    assert in_month(breakdowns.active_by(c, months, "need")) == {"ASD": 2, "SEMH": 1}
    # SEN2 cease reason codes; the plan ceased in June counted in May's breakdowns only
    assert in_month(breakdowns.ceased_by_reason(c, months)) == {"1": 1}
    assert in_month(breakdowns.active_by(c, months, "sex"), "2025-05") == {"M": 3, "F": 1}
    m = measures(
        d,
        "2025-06",
        "ehcp_looked_after",
        "ehcp_child_protection",
        "ehcp_care_leaver",
        "ehcp_school_age_pct",
    )
    assert m["ehcp_looked_after"] == 1 and m["ehcp_child_protection"] == 1
    assert m["ehcp_care_leaver"] == 0
    assert m["ehcp_school_age_pct"] == pytest.approx(200 / 3)


def test_rising_5s_are_the_cohort_starting_reception_next_september(tmp_path):
    # in June 2025 the rising 5s were born 1 Sep 2020 – 31 Aug 2021 (academic age 3)
    d = council_dir(
        tmp_path,
        person=[
            person("P1", "2020-09-01"),
            person("P2", "2021-08-31"),
            person("P3", "2020-08-31"),
            person("P4", "2022-01-01"),
        ],
        plans=[plan(f"E{i}", f"P{i}", "2024-06-01") for i in range(1, 5)],
    )
    m = measures(d, "2025-06", "ehcp_rising5", "ehcp_early_years")
    assert m == {"ehcp_rising5": 2, "ehcp_early_years": 3}
    # from September the same children are in Reception: no longer early years
    m = measures(d, "2025-09", "ehcp_rising5", "ehcp_early_years")
    assert m == {"ehcp_rising5": 1, "ehcp_early_years": 1}


def test_rate_per_10k_uses_the_latest_population_year_not_after_the_month(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1"), person("P2")],
        plans=[plan("E1", "P1", "2024-01-01"), plan("E2", "P2", "2024-01-01")],
        population=[
            {"year": "2023", "population": "10000"},
            {"year": "2025", "population": "20000"},
        ],
    )
    assert measures(d, "2024-06", "ehcp_rate_per_10k")["ehcp_rate_per_10k"] == 2.0
    assert measures(d, "2025-06", "ehcp_rate_per_10k")["ehcp_rate_per_10k"] == 1.0
    assert math.isnan(measures(d, "2022-06", "ehcp_rate_per_10k")["ehcp_rate_per_10k"])


# ---------------------------------------------------------------- requests and decisions
def test_decision_on_day_42_is_within_6_weeks_and_day_43_is_not(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1"), person("P2")],
        requests=[
            request("R1", "P1", "2025-04-19", "A", "2025-05-31"),  # day 42
            request("R2", "P2", "2025-04-18", "N", "2025-05-31"),
        ],
    )  # day 43
    m = measures(
        d,
        "2025-05",
        "request_decisions",
        "request_decisions_6wk_pct",
        "requests_refused_pct",
        "request_assess_pct",
        "requests_assess",
        "requests_not_assess",
    )
    assert m == {
        "request_decisions": 2,
        "request_decisions_6wk_pct": 50.0,
        "requests_refused_pct": 50.0,
        "request_assess_pct": 50.0,
        "requests_assess": 1,
        "requests_not_assess": 1,
    }


def test_transfers_in_are_not_requests_or_new_plans(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1"), person("P2")],
        requests=[
            request("R1", "P1", "2025-05-02", transfer="true", source="other_la"),
            request("R2", "P2", "2025-05-03", source="parent"),
        ],
        plans=[plan("E1", "P1", "2025-05-02", "R1")],
    )
    m = measures(
        d,
        "2025-05",
        "requests_received",
        "transfers_in",
        "plans_issued",
        "ehcp_new",
        "requests_awaiting_decision",
        "requests_from_parents_pct",
    )
    assert m == {
        "requests_received": 1,
        "transfers_in": 1,
        "plans_issued": 0,
        "ehcp_new": 1,
        "requests_awaiting_decision": 1,
        "requests_from_parents_pct": 100.0,
    }


def test_withdrawn_requests_are_not_decisions_and_not_waiting(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1")],
        requests=[request("R1", "P1", "2025-05-02", "W", "2025-05-20")],
    )
    m = measures(
        d, "2025-05", "request_decisions", "requests_awaiting_decision", "request_decisions_6wk_pct"
    )
    assert m["request_decisions"] == 0 and m["requests_awaiting_decision"] == 0
    assert math.isnan(m["request_decisions_6wk_pct"])


def test_awaiting_decision_by_time_since_request(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person(f"P{i}") for i in range(4)],
        requests=[
            request("R0", "P0", "2025-06-20"),  # 10 days
            request("R1", "P1", "2025-05-19"),  # 42 days
            request("R2", "P2", "2025-05-18"),  # 43 days
            request("R3", "P3", "2025-02-09"),
        ],
    )  # 141 days
    c = prepare(load_tables(d))
    bands = awaiting_by_band(c, pd.Period("2025-06", freq="M"))
    assert bands.to_dict() == {
        "0-6wk": 2,
        "6-16wk": 1,
        "16-20wk": 0,
        "20wk+": 1,
    }
    assert measures(d, "2025-06", "requests_awaiting_over_6wk")["requests_awaiting_over_6wk"] == 2


def test_requests_by_phase_use_academic_age(tmp_path):
    d = council_dir(
        tmp_path,
        person=[
            person("P1", "2021-01-01"),
            person("P2", "2015-01-01"),
            person("P3", "2011-01-01"),
            person("P4", "2008-01-01"),
        ],
        requests=[request(f"R{i}", f"P{i}", "2025-05-10") for i in range(1, 5)],
    )
    m = measures(
        d,
        "2025-05",
        "requests_early_years",
        "requests_primary",
        "requests_secondary",
        "requests_post16",
    )
    assert m == {
        "requests_early_years": 1,
        "requests_primary": 1,
        "requests_secondary": 1,
        "requests_post16": 1,
    }


# ---------------------------------------------------------------- plans issued
def _issued(received: str, start: str, exception: str = "false", i: int = 1):
    return (
        request(f"R{i}", f"P{i}", received, "A", received),
        {
            "request_id": f"R{i}",
            "assessment_outcome": "Y",
            "assessment_outcome_date": start,
            "week20_exception": exception,
        },
        plan(f"E{i}", f"P{i}", start, f"R{i}"),
    )


def test_plan_issued_on_day_140_is_within_20_weeks_and_day_141_is_not(tmp_path):
    a = _issued("2025-01-10", "2025-05-30", i=1)  # day 140
    b = _issued("2025-01-09", "2025-05-30", i=2)  # day 141
    d = council_dir(
        tmp_path,
        person=[person("P1"), person("P2")],
        requests=[a[0], b[0]],
        assessments=[a[1], b[1]],
        plans=[a[2], b[2]],
    )
    m = measures(d, "2025-05", "plans_issued", "plans_issued_20wk_pct", "plans_issued_median_days")
    assert m == {
        "plans_issued": 2,
        "plans_issued_20wk_pct": 50.0,
        "plans_issued_median_days": 140.5,
    }


def test_plan_dated_before_its_request_is_left_out_of_timeliness(tmp_path):
    a = _issued("2025-01-10", "2025-05-30", i=1)  # day 140: within 20 weeks
    b = _issued("2025-06-02", "2025-05-30", i=2)  # issued before the request: a typing error
    c = _issued("2024-12-01", "2025-05-20", i=3)  # late
    d = council_dir(
        tmp_path,
        person=[person(f"P{i}") for i in (1, 2, 3)],
        requests=[a[0], b[0], c[0]],
        assessments=[a[1], b[1], c[1]],
        plans=[a[2], b[2], c[2]],
    )
    ids = ("plans_issued", "plans_issued_20wk_pct", "plans_issued_20wk_excl_pct")
    m = measures(d, "2025-05", *ids, "plans_issued_median_days")
    assert m["plans_issued"] == 3  # still a plan issued in the month
    assert m["plans_issued_20wk_pct"] == 50.0  # of the two with dates in order
    assert m["plans_issued_20wk_excl_pct"] == 50.0
    assert m["plans_issued_median_days"] == pytest.approx((140 + 170) / 2)
    only = council_dir(tmp_path / "only", person=[person("P2")], requests=[b[0]],
                       assessments=[b[1]], plans=[b[2]])  # fmt: skip
    alone = measures(only, "2025-05", *ids)
    assert alone["plans_issued"] == 1 and math.isnan(alone["plans_issued_20wk_pct"])
    from sendlib.measures.yearly import calendar_year

    year = calendar_year(prepare(load_tables(d)), 2025)
    assert year["plans_issued_20wk_pct"] == 50.0


def test_exceptions_leave_numerator_and_denominator(tmp_path):
    a = _issued("2025-01-10", "2025-05-30", i=1)  # on time
    b = _issued("2024-12-01", "2025-05-30", exception="true", i=2)  # late, exception
    c = _issued("2024-12-02", "2025-05-30", i=3)  # late
    d = council_dir(
        tmp_path,
        person=[person(f"P{i}") for i in (1, 2, 3)],
        requests=[a[0], b[0], c[0]],
        assessments=[a[1], b[1], c[1]],
        plans=[a[2], b[2], c[2]],
    )
    m = measures(
        d,
        "2025-05",
        "plans_issued_20wk_pct",
        "plans_issued_20wk_excl_pct",
        "plans_issued_excl_exceptions",
    )
    assert m["plans_issued_20wk_pct"] == pytest.approx(100 / 3)
    assert m["plans_issued_20wk_excl_pct"] == 50.0
    assert m["plans_issued_excl_exceptions"] == 2


def test_assessment_pipeline_counts(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person(f"P{i}") for i in range(1, 5)],
        requests=[
            request("R1", "P1", "2025-01-06", "A", "2025-02-10"),  # waiting > 20 weeks
            request("R2", "P2", "2025-04-01", "A", "2025-05-01"),  # plan decided, drafting
            request("R3", "P3", "2025-03-01", "A", "2025-04-01"),  # no plan
            request("R4", "P4", "2025-05-20"),
        ],  # awaiting decision
        assessments=[
            {"request_id": "R1"},
            {
                "request_id": "R2",
                "assessment_outcome": "Y",
                "assessment_outcome_date": "2025-06-20",
            },
            {
                "request_id": "R3",
                "assessment_outcome": "N",
                "assessment_outcome_date": "2025-06-02",
                "no_plan_reason": "x",
            },
        ],
    )
    m = measures(
        d,
        "2025-06",
        "under_assessment",
        "plans_not_yet_issued",
        "plans_pending_over_20wk",
        "assessments_plan",
        "assessments_no_plan",
        "plan_after_assessment_pct",
    )
    assert m == {
        "under_assessment": 1,
        "plans_not_yet_issued": 2,
        "plans_pending_over_20wk": 1,
        "assessments_plan": 1,
        "assessments_no_plan": 1,
        "plan_after_assessment_pct": 50.0,
    }
    c = prepare(load_tables(d))
    since_decision = not_yet_issued_by_band(c, pd.Period("2025-06", freq="M"), since="decision")
    assert since_decision.sum() == 1 and since_decision["0-6wk"] == 1


# ---------------------------------------------------------------- reviews
def _reviewed(last: str | None, start: str = "2020-01-15"):
    reviews = [{"plan_id": "E1", "review_meeting_date": last}] if last else []
    return {"person": [person("P1")], "plans": [plan("E1", "P1", start)], "reviews": reviews}


@pytest.mark.parametrize(
    ("last_review", "overdue", "due"),
    [
        ("2024-05-30", 0, 1),  # 13 months before 2025-06-30: due, not overdue
        ("2024-04-30", 0, 1),  # exactly 14 months: not yet overdue
        ("2024-04-29", 1, 0),  # 14 months + 1 day: overdue
        ("2024-07-01", 0, 0),  # under 12 months: in date
    ],
)
def test_review_twelve_to_fourteen_month_rule(tmp_path, last_review, overdue, due):
    d = council_dir(tmp_path, **_reviewed(last_review))
    m = measures(d, "2025-06", "reviews_overdue", "reviews_due_12_14m")
    assert m == {"reviews_overdue": overdue, "reviews_due_12_14m": due}


def _boundary_council(tmp_path):
    """Plans whose last review (or start) falls on, a day before and a day after the 12-
    and 14-month boundary of every month end of 2024-2026: half never reviewed (started
    that day), half started long before and reviewed that day."""
    from dateutil.relativedelta import relativedelta

    anchors = set()
    for month in pd.period_range("2024-01", "2026-12", freq="M"):
        end = month.end_time.date()
        for months in (12, 14):
            edge = end - relativedelta(months=months)
            anchors |= {edge + dt.timedelta(days=k) for k in (-1, 0, 1)}
    people, plans, reviews = [], [], []
    for i, day in enumerate(sorted(anchors)):
        people += [person(f"S{i}"), person(f"R{i}")]
        plans += [plan(f"S{i}", f"S{i}", day.isoformat()), plan(f"R{i}", f"R{i}", "2015-01-10")]
        reviews.append({"plan_id": f"R{i}", "review_meeting_date": day.isoformat()})
    folder = council_dir(tmp_path, person=people, plans=plans, reviews=reviews)
    return folder, sorted(anchors)


def test_reviews_at_every_month_end_of_2024_to_2026_follow_the_calendar(tmp_path):
    """Overdue (more than 14 months), due (12-14 months) and reviewed in the last 12
    months, at every month end, against the rule as a person counts it (relativedelta:
    the day kept and clamped)."""
    from dateutil.relativedelta import relativedelta

    folder, anchors = _boundary_council(tmp_path)
    months = pd.period_range("2024-01", "2026-12", freq="M")
    ids = ["reviews_overdue", "reviews_due_12_14m", "reviews_in_12m_pct", "reviews_held_12m"]
    got = compute(prepare(load_tables(folder)), months, ids)
    got = got.pivot(index="period", columns="kpi_id", values="value")
    for month in months:
        end = month.end_time.date()
        t14, t12 = end - relativedelta(months=14), end - relativedelta(months=12)
        # never-reviewed plans started on the anchor; reviewed ones were reviewed on it
        current = [a for a in anchors if a <= end] * 2
        current += [dt.date(2015, 1, 10)] * sum(a > end for a in anchors)  # not yet reviewed
        held = [a for a in anchors if a <= t12] + [dt.date(2015, 1, 10)] * len(anchors)
        reviewed = sum(t12 < a <= end for a in anchors)  # the reviewed plans' meetings
        row = got.loc[str(month)]
        assert row["reviews_overdue"] == sum(a < t14 for a in current), month
        assert row["reviews_due_12_14m"] == sum(t14 <= a <= t12 for a in current), month
        assert row["reviews_held_12m"] == len(held), month
        assert row["reviews_in_12m_pct"] == pytest.approx(100 * reviewed / len(held)), month


@pytest.mark.parametrize(
    ("last_review", "month", "overdue", "due"),
    [
        ("2024-12-28", "2026-02", 0, 1),  # 28 Feb 2026 − 14 months = 28 Dec 2024: due
        ("2024-12-30", "2026-02", 0, 1),  # not overdue (the month before read 31 Dec)
        ("2024-12-27", "2026-02", 1, 0),
        ("2025-07-30", "2026-09", 0, 1),  # 30 Sep 2026 − 14 months = 30 Jul 2025
        ("2025-07-29", "2026-09", 1, 0),
        ("2024-02-29", "2025-02", 0, 0),  # 28 Feb 2025 − 12 months = 28 Feb 2024: in date
        ("2024-02-28", "2025-02", 0, 1),
    ],
)
def test_overdue_and_due_keep_the_day_and_clamp_it(tmp_path, last_review, month, overdue, due):
    d = council_dir(tmp_path, **_reviewed(last_review))
    m = measures(d, month, "reviews_overdue", "reviews_due_12_14m")
    assert m == {"reviews_overdue": overdue, "reviews_due_12_14m": due}
    months = pd.period_range(month, month, freq="M").asi8
    status = breakdowns.review_status_by_team(prepare(load_tables(d)), months)
    expected = "overdue" if overdue else "due" if due else "in_date"
    assert status.loc[status["count"] > 0, "column"].tolist() == [expected]


def test_never_reviewed_plan_counts_from_its_start(tmp_path):
    d = council_dir(tmp_path, **_reviewed(None, start="2024-04-29"))
    assert measures(d, "2025-06", "reviews_overdue")["reviews_overdue"] == 1
    d = council_dir(tmp_path / "b", **_reviewed(None, start="2024-05-01"))
    assert measures(d, "2025-06", "reviews_overdue")["reviews_overdue"] == 0


def test_reviewed_in_12_months_of_plans_held_12_months(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person(f"P{i}") for i in range(1, 5)],
        plans=[
            plan("E1", "P1", "2020-01-01"),
            plan("E2", "P2", "2020-01-01"),
            plan("E3", "P3", "2024-06-30"),  # exactly 12 months: in the denominator
            plan("E4", "P4", "2024-07-01"),
        ],  # under 12 months: not counted
        reviews=[
            {"plan_id": "E1", "review_meeting_date": "2024-07-01"},  # inside the 12 months
            {"plan_id": "E2", "review_meeting_date": "2024-06-30"},
        ],
    )  # just outside
    m = measures(d, "2025-06", "reviews_in_12m_pct", "reviews_held_12m")
    assert m["reviews_held_12m"] == 3
    assert m["reviews_in_12m_pct"] == pytest.approx(100 / 3)


def test_reviews_due_soon_completed_and_not_finalised(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1"), person("P2"), person("P3")],
        plans=[
            plan("E1", "P1", "2020-01-01"),
            plan("E2", "P2", "2020-01-01"),
            plan("E3", "P3", "2020-01-01"),
        ],
        reviews=[
            {
                "plan_id": "E1",
                "review_meeting_date": "2024-08-15",  # next due Aug 2025
                "review_decision": "A",
                "decision_date": "2024-09-01",
            },
            {
                "plan_id": "E2",
                "review_meeting_date": "2025-06-05",
                "review_decision": "",
                "decision_date": "",
            },
            {
                "plan_id": "E3",
                "review_meeting_date": "2025-06-10",
                "review_decision": "M",
                "decision_date": "2025-06-20",
            },
        ],
    )
    m = measures(d, "2025-06", "reviews_due_3m", "reviews_completed", "reviews_not_finalised")
    assert m == {"reviews_due_3m": 1, "reviews_completed": 2, "reviews_not_finalised": 1}
    months = pd.period_range("2025-06", "2025-06", freq="M").asi8
    status = breakdowns.review_status_by_team(prepare(load_tables(d)), months)
    totals = status.groupby("column")["count"].sum().to_dict()
    assert totals == {"in_date": 3, "due": 0, "overdue": 0}  # every status, zeros too


def test_review_before_the_plan_started_does_not_reset_the_clock(tmp_path):
    d = council_dir(tmp_path, **_reviewed("2019-12-01", start="2024-01-01"))
    assert measures(d, "2025-06", "reviews_overdue")["reviews_overdue"] == 1


# ---------------------------------------------------------------- placements
def test_placement_shares_count_every_plan_holder(tmp_path):
    people = [
        person("P1", "2015-01-01"),
        person("P2", "2012-01-01"),
        person("P3", "2005-01-01"),
        person("P4", "2016-01-01"),
    ]
    d = council_dir(
        tmp_path,
        person=people,
        plans=[plan(f"E{i}", f"P{i}", "2023-01-01") for i in range(1, 5)],
        placements=[
            {"person_id": "P1", "setting": "mainstream", "entry_date": "2023-01-01"},
            {
                "person_id": "P2",
                "setting": "mainstream",
                "entry_date": "2023-01-01",
                "leaving_date": "2024-09-01",
            },
            {"person_id": "P2", "setting": "special_inmss", "entry_date": "2024-09-01"},
            {"person_id": "P3", "setting": "special_inmss", "entry_date": "2023-01-01"},
            # P4 has no placement recorded: still in the denominator
        ],
    )
    m = measures(
        d,
        "2025-06",
        "placed_mainstream_pct",
        "placed_inmss_pct",
        "placed_inmss_18plus_pct",
        "placed_mainstream_primary_pct",
        "placed_mainstream_secondary_pct",
        "placed_none",
    )
    assert m["placed_mainstream_pct"] == 25.0
    assert m["placed_inmss_pct"] == 50.0
    assert m["placed_inmss_18plus_pct"] == 50.0
    assert m["placed_mainstream_primary_pct"] == 50.0  # P1 mainstream, P4 unplaced
    assert m["placed_mainstream_secondary_pct"] == 0.0
    assert m["placed_none"] == 1


def test_overlapping_placements_use_the_latest(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1", "2012-01-01")],
        plans=[plan("E1", "P1", "2023-01-01")],
        placements=[
            {"person_id": "P1", "setting": "mainstream", "entry_date": "2023-01-01"},
            {"person_id": "P1", "setting": "eotas_s61", "entry_date": "2025-02-01"},
        ],
    )
    m = measures(d, "2025-06", "placed_mainstream_pct", "placed_eotas_s61_pct", "placed_eotas_pct")
    assert m == {
        "placed_mainstream_pct": 0.0,
        "placed_eotas_s61_pct": 100.0,
        "placed_eotas_pct": 100.0,
    }


def test_neet_shares_of_young_people(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1", "2008-01-01"), person("P2", "2002-01-01"), person("P3", "2015-01-01")],
        plans=[plan(f"E{i}", f"P{i}", "2023-01-01") for i in (1, 2, 3)],
        placements=[
            {"person_id": "P1", "setting": "neet", "entry_date": "2024-01-01"},
            {"person_id": "P2", "setting": "fe_college", "entry_date": "2024-01-01"},
            {"person_id": "P3", "setting": "ap", "entry_date": "2024-01-01"},
        ],
    )
    m = measures(d, "2025-06", "neet_16_25_pct", "neet_16_18_pct", "neet_count", "placed_ap")
    assert m == {"neet_16_25_pct": 50.0, "neet_16_18_pct": 100.0, "neet_count": 1, "placed_ap": 1}


# ---------------------------------------------------------------- disputes
def test_year_to_date_counters_reset_on_1_january(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1")],
        disputes=[
            {
                "dispute_id": "D1",
                "person_id": "P1",
                "kind": "mediation",
                "registered_date": "2024-12-31",
            },
            {
                "dispute_id": "D2",
                "person_id": "P1",
                "kind": "mediation",
                "registered_date": "2025-01-01",
            },
            {
                "dispute_id": "D3",
                "person_id": "P1",
                "kind": "appeal",
                "registered_date": "2024-11-05",
            },
        ],
    )
    assert measures(d, "2024-12", "mediations_ytd", "appeals_ytd") == {
        "mediations_ytd": 1,
        "appeals_ytd": 1,
    }
    assert measures(d, "2025-01", "mediations_ytd", "appeals_ytd", "mediations_rolling_12m") == {
        "mediations_ytd": 1,
        "appeals_ytd": 0,
        "mediations_rolling_12m": 2,
    }


@pytest.mark.parametrize(
    ("year_start", "month", "mediations", "to_appeal"),
    [
        (1, "2025-08", 2, 50.0),  # calendar year: from 1 January 2025
        (9, "2025-08", 3, 100 / 3),  # academic year: from 1 September 2024
        (9, "2025-09", 1, 0.0),  # a new academic year starts on 1 September
        (4, "2025-03", 2, 0.0),  # financial year 2024/25 from 1 April 2024 (outcome in May)
        (4, "2025-04", 1, 0.0),
    ],
)
def test_year_to_date_counts_from_the_year_start(
    tmp_path, year_start, month, mediations, to_appeal
):
    def mediation(i, registered, outcome=""):
        return {
            "dispute_id": f"D{i}",
            "person_id": "P1",
            "kind": "mediation",
            "registered_date": registered,
            "outcome": outcome,
            "outcome_date": "2025-05-01" if outcome else "",
        }

    d = council_dir(
        tmp_path,
        person=[person("P1")],
        disputes=[
            mediation(1, "2024-10-01"),
            mediation(2, "2025-02-01", "Proceeded to appeal"),
            mediation(3, "2025-04-02"),
            mediation(4, "2025-09-03"),
        ],
    )
    ids = ["mediations_ytd", "mediations_to_appeal_pct"]
    frame = compute(prepare(load_tables(d)), [pd.Period(month, "M")], ids, year_start=year_start)
    got = dict(zip(frame["kpi_id"], frame["value"], strict=True))
    assert got["mediations_ytd"] == mediations
    assert got["mediations_to_appeal_pct"] == pytest.approx(to_appeal)


def test_appeal_outcomes_over_the_year_to_date(tmp_path):
    def appeal(i, outcome="", decided=""):
        return {
            "dispute_id": f"D{i}",
            "person_id": "P1",
            "kind": "appeal",
            "registered_date": "2025-02-01",
            "outcome": outcome,
            "outcome_date": decided,
        }

    d = council_dir(
        tmp_path,
        person=[person("P1")],
        disputes=[
            appeal(1, "Conceded by LA", "2025-03-01"),
            appeal(2, "Found in favour of LA", "2025-04-01"),
            appeal(3, "Withdrawn by parent", "2025-07-01"),  # after the month
            appeal(4),
            {
                "dispute_id": "D5",
                "person_id": "P1",
                "kind": "mediation",
                "registered_date": "2025-01-05",
                "outcome": "Proceeded to appeal",
                "outcome_date": "2025-01-30",
            },
        ],
    )
    m = measures(
        d,
        "2025-06",
        "appeals_parent_favour_pct",
        "appeals_la_favour_pct",
        "appeals_open",
        "mediations_to_appeal_pct",
        "appeals_registered",
    )
    assert m == {
        "appeals_parent_favour_pct": 25.0,
        "appeals_la_favour_pct": 25.0,
        "appeals_open": 2,
        "mediations_to_appeal_pct": 100.0,
        "appeals_registered": 0,
    }


# ---------------------------------------------------------------- empty denominators
def test_empty_denominator_gives_missing_never_zero(tmp_path):
    d = council_dir(tmp_path, person=[person("P1")])
    m = measures(d, "2025-06")
    for kpi in (
        "request_decisions_6wk_pct",
        "requests_refused_pct",
        "plans_issued_20wk_pct",
        "plans_issued_20wk_excl_pct",
        "reviews_in_12m_pct",
        "placed_mainstream_pct",
        "mediations_to_appeal_pct",
        "plans_issued_median_days",
        "ehcp_rate_per_10k",
    ):
        assert math.isnan(m[kpi]), kpi
    assert m["ehcp_active"] == 0 and m["plans_issued"] == 0


def test_the_bands_said_to_add_up_to_a_published_kpi_do(demo_data):
    # disclosure control relies on it (tables.Table.breakdown's published_sums)
    from sendlib.measures.decisions import OVER_6WK_BANDS
    from sendlib.measures.issuance import OVER_20WK_BANDS

    c = prepare(load_tables(demo_data))
    for month in ("2025-06", "2026-10"):
        m = pd.Period(month, freq="M")
        frame = compute(c, [m], ["requests_awaiting_over_6wk", "plans_pending_over_20wk"])
        kpi = dict(zip(frame["kpi_id"], frame["value"], strict=True))
        assert kpi["requests_awaiting_over_6wk"] > 0 and kpi["plans_pending_over_20wk"] > 0
        waiting = awaiting_by_band(c, m)[list(OVER_6WK_BANDS)].sum()
        pending = not_yet_issued_by_band(c, m)[list(OVER_20WK_BANDS)].sum()
        assert waiting == kpi["requests_awaiting_over_6wk"]
        assert pending == kpi["plans_pending_over_20wk"]


def test_each_measure_is_declared_once_beside_the_function_that_computes_it():
    from sendlib.measures.family import family_of
    from sendlib.measures.registry import FAMILIES

    ids = [kpi for f in FAMILIES for kpi in f.ids]
    assert len(ids) == len(set(ids))
    for declared in FAMILIES:
        assert family_of(declared.compute) is declared
        assert declared.compute.__module__ not in ("sendlib.measures.registry",)
        assert set(declared.characteristic) <= set(declared.ids)


def test_every_code_of_a_coded_characteristic_is_a_group(tmp_path):
    d = council_dir(
        tmp_path,
        person=[person("P1"), person("P2")],
        plans=[plan("E1", "P1", "2020-01-01"), plan("E2", "P2", "2020-01-01")],
    )
    months = pd.period_range("2025-06", "2025-06", freq="M").asi8
    sex = breakdowns.active_by(prepare(load_tables(d)), months, "sex")
    assert {"M", "F", "not_recorded"} <= set(sex["row"])  # SEN2's U is not recorded
    assert "U" not in set(sex["row"])
    assert sex["count"].sum() == 2


def test_requests_by_need_count_the_need_recorded_at_request_like_for_like(tmp_path):
    # a request of a year ago whose plan has since been issued still counts under the
    # need recorded when it was made, as this month's requests do
    d = council_dir(
        tmp_path,
        person=[person("P1", "2015-01-01"), person("P2", "2015-01-01")],
        requests=[
            {
                "request_id": "R1",
                "person_id": "P1",
                "received_date": "2024-06-03",
                "primary_need": "SEMH",
            },
            {
                "request_id": "R2",
                "person_id": "P2",
                "received_date": "2025-06-03",
                "primary_need": "",
            },
        ],
        plans=[plan("E1", "P1", "2024-10-01", request_id="R1", need="ASD")],
    )
    c = prepare(load_tables(d))
    months = pd.period_range("2024-06", "2025-06", freq="M").asi8
    frame = breakdowns.requests_by(c, months, "need")
    assert in_month(frame, "2024-06") == {"SEMH": 1}  # not the plan's ASD, known later
    assert in_month(frame, "2025-06") == {"not_recorded": 1}
    issued = breakdowns.issued_by_need(c, months)
    assert in_month(issued, "2024-10") == {"ASD": 1}
