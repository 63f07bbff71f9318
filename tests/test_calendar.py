"""The month and window arithmetic every KPI family counts with, against plain loops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sendlib.measures.calendar import (
    NEVER,
    count_in,
    count_open,
    count_open_by,
    dates,
    month_of_day,
)
from sendlib.measures.threads import in_threads


@pytest.mark.parametrize(
    "text",
    [
        ["2026-10-31", "2024-02-29", "1970-01-01"],  # every day inside the table
        ["2026-10-31", None, "1850-06-15", "2250-01-01", "1900-01-01", "2199-12-31"],
    ],
)
def test_dates_give_the_month_and_yyyymmdd_pandas_gives(text):
    column = pd.Series(pd.to_datetime(text), dtype="datetime64[s]")
    got = dates(column)
    for i, value in enumerate(column):
        if pd.isna(value):
            assert (got.day[i], got.month[i], got.ymd[i]) == (NEVER, NEVER, 0)
            continue
        assert got.month[i] == pd.Period(value, "M").ordinal
        assert got.ymd[i] == value.year * 10000 + value.month * 100 + value.day
        assert month_of_day(got.day[i : i + 1])[0] == got.month[i]
    assert month_of_day(np.array([NEVER]))[0] == NEVER


def _windows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lo = rng.integers(600, 700, n)
    hi = lo + rng.integers(-6, 40, n)  # some empty or reversed windows
    hi[rng.random(n) < 0.2] = NEVER  # still open
    lo[rng.random(n) < 0.05] = NEVER  # never opened
    return lo, hi


@pytest.mark.parametrize("seed", range(5))
def test_window_counts_equal_a_plain_count_for_every_month(seed):
    lo, hi = _windows(500, seed)
    months = np.array([655, 640, 641, 690, 699, 700, 720])  # unsorted, with gaps
    expected = [int(((lo <= m) & (hi > m)).sum()) for m in months]
    assert count_open(lo, hi, months).tolist() == expected
    assert count_in(lo, months).tolist() == [int((lo == m).sum()) for m in months]
    keys = np.random.default_rng(seed).integers(0, 4, len(lo))
    by_key = count_open_by(lo, hi, keys, 5, months)
    for key in range(5):
        mine = keys == key
        assert by_key[key].tolist() == count_open(lo[mine], hi[mine], months).tolist()


def test_window_counts_take_32_bit_months_and_no_months():
    lo, hi = _windows(100, 9)
    small = np.array([650, 660])
    assert (
        count_open(lo, np.minimum(hi, 2**30).astype(np.int32), small)
        == count_open(lo, np.minimum(hi, 2**30), small)
    ).all()
    assert count_open(lo, hi, np.array([], dtype=np.int64)).shape == (0,)
    assert count_open_by(lo, hi, np.zeros(len(lo), int), 1, np.array([], int)).shape == (1, 0)


def test_jobs_in_threads_return_their_results_in_order():
    done = in_threads({name: (lambda n=n: n * 2) for n, name in enumerate("abcde")})
    assert list(done) == list("abcde")
    assert list(done.values()) == [0, 2, 4, 6, 8]
