"""Phase transfers: the review before a child moves between phases of education.

When a child or young person is to move between phases (into school, from primary to
secondary, from school to a post-16 institution …), the local authority must review the
plan and issue the amended plan by **15 February** of the year of the move, or by **31
March** for a move from school to a post-16 institution (SEND Regulations 2014 reg 18;
SEND Code of Practice 9.179). ``phase_transfers.csv`` holds each transfer's deadline
(``due_date``, the SEN2 return's ``PhaseTransferDueDate``) and the day the final amended
plan was issued (``final_date``, ``PhaseTransferFinalDate``).

A month's figures are for the transfers due in its calendar year (the year of the
deadline), of plans still in force on the deadline. The share on time counts only the
transfers whose deadline had passed by month end, so January has none to count and the
figure for the year is final from April. Without ``phase_transfers.csv`` (a council
export that does not hold them) every figure is not available, never 0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from sendlib.measures.calendar import dates, pct
from sendlib.measures.cases import Cases, positions
from sendlib.measures.family import family
from sendlib.statutory import TRANSFER_DEADLINES

#: the SEN2 phase-transfer fields (PhaseTransferDueDate, PhaseTransferFinalDate): the
#: contract's optional phase_transfers.csv, one row per plan and deadline
PHASE_TRANSFER = ("phase_transfers", "due_date", "final_date")
#: the kind of move of each reg 18 deadline (anything else: another date the council gave)
DEADLINES = {month_day: kind for kind, month_day in TRANSFER_DEADLINES.items()}
OTHER_DEADLINE = "other"

DEFINITIONS = {
    "phase_transfers_due": "Phase transfers of plans in force whose deadline falls in the "
    "month's calendar year: 15 February for a move between schools, 31 March for a move to "
    "post-16 (SEND Regulations 2014 reg 18).",
    "phase_transfers_deadline_passed": "Of this year's phase transfers, those whose deadline "
    "had passed by month end.",
    "phase_transfers_on_time": "Of this year's phase transfers whose deadline had passed by "
    "month end, those whose final amended plan was issued on or before it (reg 18).",
    "phase_transfers_on_time_pct": "Of this year's phase transfers whose deadline had passed "
    "by month end, % whose final amended plan was issued on or before it (SEND Regulations "
    "2014 reg 18).",
    "phase_transfers_outstanding": "Phase transfers due in the month's calendar year whose "
    "final amended plan had not been issued by month end (reg 18).",
}
IDS = tuple(DEFINITIONS)


def _held(cases: Cases) -> bool:
    tables = cases.tables
    return "phase_transfers" in tables.sources or len(tables.phase_transfers) > 0


def _transfers(cases: Cases) -> pd.DataFrame:
    """Each transfer of a plan in force on its deadline: the deadline's day, month, year
    and kind, and the day and month the amended plan was issued (NEVER: not yet)."""
    tables = cases.tables
    pt = tables.phase_transfers.reset_index(drop=True)
    row = positions(pt["plan_id"], tables.plans["plan_id"])
    due, final = dates(pt["due_date"]), dates(pt["final_date"])
    cease = cases.plans["cease_ymd"].to_numpy()
    ceased = np.where(row >= 0, cease[np.maximum(row, 0)], 0)
    in_force = (row >= 0) & ((ceased == 0) | (ceased > due.ymd))
    frame = pd.DataFrame(
        {
            "due_day": due.day,
            "due_m": due.month,
            "due_year": due.ymd // 10000,
            "kind": [DEADLINES.get(((d // 100) % 100, d % 100), OTHER_DEADLINE) for d in due.ymd],
            "final_day": final.day,
            "final_m": final.month,
        }
    )
    return frame[in_force].reset_index(drop=True)


def year_of_month(months: np.ndarray) -> np.ndarray:
    """Calendar year of month ordinals."""
    return 1970 + np.asarray(months) // 12


@family(
    "transfers",
    DEFINITIONS,
    ("person", "plans", "phase_transfers"),
    needs=("phase_transfers.due_date",),
)
def phase_transfers(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Transfers due in each month's year; of those whose deadline has passed by month end,
    how many had the amended plan by the deadline (day of the deadline counts) and the
    share on time; and how many due this year had no amended plan at month end."""
    if not _held(cases):
        return {kpi: np.full(len(months), np.nan) for kpi in IDS}
    tr = _transfers(cases)
    year = tr["due_year"].to_numpy()
    due_m, due_day = tr["due_m"].to_numpy(), tr["due_day"].to_numpy()
    final_m, final_day = tr["final_m"].to_numpy(), tr["final_day"].to_numpy()
    on_time = final_day <= due_day
    out = {kpi: np.zeros(len(months)) for kpi in IDS}
    for i, (m, y) in enumerate(zip(months, year_of_month(months), strict=True)):
        this_year = year == y
        passed = this_year & (due_m <= m)
        out["phase_transfers_due"][i] = this_year.sum()
        out["phase_transfers_deadline_passed"][i] = passed.sum()
        out["phase_transfers_on_time"][i] = (passed & on_time).sum()
        out["phase_transfers_outstanding"][i] = (this_year & (final_m > m)).sum()
    out["phase_transfers_on_time_pct"] = pct(
        out["phase_transfers_on_time"], out["phase_transfers_deadline_passed"]
    )
    return out


def by_deadline(cases: Cases, month: pd.Period) -> pd.DataFrame:
    """The transfers due in the month's year by deadline (``school`` 15 February,
    ``post16`` 31 March, ``other``): due, issued by the deadline, issued after it, not
    yet issued at month end, and whether the deadline had passed by month end."""
    columns = ["due", "on_time", "late", "not_yet_issued", "deadline_passed"]
    if not _held(cases):
        return pd.DataFrame(columns=columns, dtype="int64").rename_axis("deadline")
    tr = _transfers(cases)
    tr = tr[tr["due_year"].to_numpy() == month.year]
    mo = month.ordinal
    issued = tr["final_m"].to_numpy() <= mo
    on_time = issued & (tr["final_day"].to_numpy() <= tr["due_day"].to_numpy())
    frame = pd.DataFrame(
        {
            "kind": tr["kind"].to_numpy(),
            "due": 1,
            "on_time": on_time.astype(int),
            "late": (issued & ~on_time).astype(int),
            "not_yet_issued": (~issued).astype(int),
            "deadline_passed": (tr["due_m"].to_numpy() <= mo).astype(int),
        }
    )
    table = frame.groupby("kind").agg(
        due=("due", "sum"),
        on_time=("on_time", "sum"),
        late=("late", "sum"),
        not_yet_issued=("not_yet_issued", "sum"),
        deadline_passed=("deadline_passed", "max"),
    )
    order = [k for k in (*DEADLINES.values(), OTHER_DEADLINE) if k in table.index]
    return table.reindex(order).rename_axis("deadline").astype("int64")


def deadline(year: int, post16: bool) -> dt.date:
    """The reg 18 deadline for a transfer in ``year`` (15 February, or 31 March for a move
    from school to a post-16 institution)."""
    month, day = TRANSFER_DEADLINES["post16" if post16 else "school"]
    return dt.date(year, month, day)


def phase_deadlines(month: pd.Period) -> list[tuple[dt.date, str]]:
    """The next phase-transfer deadlines after month end (reg 18): 15 February for a move
    between schools, 31 March for the move to post-16, within the year ahead."""
    end = month.end_time.date()
    out = []
    for kind, (m, day) in TRANSFER_DEADLINES.items():
        date = end + relativedelta(month=m, day=day)
        if date <= end:
            date += relativedelta(years=1)
        out.append((date, kind))
    return sorted(out)


def due_at_next_deadlines(cases: Cases, month: pd.Period) -> pd.DataFrame | None:
    """Phase transfers of plans in force at month end due at each of the next deadlines:
    ``due`` (the deadline), ``kind``, ``count``, ``finalised`` (the final amended plan
    issued on or before month end) and ``outstanding``. None when the data hold no phase
    transfers (no ``phase_transfers.csv``, or a contract without it), so the paper says so
    rather than print zeros."""
    table, due_col, final_col = PHASE_TRANSFER
    tables = cases.tables
    frame = getattr(tables, table, None)
    if frame is None or not tables.holds(table, due_col):
        return None
    due, final = frame[due_col], frame[final_col]
    if not pd.api.types.is_datetime64_any_dtype(due):
        return None
    row = positions(frame["plan_id"], tables.plans["plan_id"])
    cease = cases.plans["cease_ymd"].to_numpy()
    ceased = np.where(row >= 0, cease[np.maximum(row, 0)], 0)
    end = month.end_time.normalize()
    in_force = (row >= 0) & ((ceased == 0) | (ceased > int(end.strftime("%Y%m%d"))))
    rows = []
    for date, kind in phase_deadlines(month):
        hit = in_force & (due.dt.normalize() == pd.Timestamp(date)).to_numpy()
        done = hit & (final.notna() & (final <= end)).to_numpy()
        rows.append(
            {
                "due": date.isoformat(),
                "kind": kind,
                "count": int(hit.sum()),
                "finalised": int(done.sum()),
                "outstanding": int((hit & ~done).sum()),
            }
        )
    return pd.DataFrame(rows)
