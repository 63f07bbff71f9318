"""Cases: the validated tables joined once and turned into arrays the KPI families share.

Time is handled in two units. A *month ordinal* is ``pd.Period(..., "M").ordinal``
(months since 1970-01): "on or before the end of month M" is simply ``ordinal <= M``.
A *day number* counts days since 1970-01-01, for the statutory limits in days (42, 140).
A missing date means the event has not happened, so it becomes ``NEVER`` (after every
month), which makes "not yet ceased" and "ceased after month end" the same test.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sendlib.load import Tables

NEVER = np.iinfo(np.int64).max // 2


def month_ord(values: pd.Series) -> np.ndarray:
    """Month ordinal of each date; missing → NEVER."""
    arr = values.to_numpy(dtype="datetime64[s]", na_value=np.datetime64("NaT"))
    out = arr.astype("datetime64[M]").astype(np.int64)
    return np.where(np.isnat(arr), NEVER, out)


def day_num(values: pd.Series) -> np.ndarray:
    """Day number of each date; missing → NEVER."""
    arr = values.to_numpy(dtype="datetime64[s]", na_value=np.datetime64("NaT"))
    out = arr.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(arr), NEVER, out)


def ymd(values: pd.Series) -> np.ndarray:
    """Dates as yyyymmdd integers (missing → 0), so completed years are a difference // 10000."""
    v = values.dt
    return (v.year * 10000 + v.month * 100 + v.day).fillna(0).to_numpy(dtype=np.int64)


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
    out = np.where(never, 0, days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.where(never, NEVER, out)


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


def count_open(lo: np.ndarray, hi: np.ndarray, months: np.ndarray) -> np.ndarray:
    """For each month M, how many windows [lo, hi) contain it (vectorised over months).

    A difference array over the months' range: O(n), no sorting, whatever ``lo``/``hi`` hold.
    """
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros(0, dtype=np.int64)
    base, top = int(months.min()), int(months.max())
    span = top - base + 2
    keep = lo < hi
    starts = np.clip(np.asarray(lo)[keep], base, top + 1) - base
    ends = np.clip(np.asarray(hi)[keep], base, top + 1) - base
    diff = np.bincount(starts, minlength=span) - np.bincount(ends, minlength=span)
    return np.cumsum(diff)[months - base]


def count_in(values: np.ndarray, months: np.ndarray) -> np.ndarray:
    """For each month M, how many month ordinals equal M."""
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros(0, dtype=np.int64)
    base, top = int(months.min()), int(months.max())
    values = np.asarray(values, dtype=np.int64)
    inside = values[(values >= base) & (values <= top)] - base
    return np.bincount(inside, minlength=top - base + 1)[months - base]


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
    """Percentage 0–100; an empty denominator gives NaN (missing), never 0 (DESIGN.md)."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)


@dataclass
class Cases:
    """The tables, joined once: one frame per event, with month ordinals and day numbers.

    People, requests and plans are referred to by row position (``person_row``,
    ``request_row``, ``plan_row``; -1 = none), never by identifier.
    """

    tables: Tables
    person: pd.DataFrame
    requests: pd.DataFrame
    plans: pd.DataFrame
    reviews: pd.DataFrame
    placements: pd.DataFrame
    disputes: pd.DataFrame


def positions(keys: pd.Series, index: pd.Series) -> np.ndarray:
    """Row of ``index`` holding each key (first match), -1 where none: a join done in Arrow."""
    found = pc.index_in(_arrow_text(keys), value_set=_arrow_text(index))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def labels(values: pd.Series, missing: str | None = "not recorded") -> np.ndarray:
    """A text column as a numpy object array (fast for few distinct values)."""
    codes, uniques = pd.factorize(values)
    table = np.append(np.asarray(uniques, dtype=object), missing)
    return table[np.where(codes < 0, len(table) - 1, codes)]


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame of arrays as they are: object arrays stay object (pandas 3 would otherwise
    convert every label column to Arrow strings, and the families convert them back)."""
    return pd.DataFrame({name: _column(values) for name, values in columns.items()}, copy=False)


def _column(values, index=None):
    values = np.asarray(values)
    if values.dtype == object:
        return pd.Series(values, dtype=object, index=index, copy=False)
    return values


def _arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return values.array.__arrow_array__()  # zero-copy: the column is Arrow already
    return pa.array(pd.Series(values, dtype="str"), from_pandas=True)


def _take(values: np.ndarray, rows: np.ndarray, default) -> np.ndarray:
    """``values[rows]`` with ``default`` where rows is -1."""
    if len(values) == 0:
        return np.full(len(rows), default)
    return np.where(rows >= 0, values[np.maximum(rows, 0)], default)


def joins(t: Tables) -> dict[str, np.ndarray]:
    """The id joins ``prepare`` needs, run in threads (Arrow releases the GIL): about half
    of ``prepare``'s time on national data when run one after another."""
    wanted = {
        "r_person": (t.requests["person_id"], t.person["person_id"]),
        "a_row": (t.requests["request_id"], t.assessments["request_id"]),
        "p_person": (t.plans["person_id"], t.person["person_id"]),
        "p_request": (t.plans["request_id"], t.requests["request_id"]),
        "rv_plan": (t.reviews["plan_id"], t.plans["plan_id"]),
        "pl_person": (t.placements["person_id"], t.person["person_id"]),
    }
    with ThreadPoolExecutor(max_workers=min(len(wanted), os.cpu_count() or 1)) as pool:
        running = {name: pool.submit(positions, *pair) for name, pair in wanted.items()}
        return {name: job.result() for name, job in running.items()}


def prepare(t: Tables) -> Cases:
    """Join the tables into event frames with numeric dates (done once per run)."""
    joined = joins(t)
    person = t.person.reset_index(drop=True)
    birth = ymd(person["birth_date"])

    r = t.requests.reset_index(drop=True)
    r_person = joined["r_person"]
    requests = _frame(
        {
            "person_row": r_person,
            "received_day": day_num(r["received_date"]),
            "received_m": month_ord(r["received_date"]),
            "received_ymd": ymd(r["received_date"]),
            "transfer": r["transfer_in"].to_numpy(dtype=bool),
            "source": labels(r["request_source"]),
            "outcome": labels(r["request_outcome"], ""),
            "decided_day": day_num(r["request_outcome_date"]),
            "decided_m": month_ord(r["request_outcome_date"]),
            "birth_ymd": _take(birth, r_person, 0),
        }
    )
    a = t.assessments.reset_index(drop=True)
    a_row = joined["a_row"]
    requests["a_outcome"] = _column(_take(labels(a["assessment_outcome"], ""), a_row, ""))
    requests["a_day"] = _take(day_num(a["assessment_outcome_date"]), a_row, NEVER)
    requests["a_m"] = _take(month_ord(a["assessment_outcome_date"]), a_row, NEVER)
    requests["exception"] = _take(a["week20_exception"].to_numpy(dtype=bool), a_row, False)
    requests["no_plan_reason"] = _column(_take(labels(a["no_plan_reason"], None), a_row, None))

    p = t.plans.reset_index(drop=True)
    p_person = joined["p_person"]
    p_request = np.where(p["request_id"].isna().to_numpy(), -1, joined["p_request"])
    plans = _frame(
        {
            "person_row": p_person,
            "request_row": p_request,
            "start_day": day_num(p["start_date"]),
            "start_m": month_ord(p["start_date"]),
            "start_ymd": ymd(p["start_date"]),
            "cease_m": month_ord(p["cease_date"]),
            "cease_ymd": ymd(p["cease_date"]),
            "cease_reason": labels(p["cease_reason"], ""),
            "need": labels(p["primary_need"]),
            "birth_ymd": _take(birth, p_person, 0),
        }
    )
    plans["received_day"] = _take(requests["received_day"].to_numpy(), p_request, NEVER)
    plans["transfer"] = _take(requests["transfer"].to_numpy(), p_request, False)
    plans["exception"] = _take(requests["exception"].to_numpy(), p_request, False)
    plans["new"] = (p_request >= 0) & ~plans["transfer"].to_numpy(dtype=bool)
    for column in ("sex", "ethnicity", "team", "social_care", "case_officer"):
        plans[column] = _column(_take(labels(person[column]), p_person, "not recorded"))

    # the first plan issued for each request (a request leads to at most one new plan)
    linked = p_request >= 0
    for column in ("start_day", "start_m"):
        first = np.full(len(requests), NEVER, dtype=np.int64)
        np.minimum.at(first, p_request[linked], plans[column].to_numpy()[linked])
        requests[column.replace("start", "plan")] = first

    rv = t.reviews.reset_index(drop=True)
    rv_plan = joined["rv_plan"]
    reviews = _frame(
        {
            "plan_row": rv_plan,
            "meeting_day": day_num(rv["review_meeting_date"]),
            "meeting_m": month_ord(rv["review_meeting_date"]),
            "meeting_ymd": ymd(rv["review_meeting_date"]),
            "decided_m": month_ord(rv["decision_date"]),
        }
    )
    reviews["team"] = _column(_take(plans["team"].to_numpy(), rv_plan, "not recorded"))
    reviews = reviews.iloc[np.lexsort((reviews["meeting_day"].to_numpy(), rv_plan))]
    reviews = reviews.reset_index(drop=True)  # by plan, then meeting date

    pl = t.placements.reset_index(drop=True)
    pl_person = joined["pl_person"]
    placements = _frame(
        {
            "person_row": pl_person,
            "setting": labels(pl["setting"]),
            "entry_m": month_ord(pl["entry_date"]),
            "entry_day": day_num(pl["entry_date"]),
            "leave_m": month_ord(pl["leaving_date"]),
            "birth_ymd": _take(birth, pl_person, 0),
        }
    )
    # the person's plan window: first start to last cease (one main plan at a time)
    lo = np.full(len(person), NEVER, dtype=np.int64)
    hi = np.full(len(person), -NEVER, dtype=np.int64)
    np.minimum.at(lo, p_person, plans["start_m"].to_numpy())
    np.maximum.at(hi, p_person, plans["cease_m"].to_numpy())
    placements["plan_lo"] = _take(lo, pl_person, NEVER)
    placements["plan_hi"] = _take(hi, pl_person, -NEVER)
    placements = placements.sort_values(["person_row", "entry_day"], kind="stable")
    placements = placements.reset_index(drop=True)

    d = t.disputes.reset_index(drop=True)
    disputes = _frame(
        {
            "kind": labels(d["kind"]),
            "registered_m": month_ord(d["registered_date"]),
            "outcome": np.char.lower(labels(d["outcome"], "").astype(str)).astype(object),
            "decided_m": month_ord(d["outcome_date"]),
        }
    )
    return Cases(t, person, requests, plans, reviews, placements, disputes)
