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
it, in times (and with outcomes — assess or not, plan or not, withdrawn) taken from the
cases that finished each stage in the last 12 months, each as likely; a case already
waiting ``e`` days is given only the durations longer than ``e`` (it has not finished
yet). Requests still to arrive come at the last 12 months' average rate. Rather than
resample at random, the chances are worked out exactly (the stages' durations convolved:
what resampling them without end would give), so every run gives the same figures and a
national-size pipeline takes a moment: each case's chance of a plan in each month, and of
one within 20 weeks, give the expected plans and share, and the intervals follow from
those chances (``summarise``). It assumes the next months are like the last twelve — the
same pace, the same outcomes — which is what the backtest, run as at each of the last 12
month ends, checks.

Annual reviews fall due 12 months after the plan or the last review meeting (Children
and Families Act 2014 s44(1)); phase transfers must be finalised by 15 February (school)
or 31 March (post-16) (reg 18), from the SEN2 phase-transfer dates where the data hold
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from sendlib.measures.calendar import NEVER, count_in, month_end_day, month_of_day, months_after
from sendlib.measures.cases import Cases
from sendlib.statutory import DECISION_DAYS, PLAN_DAYS

AWAITING, ASSESSING, DRAFTING = "awaiting_decision", "assessing", "drafting"
STAGES = (AWAITING, ASSESSING, DRAFTING)
AHEAD = 3  # months of deadlines and projected timeliness
WINDOW = 12  # months of finished cases whose durations are resampled
LEVELS = (80, 95)
#: a case that has waited longer than every recent case of its stage is taken to finish
#: within this many days (counted, and said in the paper)
BEYOND_DAYS = 30
#: durations are counted up to three years (a longer one is a recording problem; the
#: tables below stay small whatever the data hold)
LONGEST_DAYS = 3 * 365


# ------------------------------------------------------------------ open cases


@dataclass(frozen=True)
class Flow:
    """The new requests (a transfer-in is not a request for assessment) as the pipeline reads
    them: the day of each step (NEVER: not yet) and its month, and the outcomes as flags —
    made once from the cases and read for every month end."""

    received: np.ndarray
    decided: np.ndarray
    assessed: np.ndarray
    planned: np.ndarray
    received_m: np.ndarray
    decided_m: np.ndarray
    assessed_m: np.ndarray
    planned_m: np.ndarray
    decision_made: np.ndarray  # A, N or W
    to_assess: np.ndarray  # A
    assessment_made: np.ndarray  # Y, N or W
    to_plan: np.ndarray  # Y
    plans_m: np.ndarray  # new plans (as ``plans_issued`` counts them): month issued
    plans_in_time: np.ndarray  # … and within 20 weeks of the request

    @classmethod
    def of(cls, cases: Cases | Flow) -> Flow:
        if isinstance(cases, Flow):
            return cases
        requests = cases.requests
        new = ~requests["transfer"].to_numpy(dtype=bool)

        def col(name: str) -> np.ndarray:
            return requests[name].to_numpy()[new]

        outcome, a_outcome = col("outcome"), col("a_outcome")
        to_assess, to_plan = outcome == "A", a_outcome == "Y"
        plans = cases.plans
        issued = plans["new"].to_numpy()

        def plan(name: str) -> np.ndarray:
            return plans[name].to_numpy()[issued]

        return cls(
            received=col("received_day"),
            decided=col("decided_day"),
            assessed=col("a_day"),
            planned=col("plan_day"),
            received_m=col("received_m"),
            decided_m=col("decided_m"),
            assessed_m=col("a_m"),
            planned_m=col("plan_m"),
            decision_made=to_assess | (outcome == "N") | (outcome == "W"),
            to_assess=to_assess,
            assessment_made=to_plan | (a_outcome == "N") | (a_outcome == "W"),
            to_plan=to_plan,
            plans_m=plan("start_m"),
            plans_in_time=plan("start_day") - plan("received_day") <= PLAN_DAYS,
        )


def open_cases(cases: Cases | Flow, month: int) -> pd.DataFrame:
    """Every new request open at the end of a month (ordinal): its ``stage``, the day it
    was received, the day it entered the stage and the days it has waited in it."""
    f = Flow.of(cases)
    end = month_end_day(month)
    still = (f.received <= end) & (f.planned > end)
    awaiting = still & (f.decided > end)
    decided = f.decided <= end
    assessing = still & f.to_assess & decided & (f.assessed > end)
    drafting = still & f.to_assess & f.to_plan & (f.assessed <= end)
    parts = []
    for stage, hit, entered in (
        (AWAITING, awaiting, f.received),
        (ASSESSING, assessing, f.decided),
        (DRAFTING, drafting, f.assessed),
    ):
        parts.append(
            pd.DataFrame(
                {
                    "stage": stage,
                    "received_day": f.received[hit],
                    "entered_day": entered[hit],
                    "waited": end - entered[hit],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def deadlines(cases: Cases | Flow, month: pd.Period, ahead: int = AHEAD) -> pd.DataFrame:
    """Open cases at month end by the month their statutory date falls in: the 6-week
    decision date of those awaiting the decision, and the 20-week final-plan date of those
    in each stage. Columns: ``deadline`` (``6wk`` / ``20wk``), ``stage``, ``passed`` (the
    date is already past), one column per month ahead (``YYYY-MM``) and ``later``."""
    open_now = open_cases(cases, month.ordinal)
    end = month_end_day(month.ordinal)
    months = [ahead_month.ordinal for ahead_month in months_after(month, ahead)]
    labels = [str(ahead_month) for ahead_month in months_after(month, ahead)]
    rows = []
    for deadline, days, stages in (
        ("6wk", DECISION_DAYS, (AWAITING,)),
        ("20wk", PLAN_DAYS, STAGES),
    ):
        for stage in stages:
            due = open_now.loc[open_now["stage"] == stage, "received_day"].to_numpy() + days
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
    """Durations (days) of the cases that finished a stage, and whether each went on to
    the next stage (a decision to assess; a decision to issue a plan)."""

    days: np.ndarray
    go: np.ndarray

    @classmethod
    def of(cls, days: np.ndarray, go: np.ndarray) -> Pool:
        return cls(np.minimum(np.asarray(days, np.int64), LONGEST_DAYS), np.asarray(go, bool))

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


def durations(cases: Cases | Flow, month: int, window: int = WINDOW) -> Durations:
    """The stage durations of the new requests that finished each stage in the ``window``
    months to the end of ``month`` (ordinal). A plan dated before its assessment outcome (a
    data-quality warning) counts as drafted in 0 days."""
    f = Flow.of(cases)
    first = month - window + 1

    def within(m: np.ndarray) -> np.ndarray:
        return (m >= first) & (m <= month)

    hit = f.decision_made & within(f.decided_m) & (f.decided >= f.received)
    decision = Pool.of(f.decided[hit] - f.received[hit], f.to_assess[hit])
    hit = f.to_assess & f.assessment_made & within(f.assessed_m)
    hit &= (f.assessed >= f.decided) & (f.decided < NEVER)
    assessment = Pool.of(f.assessed[hit] - f.decided[hit], f.to_plan[hit])
    hit = f.to_plan & within(f.planned_m) & (f.assessed < NEVER)
    drafting = Pool.of(np.maximum(f.planned[hit] - f.assessed[hit], 0), np.ones(hit.sum(), bool))
    return Durations(decision, assessment, drafting)


def _from_entry(pool: Pool, then: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """When, counted in days from entering a stage, a case's final plan is issued: the
    cumulative probability by day 0 … width-1 (a plan may never come: the last value is
    the chance of one), for each number of days already waited e = -1 (just started), 0,
    … longest-1 (row e + 1) — the case's remaining time is one of the pool's durations
    longer than e, each as likely, and when that case went on, the plan follows ``then``
    (its probability by day after the stage ends) — and, for a case that has waited longer
    than every pooled duration (``beyond``, counted from the day it reached that wait),
    the stage ends within ``BEYOND_DAYS`` days and goes on as often as the pool's cases."""
    days, go = pool.days, pool.go
    longest = int(days.max())
    going = np.bincount(days[go], minlength=longest + 1).astype(float)
    # cases of the pool longer than e, for e = -1 … longest-1
    longer = len(days) - np.r_[0, np.cumsum(np.bincount(days, minlength=longest + 1))[:-1]]
    then = np.r_[then, np.zeros(max(0, width - len(then)))][:width]
    # row d: a stage of d days that goes on, then the plan after it (``then`` moved d days)
    d = np.arange(longest + 1)[:, None]
    x = np.arange(width)[None, :]
    moved = np.where(x >= d, then[np.clip(x - d, 0, width - 1)], 0.0) * going[:, None]
    # waited e: the durations d > e, i.e. rows e+1 … longest, summed from the bottom
    tail = np.cumsum(moved[::-1], axis=0)[::-1]
    mass = tail / np.maximum(longer, 1)[:, None]
    share = float(go.mean())
    k = np.arange(1, BEYOND_DAYS + 1)
    beyond = np.zeros(width)
    for step in k:
        beyond[step:] += then[: width - step]
    beyond *= share / BEYOND_DAYS
    return np.cumsum(mass, axis=1), np.cumsum(beyond)


def _at(cdf: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A cumulative distribution by day at days ``x`` (0 before day 0, its last value after)."""
    return np.where(x < 0, 0.0, cdf[np.clip(x, 0, len(cdf) - 1)])


@dataclass
class Expected:
    """For each month ahead: the plans expected (``issued``) and expected within 20 weeks
    (``within``), the variance of the count of plans, and the sums the share's variance is
    made of (``sums``: Σq, Σ(p−q), Σq², Σpq, Σp² over the cases, see ``summarise``); and
    how many open cases had waited longer than every recent case of their stage."""

    months: list[pd.Period]
    issued: np.ndarray
    within: np.ndarray
    var_issued: np.ndarray
    sums: np.ndarray
    beyond: int


def expected(
    c: Cases | Flow, month: pd.Period, ahead: int = AHEAD, arrivals: bool = True
) -> Expected | None:
    """The plans each open case (and, with ``arrivals``, each request still to come) may be
    issued in each of the ``ahead`` months after ``month``, and whether within 20 weeks,
    worked out exactly from the last 12 months' stage durations (what resampling them
    without end would give); None when a stage had no finished case in the window."""
    f = Flow.of(c)
    d = durations(f, month.ordinal)
    if d.missing():
        return None
    cases = open_cases(f, month.ordinal)
    months = months_after(month, ahead)
    end = month_end_day(month.ordinal)
    bounds = np.array([end, *(month_end_day(p.ordinal) for p in months)])
    last = int(bounds[-1])
    entered = cases["entered_day"].to_numpy(dtype=np.int64)
    # a case that has waited longer than a stage's longest duration is "beyond" it, so no
    # lookup reaches past the longest duration and the months ahead
    longest = max(int(pool.days.max()) for pool in (d.decision, d.assessment, d.drafting))
    width = longest + (last - end) + 2
    drafting, draft_beyond = _from_entry(d.drafting, np.array([1.0]), width)
    assessing, assess_beyond = _from_entry(d.assessment, np.diff(drafting[0], prepend=0), width)
    awaiting, await_beyond = _from_entry(d.decision, np.diff(assessing[0], prepend=0), width)
    tables = {
        AWAITING: (awaiting, await_beyond),
        ASSESSING: (assessing, assess_beyond),
        DRAFTING: (drafting, draft_beyond),
    }
    p = np.zeros((len(cases), ahead))  # chance each case's plan is issued in each month
    q = np.zeros((len(cases), ahead))  # ... and within 20 weeks of the request
    beyond = 0
    stage = cases["stage"].to_numpy()
    waited = cases["waited"].to_numpy(dtype=np.int64)
    cap = cases["received_day"].to_numpy(dtype=np.int64) + PLAN_DAYS
    for name, (table, after) in tables.items():
        hit = np.flatnonzero(stage == name)
        row, e = waited[hit] + 1, waited[hit]
        old = row >= len(table)
        beyond += int(old.sum())

        def cdf(x, hit=hit, row=row, e=e, old=old, table=table, after=after):
            rows = np.clip(row, 0, len(table) - 1)
            inside = table[rows, np.clip(x, 0, table.shape[1] - 1)] * (x >= 0)
            return np.where(old, _at(after, x - e), inside)

        t0 = entered[hit]
        for k in range(ahead):
            lo, hi = bounds[k] - t0, bounds[k + 1] - t0
            p[hit, k] = cdf(hi) - cdf(lo)
            top = np.minimum(hi, cap[hit] - t0)
            q[hit, k] = np.where(top > lo, cdf(top) - cdf(lo), 0.0)
    issued, within = p.sum(axis=0), q.sum(axis=0)
    var_issued = (p * (1 - p)).sum(axis=0)
    # Σ(q − R·p)² needs R, known only once the arrivals are in: kept as Σq², Σpq, Σp²
    parts = [q.sum(axis=0), (p - q).sum(axis=0)]
    parts += [(q * q).sum(axis=0), (p * q).sum(axis=0), (p * p).sum(axis=0)]
    if arrivals:
        rate = _daily_rate(f, month.ordinal)
        fresh = awaiting[0]
        days = np.arange(end + 1, last + 1)
        for k in range(ahead):
            lo, hi = bounds[k] - days, bounds[k + 1] - days
            mean_p = rate * (_at(fresh, hi) - _at(fresh, lo)).sum()
            top = np.minimum(hi, PLAN_DAYS)
            mean_q = rate * np.where(top > lo, _at(fresh, top) - _at(fresh, lo), 0.0).sum()
            issued[k] += mean_p
            within[k] += mean_q
            var_issued[k] += mean_p  # a Poisson count: its variance is its mean
            parts[0][k] += mean_q
            parts[1][k] += mean_p - mean_q
    return Expected(months, issued, within, var_issued, np.array(parts), beyond)


def _daily_rate(f: Flow, month: int, window: int = WINDOW) -> float:
    """New requests per day received in the ``window`` months to the end of ``month``."""
    hit = (f.received_m > month - window) & (f.received_m <= month)
    days = month_end_day(month) - month_end_day(month - window)
    return float(hit.sum()) / days


def summarise(found: Expected) -> pd.DataFrame:
    """Per month ahead: the plans expected and the projected % within 20 weeks, with
    intervals from the normal approximation. A count's variance is the sum of each case's
    p(1−p) (and, for requests still to come, a Poisson count's: its mean); the share
    R = W / I has variance Var(W − R·I) / E[I]² (the delta method), each case adding
    q(1−R)² + (p−q)R² − (q−Rp)² (p: the chance its plan is issued in the month; q: in the
    month and within 20 weeks) and the requests still to come μ_q(1−R)² + (μ_p−μ_q)R²."""
    z = {level: NormalDist().inv_cdf(0.5 + level / 200) for level in LEVELS}
    sum_q, sum_late, qq, pq, pp = found.sums
    rows = []
    for k, period in enumerate(found.months):
        n, w = found.issued[k], found.within[k]
        sd_n = np.sqrt(max(found.var_issued[k], 0.0))
        row = {
            "period": str(period),
            "plans": float(n),
            "plans_lo80": float(max(n - z[80] * sd_n, 0.0)),
            "plans_hi80": float(n + z[80] * sd_n),
            "pct": np.nan,
            **{f"{bound}{level}": np.nan for level in LEVELS for bound in ("lo", "hi")},
        }
        if n > 1e-9:  # no plan expected: no share (missing, never 0)
            ratio = w / n
            var = (
                sum_q[k] * (1 - ratio) ** 2
                + sum_late[k] * ratio**2
                - (qq[k] - 2 * ratio * pq[k] + ratio**2 * pp[k])
            )
            sd = np.sqrt(max(var, 0.0)) / n
            row["pct"] = float(100 * ratio)
            for level in LEVELS:
                row[f"lo{level}"] = float(np.clip(100 * (ratio - z[level] * sd), 0, 100))
                row[f"hi{level}"] = float(np.clip(100 * (ratio + z[level] * sd), 0, 100))
        rows.append(row)
    return pd.DataFrame(rows)


def projected_timeliness(cases: Cases | Flow, month: pd.Period, ahead: int = AHEAD) -> pd.DataFrame:
    """The projected 20-week % of the plans issued in each of the next ``ahead`` months
    (see ``summarise``), with ``beyond``: the open cases that had waited longer than any
    recent case of their stage. Empty when a stage had nothing to draw on."""
    found = expected(cases, month, ahead)
    if found is None:
        return pd.DataFrame()
    return summarise(found).assign(beyond=found.beyond)


def issued_20wk(cases: Cases | Flow, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """New plans issued in each month and those within 20 weeks (as ``plans_issued`` and
    ``plans_issued_20wk_pct`` count them)."""
    f = Flow.of(cases)
    months = np.asarray(months, dtype=np.int64)
    return count_in(f.plans_m, months), count_in(f.plans_m[f.plans_in_time], months)


def backtest_timeliness(
    cases: Cases | Flow, month: pd.Period, origins: int = 12, ahead: int = AHEAD
) -> pd.DataFrame:
    """The projection made as at each of the ``origins`` month ends before ``month``, from
    the cases as they stood then, beside the 20-week % that happened, for every month it
    projected up to ``month``: ``origin``, ``period``, ``horizon``, ``pct``, the
    intervals, ``actual`` and ``actual_plans``."""
    f = Flow.of(cases)
    rows = []
    for back in range(origins, 0, -1):
        origin = month - back
        steps = min(ahead, back)
        found = expected(f, origin, steps)
        if found is None:
            continue
        frame = summarise(found)
        targets = np.array([ahead_month.ordinal for ahead_month in found.months])
        issued, within = issued_20wk(f, targets)
        with np.errstate(divide="ignore", invalid="ignore"):
            actual = np.where(issued > 0, 100.0 * within / np.maximum(issued, 1), np.nan)
        frame = frame.assign(
            origin=str(origin), horizon=np.arange(1, steps + 1), actual=actual, actual_plans=issued
        )
        rows.append(frame)
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)
