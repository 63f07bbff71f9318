"""How far the data reaches: the extract date, and which report months it covers.

A case-management extract is taken on a day; nothing after that day can be in it. A paper
for a month the extract does not reach would count every later event as zero ("0 new
requests in November"), so such a month is refused, and a month it reaches only in part
("data to 9 November") is rendered only when asked for as provisional, and stamped so.
A command given no month reports the last month the extract covers to its last day. The
extract date is the one given for the month (``extract_date`` in
``params/months/YYYY-MM.yaml``) or, without one, the latest date found in the case-level
files that is not after today (a date after today is a typing error and a data-quality
finding, never the end of the data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sendlib.data.contract import contract
from sendlib.data.load import Tables


@dataclass(frozen=True)
class Extract:
    """The extract date and where it came from; ``date`` is None when the data holds no
    case-level event (a catalogue built only from partner returns)."""

    date: pd.Timestamp | None
    source: str
    given: bool = False  # set by the analyst, not inferred

    @property
    def last_month(self) -> pd.Period | None:
        """The last month the extract covers to its last day (the month it ends in, when
        it ends on that month's last day; else the month before)."""
        if self.date is None:
            return None
        month = pd.Period(self.date, freq="M")
        return month if self.date >= month.end_time.normalize() else month - 1

    @property
    def partial_month(self) -> pd.Period | None:
        """The month the extract reaches into without covering it whole, if any."""
        if self.date is None or self.last_month == pd.Period(self.date, freq="M"):
            return None
        return pd.Period(self.date, freq="M")

    def describe(self) -> str:
        return f"{self.date:%d %B %Y} ({self.source})" if self.date is not None else self.source

    def facts(self, month: pd.Period, provisional: bool) -> dict:
        """What the paper and its manifest say of the data's reach for ``month``."""
        partial = provisional and self.partial_month == month
        return {
            "extract_date": self.date.date().isoformat() if self.date is not None else None,
            "source": self.source,
            "provisional": bool(partial),
            "data_to": f"{self.date.day} {self.date:%B %Y}" if partial else None,
        }


def extract(t: Tables, given: dt.date | None = None, today: dt.date | None = None) -> Extract:
    """The extract date of the tables (see the module docstring)."""
    if given is not None:
        return Extract(pd.Timestamp(given), "extract_date in the month's parameters", True)
    limit = pd.Timestamp(today or dt.date.today())
    latest, where = None, ""
    # the event dates (contract.yaml `event`): not birth dates, nor deadlines that may lie ahead
    for name, spec in contract().files.items():
        frame = t.frames().get(name)
        if frame is None:
            continue
        for column in spec.event_dates:
            values = frame[column]
            values = values[values <= limit]
            if len(values) and values.notna().any():
                top = values.max()
                if latest is None or top > latest:
                    latest, where = top, f"the latest date in {t.file(name)} {column}"
    if latest is None:
        return Extract(None, "no dated case records")
    return Extract(pd.Timestamp(latest).normalize(), where)


def month_problem(
    month: pd.Period, found: Extract, folder: str, provisional: bool = False
) -> str | None:
    """Why a report month cannot be rendered from this extract, or None when it can: a
    month after the end of the data never; a month it covers only in part with
    ``provisional`` (the paper is then stamped as provisional)."""
    last = found.last_month
    if last is None or month <= last:
        return None
    if month == found.partial_month:
        if provisional:
            return None
        return (
            f"{folder}: report month {month} is covered only in part: the extract date is "
            f"{found.describe()}, so {last} is the last month it covers to its last day. "
            f"Render {last}, or give --provisional to publish {month:%B %Y} stamped "
            f"'Provisional: data to {found.date.day} {found.date:%B %Y}' (if the extract was "
            f"taken after the month ended, set extract_date in params/months/{month}.yaml)"
        )
    return (
        f"{folder}: report month {month} is after the end of the data. The extract date is "
        f"{found.describe()}, so the last month it covers is {last}. Render {last} or "
        "earlier, or give a later extract"
    )
