"""SPC on hand-checked series (mean, moving range and limits worked out by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from sendlib.scorecard import spc

NAN = float("nan")


def flagged(values, rule):
    return list(np.flatnonzero(spc.signals(values)[rule]))


def test_xmr_statistics():
    s = spc.xmr([10, 14, 10, 14])
    assert s.mean == 12
    assert s.mr_bar == 4
    assert s.upper == pytest.approx(12 + 2.66 * 4)
    assert s.lower_band == pytest.approx(12 - 1.7733 * 4, abs=1e-3)


def test_shift_of_seven_points_above_the_mean():
    # mean 10.93, mR 2, bands 7.39 and 14.48: the last 8 points (all 12s) are above the mean
    x = [8, 12] * 4 + [12] * 7
    assert flagged(x, "shift") == list(range(7, 15))
    assert flagged(x, "outside") == flagged(x, "trend") == flagged(x, "two_of_three") == []
    assert spc.variation(x, "up") == "improvement"
    assert spc.variation(x, "down") == "concern"
    assert spc.variation(x, "neutral") == "neither"


def test_six_points_on_one_side_is_not_a_shift():
    x = [9, 11] * 4 + [12] * 5 + [9]
    assert flagged(x, "shift") == []


def test_a_point_on_the_mean_breaks_a_shift():
    # mean exactly 10: eight points at or above it, but the 10 in the middle is on the mean
    x = [7, 11, 7, 11, 7, 11, 11, 11, 11, 10, 11, 11, 11]
    assert spc.xmr(x).mean == 10
    assert flagged(x, "shift") == []
    assert flagged([*x[:9], 11, *x[10:]], "shift") != []


def test_trend_of_seven_points():
    # 1..7 is seven points with six rises; mean 4.25, limits -1.55 to 10.05
    x = [3, 7, 3, 7, 3, 1, 2, 3, 4, 5, 6, 7]
    assert flagged(x, "trend") == list(range(5, 12))
    assert flagged(x, "shift") == flagged(x, "outside") == []
    assert spc.variation(x, "up") == "improvement"


def test_six_point_trend_and_equal_neighbours_do_not_count():
    assert flagged([3, 7, 3, 7, 3, 7, 1, 2, 3, 4, 5, 6], "trend") == []
    assert flagged([3, 7, 3, 7, 1, 2, 3, 3, 4, 5, 6, 7], "trend") == []


def test_single_outlier_outside_the_limits():
    # mean 13.38, mR 5, upper limit 26.68: only the 30 is special cause
    x = [10, 14] * 6 + [30]
    assert flagged(x, "outside") == [12]
    assert spc.special_cause(x).tolist() == [False] * 12 + [True]
    assert spc.variation(x, "down") == "concern"
    assert spc.variation([*x[:-1], 14], "down") == "common_cause"


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit():
    # mean 13.53, mR 4.71, band 21.89, limit 26.07: 22, 15, 22 -> the two 22s are flagged
    x = [10, 14] * 6 + [22, 15, 22]
    assert flagged(x, "two_of_three") == [12, 14]
    assert flagged(x, "outside") == []
    assert spc.variation(x, "up") == "improvement"


def test_two_of_three_needs_the_same_side():
    # mean 12.2, mR 7.21, bands -0.59 and 24.99, limits -7.0 and 31.4
    x = [10, 14] * 6 + [26, -2, 15]
    s = spc.xmr(x)
    assert x[12] > s.upper_band and x[13] < s.lower_band
    assert flagged(x, "two_of_three") == []


def test_flat_series_with_zero_moving_range_is_common_cause():
    x = [5.0] * 12
    s = spc.xmr(x)
    assert s.mr_bar == 0 and s.upper == s.lower == 5
    assert not spc.special_cause(x).any()
    assert spc.variation(x, "up") == "common_cause"
    assert spc.assurance(x, 5, "up") == "pass"
    assert spc.assurance(x, 6, "up") == "fail"
    assert spc.assurance(x, 5, "down") == "pass"


def test_assurance_hit_and_miss_and_neutral():
    x = [10, 14] * 6
    assert spc.assurance(x, 12, "up") == "hit_and_miss"
    assert spc.assurance(x, 0, "up") == "pass"
    assert spc.assurance(x, 30, "down") == "pass"
    assert spc.assurance(x, 0, "down") == "fail"
    assert spc.assurance(x, 12, "neutral") == ""
    assert spc.assurance(x, None, "up") == ""


def test_blank_values_are_skipped_not_counted():
    x = [9, NAN, 11] * 4 + [12] * 7
    assert spc.variation(x, "up") == spc.variation([9, 11] * 4 + [12] * 7, "up")


def test_reading_needs_twelve_points_and_uses_the_last_twenty_four():
    assert spc.reading([10, 14] * 5 + [10], "up", 12) == ("", "")
    assert spc.reading([10, 14] * 6, "up", 12) == ("common_cause", "hit_and_miss")
    assert spc.reading([10, 14] * 6 + [NAN], "up", 12) == ("", "")
    # an old outlier drops out once more than 24 later points exist
    old = [100] + [10, 14] * 12
    assert spc.reading(old, "up", None) == ("common_cause", "")
    assert spc.reading([100] + [10, 14] * 11 + [10], "up", None) != ("common_cause", "")
    assert spc.special_cause([100] + [10, 14] * 11)[0]


def test_run_length_is_configurable():
    # mean 10.77: the last six points are above it
    x = [9, 11] * 4 + [12] * 5
    assert spc.variation(x, "up", run=7) == "common_cause"
    assert spc.variation(x, "up", run=6) == "improvement"


def test_last_point_reading_agrees_with_every_signal_rule():
    # the scorecard reads only the last point; it must agree with the full rules on series
    # of every kind: noise, ties (small integers), walks with runs, and level shifts
    rng = np.random.default_rng(7)
    special = 0
    for i in range(6_000):
        k = int(rng.integers(1, 30))
        x = [
            rng.normal(size=k),
            rng.integers(0, 4, size=k).astype(float),
            np.cumsum(rng.integers(-1, 3, size=k)).astype(float),
            np.r_[rng.normal(size=k), rng.normal(3, 1, size=int(rng.integers(0, 8)))],
        ][i % 4]
        if i % 7 == 0 and k > 2:
            x[rng.integers(0, len(x))] = NAN
        expected = bool(spc.special_cause(x)[-1]) if (~np.isnan(x)).any() else False
        assert spc.last_is_special(x) == expected, x
        special += expected
    assert 600 < special < 5_400  # both answers are exercised


def test_fixed_limits_come_from_the_first_n_points_and_later_points_are_read_against_them():
    # 12 points around 10 (mR 4), then a step up: limits fixed after the 12 stay at
    # 10 ± 10.64 (-0.64 to 20.64), so the 21, 22, 21 are outside them and a target of 0 is
    # inside them; recalculated over all 15 points the limits move up (1.82 to 22.72) and
    # lie wholly above the target
    baseline = [8, 12] * 6
    x = [*baseline, 21, 22, 21]
    fixed = spc.xmr(baseline)
    assert (fixed.mean, fixed.mr_bar) == (10, 4)
    assert spc.reading(x, "up", 0, fix_after=12) == ("improvement", "hit_and_miss")
    assert spc.reading(x, "up", 0) == ("improvement", "pass")
    assert spc.reading(x[:12], "up", None, fix_after=13) == ("", "")  # waits for 13 points


def test_a_rebase_starts_a_phase_whose_limits_use_only_its_points():
    periods = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]
    starts = spc.phase_starts(periods, ("2025-01",))
    assert starts.tolist() == [0] * 12 + [12] * 12
    assert spc.phase_starts(periods, ()).tolist() == [0] * 24
    assert spc.phase_starts(periods, ("2023-06", "2024-07", "2026-01")).tolist() == (
        [0] * 6 + [6] * 18
    )
