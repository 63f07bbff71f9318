"""Time as the KPI families count it: month ordinals, day numbers and windows of months.

Time is handled in two units. A *month ordinal* is ``pd.Period(..., "M").ordinal``
(months since 1970-01): "on or before the end of month M" is simply ``ordinal <= M``.
A *day number* counts days since 1970-01-01, for the statutory limits in days (42, 140).
A missing date means the event has not happened, so it becomes ``NEVER`` (after every
month), which makes "not yet ceased" and "ceased after month end" the same test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NEVER = np.iinfo(np.int64).max // 2


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of day numbers, in integer arithmetic (H. Hinnant's
    ``civil_from_days``): numpy's own calendar conversion to months is ten times slower."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, day


#: month ordinal and yyyymmdd of every day from 1900 to 2199, looked up by day number:
#: a gather from a small table beats the arithmetic on millions of dates
_DAY0 = int(np.datetime64("1900-01-01", "D").astype(np.int64))
_DAYS = np.arange(_DAY0, int(np.datetime64("2200-01-01", "D").astype(np.int64)))
_Y, _M, _D = _civil(_DAYS)
_MONTH_OF = ((_Y - 1970) * 12 + _M - 1).astype(np.int32)
_YMD_OF = (_Y * 10000 + _M * 100 + _D).astype(np.int32)


def _lookup(days: np.ndarray, table: np.ndarray, far) -> np.ndarray:
    """``table`` at each day number (days outside the table: ``far(days)``)."""
    offset = days - _DAY0
    inside = (offset >= 0) & (offset < len(table))
    if inside.all():
        return table[offset].astype(np.int64)
    out = table[np.where(inside, offset, 0)].astype(np.int64)
    out[~inside] = far(days[~inside])
    return out


def _far_month(days: np.ndarray) -> np.ndarray:
    y, m, _ = _civil(days)
    return (y - 1970) * 12 + m - 1


def _far_ymd(days: np.ndarray) -> np.ndarray:
    y, m, d = _civil(days)
    return y * 10000 + m * 100 + d


@dataclass(frozen=True)
class Dates:
    """One date column in the three units the families use; missing → NEVER (ymd → 0)."""

    day: np.ndarray
    month: np.ndarray
    ymd: np.ndarray


def dates(values: pd.Series) -> Dates:
    """Day numbers, month ordinals and yyyymmdd of a date column, converted once."""
    day = day_num(values)
    offset = day - _DAY0
    inside = (offset >= 0) & (offset < len(_DAYS))
    if inside.all():  # no date missing, none before 1900 or after 2199: two gathers
        return Dates(day, _MONTH_OF[offset].astype(np.int64), _YMD_OF[offset].astype(np.int64))
    at = np.where(inside, offset, 0)
    month, ymd = _MONTH_OF[at].astype(np.int64), _YMD_OF[at].astype(np.int64)
    missing = day >= NEVER
    month[missing], ymd[missing] = NEVER, 0
    far = ~inside & ~missing
    if far.any():
        month[far], ymd[far] = _far_month(day[far]), _far_ymd(day[far])
    return Dates(day, month, ymd)


def month_ord(values: pd.Series) -> np.ndarray:
    """Month ordinal of each date; missing → NEVER."""
    return dates(values).month


def day_num(values: pd.Series) -> np.ndarray:
    """Day number of each date; missing → NEVER."""
    arr = values.to_numpy(dtype="datetime64[s]", na_value=np.datetime64("NaT"))
    out = arr.view(np.int64) // 86400
    return np.where(np.isnat(arr), NEVER, out)


def ymd(values: pd.Series) -> np.ndarray:
    """Dates as yyyymmdd integers (missing → 0), so completed years are a difference // 10000."""
    return dates(values).ymd


def ymd_of(ts: pd.Timestamp) -> int:
    """A timestamp as a yyyymmdd integer."""
    return ts.year * 10000 + ts.month * 100 + ts.day


def month_end_ymd(month: int) -> int:
    """yyyymmdd of the last day of a month ordinal."""
    return ymd_of(pd.Period(ordinal=month, freq="M").end_time)


def month_end_day(month: int) -> int:
    """Day number of the last day of a month ordinal."""
    p = pd.Period(ordinal=month, freq="M")
    return int(np.datetime64(p.end_time.date(), "D").astype(np.int64))


def age_years(birth_ymd: np.ndarray, when_ymd: int) -> np.ndarray:
    """Completed years of age on a date."""
    return (when_ymd - birth_ymd) // 10000


def academic_age(birth_ymd: np.ndarray, month: int) -> np.ndarray:
    """Age on 31 August at the start of the academic year containing the month.

    Academic age 3 = the 'rising 5s' who start Reception next September; 4 = Reception.
    """
    p = pd.Period(ordinal=month, freq="M")
    start_year = p.year if p.month >= 9 else p.year - 1
    return age_years(birth_ymd, start_year * 10000 + 831)


def month_of_day(days: np.ndarray) -> np.ndarray:
    """Month ordinal of day numbers (NEVER stays NEVER)."""
    days = np.asarray(days, dtype=np.int64)
    never = days >= NEVER
    return np.where(never, NEVER, _lookup(np.where(never, _DAY0, days), _MONTH_OF, _far_month))


def _ymd_parts(birth_ymd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    b = np.asarray(birth_ymd, dtype=np.int64)
    return b // 10000, (b // 100) % 100, b % 100


def first_month_aged(birth_ymd: np.ndarray, years: int) -> np.ndarray:
    """First month at whose end a person is ``years`` old in completed years (as ``age_years``).

    A 29 February birthday in a non-leap year is reached on 1 March, as yyyymmdd arithmetic has it.
    """
    y, m, d = _ymd_parts(birth_ymd)
    ty = y + years
    month = (ty - 1970) * 12 + (m - 1)
    leap = (ty % 4 == 0) & ((ty % 100 != 0) | (ty % 400 == 0))
    past_month_end = (m == 2) & (d == 29) & ~leap
    return month + past_month_end


def first_month_academic_age(birth_ymd: np.ndarray, years: int) -> np.ndarray:
    """First month whose academic year gives academic age ``years`` (age on 31 August): the
    September of the year the person is ``years`` on or before 31 August."""
    y, m, _ = _ymd_parts(birth_ymd)
    start_year = y + years + (m >= 9)
    return (start_year - 1970) * 12 + 8


def academic_age_at(birth_ymd: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Academic age of each person in their own month (element-wise ``academic_age``)."""
    months = np.asarray(months, dtype=np.int64)
    start_year = 1970 + months // 12 - (months % 12 < 8)
    return (start_year * 10000 + 831 - np.asarray(birth_ymd, dtype=np.int64)) // 10000


def _bins(lo: np.ndarray, hi: np.ndarray, base: int, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows [lo, hi) as the bins where each starts and ends within months base … top
    (top + 1: after them). An empty window (lo ≥ hi) starts and ends in the same bin, so it
    counts nowhere — cheaper than taking the non-empty windows out of millions."""
    starts = np.clip(lo, base, top + 1)
    starts -= base
    ends = np.clip(hi, base, top + 1)
    ends -= base
    np.maximum(ends, starts, out=ends)
    return starts, ends


def count_open(lo: np.ndarray, hi: np.ndarray, months: np.ndarray) -> np.ndarray:
    """For each month M, how many windows [lo, hi) contain it (vectorised over months).

    A difference array over the months' range: O(n), no sorting, whatever ``lo``/``hi`` hold.
    """
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros(0, dtype=np.int64)
    base, top = int(months.min()), int(months.max())
    span = top - base + 2
    starts, ends = _bins(np.asarray(lo, np.int64), np.asarray(hi, np.int64), base, top)
    diff = np.bincount(starts, minlength=span) - np.bincount(ends, minlength=span)
    return np.cumsum(diff)[months - base]


def count_open_by(
    lo: np.ndarray, hi: np.ndarray, keys: np.ndarray, n_keys: int, months: np.ndarray
) -> np.ndarray:
    """``count_open`` for each key 0 … n_keys-1 at once: an (n_keys, len(months)) array.

    One pass over the windows, however many keys (e.g. every setting's count).
    """
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros((n_keys, 0), dtype=np.int64)
    base, top = int(months.min()), int(months.max())
    span = top - base + 2
    starts, ends = _bins(np.asarray(lo, np.int64), np.asarray(hi, np.int64), base, top)
    row = np.asarray(keys, dtype=np.int64) * span
    starts += row
    ends += row
    size = n_keys * span
    diff = np.bincount(starts, minlength=size) - np.bincount(ends, minlength=size)
    return np.cumsum(diff.reshape(n_keys, span), axis=1)[:, months - base]


def count_in(values: np.ndarray, months: np.ndarray) -> np.ndarray:
    """For each month M, how many month ordinals equal M."""
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros(0, dtype=np.int64)
    base, top = int(months.min()), int(months.max())
    # bin 0: before the months; bin top - base + 2: after them
    bins = np.clip(np.asarray(values, dtype=np.int64), base - 1, top + 1)
    bins -= base - 1
    return np.bincount(bins, minlength=top - base + 3)[months - base + 1]


def count_in_by(
    values: np.ndarray, keys: np.ndarray, n_keys: int, months: np.ndarray
) -> np.ndarray:
    """``count_in`` for each key 0 … n_keys-1 at once: an (n_keys, len(months)) array."""
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros((n_keys, 0), dtype=np.int64)
    base, top = int(months.min()), int(months.max())
    span = top - base + 3
    bins = np.clip(np.asarray(values, dtype=np.int64), base - 1, top + 1) - (base - 1)
    bins += np.asarray(keys, dtype=np.int64) * span
    counts = np.bincount(bins, minlength=n_keys * span).reshape(n_keys, span)
    return counts[:, months - base + 1]


def next_differs(keys: np.ndarray) -> np.ndarray:
    """True where the next element has another key (or there is none): the last of each run."""
    out = np.ones(len(keys), bool)
    out[:-1] = keys[1:] != keys[:-1]
    return out


def shift(values: np.ndarray, fill) -> np.ndarray:
    """Values moved one place later, ``fill`` first (``np.r_`` without the empty-array trap)."""
    out = np.empty(len(values), dtype=np.result_type(values, np.asarray(fill)))
    out[1:] = values[:-1]
    if len(out):
        out[0] = fill
    return out


def pct(numerator, denominator) -> np.ndarray:
    """Percentage 0–100; an empty denominator gives NaN (missing, shown ``[x]``), never 0:
    a share of nothing is undefined, not none."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)


def months_after(month: pd.Period, ahead: int) -> list[pd.Period]:
    """The ``ahead`` months after ``month``, in order."""
    return [month + k for k in range(1, ahead + 1)]
