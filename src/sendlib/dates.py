"""Calendar helpers in the council's terms: report months, month ends, ages, academic years."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def parse_month(text: str) -> pd.Period:
    """A report month from ``YYYY-MM``; raises ValueError with a readable message."""
    try:
        if len(text) != 7 or text[4] != "-":
            raise ValueError
        return pd.Period(text, freq="M")
    except (ValueError, TypeError):
        raise ValueError(f"month '{text}' is not written YYYY-MM") from None


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
