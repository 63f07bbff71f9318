"""A synthetic council: a whole SEND case history from January 2020 to the last complete month.

Deterministic (one numpy ``Generator`` seeded once, no clock, no dict-order effects), fully
vectorised so that ``scale="national"`` (England's size, ~640k active plans in 2025) runs in
seconds, and calibrated to a real council's published papers so the paper reads like theirs:

* ~2,700 active EHCPs in February 2021 growing ~10% a year to ~4,700 in mid-2025;
* 40–100 requests a month with term-time seasonality, 15–30% refused;
* 20-week timeliness poor in 2021–22 (5–25%) and improving after; an annual-review backlog;
* a placement mix like the committee paper's and the scorecard's; mediations and appeals at
  the levels its reports give;
* partner returns with some months blank and a note ("requested", "Available in July").

The steps below draw from the generator in a fixed order (requests, decisions,
assessments, legacy plans, then the lives of the people); changing that order changes
every council. No real person is described: ids, UPNs and officers are made-up codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.data.dates import last_complete_month, month_end
from sendlib.data.origin import mark_demo
from sendlib.data.sources import write_table
from sendlib.demo import lives
from sendlib.demo.calibration import (
    AGE_AT_REQUEST,
    LEGACY_PLANS,
    NEIGHBOURS,
    NO_PLAN_REASONS,
    REGION,
    REQUESTS_FROM,
    REQUESTS_PER_MONTH,
    SCALE,
    SEASON,
    SOURCES,
    START,
    TRANSFERS_PER_MONTH,
    Rates,
    Scale,
)
from sendlib.demo.draws import MISSING, by_year, choice, day, ids, iso, year_of
from sendlib.demo.returns import benchmarks, partner_returns, population


def generate(
    out: Path | str,
    seed: int = 42,
    scale: str = "la",
    end: pd.Period | None = None,
    factor: float | None = None,
    region: str = REGION,
    neighbours: tuple[str, ...] = NEIGHBOURS,
    sen2: Path | str | None = None,
    rates: Rates | None = None,
) -> dict[str, int]:
    """Write every file of the data contract for a synthetic council; return row counts.

    ``factor`` resizes the council (1.0 = the calibrated council); its
    comparators are its ``region``'s and ``neighbours``' in the DfE release. With
    ``sen2``, the same council is also written there as SEN2 returns (``demo.sen2``);
    ``rates`` replaces the calibrated council's yearly rates (``calibration.Rates``)."""
    frames = council_frames(seed, scale, end, factor, region, neighbours, rates)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_table(frame, out / f"{name}.csv")
    mark_demo(out)
    if sen2 is not None:
        from sendlib.demo.sen2 import write_returns

        last = month_end(end or last_complete_month()).date()
        write_returns(frames, sen2, last)
    return {name: len(frame) for name, frame in frames.items()}


def council_frames(
    seed: int = 42,
    scale: str = "la",
    end: pd.Period | None = None,
    factor: float | None = None,
    region: str = REGION,
    neighbours: tuple[str, ...] = NEIGHBOURS,
    rates: Rates | None = None,
) -> dict[str, pd.DataFrame]:
    """The synthetic council's tables as frames of text cells (see ``generate``)."""
    end = end or last_complete_month()
    if end < START + 12:
        raise ValueError("the demo needs at least 13 months of history (2021-01 or later)")
    rng = np.random.default_rng(seed)
    s = SCALE[scale]
    if factor is not None:
        s = Scale(s.factor * factor, round(s.population_2020 * factor))
    last = day(str(month_end(end).date()))
    tables = _council(rng, s, last, end, rates or Rates())
    return {**tables, "benchmarks": benchmarks(region, neighbours)}


def generate_councils(
    root: Path | str, councils: int, seed: int = 42, end: pd.Period | None = None
) -> list[Path]:
    """A data root of several synthetic councils (``LA001``, ``LA002`` …) of varied sizes,
    for regional or national batches."""
    sizes = np.random.default_rng(seed).uniform(0.4, 1.8, councils)
    folders = []
    for i in range(councils):
        folder = Path(root) / f"LA{i + 1:03d}"
        generate(folder, seed=seed + 1000 * (i + 1), end=end, factor=float(sizes[i]))
        folders.append(folder)
    return folders


@dataclass
class Requests:
    """Requests for assessment and transfers-in, with the decision whether to assess."""

    received: np.ndarray
    transfer: np.ndarray
    birth: np.ndarray
    outcome: np.ndarray
    decided: np.ndarray

    def __len__(self) -> int:
        return len(self.received)


@dataclass
class Assessments:
    """Assessments after a decision to assess (rows of ``Requests`` in ``assessed``)."""

    assessed: np.ndarray
    outcome: np.ndarray
    date: np.ndarray
    exception: np.ndarray
    no_plan: np.ndarray
    issue_day: np.ndarray


def _requests(
    rng: np.random.Generator, s: Scale, end: pd.Period, last: int, rates: Rates
) -> Requests:
    """Requests month by month (term-time seasonality) and the 6-week decision."""
    r_months = pd.period_range(REQUESTS_FROM, end, freq="M")
    r_first = np.array([day(str(m.start_time.date())) for m in r_months])
    r_len = np.array([m.days_in_month for m in r_months])
    r_years = np.array([m.year for m in r_months])
    lam = by_year(REQUESTS_PER_MONTH, r_years) * SEASON[r_months.month - 1] * s.factor
    n_new = rng.poisson(lam)
    n_tr = rng.poisson(by_year(TRANSFERS_PER_MONTH, r_years) * s.factor * (r_years >= 2020))
    m_new = np.repeat(np.arange(len(r_months)), n_new)
    m_tr = np.repeat(np.arange(len(r_months)), n_tr)
    m_req = np.concatenate([m_new, m_tr])
    received = r_first[m_req] + (rng.random(len(m_req)) * r_len[m_req]).astype(np.int64)
    transfer = np.r_[np.zeros(len(m_new), bool), np.ones(len(m_tr), bool)]
    order = np.lexsort((transfer, received))
    received, transfer = received[order], transfer[order]
    n_req = len(received)
    req_year = year_of(received)

    ages = np.array(list(AGE_AT_REQUEST))
    w = np.array(list(AGE_AT_REQUEST.values()), float)
    age_req = ages[rng.choice(len(ages), n_req, p=w / w.sum())]
    birth = received - (age_req * 365.25 + rng.random(n_req) * 365).astype(np.int64)

    # decision whether to assess (reg 5(1): 6 weeks)
    u = rng.random(n_req)
    refusal = by_year(rates.refusal, req_year)
    outcome = np.where(u < 0.03, "W", np.where(u < 0.03 + refusal, "N", "A"))
    on_time = rng.random(n_req) < by_year(rates.decided_6wk, req_year)
    lag = np.where(on_time, rng.integers(18, 43, n_req), rng.integers(43, 105, n_req))
    decided = received + lag
    pending = decided > last
    outcome = np.where(transfer | pending, "", outcome)
    decided = np.where(transfer | pending, MISSING, decided)
    return Requests(received, transfer, birth, outcome, decided)


def _assessments(rng: np.random.Generator, r: Requests, last: int, rates: Rates) -> Assessments:
    """Assessments (reg 10: 16 weeks) and the plans they lead to (reg 13(2): 20 weeks)."""
    assessed = np.flatnonzero(r.outcome == "A")
    a_year = year_of(r.received)[assessed]
    ua = rng.random(len(assessed))
    p_plan = by_year(rates.plan_after_assessment, a_year)
    a_out = np.where(ua < 0.02, "W", np.where(ua < 0.02 + (1 - p_plan) * 0.98, "N", "Y"))
    in_20 = rng.random(len(assessed)) < by_year(rates.issued_20wk, a_year)
    total = np.where(
        in_20,
        rng.integers(95, 141, len(assessed)),
        141 + rng.exponential(55, len(assessed)).astype(np.int64),
    )
    issue_day = r.received[assessed] + total
    to_draft = rng.integers(14, 36, len(assessed))
    a_date = np.where(
        a_out == "Y",
        issue_day - to_draft,
        r.received[assessed] + rng.integers(80, 113, len(assessed)),
    )
    a_date = np.maximum(a_date, r.decided[assessed] + 7)
    exception = np.where(in_20, rng.random(len(assessed)) < 0.004, rng.random(len(assessed)) < 0.12)
    a_pending = a_date > last
    a_out = np.where(a_pending, "", a_out)
    a_date = np.where(a_pending, MISSING, a_date)
    exception = exception & (a_out == "Y")
    no_plan = np.where(a_out == "N", choice(rng, NO_PLAN_REASONS, len(assessed)), "")
    return Assessments(assessed, a_out, a_date, exception, no_plan, issue_day)


@dataclass
class Plans:
    """Everyone's plans: legacy plans, new plans issued and transfers-in, with the people."""

    birth: np.ndarray  # per person (legacy holders first, then one per request)
    req_person: np.ndarray  # the person of each request
    person: np.ndarray  # per plan from here on
    start: np.ndarray
    request: np.ndarray  # -1 for a legacy plan
    end: np.ndarray  # cease day, MISSING while active
    reason: np.ndarray
    need: np.ndarray


def _legacy(rng: np.random.Generator, s: Scale, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Plans already active on 1 January 2020: (birth day, start day) of each holder."""
    n_leg = rng.poisson(LEGACY_PLANS * s.factor)
    leg_age = rng.choice(np.arange(3, 25), n_leg, p=lives.legacy_age_weights())
    leg_birth = start - (leg_age * 365.25 + rng.random(n_leg) * 365).astype(np.int64)
    earliest = np.maximum(day("2014-09-01"), leg_birth + 2 * 365)
    leg_start = earliest + (rng.random(n_leg) ** 0.6 * (start - 1 - earliest)).astype(np.int64)
    return leg_birth, leg_start


def _plans(
    rng: np.random.Generator, s: Scale, r: Requests, a: Assessments, start: int, last: int
) -> Plans:
    """New plans (issued after assessment, and transfers-in), legacy plans, and when and
    why each ends: an age-related end (reason 1/3/4/6) or a hazard (needs met, moved …)."""
    issued = (a.outcome == "Y") & (a.issue_day <= last)
    tr_req = np.flatnonzero(r.transfer)
    plan_req = np.r_[a.assessed[issued], tr_req]
    plan_start_new = np.r_[a.issue_day[issued], r.received[tr_req]]
    leg_birth, leg_start = _legacy(rng, s, start)
    n_leg = len(leg_birth)
    birth = np.r_[leg_birth, r.birth]
    req_person = n_leg + np.arange(len(r))
    plan_person = np.r_[np.arange(n_leg), req_person[plan_req]]
    plan_start = np.r_[leg_start, plan_start_new]
    plan_birth = birth[plan_person]
    cease, reason = lives.ceasing(rng, plan_start, plan_birth, start)
    need = lives.needs(rng, (plan_start - plan_birth) / 365.25)
    return Plans(
        birth,
        req_person,
        plan_person,
        plan_start,
        np.r_[np.full(n_leg, -1), plan_req],
        np.where(cease <= last, cease, MISSING),
        np.where(cease <= last, reason, ""),
        need,
    )


def _council(
    rng: np.random.Generator, s: Scale, last: int, end: pd.Period, rates: Rates
) -> dict[str, pd.DataFrame]:
    start = day("2020-01-01")
    months = pd.period_range(START, end, freq="M")
    month_first = np.array([day(str(m.start_time.date())) for m in months])
    month_len = np.array([m.days_in_month for m in months])
    years = np.array([m.year for m in months])

    r = _requests(rng, s, end, last, rates)
    a = _assessments(rng, r, last, rates)
    p = _plans(rng, s, r, a, start, last)
    n_person = len(p.birth)
    person = lives.people(rng, n_person, p.birth, last)
    plan_stop = np.where(p.end == MISSING, last, p.end)
    reviews = lives.reviews(rng, p.start, plan_stop, p.end, last)
    placements = lives.placements(rng, p.person, p.start, plan_stop, p.end, p.birth[p.person])
    first_contact = np.full(n_person, np.iinfo(np.int64).max)
    np.minimum.at(first_contact, p.req_person, r.received)
    np.minimum.at(first_contact, p.person, p.start)
    disputes = lives.disputes(rng, s, months, month_first, month_len, years, first_contact, last)
    # a few deliberate data-quality problems (of the kinds a Data Quality Summary counts)
    lives.inject_quality_problems(
        rng, person, placements, reviews, p.start, p.person, p.birth, p.end, last, s
    )
    cases = _case_tables(rng, r, a, p, person, reviews, placements, disputes)
    returns = partner_returns(rng, months, s)
    # the SEN2 2025 collection's additions, drawn last so that every other figure stays
    # as it was: drafts and final amended plans after reviews, and phase transfers
    draft, amended = lives.amendments(rng, reviews["decision"], reviews["decided"], last)
    cases["reviews"] = cases["reviews"].assign(draft_date=iso(draft), amended_date=iso(amended))
    transfers = lives.phase_transfers(rng, p.start, p.end, p.birth[p.person], last)
    cases["phase_transfers"] = pd.DataFrame(
        {
            "plan_id": ids("E", len(p.start))[transfers["plan"]],
            "due_date": iso(transfers["due"]),
            "final_date": iso(transfers["final"]),
        }
    )
    return {**cases, "returns": returns, "population": population(s, end)}


def _case_tables(
    rng: np.random.Generator,
    r: Requests,
    a: Assessments,
    p: Plans,
    person: pd.DataFrame,
    reviews: dict[str, np.ndarray],
    placements: dict[str, np.ndarray],
    disputes: dict[str, np.ndarray],
) -> dict[str, pd.DataFrame]:
    """The case-level tables of the contract, as text."""
    person_ids, request_ids = ids("P", len(p.birth)), ids("R", len(r))
    plan_ids = ids("E", len(p.start))
    return {
        "person": person,
        "requests": pd.DataFrame(
            {
                "request_id": request_ids,
                "person_id": person_ids[p.req_person],
                "received_date": iso(r.received),
                "transfer_in": np.where(r.transfer, "true", "false"),
                "request_source": np.where(r.transfer, "other_la", choice(rng, SOURCES, len(r))),
                "request_outcome": r.outcome,
                "request_outcome_date": iso(r.decided),
            }
        ),
        "assessments": pd.DataFrame(
            {
                "request_id": request_ids[a.assessed],
                "assessment_outcome": a.outcome,
                "assessment_outcome_date": iso(a.date),
                "week20_exception": np.where(a.exception, "true", "false"),
                "no_plan_reason": a.no_plan,
            }
        ),
        "plans": pd.DataFrame(
            {
                "plan_id": plan_ids,
                "person_id": person_ids[p.person],
                "request_id": np.where(p.request >= 0, request_ids[np.maximum(p.request, 0)], ""),
                "start_date": iso(p.start),
                "cease_date": iso(p.end),
                "cease_reason": p.reason,
                "primary_need": p.need,
            }
        ).sort_values("plan_id"),
        "reviews": pd.DataFrame(
            {
                "plan_id": plan_ids[reviews["plan"]],
                "review_meeting_date": iso(reviews["meeting"]),
                "review_decision": reviews["decision"],
                "decision_date": iso(reviews["decided"]),
            }
        ),
        "placements": pd.DataFrame(
            {
                "person_id": person_ids[placements["person"]],
                "setting": placements["setting"],
                "urn": placements["urn"],
                "entry_date": iso(placements["entry"]),
                "leaving_date": iso(placements["leaving"]),
            }
        ),
        "disputes": pd.DataFrame(
            {
                "dispute_id": ids("D", len(disputes["person"])),
                "person_id": person_ids[disputes["person"]],
                "kind": disputes["kind"],
                "registered_date": iso(disputes["registered"]),
                "outcome": disputes["outcome"],
                "outcome_date": iso(disputes["decided"]),
            }
        ),
    }
