"""Statistical process control: XmR charts as NHS England's "Making Data Count" uses them.

Centre line = mean of the points; process limits = mean ± 2.66 × mean moving range.
Special-cause signals (REFERENCE.md, run length configurable, default 7), exactly as
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
    flagged = np.zeros(len(condition), bool)
    start = None
    for i, c in enumerate(np.r_[condition, False]):
        if c and start is None:
            start = i
        elif not c and start is not None:
            if i - start >= length:
                flagged[start:i] = True
            start = None
    return flagged


def signals(values, run: int = RUN) -> dict[str, np.ndarray]:
    """Which points take part in each kind of special-cause signal (blank values skipped)."""
    x = _points(values)
    s = xmr(x)
    above, below = x > s.mean, x < s.mean
    rising = np.r_[False, np.diff(x) > 0]
    falling = np.r_[False, np.diff(x) < 0]
    # a trend of n points is n-1 successive rises: flag the run of rises and its first point
    trend = np.zeros(len(x), bool)
    for steps in (rising, falling):
        hit = _runs(steps, run - 1)
        first = np.r_[hit[1:], False] & ~hit  # the point each run of rises starts from
        trend |= hit | first
    beyond_up, beyond_down = x > s.upper_band, x < s.lower_band
    two_of_three = np.zeros(len(x), bool)
    for beyond in (beyond_up, beyond_down):
        for i in range(max(len(x) - 2, 0)):
            window = beyond[i : i + 3]
            if window.sum() >= 2:
                two_of_three[i : i + 3] |= window
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


def variation(values, polarity: str, run: int = RUN) -> str:
    """Variation reading of the last point: common_cause, improvement, concern or neither."""
    x = _points(values)
    flagged = special_cause(x, run)
    if not len(x) or not flagged[-1]:
        return "common_cause"
    if polarity == "neutral":
        return "neither"
    mean = xmr(x).mean
    side = np.sign(x[-1] - mean)
    if side == 0:  # a trend point on the mean: the trend's direction decides
        side = np.sign(x[-1] - x[-2]) if len(x) > 1 else 0
    good = side > 0 if polarity == "up" else side < 0
    return "improvement" if good else "concern"


def assurance(values, target: float | None, polarity: str) -> str:
    """pass (limits wholly on the target's good side), fail (wholly bad), hit_and_miss, or ''."""
    if target is None or polarity == "neutral" or not len(_points(values)):
        return ""
    s = xmr(values)
    if polarity == "up":
        return "pass" if s.lower >= target else "fail" if s.upper < target else "hit_and_miss"
    return "pass" if s.upper <= target else "fail" if s.lower > target else "hit_and_miss"


def reading(
    values, polarity: str, target: float | None, window: int = 24, minimum: int = 12, run: int = RUN
) -> tuple[str, str]:
    """(variation, assurance) of a series ending at the period read (DESIGN.md).

    Uses at most the last ``window`` non-blank points and only when there are ≥ ``minimum``;
    blank when the period's own value is blank.
    """
    x = np.asarray(values, dtype=float)
    if not len(x) or np.isnan(x[-1]):
        return "", ""
    points = _points(x)[-window:]
    if len(points) < minimum:
        return "", ""
    return variation(points, polarity, run), assurance(points, target, polarity)
