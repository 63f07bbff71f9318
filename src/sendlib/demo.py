"""A synthetic council: a whole SEND case history from January 2020 to the last complete month.

Deterministic (one numpy ``Generator`` seeded once, no clock, no dict-order effects), fully
vectorised so that ``scale="national"`` (England's size, ~640k active plans in 2025) runs in
seconds, and calibrated to the seeds so the paper reads like the real one:

* ~2,700 active EHCPs in February 2021 growing ~10% a year to ~4,700 in mid-2025;
* 40–100 requests a month with term-time seasonality, 15–30% refused;
* 20-week timeliness poor in 2021–22 (5–25%) and improving after; an annual-review backlog;
* a placement mix like seeds 001/003; mediations and appeals at seed 000/001 levels;
* partner returns with some months blank and a note ("requested", "Available in July");
* benchmarks from REFERENCE.md plus plausible statistical-neighbour and regional values.

No real person is described: ids, UPNs and officers are made-up codes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv

from sendlib.catalogue import SCHEDULE
from sendlib.dates import month_end

SCALES = ("la", "national")
START = pd.Period("2020-01", freq="M")
EPOCH = np.datetime64("1970-01-01", "D")
MISSING = np.iinfo(np.int64).min  # a missing day number


@dataclass(frozen=True)
class Scale:
    """How big the council is: multiplies every count; population in people aged 0-25."""

    factor: float
    population_2020: int


SCALE = {"la": Scale(1.0, 112_600), "national": Scale(136.0, 17_450_000)}


def day(text: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return int((np.datetime64(text, "D") - EPOCH).astype(np.int64))


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def by_year(table: dict[int, float], years: np.ndarray) -> np.ndarray:
    """Look up a per-year parameter, holding the last year's value afterwards."""
    keys = np.array(sorted(table))
    values = np.array([table[k] for k in keys])
    return values[np.clip(np.searchsorted(keys, years, side="right") - 1, 0, len(keys) - 1)]


def choice(rng: np.random.Generator, options: dict[str, float], n: int) -> np.ndarray:
    """``n`` draws from a weighted list of labels."""
    labels = np.array(list(options))
    weights = np.array(list(options.values()), dtype=float)
    return labels[rng.choice(len(labels), size=n, p=weights / weights.sum())]


# ---------------------------------------------------------------- calibration (from the seeds)
REQUESTS_PER_MONTH = {
    2019: 58,
    2020: 62,
    2021: 67,
    2022: 74,
    2023: 81,
    2024: 89,
    2025: 95,
    2026: 97,
}
SEASON = np.array([1.0, 1.0, 1.1, 0.9, 1.1, 1.15, 1.2, 0.55, 0.75, 1.0, 1.3, 0.95])
TRANSFERS_PER_MONTH = {2020: 5, 2022: 6, 2024: 7}
REFUSAL = {2020: 0.24, 2021: 0.28, 2022: 0.22, 2023: 0.18, 2024: 0.16, 2025: 0.2, 2026: 0.22}
DECIDED_IN_6WK = {2020: 0.55, 2021: 0.62, 2022: 0.7, 2023: 0.86, 2024: 0.93, 2025: 0.9, 2026: 0.88}
ISSUED_IN_20WK = {2020: 0.3, 2021: 0.1, 2022: 0.18, 2023: 0.45, 2024: 0.66, 2025: 0.7, 2026: 0.6}
PLAN_AFTER_ASSESSMENT = {2020: 0.9, 2023: 0.88, 2024: 0.85}
REVIEW_ON_TIME = {2014: 0.7, 2020: 0.55, 2021: 0.45, 2022: 0.4, 2023: 0.5, 2024: 0.6, 2025: 0.65}
MEDIATIONS_PER_MONTH = {2020: 2, 2021: 3, 2022: 8, 2023: 16, 2024: 35, 2025: 37, 2026: 38}
APPEALS_PER_MONTH = {2020: 2, 2021: 3, 2022: 5, 2023: 7, 2024: 12, 2025: 13, 2026: 13}
LEGACY_PLANS = 2_520
REQUESTS_FROM = pd.Period("2019-07", freq="M")  # requests in flight on 1 January 2020

AGE_AT_REQUEST = {  # years: weight
    **{a: 6 for a in range(2, 5)},
    **{a: 6.5 for a in range(5, 11)},
    **{a: 4.5 for a in range(11, 16)},
    16: 2.5,
    17: 1.5,
    18: 1,
    19: 0.6,
    20: 0.3,
    21: 0.2,
}
NEEDS = {
    "ASD": 30,
    "SEMH": 18,
    "SLCN": 19,
    "MLD": 9,
    "SPLD": 4,
    "SLD": 4,
    "PMLD": 1.2,
    "HI": 1.5,
    "VI": 1,
    "MSI": 0.3,
    "PD": 3.5,
    "DS": 1,
    "OTH": 2.5,
}
ETHNICITY = {
    "WBRI": 78,
    "WIRI": 0.5,
    "WOTH": 4,
    "WROM": 0.3,
    "MWBC": 2,
    "MWBA": 0.8,
    "MWAS": 1,
    "MOTH": 2.5,
    "AIND": 0.6,
    "APKN": 0.7,
    "ABAN": 0.4,
    "AOTH": 1,
    "BCRB": 0.4,
    "BAFR": 1.6,
    "BOTH": 0.3,
    "CHNE": 0.4,
    "OOTH": 1.2,
    "REFU": 1.3,
    "NOBT": 2,
}
SOURCES = {"school": 55, "parent": 29, "health": 9, "social_care": 4, "other": 3}
NO_PLAN_REASONS = {
    "Not considered eligible": 60,
    "Insufficient information to make decision": 15,
    "Client moved out of borough": 25,
}
TEAMS = ("Pod: Early Years and Primary", "Pod: Secondary", "Pod: Post 16")
OFFICERS_PER_TEAM = 10

# placement mix by phase (age at entry); EOTAS weights grow over the years (seed 001)
PHASE_AGES = (0, 5, 11, 16, 20)
SETTINGS = {
    0: {"early_years": 58, "mainstream": 24, "special_state": 14, "special_inmss": 2, "other": 2},
    5: {
        "mainstream": 59,
        "mainstream_resourced": 8,
        "special_state": 23,
        "special_inmss": 7,
        "ap": 1.2,
        "eotas_s61": 1.1,
        "eotas_s19": 0.9,
        "ehe": 1.2,
        "other": 0.3,
    },
    11: {
        "mainstream": 44,
        "mainstream_resourced": 7,
        "special_state": 22,
        "special_inmss": 16,
        "ap": 4,
        "eotas_s61": 2.6,
        "eotas_s19": 2.2,
        "ehe": 1.8,
        "other": 0.4,
    },
    16: {
        "fe_college": 38,
        "mainstream": 11,
        "special_state": 12,
        "special_inmss": 12,
        "post16_specialist": 13,
        "eotas_s61": 3.6,
        "eotas_s19": 3.4,
        "neet": 6,
        "ap": 1,
        "other": 1,
    },
    20: {
        "fe_college": 28,
        "post16_specialist": 26,
        "special_inmss": 6,
        "neet": 24,
        "eotas_s61": 3,
        "eotas_s19": 3,
        "other": 10,
    },
}
EOTAS_GROWTH = {2014: 0.6, 2020: 0.7, 2021: 0.85, 2022: 1.0, 2023: 1.15, 2024: 1.35, 2025: 1.5}


def generate(
    out: Path | str,
    seed: int = 42,
    scale: str = "la",
    end: pd.Period | None = None,
    factor: float | None = None,
) -> dict[str, int]:
    """Write every file of the data contract for a synthetic council; return row counts.

    ``factor`` resizes the council (1.0 = the calibrated council of the seeds)."""
    from sendlib.dates import last_complete_month

    end = end or last_complete_month()
    if end < START + 12:
        raise ValueError("the demo needs at least 13 months of history (2021-01 or later)")
    rng = np.random.default_rng(seed)
    s = SCALE[scale]
    if factor is not None:
        s = Scale(s.factor * factor, round(s.population_2020 * factor))
    last = day(str(month_end(end).date()))
    frames = _council(rng, s, last, end)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_csv(frame, out / f"{name}.csv")
    return {name: len(frame) for name, frame in frames.items()}


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write text columns as CSV, quoting only where needed (byte-stable for a seed)."""
    table = pa.Table.from_pandas(frame.astype(str), preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def iso(days: np.ndarray) -> np.ndarray:
    """ISO date text of day numbers; missing days become blank."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == MISSING
    text = (np.where(missing, 0, days).astype("datetime64[D]")).astype(str)
    return np.where(missing, "", text)


def _council(
    rng: np.random.Generator, s: Scale, last: int, end: pd.Period
) -> dict[str, pd.DataFrame]:
    start = day("2020-01-01")
    months = pd.period_range(START, end, freq="M")
    month_first = np.array([day(str(m.start_time.date())) for m in months])
    month_len = np.array([m.days_in_month for m in months])
    years = np.array([m.year for m in months])

    # ---- requests for assessment (new) and transfers-in, month by month
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
    birth_req = received - (age_req * 365.25 + rng.random(n_req) * 365).astype(np.int64)

    # decision whether to assess (reg 5(1): 6 weeks)
    u = rng.random(n_req)
    refusal = by_year(REFUSAL, req_year)
    outcome = np.where(u < 0.03, "W", np.where(u < 0.03 + refusal, "N", "A"))
    on_time = rng.random(n_req) < by_year(DECIDED_IN_6WK, req_year)
    lag = np.where(on_time, rng.integers(18, 43, n_req), rng.integers(43, 105, n_req))
    decided = received + lag
    pending = decided > last
    outcome = np.where(transfer | pending, "", outcome)
    decided = np.where(transfer | pending, MISSING, decided)

    # assessments after a decision to assess (reg 10: 16 weeks; reg 13(2): 20 weeks)
    assessed = np.flatnonzero(outcome == "A")
    a_year = req_year[assessed]
    ua = rng.random(len(assessed))
    p_plan = by_year(PLAN_AFTER_ASSESSMENT, a_year)
    a_out = np.where(ua < 0.02, "W", np.where(ua < 0.02 + (1 - p_plan) * 0.98, "N", "Y"))
    in_20 = rng.random(len(assessed)) < by_year(ISSUED_IN_20WK, a_year)
    total = np.where(
        in_20,
        rng.integers(95, 141, len(assessed)),
        141 + rng.exponential(55, len(assessed)).astype(np.int64),
    )
    issue_day = received[assessed] + total
    to_draft = rng.integers(14, 36, len(assessed))
    a_date = np.where(
        a_out == "Y",
        issue_day - to_draft,
        received[assessed] + rng.integers(80, 113, len(assessed)),
    )
    a_date = np.maximum(a_date, decided[assessed] + 7)
    exception = np.where(in_20, rng.random(len(assessed)) < 0.004, rng.random(len(assessed)) < 0.12)
    a_pending = a_date > last
    a_out = np.where(a_pending, "", a_out)
    a_date = np.where(a_pending, MISSING, a_date)
    exception = exception & (a_out == "Y")
    no_plan = np.where(a_out == "N", choice(rng, NO_PLAN_REASONS, len(assessed)), "")

    # new plans: issued ones (assessment Y, start ≤ last) and transfers-in
    issued = (a_out == "Y") & (issue_day <= last)
    new_plan_req = assessed[issued]
    new_plan_start = issue_day[issued]
    tr_req = np.flatnonzero(transfer)
    plan_req = np.r_[new_plan_req, tr_req]
    plan_start_new = np.r_[new_plan_start, received[tr_req]]

    # ---- legacy plans active on 1 January 2020
    n_leg = rng.poisson(LEGACY_PLANS * s.factor)
    leg_age = rng.choice(np.arange(3, 25), n_leg, p=_legacy_age_weights())
    leg_birth = start - (leg_age * 365.25 + rng.random(n_leg) * 365).astype(np.int64)
    earliest = np.maximum(day("2014-09-01"), leg_birth + 2 * 365)
    leg_start = earliest + (rng.random(n_leg) ** 0.6 * (start - 1 - earliest)).astype(np.int64)

    # ---- people: one per legacy plan, one per request
    n_person = n_leg + n_req
    birth = np.r_[leg_birth, birth_req]
    req_person = n_leg + np.arange(n_req)
    plan_person = np.r_[np.arange(n_leg), req_person[plan_req]]
    plan_start = np.r_[leg_start, plan_start_new]
    plan_request = np.r_[np.full(n_leg, -1), plan_req]
    n_plan = len(plan_start)
    plan_birth = birth[plan_person]

    # ceasing: an age-related end (reason 1/3/4/6) or a hazard (needs met, moved, other)
    cease, reason = _ceasing(rng, plan_start, plan_birth, start)
    active_end = np.where(cease <= last, cease, MISSING)
    reason = np.where(cease <= last, reason, "")
    age_at_start = (plan_start - plan_birth) / 365.25
    need = _needs(rng, age_at_start)

    # ---- people's attributes
    person = _people(rng, n_person, birth, last)

    # ---- annual reviews, placements, disputes
    plan_stop = np.where(active_end == MISSING, last, active_end)
    reviews = _reviews(rng, plan_start, plan_stop, active_end, last)
    placements = _placements(rng, plan_person, plan_start, plan_stop, active_end, plan_birth)
    first_contact = np.full(n_person, np.iinfo(np.int64).max)
    np.minimum.at(first_contact, req_person, received)
    np.minimum.at(first_contact, plan_person, plan_start)
    disputes = _disputes(rng, s, months, month_first, month_len, years, first_contact, last)

    # ---- a few deliberate data-quality problems (seed 004's Data Quality Summary)
    _inject_quality_problems(
        rng, person, placements, reviews, plan_start, plan_person, birth, active_end, last, s
    )

    plan_ids = np.char.add("E", np.char.zfill(np.arange(1, n_plan + 1).astype(str), 7))
    frames = {
        "person": person,
        "requests": pd.DataFrame(
            {
                "request_id": _ids("R", n_req),
                "person_id": _ids("P", n_person)[req_person],
                "received_date": iso(received),
                "transfer_in": np.where(transfer, "true", "false"),
                "request_source": np.where(transfer, "other_la", choice(rng, SOURCES, n_req)),
                "request_outcome": outcome,
                "request_outcome_date": iso(decided),
            }
        ),
        "assessments": pd.DataFrame(
            {
                "request_id": _ids("R", n_req)[assessed],
                "assessment_outcome": a_out,
                "assessment_outcome_date": iso(a_date),
                "week20_exception": np.where(exception, "true", "false"),
                "no_plan_reason": no_plan,
            }
        ),
        "plans": pd.DataFrame(
            {
                "plan_id": plan_ids,
                "person_id": _ids("P", n_person)[plan_person],
                "request_id": np.where(
                    plan_request >= 0, _ids("R", n_req)[np.maximum(plan_request, 0)], ""
                ),
                "start_date": iso(plan_start),
                "cease_date": iso(active_end),
                "cease_reason": reason,
                "primary_need": need,
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
                "person_id": _ids("P", n_person)[placements["person"]],
                "setting": placements["setting"],
                "urn": placements["urn"],
                "entry_date": iso(placements["entry"]),
                "leaving_date": iso(placements["leaving"]),
            }
        ),
        "disputes": pd.DataFrame(
            {
                "dispute_id": _ids("D", len(disputes["person"])),
                "person_id": _ids("P", n_person)[disputes["person"]],
                "kind": disputes["kind"],
                "registered_date": iso(disputes["registered"]),
                "outcome": disputes["outcome"],
                "outcome_date": iso(disputes["decided"]),
            }
        ),
        "returns": partner_returns(rng, months, s),
        "benchmarks": benchmarks(),
        "population": population(s, end),
    }
    return frames


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), 7))


def _legacy_age_weights() -> np.ndarray:
    ages = np.arange(3, 25)
    w = np.where(ages < 5, 2.0, np.where(ages < 16, 6.0, np.where(ages < 20, 4.5, 1.2)))
    return w / w.sum()


def _ceasing(rng, plan_start, birth, start):
    """When and why each plan ends (SEN2 cease reasons 1–9)."""
    n = len(plan_start)
    from_day = np.maximum(plan_start, start)
    hazard = from_day + (rng.exponential(1 / 0.032, n) * 365.25).astype(np.int64)
    end_age = rng.choice(
        [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
        n,
        p=[0.08, 0.08, 0.12, 0.2, 0.12, 0.1, 0.1, 0.08, 0.07, 0.05],
    )
    aged_out = birth + (end_age * 365.25).astype(np.int64) + rng.integers(0, 300, n)
    aged_out = np.maximum(aged_out, from_day + rng.integers(30, 400, n))
    by_age = aged_out < hazard
    cease = np.where(by_age, aged_out, hazard)
    age_reason = np.where(end_age >= 19, "1", choice(rng, {"3": 2, "4": 3, "6": 2, "1": 3}, n))
    other_reason = choice(rng, {"2": 35, "5": 45, "7": 5, "8": 2, "9": 13}, n)
    return cease, np.where(by_age, age_reason, other_reason)


def _needs(rng, age):
    """Primary need by age: SLCN for the youngest, more SEMH in secondary (SEN2 codes)."""
    need = choice(rng, NEEDS, len(age))
    young = age < 5
    need[young] = choice(
        rng,
        {"SLCN": 40, "ASD": 30, "PD": 6, "SLD": 6, "PMLD": 3, "DS": 3, "HI": 3, "VI": 2, "OTH": 7},
        int(young.sum()),
    )
    older = age >= 11
    need[older] = choice(rng, {**NEEDS, "SEMH": 32, "SLCN": 8}, int(older.sum()))
    return need


def _people(rng, n, birth, last) -> pd.DataFrame:
    age_now = (last - birth) / 365.25
    team = np.where(age_now < 11, TEAMS[0], np.where(age_now < 16, TEAMS[1], TEAMS[2]))
    officer_no = rng.integers(1, OFFICERS_PER_TEAM + 1, n).astype(str)
    short = np.where(age_now < 11, "EYP", np.where(age_now < 16, "SEC", "P16"))
    officer = np.char.add(np.char.add(short.astype(str), "-"), np.char.zfill(officer_no, 2))
    sex = choice(rng, {"M": 70, "F": 29.3, "U": 0.4, "": 0.3}, n)
    social = choice(rng, {"": 90.9, "CP": 0.6, "LAC": 3.5, "CARE_LEAVER": 0.5, "CIN": 4.5}, n)
    upn = np.char.add("Z", np.char.zfill((rng.permutation(n) + 10_000_001).astype(str), 11))
    no_upn = (age_now < 6) & (rng.random(n) < 0.5) | (age_now >= 6) & (rng.random(n) < 0.002)
    upn = np.where(no_upn, "", upn)
    return pd.DataFrame(
        {
            "person_id": _ids("P", n),
            "upn": upn,
            "birth_date": iso(birth),
            "sex": sex,
            "ethnicity": choice(rng, ETHNICITY, n),
            "team": team,
            "case_officer": officer,
            "social_care": social,
        }
    )


def _reviews(rng, plan_start, plan_stop, ceased, last) -> dict[str, np.ndarray]:
    """Annual reviews (CFA 2014 s44(1): within 12 months), with a backlog in 2021–23."""
    n = len(plan_start)
    plans, meetings, decisions, decided = [], [], [], []
    previous = plan_start.copy()
    alive = np.ones(n, bool)
    for _ in range(14):
        due = previous + 365
        p_on = by_year(REVIEW_ON_TIME, year_of(due))
        on_time = rng.random(n) < p_on
        delay = np.where(
            on_time, -rng.integers(0, 60, n), rng.exponential(85, n).astype(np.int64) + 1
        )
        meeting = due + delay
        alive &= meeting <= plan_stop
        idx = np.flatnonzero(alive)
        if not len(idx):
            break
        m = meeting[idx]
        d = m + np.where(
            rng.random(len(idx)) < 0.8,
            rng.integers(5, 29, len(idx)),
            rng.integers(29, 70, len(idx)),
        )
        closing = (ceased[idx] != MISSING) & (ceased[idx] - m < 150)
        decision = np.where(closing, "C", choice(rng, {"M": 55, "A": 45}, len(idx)))
        plans.append(idx)
        meetings.append(m)
        decisions.append(np.where(d > last, "", decision))
        decided.append(np.where(d > last, MISSING, d))
        previous = np.where(alive, meeting, previous)
    order_plan = np.concatenate(plans)
    order_meet = np.concatenate(meetings)
    order = np.lexsort((order_meet, order_plan))
    return {
        "plan": order_plan[order],
        "meeting": order_meet[order],
        "decision": np.concatenate(decisions)[order],
        "decided": np.concatenate(decided)[order],
    }


def _placements(rng, person, start, stop, ceased, birth) -> dict[str, np.ndarray]:
    """One main placement at a time, changing at the phase transfers (5, 11, 16, 20)."""
    pieces_person, pieces_entry, pieces_leave, pieces_setting = [], [], [], []
    bounds = [birth + int(a * 365.25) for a in PHASE_AGES[1:]]
    for k, phase in enumerate(PHASE_AGES):
        lo = birth + int(phase * 365.25) if k else np.full(len(birth), np.iinfo(np.int64).min)
        hi = bounds[k] if k < len(bounds) else np.full(len(birth), np.iinfo(np.int64).max)
        entry = np.maximum(start, _next_september(lo) if k else lo)
        leave = np.minimum(stop, _next_september(hi) if k < len(bounds) else hi)
        has = entry < leave
        idx = np.flatnonzero(has)
        weights = dict(SETTINGS[phase])
        setting = choice(rng, weights, len(idx))
        growth = by_year(EOTAS_GROWTH, year_of(entry[idx]))
        eotas_share = (weights.get("eotas_s61", 0) + weights.get("eotas_s19", 0)) / 100
        swap = rng.random(len(idx)) < eotas_share * (growth - 1)
        setting = np.where(
            swap, np.where(rng.random(len(idx)) < 0.5, "eotas_s61", "eotas_s19"), setting
        )
        pieces_person.append(person[idx])
        pieces_entry.append(entry[idx])
        is_last = leave[idx] >= stop[idx]
        pieces_leave.append(np.where(is_last, ceased[idx], leave[idx]))
        pieces_setting.append(setting)
    p = np.concatenate(pieces_person)
    e = np.concatenate(pieces_entry)
    order = np.lexsort((e, p))
    setting = np.concatenate(pieces_setting)[order]
    school = ~np.isin(setting, ["eotas_s61", "eotas_s19", "ehe", "neet", "other"])
    urn = np.where(
        school,
        (
            100_000
            + rng.integers(0, 50, len(setting)) * 37
            + (setting == "special_inmss") * 900_000 % 1_000_000
        ).astype(str),
        "",
    )
    return {
        "person": p[order],
        "entry": e[order],
        "leaving": np.concatenate(pieces_leave)[order],
        "setting": setting,
        "urn": urn,
    }


def _next_september(days: np.ndarray) -> np.ndarray:
    """The 1 September on or after each day (the start of the next academic year)."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    sept = (np.char.add(y.astype(str), "-09-01")).astype("datetime64[D]")
    sept = np.where(
        sept < d, (np.char.add((y + 1).astype(str), "-09-01")).astype("datetime64[D]"), sept
    )
    return (sept - EPOCH).astype(np.int64)


def _disputes(rng, s, months, month_first, month_len, years, first_contact, last):
    """Mediations and SEND Tribunal appeals, drawn from people known to the service."""
    kinds, registered = [], []
    for kind, rate in (("mediation", MEDIATIONS_PER_MONTH), ("appeal", APPEALS_PER_MONTH)):
        n = rng.poisson(by_year(rate, years) * s.factor)
        m = np.repeat(np.arange(len(months)), n)
        registered.append(month_first[m] + (rng.random(len(m)) * month_len[m]).astype(np.int64))
        kinds.append(np.full(len(m), kind))
    kind = np.concatenate(kinds)
    reg = np.concatenate(registered)
    order = np.lexsort((kind, reg))
    kind, reg = kind[order], reg[order]
    by_first = np.argsort(first_contact, kind="stable")
    known = np.searchsorted(first_contact[by_first], reg - 60)
    person = by_first[(rng.random(len(reg)) * np.maximum(known, 1)).astype(np.int64)]
    med = kind == "mediation"
    outcome = np.where(
        med,
        choice(
            rng,
            {"resolved": 60, "proceeded to appeal": 15, "not resolved": 10, "withdrawn": 15},
            len(reg),
        ),
        choice(
            rng,
            {
                "conceded by LA": 35,
                "found in favour of parent": 20,
                "found in favour of LA": 10,
                "withdrawn by parent": 25,
                "partly upheld": 10,
            },
            len(reg),
        ),
    )
    decided = reg + np.where(med, rng.integers(20, 70, len(reg)), rng.integers(90, 320, len(reg)))
    done = decided <= last
    return {
        "kind": kind,
        "registered": reg,
        "person": person,
        "outcome": np.where(done, outcome, ""),
        "decided": np.where(done, decided, MISSING),
    }


def _inject_quality_problems(
    rng, person, placements, reviews, plan_start, plan_person, birth, active_end, last, s
) -> None:
    """A handful of the problems seed 004 counts, so the data-quality section has content."""
    k = max(1, round(2 * s.factor))
    # two people share a UPN
    with_upn = np.flatnonzero(person["upn"].to_numpy() != "")
    pairs = rng.choice(with_upn, 2 * k, replace=False)
    person.loc[pairs[1::2], "upn"] = person.loc[pairs[0::2], "upn"].to_numpy()
    # a review dated before its plan started
    r = rng.choice(len(reviews["plan"]), k, replace=False)
    reviews["meeting"][r] = plan_start[reviews["plan"][r]] - rng.integers(5, 40, k)
    # an overlapping placement: the previous placement left after the next began
    p, leaving = placements["person"], placements["leaving"]
    same_next = np.flatnonzero((p[:-1] == p[1:]) & (leaving[:-1] != MISSING))
    if len(same_next):
        chosen = rng.choice(same_next, min(k, len(same_next)), replace=False)
        leaving[chosen] = placements["entry"][chosen + 1] + rng.integers(10, 60, len(chosen))


# ---------------------------------------------------------------- partner returns and benchmarks
# kpi_id: (base, yearly drift, noise, low, high, decimals, frequency)
RETURN_PROFILES: dict[str, tuple[float, float, float, float, float, int, str]] = {
    "sen_support_count": (6800, 250, 30, 5000, 9000, 0, "termly"),
    "school_pop_ehcp_pct": (3.4, 0.35, 0.05, 2, 7, 1, "termly"),
    "sen_support_pct": (13.2, 0.5, 0.2, 10, 20, 1, "termly"),
    "ep_advice_6wk_pct": (70, 4, 9, 20, 100, 1, "monthly"),
    "health_advice_6wk_pct": (82, 2.5, 4, 50, 100, 1, "monthly"),
    "social_care_advice_6wk_pct": (80, 3, 6, 40, 100, 1, "monthly"),
    "ehco_vacancies_fte": (5, -0.8, 0.8, 0, 10, 2, "monthly"),
    "ep_vacancies_fte": (3, 0.8, 0.8, 0, 10, 1, "monthly"),
    "send_sickness_days": (30, 2, 12, 0, 90, 0, "monthly"),
    "case_audits_good_pct": (12, 3, 9, 0, 100, 1, "monthly"),
    "parent_good_comms_pct": (70, 2, 14, 0, 100, 0, "monthly"),
    "complaints_count": (12, 0.5, 4, 0, 40, 0, "monthly"),
    "compliments_count": (4, 0.3, 3, 0, 40, 0, "monthly"),
    "sendiass_enquiries_l1": (1700, 80, 400, 300, 4000, 0, "monthly"),
    "sendiass_enquiries_l2": (90, 5, 25, 10, 300, 0, "monthly"),
    "sendiass_new_cases": (55, 1, 15, 5, 150, 0, "monthly"),
    "sendiass_open_l3": (210, -3, 14, 50, 400, 0, "monthly"),
    "sendiass_open_l4": (80, -2, 7, 10, 200, 0, "monthly"),
    "mhst_seen_4wk_pct": (95, 0.5, 2, 50, 100, 0, "monthly"),
    "camhs_gateway_4wk_pct": (90, -2, 6, 10, 100, 1, "monthly"),
    "ot_wait_weeks": (22, -1.2, 2.5, 2, 60, 0, "monthly"),
    "physio_wait_weeks": (16, -0.8, 2, 2, 60, 0, "monthly"),
    "pfa_open_cases": (540, 8, 6, 300, 900, 0, "monthly"),
    "ld_paid_employment_pct": (2.5, -0.3, 0.4, 0, 10, 1, "monthly"),
    "ld_own_home_pct": (52, -2, 1.5, 20, 80, 1, "monthly"),
    "ld_direct_payments_pct": (42, -0.8, 1.2, 10, 80, 1, "monthly"),
    "plr_collaborative_pct": (65, 3, 7, 0, 100, 0, "monthly"),
    "plr_moderated_pct": (45, 2, 9, 0, 100, 0, "monthly"),
    "specialist_place_waiting": (120, 35, 12, 0, 600, 0, "monthly"),
    "ehcp_pupils_persistent_absence_pct": (36, 0.5, 1.2, 10, 60, 1, "termly"),
    "ehcp_suspension_rate": (15, 1, 1.5, 0, 40, 1, "termly"),
    "places_special_available": (0, 0, 0, 0, 0, 0, "requested"),
}


def partner_returns(rng: np.random.Generator, months: pd.PeriodIndex, s: Scale) -> pd.DataFrame:
    """Monthly or termly values from partners, with the odd month blank and a note."""
    rows = []
    t = np.arange(len(months)) / 12.0
    for kpi_id, (base, drift, noise, lo, hi, decimals, freq) in RETURN_PROFILES.items():
        counts = kpi_id.endswith(("_count", "_cases", "_l1", "_l2", "_l3", "_l4", "_waiting"))
        k = s.factor if counts else 1.0
        wobble = np.zeros(len(months))  # AR(1): persistent but mean-reverting
        shocks = rng.normal(0, noise, len(months))
        for i in range(1, len(months)):
            wobble[i] = 0.6 * wobble[i - 1] + shocks[i]
        value = np.clip(base + drift * t + wobble, lo, hi) * k
        value = np.round(value, decimals)
        note = np.full(len(months), "", dtype=object)
        blank = rng.random(len(months)) < 0.04
        if freq == "termly":
            keep = np.isin(months.month, SCHEDULE["termly"])
            published_late = np.zeros(len(months), bool)
            published_late[-2:] = True
            blank = keep & published_late
            note[blank] = "Available in July" if months[-1].month < 7 else "Available next term"
            keep = keep | blank
        elif freq == "requested":
            keep = np.arange(len(months)) >= len(months) - 4
            blank = keep
            note[blank] = "requested"
        else:
            keep = np.ones(len(months), bool)
            blank[-1] = blank[-1] or rng.random() < 0.3  # the latest month is often late
            note[blank] = "requested"
        text = np.where(
            blank, "", value.astype(str) if decimals else value.astype(np.int64).astype(str)
        )
        rows.append(
            pd.DataFrame(
                {
                    "kpi_id": kpi_id,
                    "period": months.strftime("%Y-%m")[keep],
                    "value": text[keep],
                    "note": note[keep],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def benchmarks() -> pd.DataFrame:
    """Comparator values (``demo_benchmarks.csv``): England from REFERENCE.md, others from
    the seeds or synthetic, each with its source."""
    text = resources.files("sendlib").joinpath("demo_benchmarks.csv").read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def population(s: Scale, end: pd.Period) -> pd.DataFrame:
    """Resident population aged 0–25 by year, growing ~0.4% a year."""
    years = np.arange(2019, end.year + 1)
    pop = np.round(s.population_2020 * 1.004 ** (years - 2020)).astype(np.int64)
    return pd.DataFrame({"year": years.astype(str), "population": pop.astype(str)})


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
