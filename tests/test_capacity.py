"""Capacity: the time-and-motion arithmetic on a small capacity.yaml, checked against a
hand calculation, scenario included; and a bad file is one clear message."""

from __future__ import annotations

import pandas as pd
import pytest

from sendlib.config import ParamsError
from sendlib.measures import capacity as cap

SMALL = """
roles:
  ep: {name: Educational psychologists, fte: 2, hours_per_fte_month: 100}
  co: {name: Co-ordinators, fte: 0.8, hours_per_fte_month: 120}
tasks:
  - {name: Decision, role: co, per: request, hours: 2}
  - {name: EP advice, role: ep, per: assessment, hours: 10}
  - {name: Co-ordinating, role: co, per: assessment, hours: 5}
  - {name: Annual review, role: co, per: review, hours: 4}
scenarios:
  - {name: One more co-ordinator from July, from_month: 2025-07, add_fte: {co: 1}}
"""
YEAR = [pd.Period("2025-01", freq="M") + k for k in range(12)]


@pytest.fixture
def plan(tmp_path) -> cap.CapacityPlan:
    (tmp_path / "capacity.yaml").write_text(SMALL)
    return cap.load_capacity(tmp_path)


def test_no_file_is_no_plan(tmp_path):
    assert cap.load_capacity(tmp_path) is None


def test_demand_scales_the_requests_by_the_recent_shares():
    work = cap.demand({"mean": 100, "lo80": 80, "hi80": 120}, 0.5, 0.8, 200)
    assert work.loc["request"].tolist() == [100, 80, 120]
    assert work.loc["assessment"].tolist() == [50, 40, 60]
    assert work.loc["plan"].tolist() == [40, 32, 48]
    assert work.loc["review"].tolist() == [200, 200, 200]


def test_hours_and_utilisation_match_the_hand_calculation(plan):
    """100 requests a year (80 to 120), half of them assessed, 200 reviews:

    EPs: needed 10 h × 50 = 500 (400 to 600); available 2 × 100 × 12 = 2,400: 20.8%.
    Co-ordinators: needed 2 × 100 + 5 × 50 + 4 × 200 = 1,250 (1,160 to 1,340); available
    0.8 × 120 × 12 = 1,152: 108.5% (100.7% to 116.3%).
    With one more co-ordinator from July (6 of the 12 months): 1,152 + 1 × 120 × 6 = 1,872."""
    work = cap.demand({"mean": 100, "lo80": 80, "hi80": 120}, 0.5, 0.8, 200)
    usage = cap.use(plan, work, YEAR).set_index(["scenario", "role"])
    ep = usage.loc[(cap.AS_PLANNED, "ep")]
    assert (ep["available"], ep["needed"], ep["needed_low"], ep["needed_high"]) == (
        2400,
        500,
        400,
        600,
    )
    assert ep["utilisation"] == pytest.approx(100 * 500 / 2400)
    co = usage.loc[(cap.AS_PLANNED, "co")]
    assert co["available"] == pytest.approx(1152)
    assert (co["needed"], co["needed_low"], co["needed_high"]) == (1250, 1160, 1340)
    assert co["utilisation"] == pytest.approx(108.5069, abs=1e-3)
    assert co["utilisation_low"] == pytest.approx(100.6944, abs=1e-3)
    assert co["utilisation_high"] == pytest.approx(116.3194, abs=1e-3)
    more = usage.loc[("One more co-ordinator from July", "co")]
    assert more["available"] == pytest.approx(1872) and more["fte"] == pytest.approx(1.8)
    assert usage.loc[("One more co-ordinator from July", "ep"), "available"] == 2400


def test_achievable_timeliness_is_the_most_stretched_roles_share(plan):
    """Assessments need EPs (covered) and co-ordinators: 1,152 of 1,340 hours at the high
    end of demand = 86.0%, of 1,160 at the low end = 99.3%. Reviews: co-ordinators alone,
    the same shares. With the extra co-ordinator, 1,872 hours cover the work: 100%."""
    work = cap.demand({"mean": 100, "lo80": 80, "hi80": 120}, 0.5, 0.8, 200)
    reach = cap.achievable(plan, cap.use(plan, work, YEAR)).set_index(["scenario", "process"])
    planned = reach.loc[(cap.AS_PLANNED, "assessments")]
    assert planned["low"] == pytest.approx(100 * 1152 / 1340)
    assert planned["central"] == pytest.approx(100 * 1152 / 1250)
    assert planned["high"] == pytest.approx(100 * 1152 / 1160)
    assert planned["limited_by"] == "Co-ordinators"
    assert reach.loc[(cap.AS_PLANNED, "reviews"), "low"] == pytest.approx(100 * 1152 / 1340)
    more = reach.loc[("One more co-ordinator from July", "assessments")]
    assert (more["low"], more["high"], more["limited_by"]) == (100.0, 100.0, "")


def test_a_scenario_without_a_month_applies_to_the_whole_year(tmp_path):
    text = SMALL.replace("from_month: 2025-07, ", "")
    (tmp_path / "capacity.yaml").write_text(text)
    plan = cap.load_capacity(tmp_path)
    work = cap.demand({"mean": 100, "lo80": 80, "hi80": 120}, 0.5, 0.8, 200)
    usage = cap.use(plan, work, YEAR).set_index(["scenario", "role"])
    assert usage.loc[("One more co-ordinator from July", "co"), "available"] == pytest.approx(
        1.8 * 120 * 12
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("role: ep, per: assessment", "role: eps, per: assessment"), "role 'eps', which is not"),
        (("hours: 10", "hourz: 10"), "unknown key 'hourz' — did you mean 'hours'?"),
        (("per: review", "per: reveiw"), "is not one of: request, assessment, plan, review"),
        (("add_fte: {co: 1}", "add_fte: {co: -1}"), "fewer than 0 FTE"),
        (("from_month: 2025-07", "from_month: July"), "from_month"),
    ],
)
def test_a_bad_file_names_the_file_the_line_and_the_entry(tmp_path, change, message):
    (tmp_path / "capacity.yaml").write_text(SMALL.replace(*change))
    with pytest.raises(ParamsError) as found:
        cap.load_capacity(tmp_path)
    text = str(found.value)
    assert str(tmp_path / "capacity.yaml") in text and message in text
    assert "line " in text


def test_the_demo_capacity_file_is_valid():
    from helpers import ROOT

    plan = cap.load_capacity(ROOT / "params")
    assert {"ep", "ehco"} <= set(plan.roles) and plan.scenarios
