"""The lives of the demo council's children: who they are, when plans cease and why,
their annual reviews, placements and disputes, and a few deliberate data-quality faults.

Each function draws from the one generator it is given, in a fixed order, so a seed
always gives the same council.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.data.sen2.upn import check_letters
from sendlib.demo.calibration import (
    APPEALS_PER_MONTH,
    EOTAS_GROWTH,
    ETHNICITY,
    MEDIATIONS_PER_MONTH,
    NEEDS,
    OFFICERS_PER_TEAM,
    PHASE_AGES,
    PHASE_TRANSFER_ON_TIME,
    REVIEW_ON_TIME,
    SETTINGS,
    TEAMS,
    TRANSFER_AGES,
    UPN_LAS,
)
from sendlib.demo.draws import (
    MISSING,
    by_year,
    choice,
    ids,
    iso,
    next_september,
    year_of,
)


def legacy_age_weights() -> np.ndarray:
    ages = np.arange(3, 25)
    w = np.where(ages < 5, 2.0, np.where(ages < 16, 6.0, np.where(ages < 20, 4.5, 1.2)))
    return w / w.sum()


def ceasing(rng, plan_start, birth, start):
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


def needs(rng, age):
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


def people(rng, n, birth, last) -> pd.DataFrame:
    age_now = (last - birth) / 365.25
    team = np.where(age_now < 11, TEAMS[0], np.where(age_now < 16, TEAMS[1], TEAMS[2]))
    officer_no = rng.integers(1, OFFICERS_PER_TEAM + 1, n).astype(str)
    short = np.where(age_now < 11, "EYP", np.where(age_now < 16, "SEC", "P16"))
    officer = np.char.add(np.char.add(short.astype(str), "-"), np.char.zfill(officer_no, 2))
    sex = choice(rng, {"M": 70, "F": 29.3, "U": 0.4, "": 0.3}, n)
    social = choice(rng, {"": 90.9, "CP": 0.6, "LAC": 3.5, "CARE_LEAVER": 0.5, "CIN": 4.5}, n)
    upn = upns(rng.permutation(n), birth)
    no_upn = (age_now < 6) & (rng.random(n) < 0.5) | (age_now >= 6) & (rng.random(n) < 0.002)
    upn = np.where(no_upn, "", upn)
    return pd.DataFrame(
        {
            "person_id": ids("P", n),
            "upn": upn,
            "birth_date": iso(birth),
            "sex": sex,
            "ethnicity": choice(rng, ETHNICITY, n),
            "team": team,
            "case_officer": officer,
            "social_care": social,
        }
    )


def upns(numbers: np.ndarray, birth: np.ndarray, school: int | None = None) -> np.ndarray:
    """Valid, distinct UPNs made from distinct ``numbers`` (under 8 million): a real LA
    number (the South West's), a made-up school (``school``, or one from the number) and
    serial, the year the child turned 5, and the check letter (DfE "Unique pupil
    numbers")."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if not len(numbers):
        return np.array([], dtype=str)
    la = np.array(UPN_LAS)[(numbers // 1000) % len(UPN_LAS)]
    schools = 1000 + numbers // 1000 if school is None else np.full(len(numbers), school)
    school = np.char.zfill(schools.astype(str), 4)
    issued = np.char.zfill(((year_of(birth) + 5) % 100).astype(str), 2)
    serial = np.char.zfill((numbers % 1000).astype(str), 3)
    body = np.char.add(np.char.add(np.char.add(la, school), issued), serial).astype(object)
    letters = check_letters(np.char.add("A", body.astype(str)).astype(object))
    return np.char.add(letters.astype(str), body.astype(str))


def amendments(rng, decision, decided, last) -> tuple[np.ndarray, np.ndarray]:
    """Each amend decision's draft amended plan (with the decision, or a few days after)
    and its final amended plan (after the 15 days the family has to comment, reg 22)."""
    n = len(decision)
    amend = (decision == "A") & (decided != MISSING)
    draft = decided + rng.integers(0, 9, n)
    final = draft + 15 + rng.exponential(28, n).astype(np.int64)
    draft = np.where(amend & (draft <= last), draft, MISSING)
    final = np.where((draft != MISSING) & (final <= last), final, MISSING)
    return draft, final


def _days(years: np.ndarray, month_day: str) -> np.ndarray:
    """Day numbers of one day of the year (``"-02-15"``) in each of ``years``."""
    text = np.char.add(np.clip(years, 1990, 2100).astype(str), month_day)
    return (text.astype("datetime64[D]") - np.datetime64("1970-01-01", "D")).astype(np.int64)


def phase_transfers(rng, plan_start, ceased, birth, last) -> dict[str, np.ndarray]:
    """The phase-transfer review of each plan held by a child moving into Reception, Year 7
    or post-16 in a September from 2020 on, with the deadline for the amended plan
    (15 February, or 31 March for post-16: SEND Regs 2014 reg 18) and the day it came.
    A transfer is known from the September a year before the move, for every plan in
    force then (one that ceases before the deadline is no longer due: the measures say
    so, not the data)."""
    born = year_of(birth)
    born_month = (birth.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)) % 12
    plans, due, final = [], [], []
    for age, post16 in TRANSFER_AGES.items():
        year = born + age + (born_month >= 8)  # the move's September: aged `age` on 31 August
        deadline = _days(year, "-03-31" if post16 else "-02-15")
        review_from = _days(year - 1, "-09-01")
        on_time = rng.random(len(year)) < by_year(PHASE_TRANSFER_ON_TIME, year)
        offset = np.where(
            on_time,
            -rng.integers(0, 45, len(year)),
            1 + rng.exponential(35, len(year)).astype(np.int64),
        )
        held = (
            (year >= 2020)
            & (review_from <= last)
            & (plan_start <= review_from)
            & ((ceased == MISSING) | (ceased > review_from))
        )
        idx = np.flatnonzero(held)
        issued = deadline[idx] + offset[idx]
        before_cease = (ceased[idx] == MISSING) | (issued <= ceased[idx])
        plans.append(idx)
        due.append(deadline[idx])
        final.append(np.where((issued <= last) & before_cease, issued, MISSING))
    return _by_plan(plans, "due", due=due, final=final)


def reviews(rng, plan_start, plan_stop, ceased, last) -> dict[str, np.ndarray]:
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
    return _by_plan(plans, "meeting", meeting=meetings, decision=decisions, decided=decided)


# the first URN of the demo's establishments of each setting that has one (made up: the
# demo's synthetic "Get Information About Schools" list says what kind each one is)
URN_BASE = {
    "mainstream": 100_000,
    "mainstream_resourced": 110_000,
    "special_state": 120_000,
    "special_inmss": 130_000,
    "ap": 140_000,
    "fe_college": 150_000,
    "post16_specialist": 160_000,
    "early_years": 170_000,
}


def placements(rng, person, start, stop, ceased, birth) -> dict[str, np.ndarray]:
    """One main placement at a time, changing at the phase transfers (5, 11, 16, 20)."""
    pieces_person, pieces_entry, pieces_leave, pieces_setting = [], [], [], []
    bounds = [birth + int(a * 365.25) for a in PHASE_AGES[1:]]
    for k, phase in enumerate(PHASE_AGES):
        lo = birth + int(phase * 365.25) if k else np.full(len(birth), np.iinfo(np.int64).min)
        hi = bounds[k] if k < len(bounds) else np.full(len(birth), np.iinfo(np.int64).max)
        entry = np.maximum(start, next_september(lo) if k else lo)
        leave = np.minimum(stop, next_september(hi) if k < len(bounds) else hi)
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
    # each establishment is of one kind: 50 possible URNs per setting that has a URN
    base = pd.Series(setting).map(URN_BASE).fillna(0).to_numpy(np.int64)
    draw = rng.integers(0, 50, len(setting))
    urn = np.where(base > 0, (base + draw * 37).astype(str), "")
    return {
        "person": p[order],
        "entry": e[order],
        "leaving": np.concatenate(pieces_leave)[order],
        "setting": setting,
        "urn": urn,
    }


def disputes(rng, s, months, month_first, month_len, years, first_contact, last):
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


def inject_quality_problems(
    rng, person, placements, reviews, plan_start, plan_person, birth, active_end, last, s
) -> None:
    """A handful of the problems the data-quality checks count, so the data-quality section
    has content."""
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


def _by_plan(plans: list, key: str, **columns: list) -> dict[str, np.ndarray]:
    """Rows drawn a pass at a time (``plans`` and each column, one array per pass) as one
    table sorted by plan, then by the column ``key``."""
    plan = np.concatenate(plans)
    joined = {name: np.concatenate(parts) for name, parts in columns.items()}
    order = np.lexsort((joined[key], plan))
    return {"plan": plan[order], **{name: values[order] for name, values in joined.items()}}
