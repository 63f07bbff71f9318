"""Deadlines already in the pipeline: the statutory dates of every open case, when they
fall due, and how many of the plans about to be issued will be within 20 weeks.

A new request is open at month end in one of three stages: *awaiting the decision*
whether to assess (received, no decision), *assessing* (decided to assess, no assessment
outcome) or *drafting* (the decision to issue a plan made, the final plan not yet
issued). Its decision is due 6 weeks (42 days) after the request (SEND Regulations 2014
reg 5(1)) and its final plan 20 weeks (140 days) after it (reg 13(2)); day 42 and day 140
are in time.

The projected 20-week timeliness of the next months' plans is drawn from the council's
own recent cases: each open case finishes its stage, and goes through the stages after
it, in times (and with outcomes — assess or not, plan or not, withdrawn) resampled from
the cases that finished each stage in the last 12 months; a case already waiting ``e``
days is given only the durations longer than ``e`` (it has not finished yet). Requests
still to arrive come at the last 12 months' average rate. Each of ``SIMULATIONS`` runs
gives the plans issued in each month and how many were within 20 weeks; the central
figure is their median and the intervals their spread. It assumes the next months are
like the last twelve — the same pace, the same outcomes — which is what the backtest,
run as at each of the last 12 month ends, checks.

Annual reviews fall due 12 months after the plan or the last review meeting (Children
and Families Act 2014 s44(1)); phase transfers must be finalised by 15 February (school)
or 31 March (post-16) (reg 18), from the SEN2 2026 fields where the data hold them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from sendlib.measures.calendar import NEVER, month_end_day, month_of_day
from sendlib.measures.cases import Cases
from sendlib.measures.decisions import DECISION_DAYS
from sendlib.measures.issuance import WEEK20_DAYS
from sendlib.measures.reviews import _anchors as review_anchors

AWAITING, ASSESSING, DRAFTING = "awaiting_decision", "assessing", "drafting"
STAGES = (AWAITING, ASSESSING, DRAFTING)
AHEAD = 3  # months of deadlines and projected timeliness
WINDOW = 12  # months of finished cases whose durations are resampled
SIMULATIONS = 400
BACKTEST_SIMULATIONS = 100
SEED = 2014
LEVELS = (80, 95)
#: a case that has waited longer than every recent case of its stage is taken to finish
#: within this many days (counted, and said in the paper)
BEYOND_DAYS = 30
#: the SEN2 2026 phase-transfer fields (PhaseTransferDueDate, PhaseTransferFinalDate), in
#: the table that will hold them; used when the contract types them as dates
PHASE_TRANSFER = ("plans", "phase_transfer_due_date", "phase_transfer_final_date")
#: the statutory deadlines (reg 18): month and day
PHASE_DEADLINES = ((2, 15, "school"), (3, 31, "post-16"))


def _ahead_months(month: pd.Period, ahead: int) -> list[pd.Period]:
    return [month + k for k in range(1, ahead + 1)]


# ------------------------------------------------------------------ open cases


def open_cases(c: Cases, month: int) -> pd.DataFrame:
    """Every new request open at the end of a month (ordinal): its ``stage``, the day it
    was received, the day it entered the stage and the days it has waited in it."""
    r = c.requests
    end = month_end_day(month)
    new = ~r["transfer"].to_numpy(dtype=bool)
    received = r["received_day"].to_numpy()
    decided, assessed = r["decided_day"].to_numpy(), r["a_day"].to_numpy()
    planned = r["plan_day"].to_numpy()
    outcome, a_outcome = r["outcome"].to_numpy(), r["a_outcome"].to_numpy()
    still = new & (received <= end) & (planned > end)
    awaiting = still & (decided > end)
    assessing = still & (outcome == "A") & (decided <= end) & (assessed > end)
    drafting = still & (outcome == "A") & (a_outcome == "Y") & (assessed <= end)
    parts = []
    for stage, hit, entered in (
        (AWAITING, awaiting, received),
        (ASSESSING, assessing, decided),
        (DRAFTING, drafting, assessed),
    ):
        parts.append(
            pd.DataFrame(
                {
                    "stage": stage,
                    "received_day": received[hit],
                    "entered_day": entered[hit],
                    "waited": end - entered[hit],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def deadlines(c: Cases, month: pd.Period, ahead: int = AHEAD) -> pd.DataFrame:
    """Open cases at month end by the month their statutory date falls in: the 6-week
    decision date of those awaiting the decision, and the 20-week final-plan date of those
    in each stage. Columns: ``deadline`` (``6wk`` / ``20wk``), ``stage``, ``passed`` (the
    date is already past), one column per month ahead (``YYYY-MM``) and ``later``."""
    cases = open_cases(c, month.ordinal)
    end = month_end_day(month.ordinal)
    months = [p.ordinal for p in _ahead_months(month, ahead)]
    labels = [str(p) for p in _ahead_months(month, ahead)]
    rows = []
    for deadline, days, stages in (
        ("6wk", DECISION_DAYS, (AWAITING,)),
        ("20wk", WEEK20_DAYS, STAGES),
    ):
        for stage in stages:
            due = cases.loc[cases["stage"] == stage, "received_day"].to_numpy() + days
            due_m = month_of_day(due)
            row = {"deadline": deadline, "stage": stage, "passed": int((due <= end).sum())}
            for m, label in zip(months, labels, strict=True):
                row[label] = int((due_m == m).sum())
            row["later"] = int((due_m > months[-1]).sum())
            rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------ stage durations


@dataclass(frozen=True)
class Pool:
    """Durations (days, sorted) of the cases that finished a stage, and whether each went
    on to the next stage (a decision to assess; a decision to issue a plan)."""

    days: np.ndarray
    go: np.ndarray

    @classmethod
    def of(cls, days: np.ndarray, go: np.ndarray) -> Pool:
        order = np.argsort(days, kind="stable")
        return cls(np.asarray(days, np.int64)[order], np.asarray(go, bool)[order])

    def __len__(self) -> int:
        return len(self.days)


@dataclass(frozen=True)
class Durations:
    """The three stages' recent durations: the decision whether to assess (going on when
    it was to assess), the assessment (going on when a plan was to be issued) and drafting
    (the plan issued)."""

    decision: Pool
    assessment: Pool
    drafting: Pool

    def missing(self) -> list[str]:
        """The stages no case finished in the window (nothing to resample)."""
        names = {"decision": "decisions whether to assess", "assessment": "assessments"}
        names["drafting"] = "plans issued after an assessment"
        return [names[n] for n in names if not len(getattr(self, n))]


def durations(c: Cases, month: int, window: int = WINDOW) -> Durations:
    """The stage durations of the new requests that finished each stage in the ``window``
    months to the end of ``month`` (ordinal). A plan dated before its assessment outcome (a
    data-quality warning) counts as drafted in 0 days."""
    r = c.requests
    first = month - window + 1
    new = ~r["transfer"].to_numpy(dtype=bool)
    received, decided = r["received_day"].to_numpy(), r["decided_day"].to_numpy()
    assessed, planned = r["a_day"].to_numpy(), r["plan_day"].to_numpy()
    outcome, a_outcome = r["outcome"].to_numpy(), r["a_outcome"].to_numpy()

    def within(m: np.ndarray) -> np.ndarray:
        return (m >= first) & (m <= month)

    hit = new & np.isin(outcome, ["A", "N", "W"]) & within(r["decided_m"].to_numpy())
    hit &= decided >= received
    decision = Pool.of(decided[hit] - received[hit], outcome[hit] == "A")
    hit = new & (outcome == "A") & np.isin(a_outcome, ["Y", "N", "W"])
    hit &= within(r["a_m"].to_numpy()) & (assessed >= decided) & (decided < NEVER)
    assessment = Pool.of(assessed[hit] - decided[hit], a_outcome[hit] == "Y")
    hit = new & (a_outcome == "Y") & within(r["plan_m"].to_numpy()) & (assessed < NEVER)
    drafting = Pool.of(np.maximum(planned[hit] - assessed[hit], 0), np.ones(hit.sum(), bool))
    return Durations(decision, assessment, drafting)


def _draw(pool: Pool, waited: np.ndarray, rng: np.random.Generator) -> tuple:
    """For cases that have waited ``waited`` days (-1: just started), a duration from the
    pool longer than that, and whether the case goes on; beyond every pooled duration, the
    case ends within ``BEYOND_DAYS`` days, going on as a case drawn from the whole pool
    would. Returns the durations, whether each goes on and how many were beyond the pool."""
    n = len(pool)
    start = np.searchsorted(pool.days, waited, side="right")
    left = n - start
    u = rng.random(len(waited))
    pick = start + np.floor(u * np.maximum(left, 1)).astype(np.int64)
    beyond = left <= 0
    pick = np.where(beyond, np.floor(u * n).astype(np.int64), pick)
    days = pool.days[np.minimum(pick, n - 1)]
    days = np.where(beyond, waited + 1 + np.floor(u * BEYOND_DAYS).astype(np.int64), days)
    return days, pool.go[np.minimum(pick, n - 1)], int(beyond.sum())


def _plan_days(
    stage: np.ndarray, entered: np.ndarray, waited: np.ndarray, d: Durations, rng
) -> tuple[np.ndarray, int]:
    """The day each case's final plan is issued (NEVER: no plan), cases given as stage
    codes (positions in ``STAGES``), and how many cases were beyond their stage's pool."""
    n = len(stage)
    beyond = 0
    # the decision whether to assess
    at = np.flatnonzero(stage == 0)
    days, go, b = _draw(d.decision, waited[at], rng)
    beyond += b
    assess_from = np.where(stage == 1, entered, NEVER)
    assess_wait = np.where(stage == 1, waited, -1)
    assess_from[at[go]] = entered[at[go]] + days[go]
    # the assessment
    at = np.flatnonzero(assess_from < NEVER)
    days, go, b = _draw(d.assessment, assess_wait[at], rng)
    beyond += b
    draft_from = np.where(stage == 2, entered, NEVER)
    draft_wait = np.where(stage == 2, waited, -1)
    draft_from[at[go]] = assess_from[at[go]] + days[go]
    # drafting the plan
    at = np.flatnonzero(draft_from < NEVER)
    days, _, b = _draw(d.drafting, draft_wait[at], rng)
    beyond += b
    plan = np.full(n, NEVER, dtype=np.int64)
    plan[at] = draft_from[at] + days
    return plan, beyond


@dataclass
class Simulated:
    """Plans issued (``issued``) and within 20 weeks (``within``) in each month ahead, by
    simulation (rows) and month (columns); cases beyond their pool, per simulation."""

    months: list[pd.Period]
    issued: np.ndarray
    within: np.ndarray
    beyond: float


#: cases × simulations handled at once (memory stays small at national scale)
CHUNK = 2_000_000


def simulate(
    c: Cases,
    month: pd.Period,
    ahead: int = AHEAD,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
    arrivals: bool = True,
) -> Simulated | None:
    """Simulate the plans issued in each of the ``ahead`` months after ``month`` from the
    cases open at its end (and, with ``arrivals``, the requests still to come); None when a
    stage had no finished case in the window to resample."""
    d = durations(c, month.ordinal)
    if d.missing():
        return None
    cases = open_cases(c, month.ordinal)
    months = _ahead_months(month, ahead)
    first_day = month_end_day(month.ordinal) + 1
    last_day = month_end_day(months[-1].ordinal)
    rng = np.random.default_rng(seed)
    codes = {name: i for i, name in enumerate(STAGES)}
    stage = cases["stage"].map(codes).to_numpy(dtype=np.int64)
    received = cases["received_day"].to_numpy(dtype=np.int64)
    entered = cases["entered_day"].to_numpy(dtype=np.int64)
    waited = cases["waited"].to_numpy(dtype=np.int64)
    expected = _daily_rate(c, month.ordinal) * (last_day - first_day + 1) if arrivals else 0.0
    issued = np.zeros((simulations, ahead), dtype=np.int64)
    within = np.zeros((simulations, ahead), dtype=np.int64)
    beyond = 0
    step = max(1, CHUNK // max(len(cases) + int(expected) + 1, 1))
    for first in range(0, simulations, step):
        k = min(step, simulations - first)
        sim = np.repeat(np.arange(k), len(cases))
        st, rec = np.tile(stage, k), np.tile(received, k)
        ent, wai = np.tile(entered, k), np.tile(waited, k)
        if expected > 0:
            counts = rng.poisson(expected, size=k)
            new = rng.integers(first_day, last_day + 1, size=int(counts.sum()))
            sim = np.concatenate((sim, np.repeat(np.arange(k), counts)))
            st = np.concatenate((st, np.zeros(len(new), dtype=np.int64)))
            rec, ent = np.concatenate((rec, new)), np.concatenate((ent, new))
            wai = np.concatenate((wai, np.full(len(new), -1, dtype=np.int64)))
        plan, b = _plan_days(st, ent, wai, d, rng)
        beyond += b
        hit = (plan >= first_day) & (plan <= last_day)
        slot = sim[hit] * ahead + month_of_day(plan[hit]) - months[0].ordinal
        on_time = plan[hit] - rec[hit] <= WEEK20_DAYS
        issued[first : first + k] = np.bincount(slot, minlength=k * ahead).reshape(k, ahead)
        within[first : first + k] = np.bincount(slot[on_time], minlength=k * ahead).reshape(
            k, ahead
        )
    return Simulated(months, issued, within, beyond / simulations)


def _daily_rate(c: Cases, month: int, window: int = WINDOW) -> float:
    """New requests per day received in the ``window`` months to the end of ``month``."""
    r = c.requests
    m = r["received_m"].to_numpy()
    hit = ~r["transfer"].to_numpy(dtype=bool) & (m > month - window) & (m <= month)
    days = month_end_day(month) - month_end_day(month - window)
    return float(hit.sum()) / days


def summarise(sim: Simulated) -> pd.DataFrame:
    """Per month ahead: plans expected (mean), the projected % within 20 weeks (median of
    the simulations) and its intervals (``lo80`` … ``hi95``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(sim.issued > 0, 100.0 * sim.within / np.maximum(sim.issued, 1), np.nan)
    rows = []
    for k, period in enumerate(sim.months):
        values = pct[:, k][~np.isnan(pct[:, k])]
        row = {
            "period": str(period),
            "plans": float(sim.issued[:, k].mean()),
            "plans_lo80": float(np.percentile(sim.issued[:, k], 10)),
            "plans_hi80": float(np.percentile(sim.issued[:, k], 90)),
            "pct": float(np.median(values)) if len(values) else np.nan,
        }
        for level in LEVELS:
            tail = (100 - level) / 2
            lo, hi = np.percentile(values, [tail, 100 - tail]) if len(values) else (np.nan,) * 2
            row[f"lo{level}"], row[f"hi{level}"] = float(lo), float(hi)
        rows.append(row)
    return pd.DataFrame(rows)


def projected_timeliness(c: Cases, month: pd.Period, ahead: int = AHEAD) -> pd.DataFrame:
    """The projected 20-week % of the plans issued in each of the next ``ahead`` months
    (see ``summarise``), with ``beyond``: the cases per run that had waited longer than any
    recent case of their stage. Empty when a stage had nothing to resample."""
    sim = simulate(c, month, ahead)
    if sim is None:
        return pd.DataFrame()
    return summarise(sim).assign(beyond=sim.beyond)


def issued_20wk(c: Cases, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """New plans issued in each month and those within 20 weeks (as ``plans_issued`` and
    ``plans_issued_20wk_pct`` count them)."""
    p = c.plans[c.plans["new"].to_numpy()]
    start_m = p["start_m"].to_numpy()
    on_time = p["start_day"].to_numpy() - p["received_day"].to_numpy() <= WEEK20_DAYS
    issued = np.array([(start_m == m).sum() for m in months])
    within = np.array([((start_m == m) & on_time).sum() for m in months])
    return issued, within


def backtest_timeliness(
    c: Cases, month: pd.Period, origins: int = 12, ahead: int = AHEAD
) -> pd.DataFrame:
    """The projection made as at each of the ``origins`` month ends before ``month``, from
    the cases as they stood then, beside the 20-week % that happened, for every month it
    projected up to ``month``: ``origin``, ``period``, ``horizon``, ``pct``, the
    intervals, ``actual`` and ``actual_plans``."""
    rows = []
    for back in range(origins, 0, -1):
        origin = month - back
        steps = min(ahead, back)
        sim = simulate(c, origin, steps, BACKTEST_SIMULATIONS)
        if sim is None:
            continue
        frame = summarise(sim)
        targets = np.array([p.ordinal for p in sim.months])
        issued, within = issued_20wk(c, targets)
        with np.errstate(divide="ignore", invalid="ignore"):
            actual = np.where(issued > 0, 100.0 * within / np.maximum(issued, 1), np.nan)
        frame = frame.assign(
            origin=str(origin), horizon=np.arange(1, steps + 1), actual=actual, actual_plans=issued
        )
        rows.append(frame)
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)


# ------------------------------------------------------------------ reviews due


def reviews_due(c: Cases, month: pd.Period, ahead: int = 12) -> pd.Series:
    """Plans active at month end by when their next annual review falls due (12 months
    after the plan or the last review meeting, Children and Families Act 2014 s44(1)):
    ``due`` (already due or overdue at month end), then each month ahead (``YYYY-MM``).
    A plan falls due at most once in the next 12 months."""
    a = review_anchors(c)
    mo = month.ordinal
    m, nxt = a["m"].to_numpy(), a["next_m"].to_numpy()
    current = (m <= mo) & (nxt > mo) & (a["start_m"].to_numpy() <= mo)
    current &= a["cease_m"].to_numpy() > mo
    due_m = m[current] + 12
    out = {"due": int((due_m <= mo).sum())}
    for p in _ahead_months(month, ahead):
        out[str(p)] = int((due_m == p.ordinal).sum())
    return pd.Series(out, name="count")


# ------------------------------------------------------------- phase transfers


def phase_deadlines(month: pd.Period) -> list[tuple[dt.date, str]]:
    """The next phase-transfer deadlines after month end (reg 18): 15 February for a move
    between schools, 31 March for the move to post-16, within the year ahead."""
    end = month.end_time.date()
    out = []
    for m, day, kind in PHASE_DEADLINES:
        date = end + relativedelta(month=m, day=day)
        if date <= end:
            date += relativedelta(years=1)
        out.append((date, kind))
    return sorted(out)


def phase_transfers(c: Cases, month: pd.Period) -> pd.DataFrame | None:
    """Plans with a phase transfer due at each of the next deadlines: ``due`` (its due
    date), ``count``, ``finalised`` (a final date on or before month end) and
    ``outstanding``. None when the data hold no phase-transfer dates (the SEN2 2026
    fields), so the paper can say so rather than print zeros."""
    table, due_col, final_col = PHASE_TRANSFER
    frame = getattr(c.tables, table)
    if due_col not in frame.columns or final_col not in frame.columns:
        return None
    due, final = frame[due_col], frame[final_col]
    if not pd.api.types.is_datetime64_any_dtype(due) or due.isna().all():
        return None
    end = month.end_time.normalize()
    rows = []
    for date, kind in phase_deadlines(month):
        hit = due.dt.normalize() == pd.Timestamp(date)
        finalised = hit & final.notna() & (final <= end)
        rows.append(
            {
                "due": date.isoformat(),
                "kind": kind,
                "count": int(hit.sum()),
                "finalised": int(finalised.sum()),
                "outstanding": int((hit & ~finalised).sum()),
            }
        )
    return pd.DataFrame(rows)
