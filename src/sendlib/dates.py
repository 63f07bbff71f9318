"""Calendar helpers in the council's terms: report months, month ends, ages, academic years."""

from __future__ import annotations

import datetime as dt

import numpy as np
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


def month_start(month: pd.Period) -> pd.Timestamp:
    """The first day of the month."""
    return month.start_time


def age_at(birth: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Age in completed years on ``when`` (vectorised; missing birth dates give <NA>)."""
    years = when.year - birth.dt.year
    before_birthday = (birth.dt.month > when.month) | (
        (birth.dt.month == when.month) & (birth.dt.day > when.day)
    )
    return (years - before_birthday.astype("Int64")).astype("Int64")


def months_between(periods: pd.Series | np.ndarray, month: pd.Period) -> np.ndarray:
    """Whole months from each period to ``month`` (month − period)."""
    return np.asarray(month.ordinal - pd.PeriodIndex(periods, freq="M").asi8)
