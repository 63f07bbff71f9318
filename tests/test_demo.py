"""The synthetic council: deterministic, valid, and calibrated to the seeds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from sendlib.data import findings as fnd
from sendlib.data.contract import files
from sendlib.data.load import check_data
from sendlib.data.quality import find_warnings
from sendlib.demo import RETURN_PROFILES, generate

END = pd.Period("2025-06", freq="M")


@pytest.fixture(scope="module")
def council(demo_data):
    """The session's demo council (seed 42, to June 2025), validated."""
    tables, found = check_data(demo_data)
    return demo_data, tables, found


def _digest(folder):
    return {
        name: hashlib.sha256((folder / f"{name}.csv").read_bytes()).hexdigest() for name in files()
    }


def test_same_seed_gives_byte_identical_files(council, tmp_path):
    folder, _, _ = council
    generate(tmp_path, seed=42, end=END)
    assert _digest(tmp_path) == _digest(folder)


def test_other_seed_gives_other_files(council, tmp_path):
    generate(tmp_path, seed=7, end=END)
    assert _digest(tmp_path)["plans"] != _digest(council[0])["plans"]


def test_demo_has_every_file_and_no_errors(council):
    _, tables, found = council
    assert tables is not None, fnd.errors(found).head().to_string()
    for name in files():
        assert len(getattr(tables, name)) > 0, name


def test_demo_has_some_data_quality_warnings_of_several_kinds(council):
    _, tables, _ = council
    found = find_warnings(tables, END)
    assert {"duplicate_upn", "review_before_plan", "overlapping_placements", "blank_gender"} <= set(
        found["rule"]
    )
    assert "date_after_extract" not in set(found["rule"])


def _active(plans, month):
    end = pd.Period(month, freq="M").end_time.normalize()
    return int(((plans["start_date"] <= end) & ~(plans["cease_date"] <= end)).sum())


def test_caseload_grows_like_the_seeds(council):
    plans = council[1].plans
    assert 2_450 <= _active(plans, "2021-02") <= 2_950  # the council's February 2021 report: 2,695
    assert 4_300 <= _active(plans, "2025-05") <= 5_100  # its May 2025 scorecard: 4,712
    growth = _active(plans, "2024-06") / _active(plans, "2023-06") - 1
    assert 0.07 <= growth <= 0.16


def test_requests_have_term_time_seasonality(council):
    r = council[1].requests
    new = r[~r["transfer_in"]]
    per_month = new.groupby(new["received_date"].dt.to_period("M")).size()
    per_month = per_month[per_month.index >= pd.Period("2020-01", freq="M")]
    assert 40 <= per_month.median() <= 100
    by_calendar_month = per_month.groupby(per_month.index.month).mean()
    assert by_calendar_month[8] < by_calendar_month[11]  # August quiet, November busy


def test_timeliness_is_poor_in_2021_22_and_improves(council):
    t = council[1]
    req = t.requests.set_index("request_id")
    plans = t.plans.dropna(subset=["request_id"])
    plans = plans[~plans["request_id"].map(req["transfer_in"]).astype(bool)]
    days = (plans["start_date"] - plans["request_id"].map(req["received_date"])).dt.days
    pct = (days <= 140).groupby(plans["start_date"].dt.year).mean() * 100
    assert 5 <= pct[2021] <= 25 and 5 <= pct[2022] <= 25
    assert pct[2024] > pct[2022] + 20
    decided = t.requests[t.requests["request_outcome"].isin(["A", "N"])]
    refused = (decided["request_outcome"] == "N").mean() * 100
    assert 15 <= refused <= 30


def test_placement_mix_is_like_seed_003(council):
    t = council[1]
    month_end = pd.Timestamp("2025-05-31")
    p = t.plans
    active = p[(p["start_date"] <= month_end) & ~(p["cease_date"] <= month_end)]
    pl = t.placements
    current = pl[
        (pl["entry_date"] <= month_end)
        & ~(pl["leaving_date"] <= month_end)
        & pl["person_id"].isin(active["person_id"])
    ]
    share = current["setting"].value_counts(normalize=True) * 100
    assert 40 <= share["mainstream"] + share["mainstream_resourced"] <= 52
    assert 8 <= share["special_inmss"] <= 14
    assert 3 <= share["eotas_s61"] + share["eotas_s19"] <= 8
    assert 0.5 <= share["ehe"] <= 2
    assert 2 <= share["post16_specialist"] <= 5


def test_partner_returns_have_blank_months_with_notes(council):
    returns = council[1].returns
    assert set(RETURN_PROFILES) == set(returns["kpi_id"])
    blank = returns[returns["value"].isna()]
    assert len(blank) > 0
    assert blank["note"].notna().all()
    assert {"requested"} <= set(blank["note"])
    assert any(note.startswith("Available") for note in blank["note"])


def test_no_names_in_demo_people(council):
    person = council[1].person
    assert person["person_id"].str.fullmatch(r"P\d{7}").all()
    assert person["case_officer"].str.fullmatch(r"[A-Z0-9]{3}-\d{2}").all()


@pytest.mark.slow
def test_councils_like_the_release_have_their_size_rates_and_peers(tmp_path):
    # `sendlib demo --councils N --like-release`: real councils' sizes and yearly rates
    from sendlib.config import load_report
    from sendlib.demo.like_release import generate_like_release, pick, profiles
    from sendlib.measures.cases import prepare
    from sendlib.measures.registry import compute

    available = profiles()
    assert len(available) > 140  # nearly every council publishes all four rates
    sizes = [p.plans for p in pick(available, 6, seed=3)]
    assert sizes == sorted(sizes) and sizes[-1] > 5 * sizes[1]  # spread, not six alike
    written = generate_like_release(
        tmp_path, 2, seed=3, end=pd.Period("2025-03", freq="M"), params=Path("params")
    )
    for folder, profile in written:
        tables, found = check_data(folder)
        assert tables is not None, fnd.errors(found).head()
        k = compute(prepare(tables), [pd.Period("2025-01", freq="M")], ["ehcp_active"])
        assert k["value"].iloc[0] == pytest.approx(profile.plans, rel=0.15)
        report = load_report(folder / "params" / "report.yaml")
        assert profile.name in report.council and report.region_code == profile.region
        assert report.statistical_neighbours == list(profile.neighbours)
        own = (folder / "params" / "kpis.yaml").read_bytes()
        assert own == Path("params/kpis.yaml").read_bytes()
        bench = pd.read_csv(folder / "benchmarks.csv")
        assert {"england", "region", "statistical_neighbours"} <= set(bench["comparator"])
    # the 20-week rate follows the council's own published figure for 2024
    small, large = (p for _, p in written)
    assert small.rates.issued_20wk[2024] != large.rates.issued_20wk[2024]
