"""How values look: number formats per unit, arrows, RAG words and missing-value symbols.

One place for formatting, so the scorecard CSV, the workbook and the paper always agree
and an arrow never contradicts the printed figures (both use the display precision).
"""

from __future__ import annotations

import datetime as dt
import math

GLYPHS = {"up": "▲", "down": "▼", "same": "►", "": ""}
DIRECTION_WORDS = {"up": "up", "down": "down", "same": "unchanged", "": ""}
RAG_WORDS = {"green": "on target", "amber": "near target", "red": "off target", "": ""}
VARIATION_WORDS = {
    "common_cause": "common cause variation",
    "improvement": "special cause: improving",
    "concern": "special cause: concerning",
    "neither": "special cause (neither better nor worse)",
    "": "",
}
ASSURANCE_WORDS = {
    "pass": "consistently meets target",
    "fail": "consistently misses target",
    "hit_and_miss": "may or may not meet target",
    "": "",
}
NOT_AVAILABLE = "[x]"  # GSS symbol: not available
CONFIDENTIAL = "[c]"  # GSS symbol: suppressed to protect a child
#: GSS symbol: not applicable (a month a termly KPI does not report in; no projection for a
#: recorded month)
NOT_APPLICABLE = "[z]"


#: what a cell shows when it holds no figure of its own
NO_FIGURE = ("", NOT_APPLICABLE)


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rounded(value: float | None, places: int) -> float | None:
    """The value as displayed (for comparisons at display precision)."""
    if is_missing(value):
        return None
    return float(f"{value:.{places}f}")


def comparator_period(period: str) -> str:
    """A comparator's period as a reader writes it: a calendar year (``2024-12``, as the
    DfE's release dates them) is 2024, any other month Jan 2025."""
    p = str(period)
    if len(p) == 7 and p[5:] == "12":
        return p[:4]
    return dt.date(int(p[:4]), int(p[5:7]), 1).strftime("%b %Y")


def format_value(value: float | None, unit: str, places: int, note: str | None = None) -> str:
    """Text of a value in its unit: 4,712 · 45.9% · 404.8 · £1,234 · [x] (or the note)."""
    if is_missing(value):
        return note or NOT_AVAILABLE
    text = f"{value:,.{places}f}"
    if unit == "percent":
        return f"{text}%"
    if unit == "currency":
        return f"£{text}"
    return text


def direction(value: float | None, previous: float | None, places: int) -> str:
    """up / down / same compared at display precision; '' when either is missing."""
    a, b = rounded(value, places), rounded(previous, places)
    if a is None or b is None:
        return ""
    return "up" if a > b else "down" if a < b else "same"


def rag(
    value: float | None, target: float | None, tolerance: float | None, polarity: str, places: int
) -> str:
    """green meets the target, amber misses by no more than the tolerance, red otherwise."""
    v = rounded(value, places)
    if v is None or target is None or polarity == "neutral":
        return ""
    tol = tolerance or 0.0
    if polarity == "up":
        return "green" if v >= target else "amber" if v >= target - tol else "red"
    return "green" if v <= target else "amber" if v <= target + tol else "red"
