"""Calendar helpers in the council's terms: report months, month ends, ages, school terms."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

#: months in which figures of each frequency exist (termly = the school census months)
SCHEDULE: dict[str, tuple[int, ...]] = {
    "monthly": tuple(range(1, 13)),
    "termly": (1, 5, 10),
    "quarterly": (3, 6, 9, 12),
    "annual": (12,),
}


def parse_month(text: str) -> pd.Period:
    """A report month from ``YYYY-MM``; raises ValueError with a readable message."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", str(text).strip())
    if not found:
        raise ValueError(f"month '{text}' is not written YYYY-MM (for example 2025-06)")
    number = int(found.group(2))
    if not 1 <= number <= 12:
        raise ValueError(f"month '{text}': there is no month {number} (months are 01 to 12)")
    return pd.Period(f"{found.group(1)}-{found.group(2)}", freq="M")


def last_complete_month(today: dt.date | None = None) -> pd.Period:
    """The latest calendar month that has fully ended (the default report month)."""
    today = today or dt.date.today()
    return pd.Period(today, freq="M") - 1


def month_end(month: pd.Period) -> pd.Timestamp:
    """The last day of the month (DESIGN.md: "at month end")."""
    return month.end_time.normalize()


def age_at(birth: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Age in completed years on ``when`` (vectorised; missing birth dates give <NA>)."""
    years = when.year - birth.dt.year
    before_birthday = (birth.dt.month > when.month) | (
        (birth.dt.month == when.month) & (birth.dt.day > when.day)
    )
    return (years - before_birthday.astype("Int64")).astype("Int64")
