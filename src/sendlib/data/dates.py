"""Calendar helpers in the council's terms: report months, month ends, ages, school terms."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sendlib.months import Month

#: months in which figures of each frequency exist (termly = the school census months)
SCHEDULE: dict[str, tuple[int, ...]] = {
    "monthly": tuple(range(1, 13)),
    "termly": (1, 5, 10),
    "quarterly": (3, 6, 9, 12),
    "annual": (12,),
}


def last_complete_month(today: dt.date | None = None) -> pd.Period:
    """The latest calendar month that has fully ended (the default report month)."""
    return Month.last_complete(today).period


def month_end(month: pd.Period) -> pd.Timestamp:
    """The last day of the month: "at month end" in every measure."""
    return month.end_time.normalize()


def age_at(birth: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Age in completed years on ``when`` (vectorised; missing birth dates give <NA>)."""
    years = when.year - birth.dt.year
    before_birthday = (birth.dt.month > when.month) | (
        (birth.dt.month == when.month) & (birth.dt.day > when.day)
    )
    return (years - before_birthday.astype("Int64")).astype("Int64")
