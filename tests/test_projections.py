"""Projections of a monthly series: series of known shape are recovered within their
intervals, the backtest is the method run again on the data known then, and a short
history gives no projection (with the reason)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sendlib.measures import projections as pj

MONTHS = 48
AHEAD = pj.HORIZON
T = np.arange(MONTHS + AHEAD)
SHAPES = {
    "flat": 100.0 + 0 * T,
    "linear_trend": 100.0 + 5 * T,
    "seasonal": 100.0 + 30 * np.sin(2 * np.pi * T / 12),
    "step_change": np.where(T < 30, 100.0, 150.0),
}


def noisy(shape: str, seed: int = 1, sd: float = 5.0, months: int = MONTHS) -> pd.Series:
    rng = np.random.default_rng(seed)
    values = SHAPES[shape][:months] + rng.normal(0, sd, months)
    return pd.Series(values, index=pd.period_range("2021-01", periods=months, freq="M"))


@pytest.mark.parametrize("shape", SHAPES)
def test_a_series_of_known_shape_is_recovered_within_its_intervals(shape):
    """Three noisy copies of each shape: the noiseless continuation lies inside the 95%
    interval at (nearly) every month ahead, and inside the 80% interval most of the time."""
    in80, in95 = [], []
    truth = SHAPES[shape][MONTHS:]
    for seed in (1, 2, 3):
        made = pj.project(shape, noisy(shape, seed), [pj.DAMPED, pj.SEASONAL])
        assert made.made and len(made.projection) == AHEAD
        ahead = made.projection
        in80 += list((ahead["lo80"] <= truth) & (truth <= ahead["hi80"]))
        in95 += list((ahead["lo95"] <= truth) & (truth <= ahead["hi95"]))
        # the 80% interval is inside the 95% one, around the central projection
        assert (ahead["lo95"] <= ahead["lo80"]).all() and (ahead["lo80"] <= ahead["mean"]).all()
        assert (ahead["mean"] <= ahead["hi80"]).all() and (ahead["hi80"] <= ahead["hi95"]).all()
        months = pd.period_range("2025-01", periods=AHEAD, freq="M")
        assert list(ahead.index) == [str(p) for p in months]
    assert np.mean(in95) >= 0.9, shape
    assert np.mean(in80) >= 0.6, shape


def test_a_seasonal_series_is_projected_with_the_seasonal_model_and_keeps_its_season():
    made = pj.project("requests", noisy("seasonal"), [pj.DAMPED, pj.SEASONAL])
    assert made.model is pj.SEASONAL
    assert made.scores["seasonal"] < made.scores["damped"]
    # the truth peaks at the 3rd month of each year and troughs at the 9th
    ahead = made.projection["mean"].to_numpy()
    assert ahead.argmax() == 3 and ahead.argmin() == 9


def test_after_a_step_change_the_projection_is_at_the_new_level():
    made = pj.project("caseload", noisy("step_change"), [pj.DAMPED, pj.SEASONAL])
    assert np.abs(made.projection["mean"] - 150).max() < 10


def test_a_linear_trend_is_projected_upwards_and_a_flat_series_flat():
    trend = pj.project("caseload", noisy("linear_trend"), [pj.DAMPED, pj.SEASONAL]).projection
    assert (np.diff(trend["mean"]) > 0).all()
    flat = pj.project("caseload", noisy("flat"), [pj.DAMPED, pj.SEASONAL]).projection
    assert np.ptp(flat["mean"]) < 10


def test_the_80_percent_interval_holds_about_four_times_in_five():
    """Over many noisy flat series the next month falls inside the one-step 80% interval
    about 80% of the time (calibration, not luck of one series)."""
    held = []
    for seed in range(40):
        series = noisy("flat", seed=seed, months=MONTHS + 1).to_numpy()
        result = pj.fit(series[:-1], pj.DAMPED)
        ahead = pj.forecast(result, 1).iloc[0]
        held.append(ahead["lo80"] <= series[-1] <= ahead["hi80"])
    assert 0.65 <= np.mean(held) <= 0.95


def test_the_backtest_is_the_method_run_again_on_the_data_known_at_each_origin():
    series = noisy("seasonal")
    made = pj.project("requests", series, [pj.SEASONAL, pj.DAMPED])
    frame = made.backtests["seasonal"]
    # the last 12 month ends before the report month, each projecting up to it
    assert sorted(frame["origin"].unique()) == [str(p) for p in series.index[-13:-1]]
    assert len(frame) == sum(range(1, 13))
    # a year ago: fitted to the 36 months known then, 12 steps ahead
    row = frame[(frame["origin"] == str(series.index[-13]))].iloc[-1]
    again = pj.forecast(pj.fit(series.to_numpy()[:-12], pj.SEASONAL), 12).iloc[-1]
    assert row["target"] == str(series.index[-1]) and row["horizon"] == 12
    assert row["mean"] == pytest.approx(again["mean"])
    assert row["lo80"] == pytest.approx(again["lo80"])
    assert row["actual"] == series.iloc[-1]
    # the error is computed from the rows: change what happened and it changes
    assert made.scores["seasonal"] == pytest.approx(pj.wape(frame))
    changed = series.copy()
    changed.iloc[-1] += 500
    redone = pj.project("requests", changed, [pj.SEASONAL, pj.DAMPED])
    assert redone.scores["seasonal"] > made.scores["seasonal"]
    held, n = pj.coverage(redone.backtests["seasonal"], str(series.index[-1]), 80)
    assert (held, n) == (0, 12)


def test_coverage_counts_the_origins_whose_interval_held_the_actual_value():
    frame = pd.DataFrame(
        {
            "target": ["2025-06"] * 3 + ["2025-05"],
            "lo80": [90.0, 101.0, 95.0, 0.0],
            "hi80": [110.0, 120.0, 100.0, 1.0],
            "actual": [100.0, 100.0, 100.0, 5.0],
        }
    )
    assert pj.coverage(frame, "2025-06", 80) == (2, 3)  # 100 in [90, 110] and [95, 100]


def test_the_wape_is_the_absolute_error_over_what_happened():
    frame = pd.DataFrame({"mean": [110.0, 90.0, 50.0], "actual": [100.0, 100.0, 100.0]})
    assert pj.wape(frame) == pytest.approx(100 * (10 + 10 + 50) / 300)


def test_less_than_two_years_of_history_gives_no_projection_and_says_why():
    made = pj.project("caseload", noisy("linear_trend", months=23), [pj.DAMPED, pj.SEASONAL])
    assert not made.made and made.projection.empty and not made.backtests
    assert "23 months" in made.reason and "at least 24" in made.reason


def test_two_years_exactly_is_projected_but_cannot_yet_be_backtested():
    made = pj.project("caseload", noisy("linear_trend", months=24), [pj.DAMPED, pj.SEASONAL])
    assert made.made and made.model is pj.DAMPED  # the usual model: nothing to choose by
    assert all(frame.empty for frame in made.backtests.values())


def test_a_constant_series_is_not_projected_and_does_not_fail():
    series = pd.Series(0.0, index=pd.period_range("2021-01", periods=36, freq="M"))
    made = pj.project("requests", series, [pj.SEASONAL, pj.DAMPED])
    assert not made.made and "could not be fitted" in made.reason


def test_counts_are_never_projected_below_zero():
    series = pd.Series(
        np.r_[np.linspace(40, 2, 30), [1, 0, 1, 0, 0, 1]],
        index=pd.period_range("2021-01", periods=36, freq="M"),
    )
    made = pj.project("requests", series, [pj.DAMPED, pj.SEASONAL])
    assert (made.projection.to_numpy() >= 0).all()
    assert made.total["lo95"] >= 0


def test_the_twelve_month_total_is_reproducible_and_brackets_the_sum_of_the_months():
    series = noisy("seasonal")
    first = pj.project("requests", series, [pj.SEASONAL, pj.DAMPED])
    again = pj.project("requests", series, [pj.SEASONAL, pj.DAMPED])
    assert first.total == again.total
    assert first.total["mean"] == pytest.approx(first.projection["mean"].sum())
    assert first.total["lo95"] < first.total["lo80"] < first.total["mean"]
    assert first.total["mean"] < first.total["hi80"] < first.total["hi95"]
