"""Statistical process control: XmR charts as NHS England's "Making Data Count" uses them.

Centre line = mean of the points; process limits = mean ± 2.66 × mean moving range.
Special-cause signals (run length configurable, default 7), exactly as
sendlib applies them:

* a point outside the limits (strictly beyond);
* a shift: 7 or more consecutive points strictly on one side of the mean (a point on the
  mean breaks it);
* a trend: 7 or more points, each strictly above (or below) the one before (6 successive
  rises or falls; equal neighbours break it);
* 2 of 3: two of three consecutive points beyond 2/3 of the way to a limit
  (mean ± 1.773 × mean moving range) on the same side, a point outside the limits
  counting as beyond; a point is flagged only if it is itself beyond the band.

The side of a signal is the flagged point's side of the mean. Blank values are skipped,
not counted. No moving-range screening.

Per KPI, the limits can be fixed and rebased as NHSRplotthedots does
(``fix_after_n_points``, ``rebase``; ``spc:`` in kpis.yaml): a *rebase* month starts a new
phase, whose limits come only from its own points; with *fix_after* N, a phase's mean and
limits are those of its first N points, and later points are read against them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66
BAND = 2.66 * 2 / 3  # 1.7733…: two thirds of the way to a limit
RUN = 7


@dataclass(frozen=True)
class XmR:
    """XmR chart statistics of a series."""

    mean: float
    mr_bar: float

    @property
    def upper(self) -> float:
        return self.mean + LIMIT * self.mr_bar

    @property
    def lower(self) -> float:
        return self.mean - LIMIT * self.mr_bar

    @property
    def upper_band(self) -> float:
        return self.mean + BAND * self.mr_bar

    @property
    def lower_band(self) -> float:
        return self.mean - BAND * self.mr_bar


def xmr(values: np.ndarray) -> XmR:
    """Mean and mean moving range of the (non-blank) points."""
    x = _points(values)
    mr = np.abs(np.diff(x))
    return XmR(float(x.mean()), float(mr.mean()) if len(mr) else 0.0)


def _points(values) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[~np.isnan(x)]


def _runs(condition: np.ndarray, length: int) -> np.ndarray:
    """Flag every element of a run of at least ``length`` consecutive True values."""
    edges = np.diff(np.concatenate(([0], np.asarray(condition, dtype=np.int8), [0])))
    flagged = np.zeros(len(condition), bool)
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if end - start >= length:
            flagged[start:end] = True
    return flagged


def _two_of_three(beyond: np.ndarray) -> np.ndarray:
    """Points beyond a band that are two of any three consecutive points beyond it."""
    n = len(beyond)
    flagged = np.zeros(n, bool)
    if n < 3:
        return flagged
    hit = (beyond[:-2].astype(int) + beyond[1:-1] + beyond[2:]) >= 2  # window from i
    for offset in range(3):
        flagged[offset : offset + n - 2] |= hit & beyond[offset : offset + n - 2]
    return flagged


def signals(values, run: int = RUN) -> dict[str, np.ndarray]:
    """Which points take part in each kind of special-cause signal (blank values skipped)."""
    x = _points(values)
    s = xmr(x)
    above, below = x > s.mean, x < s.mean
    steps = np.diff(x)
    rising = np.concatenate(([False], steps > 0))
    falling = np.concatenate(([False], steps < 0))
    # a trend of n points is n-1 successive rises: flag the run of rises and its first point
    trend = np.zeros(len(x), bool)
    for steps in (rising, falling):
        hit = _runs(steps, run - 1)
        first = np.concatenate((hit[1:], [False])) & ~hit  # where each run of rises starts
        trend |= hit | first
    beyond_up, beyond_down = x > s.upper_band, x < s.lower_band
    two_of_three = _two_of_three(beyond_up) | _two_of_three(beyond_down)
    return {
        "outside": (x > s.upper) | (x < s.lower),
        "shift": _runs(above, run) | _runs(below, run),
        "trend": trend,
        "two_of_three": two_of_three,
    }


def special_cause(values, run: int = RUN) -> np.ndarray:
    """True for each (non-blank) point that is part of any signal."""
    found = signals(values, run)
    return np.logical_or.reduce(list(found.values())) if len(_points(values)) else np.zeros(0, bool)


def _trailing(condition: np.ndarray) -> int:
    """How many consecutive True values end the array."""
    false = np.flatnonzero(~condition)
    return len(condition) - 1 - int(false[-1]) if len(false) else len(condition)


def last_is_special(values, run: int = RUN, chart: XmR | None = None) -> bool:
    """``special_cause(values, run)[-1]``, reading only what can flag the last point (the
    scorecard asks this of every KPI and month): a shift or trend it ends, a limit it is
    beyond, or the one window of three that ends with it. ``chart``: the points' XmR, if
    already at hand."""
    x = _points(values)
    if not len(x):
        return False
    s = chart or xmr(x)
    last = x[-1]
    if last > s.upper or last < s.lower:
        return True
    if _trailing(x > s.mean) >= run or _trailing(x < s.mean) >= run:
        return True
    steps = np.diff(x)
    if _trailing(steps > 0) >= run - 1 or _trailing(steps < 0) >= run - 1:
        return True
    if len(x) >= 3:
        for beyond in (x[-3:] > s.upper_band, x[-3:] < s.lower_band):
            if beyond[-1] and beyond.sum() >= 2:
                return True
    return False


def variation(values, polarity: str, run: int = RUN, chart: XmR | None = None) -> str:
    """Variation reading of the last point: common_cause, improvement, concern or neither."""
    x = _points(values)
    chart = chart or xmr(x)
    if not last_is_special(x, run, chart):
        return "common_cause"
    if polarity == "neutral":
        return "neither"
    mean = chart.mean
    side = np.sign(x[-1] - mean)
    if side == 0:  # a trend point on the mean: the trend's direction decides
        side = np.sign(x[-1] - x[-2]) if len(x) > 1 else 0
    good = side > 0 if polarity == "up" else side < 0
    return "improvement" if good else "concern"


def assurance(values, target: float | None, polarity: str, chart: XmR | None = None) -> str:
    """pass (limits wholly on the target's good side), fail (wholly bad), hit_and_miss, or ''."""
    if target is None or polarity == "neutral" or not len(_points(values)):
        return ""
    s = chart or xmr(values)
    if polarity == "up":
        return "pass" if s.lower >= target else "fail" if s.upper < target else "hit_and_miss"
    return "pass" if s.upper <= target else "fail" if s.lower > target else "hit_and_miss"


def reading(
    values,
    polarity: str,
    target: float | None,
    window: int = 24,
    minimum: int = 12,
    run: int = RUN,
    fix_after: int | None = None,
) -> tuple[str, str]:
    """(variation, assurance) of a series ending at the period read (``spc_variation``,
    ``spc_assurance`` of scorecard.csv).

    Uses at most the last ``window`` non-blank points and only when there are ≥ ``minimum``;
    blank when the period's own value is blank. ``values`` start at the phase's first
    period (a rebase); with ``fix_after`` N the limits are those of the phase's first N
    points (the reading waits until there are N), and the last ``window`` points are read
    against them.
    """
    x = np.asarray(values, dtype=float)
    if not len(x) or np.isnan(x[-1]):
        return "", ""
    every = _points(x)
    points = every[-window:]
    if len(points) < minimum or (fix_after is not None and len(every) < fix_after):
        return "", ""
    chart = xmr(every[:fix_after] if fix_after is not None else points)  # once for both
    return variation(points, polarity, run, chart), assurance(points, target, polarity, chart)


def phase_starts(periods: list[str], rebase: tuple[str, ...]) -> np.ndarray:
    """For each period (``YYYY-MM``, in order), the index of the first period of its phase:
    the latest rebase month on or before it (0 before any)."""
    starts = np.zeros(len(periods), dtype=np.int64)
    if not rebase:
        return starts
    at = np.searchsorted(np.asarray(periods, dtype=str), np.asarray(rebase, dtype=str))
    for index in at:  # rebase months in order: a later one starts a later phase
        if index < len(periods):
            starts[index:] = index
    return starts
