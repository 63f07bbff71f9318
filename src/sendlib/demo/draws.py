"""Random draws and date arithmetic for the demo council: day numbers, per-year
parameters, weighted labels, and writing the contract's CSV files byte-stably."""

from __future__ import annotations

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
MISSING = np.iinfo(np.int64).min  # a missing day number


def day(text: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return int((np.datetime64(text, "D") - EPOCH).astype(np.int64))


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def by_year(table: dict[int, float], years: np.ndarray) -> np.ndarray:
    """Look up a per-year parameter, holding the last year's value afterwards."""
    keys = np.array(sorted(table))
    values = np.array([table[k] for k in keys])
    return values[np.clip(np.searchsorted(keys, years, side="right") - 1, 0, len(keys) - 1)]


def choice(rng: np.random.Generator, options: dict[str, float], n: int) -> np.ndarray:
    """``n`` draws from a weighted list of labels."""
    labels = np.array(list(options))
    weights = np.array(list(options.values()), dtype=float)
    return labels[rng.choice(len(labels), size=n, p=weights / weights.sum())]


def iso(days: np.ndarray) -> np.ndarray:
    """ISO date text of day numbers; missing days become blank."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == MISSING
    text = (np.where(missing, 0, days).astype("datetime64[D]")).astype(str)
    return np.where(missing, "", text)


def ids(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), 7))


def next_september(days: np.ndarray) -> np.ndarray:
    """The 1 September on or after each day (the start of the next academic year)."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    sept = (np.char.add(y.astype(str), "-09-01")).astype("datetime64[D]")
    sept = np.where(
        sept < d, (np.char.add((y + 1).astype(str), "-09-01")).astype("datetime64[D]"), sept
    )
    return (sept - EPOCH).astype(np.int64)
