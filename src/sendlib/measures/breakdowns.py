"""Children counted by a characteristic, month by month: the breakdowns the paper publishes.

Each function counts, for every month at once, the children (or their requests and review
meetings) in each group of one characteristic: age band, sex, primary need, ethnicity,
team, cease reason, setting, review status by team, age and need at request. The result
is a long frame (``period``, ``row``, ``column``, ``count``; ``column`` is "" for a
one-way breakdown) holding every group the data holds, in every month asked for, zeros
included: the groups do not depend on which months a paper shows, so the same month is
decided the same way in every paper made from the same data. The
disclosure decision over them is made once, with the measures they add up to
(``sendlib.scorecard.figures``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures import placements as placement_measures
from sendlib.measures.calendar import (
    NEVER,
    count_in_by,
    count_open,
    count_open_by,
    first_month_aged,
)
from sendlib.measures.caseload import AGE_BANDS, OVER_25
from sendlib.measures.cases import NOT_RECORDED, Cases
from sendlib.measures.reviews import status_windows

COLUMNS = ["period", "row", "column", "count"]


def _long(counts: np.ndarray, keys, months: np.ndarray, column: str = "") -> pd.DataFrame:
    """A (keys × months) array of counts as the long frame of this module."""
    labels = pd.PeriodIndex.from_ordinals(np.asarray(months, dtype=np.int64), freq="M")
    counts = np.asarray(counts, dtype=np.int64).reshape(len(keys), len(months))
    return pd.DataFrame(
        {
            "period": np.tile(labels.strftime("%Y-%m"), len(keys)),
            "row": np.repeat(np.asarray([str(k) for k in keys], dtype=object), len(months)),
            "column": column,
            "count": counts.ravel(),
        }
    )


def active_by(c: Cases, months: np.ndarray, by: str) -> pd.DataFrame:
    """Plans active at each month end by ``age_band``, ``sex``, ``need``, ``ethnicity``,
    ``team`` or ``social_care`` (codes; ``NOT_RECORDED`` when blank)."""
    p = c.plans
    start, cease = p["start_m"].to_numpy(), p["cease_m"].to_numpy()
    if by == "age_band":
        birth = p["birth_ymd"].to_numpy()
        keys, counts = [], []
        for lo, hi, code in [*AGE_BANDS, (26, None, OVER_25)]:
            until = first_month_aged(birth, hi + 1) if hi is not None else np.full(len(p), NEVER)
            a, b = np.maximum(start, first_month_aged(birth, lo)), np.minimum(cease, until)
            keys.append(code)
            counts.append(count_open(a, b, months))
        return _long(np.array(counts), keys, months)
    kinds, names = pd.factorize(p[by].to_numpy())
    counts = count_open_by(start, cease, kinds, len(names), months)
    return _long(counts, list(names), months)


def ceased_by_reason(c: Cases, months: np.ndarray) -> pd.DataFrame:
    """Plans ceased in each month by SEN2 cease reason (code; ``NOT_RECORDED`` when blank)."""
    p = c.plans
    reason = p["cease_reason"].to_numpy()
    kinds, names = pd.factorize(np.where(reason == "", NOT_RECORDED, reason))
    counts = count_in_by(p["cease_m"].to_numpy(), kinds, len(names), months)
    return _long(counts, list(names), months)


def by_setting(c: Cases, months: np.ndarray) -> pd.DataFrame:
    """Plans at each month end by the holder's setting (code), and ``NO_PLACEMENT`` for
    those with no placement recorded: the counts the setting shares are shares of."""
    lo, hi = placement_measures.windows(c)
    kinds, names = pd.factorize(c.placements["setting"].to_numpy())
    counts = count_open_by(lo, hi, kinds, len(names), months)
    p = c.plans
    everyone = count_open(p["start_m"].to_numpy(), p["cease_m"].to_numpy(), months)
    none = np.maximum(everyone - counts.sum(axis=0), 0)
    keys = [*names, placement_measures.NO_PLACEMENT]
    return _long(np.vstack([counts, none[None, :]]), keys, months)


def review_status_by_team(c: Cases, months: np.ndarray) -> pd.DataFrame:
    """Current plans at each month end by team (``row``) and review status (``column``:
    in date, due, overdue; seed 004's dashboard)."""
    windows = status_windows(c)
    kinds, names = pd.factorize(c.plans["team"].to_numpy()[windows.plan_row])
    parts = [
        _long(count_open_by(lo, hi, kinds, len(names), months), list(names), months, status)
        for status, (lo, hi) in windows.by_status().items()
    ]
    return pd.concat(parts, ignore_index=True)


def reviews_held_by_team(c: Cases, months: np.ndarray) -> pd.DataFrame:
    """Annual review meetings held in each month, by the plan's team."""
    rv = c.reviews
    kinds, names = pd.factorize(rv["team"].to_numpy())
    counts = count_in_by(rv["meeting_m"].to_numpy(), kinds, len(names), months)
    return _long(counts, list(names), months)


def requests_by(c: Cases, months: np.ndarray, by: str) -> pd.DataFrame:
    """New requests received in each month by ``age`` (years at request) or ``need`` (the
    primary need recorded at request: a month is compared with the same month a year
    earlier on what was known then, like for like; seed 001 section I)."""
    r = c.requests
    new = ~r["transfer"].to_numpy()
    if by == "age":
        age = (r["received_ymd"].to_numpy() - r["birth_ymd"].to_numpy()) // 10000
        values, kinds = np.unique(age[new], return_inverse=True)
    else:
        kinds, values = pd.factorize(r["need"].to_numpy()[new])
    counts = count_in_by(r["received_m"].to_numpy()[new], kinds, len(values), months)
    return _long(counts, list(values), months)


def issued_by_need(c: Cases, months: np.ndarray) -> pd.DataFrame:
    """New plans issued in each month (DESIGN.md ``plans_issued``) by primary need: what a
    paper shows by need when the requests do not record it (the need of a request's plan
    is known only once the plan is issued, so requests of this month and of a year ago
    would not be compared like for like)."""
    p = c.plans[c.plans["new"].to_numpy()]
    kinds, names = pd.factorize(p["need"].to_numpy())
    counts = count_in_by(p["start_m"].to_numpy(), kinds, len(names), months)
    return _long(counts, list(names), months)


#: every breakdown of children the paper can publish, by name: (function, its columns)
BREAKDOWNS = {
    "active_by_age_band": (lambda c, m: active_by(c, m, "age_band"), ("plans.plan_id",)),
    "active_by_sex": (lambda c, m: active_by(c, m, "sex"), ("plans.plan_id", "person.sex")),
    "active_by_need": (
        lambda c, m: active_by(c, m, "need"),
        ("plans.plan_id", "plans.primary_need"),
    ),
    "active_by_ethnicity": (
        lambda c, m: active_by(c, m, "ethnicity"),
        ("plans.plan_id", "person.ethnicity"),
    ),
    "active_by_team": (lambda c, m: active_by(c, m, "team"), ("plans.plan_id", "person.team")),
    "ceased_by_reason": (ceased_by_reason, ("plans.plan_id", "plans.cease_reason")),
    "by_setting": (by_setting, ("plans.plan_id", "placements.setting")),
    "review_status_by_team": (
        review_status_by_team,
        ("plans.plan_id", "reviews.review_meeting_date", "person.team"),
    ),
    "reviews_held_by_team": (
        reviews_held_by_team,
        ("reviews.review_meeting_date", "person.team"),
    ),
    "requests_by_age": (lambda c, m: requests_by(c, m, "age"), ("requests.request_id",)),
    "requests_by_need": (
        lambda c, m: requests_by(c, m, "need"),
        ("requests.request_id", "requests.primary_need"),
    ),
    "issued_by_need": (issued_by_need, ("plans.plan_id", "plans.primary_need")),
}
