"""A report month (``2026-10``) as the command line and a run's request hold it.

The figures work in pandas ``Period`` months (``Month.period``); this small value is what
comes before them: parsing ``--month``, naming folders, titles and dates. It needs no
pandas, so a narrative-only re-render (which computes no figure) starts laying out its
PDF without waiting a second for pandas to load. The bottom layer of the package.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_WRITTEN = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month: ``str`` gives ``YYYY-MM``; formats like a date
    (``f"{month:%B %Y}"``); adding an int moves by months."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """A month from ``YYYY-MM``; raises ValueError with a readable message."""
        found = _WRITTEN.fullmatch(str(text).strip())
        if not found:
            raise ValueError(f"month '{text}' is not written YYYY-MM (for example 2025-06)")
        number = int(found.group(2))
        if not 1 <= number <= 12:
            raise ValueError(f"month '{text}': there is no month {number} (months are 01 to 12)")
        return cls(int(found.group(1)), number)

    @classmethod
    def of(cls, value: Month | pd.Period | dt.date | str) -> Month:
        """The month of a ``Month``, a pandas monthly ``Period``, a date or ``YYYY-MM``."""
        if isinstance(value, Month):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month)
        if isinstance(value, str):
            return cls.parse(value)
        return cls(int(value.year), int(value.month))  # a Period (or anything like one)

    @classmethod
    def last_complete(cls, today: dt.date | None = None) -> Month:
        """The latest calendar month that has fully ended (the default report month)."""
        return cls.of(today or dt.date.today()) - 1

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.number, 1)

    @property
    def end(self) -> dt.date:
        """The month's last day."""
        return dt.date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])

    @property
    def period(self) -> pd.Period:
        """The month as the figures use it (a pandas monthly ``Period``)."""
        import pandas as pd

        return pd.Period(str(self), freq="M")

    def strftime(self, pattern: str) -> str:
        return self.first.strftime(pattern)

    def __add__(self, months: int) -> Month:
        index = self.year * 12 + self.number - 1 + int(months)
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> Month:
        return self + (-int(months))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    def __format__(self, spec: str) -> str:
        return self.strftime(spec) if spec else str(self)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included."""
    count = (last.year - first.year) * 12 + last.number - first.number + 1
    return [first + i for i in range(max(count, 0))]


def parse_months(text: str) -> list[Month]:
    """Months written ``YYYY-MM:YYYY-MM`` (both included) or one ``YYYY-MM``; raises
    ValueError with a readable message."""
    first, _, last = str(text).partition(":")
    start, end = Month.parse(first), Month.parse(last or first)
    if end < start:
        raise ValueError(f"'{text}': the last month is before the first")
    return months_between(start, end)
