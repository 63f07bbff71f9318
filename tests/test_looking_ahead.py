"""The Looking ahead section: what it says with too little history, and on the demo
council — every sentence read from the figures it computed, the capacity part with and
without capacity.yaml, and the manifest's entry."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT
from sendlib.config import RunParams
from sendlib.measures.reviews import reviews_due
from sendlib.paper import looking_ahead as la
from sendlib.paper.looking_ahead.sentences import (
    _phase_sentence,
    _timeliness_facts,
    _too_narrow,
)
from sendlib.paper.looking_ahead.tables import timeliness_table
from sendlib.paper.notebook_context import Context
from sendlib.paper.prepare import prepare_paper_data
from sendlib.paper.sections import by_slug

MONTH = "2025-06"


def paper(data: Path, params: Path = ROOT / "params"):
    run = RunParams(
        month=MONTH,
        data_dir=str(data),
        params_dir=str(params),
        catalogue=str(ROOT / "params" / "kpis.yaml"),
    )
    return prepare_paper_data(run, sections=[by_slug("cover"), by_slug("looking_ahead")])


def text(item) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", item.to_html()))


@pytest.fixture(scope="module")
def demo(demo_data):
    data = paper(demo_data)
    return data, Context.from_data(data)


@pytest.mark.slow
def test_a_short_history_gives_no_projection_and_the_section_says_why(tiny_dir):
    ctx = Context.from_data(paper(tiny_dir))
    said = text(la.facts(ctx))
    # the tiny council's requests start in January 2024 and its plans in March: both are
    # recorded from March 2024 to June 2025
    assert "No projection of plans is made: the case records cover 16 months" in said
    assert "a projection needs at least 24 (two years" in said
    assert "No projection of requests is made" in said
    assert la.projection_charts(ctx).items == []  # no chart, no backtest table
    assert "Capacity is not assessed: it scales the projected requests" in text(
        la.capacity(ctx, ROOT / "params")
    )


def test_without_capacity_yaml_the_section_says_what_it_would_need(demo, tmp_path):
    _, ctx = demo
    said = text(la.capacity(ctx, tmp_path))
    assert "Capacity is not assessed" in said and "the hours each task takes" in said


def test_the_example_staffing_is_said_to_be_the_examples_with_a_councils_own_data(
    demo, demo_data, tmp_path
):
    _, ctx = demo
    own = text(la.capacity(ctx, ROOT / "params", tmp_path))  # not the demo's folder
    assert "are the example settings shipped with sendlib (params/capacity.yaml" in own
    assert "example settings" not in text(la.capacity(ctx, ROOT / "params", demo_data))


def test_the_projection_sentences_are_the_computed_figures(demo):
    _, ctx = demo
    said = text(la.facts(ctx))
    read = la.Read.of(ctx)
    end = read.series("caseload").loc["2026-06"]
    assert f"about {end['mean']:,.0f} EHC plans at the end of June 2026" in said
    assert f"(80% interval {end['lo80']:,.0f} to {end['hi80']:,.0f})" in said
    now = ctx.value("ehcp_active")
    assert f"against {now:,.0f} now" in said
    found = la.year_ago(read, "caseload")
    assert found["horizon"] == 12 and found["origins"] == 12
    assert f"A year ago this method projected {found['projected']:,.0f} plans for June 2025" in (
        said
    )
    assert f"there are {now:,.0f}" in said and found["actual"] == now
    requests = read.model("requests")
    assert f"About {requests['total_mean']:,.0f} requests for an assessment" in said
    last12 = ctx.history("requests_received", 12).sum()
    assert f"against {last12:,.0f} in the last 12" in said
    model = la.SERIES["requests"]
    assert "chosen because it came closer in the backtest" in said
    assert requests["model"] in {m.name for m in model.candidates}


def test_the_pipeline_sentences_and_tables_agree_with_the_measures(demo):
    _, ctx = demo
    said = text(la.facts(ctx))
    read = la.Read.of(ctx)
    d = read.parts["ahead_deadlines"]
    awaiting = int(
        d.loc[d["deadline"] == "6wk", ["passed", "2025-07", "2025-08", "2025-09", "later"]]
        .sum(axis=1)
        .iloc[0]
    )
    assert awaiting == ctx.value("requests_awaiting_decision")
    assert f"{awaiting:,} await the decision whether to assess" in said
    first = read.parts["ahead_timeliness"].iloc[0]
    assert f"{first['pct']:.1f}% in July" in said
    due = read.parts["ahead_reviews_due"]["count"]
    assert f"{due['due']:,} annual reviews are already due or overdue" in said
    assert due["due"] == ctx.value("reviews_overdue") + ctx.value("reviews_due_12_14m")
    # the demo lists a deadline's transfers from the September before it: in June none yet
    assert (
        "No phase transfers are recorded yet for 15 February 2026 (moves between schools) "
        "or 31 March 2026 (moves on from school)." in said
    )
    # no group of children the paper withholds is named beside these activity figures
    assert "post-16" not in said and "early years" not in said.lower()
    tables = text(la.pipeline_tables(ctx))
    assert "Statutory dates of the requests open at the end of June 2025" in tables
    assert "Projected 20-week timeliness" in tables and "Phase transfers due at" not in tables


def test_the_charts_show_three_years_and_the_year_ahead_with_their_data(demo):
    _, ctx = demo
    group = la.projection_charts(ctx)
    charts = [i for i in group.items if hasattr(i, "svg")]
    assert [c.title for c in charts] == [
        "EHC plans at month end: recorded and projected",
        "Requests for assessment each month: recorded and projected",
    ]
    data = charts[0].data
    assert len(data) == 36 + 12 and data["Month"].iloc[0] == "Jul 2022"
    assert data["Month"].iloc[-1] == "Jun 2026"
    assert "Projected" in charts[0].alt and "80% interval" in charts[0].alt
    assert "How the projections did" in text(group)


def test_capacity_gives_utilisation_and_achievable_ranges_for_each_scenario(demo):
    _, ctx = demo
    said = text(la.capacity(ctx, ROOT / "params"))
    assert "needs" in said and "of the hours of the" in said
    assert "With the staff as planned" in said
    # the demo's scenarios start in 2027: after the year ahead of June 2025
    assert (
        "The scenario 'Two more educational psychologists from April 2027' starts after "
        "the 12 months looked at" in said
    )
    assert "Staff hours over the next 12 months" in said and "Achievable timeliness" in said


def test_the_manifest_entry_holds_the_intervals_and_the_backtest(demo):
    data, _ = demo
    entry = la.manifest(data, ROOT / "params")
    json.dumps(entry)  # it goes into manifest.json as it is
    caseload = entry["caseload"]
    assert list(caseload["projection"]) == [str(pd.Period(MONTH, "M") + k) for k in range(1, 13)]
    last = caseload["projection"]["2026-06"]
    assert last["lo95"] <= last["lo80"] <= last["mean"] <= last["hi80"] <= last["hi95"]
    assert caseload["backtest"]["origins"] == 12 and caseload["backtest"]["horizon"] == 12
    assert set(caseload["backtest_wape"]) == {"damped", "seasonal"}
    assert entry["requests"]["next_12_months"]["lo80"] < entry["requests"]["next_12_months"]["hi80"]
    timeliness = entry["plans_issued_20wk_pct"]
    assert list(timeliness["projection"]) == ["2025-07", "2025-08", "2025-09"]
    assert timeliness["backtest"]["origins"] == 12
    assert set(entry["capacity"]["achievable_pct"]) >= {"As planned: assessments"}


@pytest.mark.slow
def test_the_section_is_the_same_every_run(demo, demo_data):
    data, _ = demo
    again = paper(demo_data)
    for name, frame in data.breakdowns.items():
        if name.startswith("ahead_"):
            pd.testing.assert_frame_equal(frame, again.breakdowns[name])


def test_a_scenario_within_the_year_changes_what_is_achievable(demo, tmp_path):
    _, ctx = demo
    text_ = (ROOT / "params" / "capacity.yaml").read_text()
    (tmp_path / "capacity.yaml").write_text(text_.replace("2027-04", "2026-01"))
    said = text(la.capacity(ctx, tmp_path))
    assert "In the scenario 'Two more educational psychologists from April 2027'" in said


def test_phase_transfers_due_are_said_deadline_by_deadline_in_words():
    frame = pd.DataFrame(
        {
            "due": [pd.Timestamp("2027-02-15"), pd.Timestamp("2027-03-31")],
            "kind": ["school", "post16"],
            "count": [386, 3],
            "finalised": [0, 1],
            "outstanding": [386, 2],
        }
    )
    parts = {
        "ahead_phase_transfers": frame,
        "ahead_pipeline": pd.DataFrame([{"phase_recorded": True}]),
    }
    said = _phase_sentence(la.Read(pd.Period("2026-11", "M"), parts))
    assert said == (
        "At the end of November 2026, of the 386 phase transfers due by 15 February 2027 "
        "(moves between schools), none has been finalised yet. Of the 3 phase transfers due "
        "by 31 March 2027 (moves on from school), 1 has been finalised and 2 are outstanding."
    )
    frame.loc[1, ["finalised", "outstanding"]] = [3, 0]
    frame.loc[0, "count"] = 0
    said = _phase_sentence(la.Read(pd.Period("2026-11", "M"), parts))
    assert said == (
        "At the end of November 2026, of the 3 phase transfers due by 31 March 2027 (moves on "
        "from school), all have been finalised. No phase transfers are recorded yet for 15 "
        "February 2027 (moves between schools)."
    )


def _ahead(plans: list[float], pct: list[float]) -> la.Read:
    frame = pd.DataFrame(
        {
            "period": ["2026-12", "2027-01", "2027-02"],
            "plans": plans,
            "pct": pct,
            "lo80": [p - 10 for p in pct],
            "hi80": [p + 10 for p in pct],
            "lo95": [p - 20 for p in pct],
            "hi95": [p + 20 for p in pct],
        }
    )
    parts = {
        "ahead_timeliness": frame,
        "ahead_timeliness_backtest": pd.DataFrame(),
        "ahead_pipeline": pd.DataFrame([{"missing_stages": "", "beyond": 0.0}]),
    }
    return la.Read(pd.Period("2026-11", "M"), parts)


def test_no_share_within_20_weeks_is_projected_of_fewer_than_one_plan():
    said = _timeliness_facts(_ahead([0.3, 2.0, 0.4], [50.0, 60.0, 40.0]))[0]
    assert said == (
        "If cases move through each stage as they did in the last 12 months, fewer than one "
        "new plan is expected in December 2026; the share within 20 weeks would be 60.0% in "
        "January (80% interval 50.0% to 70.0%), with fewer than one plan expected in "
        "December and February."
    )
    said = _timeliness_facts(_ahead([0.2, 0.1, 0.4], [0.0, 0.0, 100.0]))[0]
    assert "0.0%" not in said and said.endswith("no share within 20 weeks is projected.")
    table = timeliness_table(_ahead([0.3, 2.0, 0.4], [50.0, 60.0, 40.0])).frame
    assert table["Within 20 weeks (projected)"].tolist() == ["[z]", "60.0%", "[z]"]
    assert table["80% interval"].tolist() == ["[z]", "50.0–70.0%", "[z]"]


def test_intervals_that_held_too_seldom_are_called_too_narrow():
    assert _too_narrow(8, 12, 12) == _too_narrow(12, 10, 12) == ""
    assert "too narrow" in _too_narrow(7, 12, 12)  # 80%: fewer than 8 of 12
    assert "too narrow" in _too_narrow(12, 9, 12)  # 95%: fewer than 10 of 12
    assert _too_narrow(0, 0, 3) == ""  # too few projections to tell


def test_verify_flags_a_capacity_file_the_paper_did_not_read(tmp_path):
    from sendlib.ops.verify import verify

    params = tmp_path / "params"
    params.mkdir()
    manifest = {
        "parameters": {"data_dir": str(tmp_path / "data"), "params_dir": str(params)},
        "sections": ["looking_ahead"],
        "team": "",
        "month": MONTH,
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert verify(tmp_path) == []
    (params / "capacity.yaml").write_text((ROOT / "params" / "capacity.yaml").read_text())
    assert verify(tmp_path) == [
        ("parameter", str(params / "capacity.yaml"), "new file the paper did not read")
    ]


def test_the_series_are_the_registrys_measures(demo_data):
    from sendlib.data.load import load_tables
    from sendlib.measures.cases import prepare
    from sendlib.measures.registry import compute

    c = prepare(load_tables(demo_data))
    month = pd.Period(MONTH, freq="M")
    series = la.histories(c, month)
    assert series.index[0] == pd.Period("2019-07", freq="M")  # the first request
    long = compute(c, series.index, ["ehcp_active", "requests_received"])
    wide = long.pivot(index="period", columns="kpi_id", values="value")
    assert (series["caseload"].to_numpy() == wide["ehcp_active"].to_numpy()).all()
    assert (series["requests"].to_numpy() == wide["requests_received"].to_numpy()).all()


def test_reviews_due_follow_the_reviews_familys_anchors(demo_data):
    """The next review falls due 12 months after the anchor the reviews family keeps for
    each plan (its start or last usable meeting): worked out again from that chain."""
    import numpy as np

    from sendlib.data.load import load_tables
    from sendlib.measures.cases import prepare
    from sendlib.measures.reviews import _anchors

    c = prepare(load_tables(demo_data))
    month = pd.Period(MONTH, freq="M")
    a = _anchors(c)
    mo = month.ordinal
    current = (a["m"] <= mo) & (a["next_m"] > mo) & (a["start_m"] <= mo) & (a["cease_m"] > mo)
    due_m = a.loc[current, "m"].to_numpy() + 12
    expected = [int((due_m <= mo).sum())]
    expected += [int((due_m == (month + k).ordinal).sum()) for k in range(1, 13)]
    assert reviews_due(c, month).tolist() == expected
    assert (
        np.sum(expected)
        == (c.plans["start_m"].to_numpy() <= mo).sum() - (c.plans["cease_m"].to_numpy() <= mo).sum()
    )
