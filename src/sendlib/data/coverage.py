"""How far the data reaches: the extract date, and which report months it covers.

A case-management extract is taken on a day; nothing after that day can be in it. A paper
for a month the extract does not reach would count every later event as zero ("0 new
requests in November"), so such a month is refused. The extract date is the one given
for the month (``extract_date`` in ``params/months/YYYY-MM.yaml``) or, without one, the
latest date found in the case-level files that is not after today (a date after today is
a typing error and a data-quality finding, never the end of the data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sendlib.data.load import Tables

#: the dates that show how far the case-level data reaches (not birth dates)
EVENT_DATES = {
    "requests": ("received_date", "request_outcome_date"),
    "assessments": ("assessment_outcome_date",),
    "plans": ("start_date", "cease_date"),
    "reviews": ("review_meeting_date", "decision_date", "draft_date", "amended_date"),
    "phase_transfers": ("final_date",),  # not due_date: a deadline may lie ahead
    "placements": ("entry_date", "leaving_date"),
    "disputes": ("registered_date", "outcome_date"),
}


@dataclass(frozen=True)
class Extract:
    """The extract date and where it came from; ``date`` is None when the data holds no
    case-level event (a catalogue built only from partner returns)."""

    date: pd.Timestamp | None
    source: str
    given: bool = False  # set by the analyst, not inferred

    @property
    def last_month(self) -> pd.Period | None:
        """The last month the extract covers: a given date covers the months that ended
        by it; an inferred one, the month of the latest event."""
        if self.date is None:
            return None
        month = pd.Period(self.date, freq="M")
        if self.given and self.date < month.end_time.normalize():
            return month - 1
        return month

    def describe(self) -> str:
        return f"{self.date:%d %B %Y} ({self.source})" if self.date is not None else self.source


def extract(t: Tables, given: dt.date | None = None, today: dt.date | None = None) -> Extract:
    """The extract date of the tables (see the module docstring)."""
    if given is not None:
        return Extract(pd.Timestamp(given), "extract_date in the month's parameters", True)
    limit = pd.Timestamp(today or dt.date.today())
    latest, where = None, ""
    for name, columns in EVENT_DATES.items():
        frame = t.frames().get(name)
        if frame is None:
            continue
        for column in columns:
            values = frame[column]
            values = values[values <= limit]
            if len(values) and values.notna().any():
                top = values.max()
                if latest is None or top > latest:
                    latest, where = top, f"the latest date in {t.file(name)} {column}"
    if latest is None:
        return Extract(None, "no dated case records")
    return Extract(pd.Timestamp(latest).normalize(), where)


def month_problem(month: pd.Period, found: Extract, folder: str) -> str | None:
    """Why a report month cannot be rendered from this extract, or None when it can."""
    last = found.last_month
    if last is None or month <= last:
        return None
    return (
        f"{folder}: report month {month} is after the end of the data. The extract date is "
        f"{found.describe()}, so the last month it covers is {last}. Render {last} or "
        "earlier, or give a later extract"
    )
