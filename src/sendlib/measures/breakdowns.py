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

from functools import partial

import numpy as np
import pandas as pd

from sendlib.data.contract import contract
from sendlib.measures import placements as placement_measures
from sendlib.measures.calendar import (
    NEVER,
    count_in_by,
    count_open,
    count_open_by,
    first_month_aged,
)
from sendlib.measures.caseload import AGE_BANDS, OVER_25
from sendlib.measures.cases import NOT_RECORDED, UNKNOWN_SEX, Cases
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


def _codes(column: str) -> list[str]:
    """A code column's groups: every code of its list, and ``NOT_RECORDED``."""
    file = "person" if column in ("sex",) else "plans"
    codes = [c for c in contract().codes_for(file, column) if not _unknown(column, c)]
    return [*codes, NOT_RECORDED]


def _unknown(column: str, code: str) -> bool:
    """A code that says what a blank says (SEN2's sex U, 'not known'): not recorded."""
    return column == "sex" and code == UNKNOWN_SEX


#: each coded characteristic's groups, whether or not a child is in them: a table of one
#: group beside its published total would give every child's group away, so the groups no
#: child is in are figures too (zeros), which disclosure control may withhold last
CODED = {"sex": "sex", "need": "primary_need", "cease_reason": "cease_reason"}
AGES_AT_REQUEST = tuple(range(0, 26))  # the ages a request for a plan can be made at


def _factor(values: np.ndarray, groups=()) -> tuple[np.ndarray, list]:
    """Each value's group and the groups: ``groups`` first (those no child is in too),
    then any other value the data hold."""
    kinds, names = pd.factorize(values)
    if not len(groups):
        return kinds, list(names)
    every = list(dict.fromkeys([*groups, *names]))
    return pd.Index(every).get_indexer(values), every


def active_by(cases: Cases, months: np.ndarray, by: str) -> pd.DataFrame:
    """Plans active at each month end by ``age_band``, ``sex``, ``need``, ``ethnicity``,
    ``team`` or ``social_care`` (codes; ``NOT_RECORDED`` when blank)."""
    plans = cases.plans
    start, cease = plans["start_m"].to_numpy(), plans["cease_m"].to_numpy()
    if by == "age_band":
        birth = plans["birth_ymd"].to_numpy()
        keys, counts = [], []
        for lo, hi, code in [*AGE_BANDS, (26, None, OVER_25)]:
            until = (
                first_month_aged(birth, hi + 1) if hi is not None else np.full(len(plans), NEVER)
            )
            a, b = np.maximum(start, first_month_aged(birth, lo)), np.minimum(cease, until)
            keys.append(code)
            counts.append(count_open(a, b, months))
        return _long(np.array(counts), keys, months)
    kinds, names = _factor(plans[by].to_numpy(), _codes(CODED[by]) if by in CODED else ())
    counts = count_open_by(start, cease, kinds, len(names), months)
    return _long(counts, names, months)


def ceased_by_reason(cases: Cases, months: np.ndarray) -> pd.DataFrame:
    """Plans ceased in each month by SEN2 cease reason (code; ``NOT_RECORDED`` when blank)."""
    plans = cases.plans
    reason = plans["cease_reason"].to_numpy()
    kinds, names = _factor(np.where(reason == "", NOT_RECORDED, reason), _codes("cease_reason"))
    counts = count_in_by(plans["cease_m"].to_numpy(), kinds, len(names), months)
    return _long(counts, names, months)


def by_setting(cases: Cases, months: np.ndarray) -> pd.DataFrame:
    """Plans at each month end by the holder's setting (code), and ``NO_PLACEMENT`` for
    those with no placement recorded: the counts the setting shares are shares of."""
    lo, hi = placement_measures.windows(cases)
    settings = contract().codes_for("placements", "setting")
    kinds, names = _factor(cases.placements["setting"].to_numpy(), settings)
    counts = count_open_by(lo, hi, kinds, len(names), months)
    plans = cases.plans
    everyone = count_open(plans["start_m"].to_numpy(), plans["cease_m"].to_numpy(), months)
    none = np.maximum(everyone - counts.sum(axis=0), 0)
    keys = [*names, placement_measures.NO_PLACEMENT]
    return _long(np.vstack([counts, none[None, :]]), keys, months)


def review_status_by_team(cases: Cases, months: np.ndarray) -> pd.DataFrame:
    """Current plans at each month end by team (``row``) and review status (``column``:
    in date, due, overdue): the operational view, a team's caseload by review status."""
    windows = status_windows(cases)
    kinds, names = pd.factorize(cases.plans["team"].to_numpy()[windows.plan_row])
    parts = [
        _long(count_open_by(lo, hi, kinds, len(names), months), list(names), months, status)
        for status, (lo, hi) in windows.by_status().items()
    ]
    return pd.concat(parts, ignore_index=True)


def reviews_held_by_team(cases: Cases, months: np.ndarray) -> pd.DataFrame:
    """Annual review meetings held in each month, by the plan's team."""
    reviews = cases.reviews
    kinds, names = pd.factorize(reviews["team"].to_numpy())
    counts = count_in_by(reviews["meeting_m"].to_numpy(), kinds, len(names), months)
    return _long(counts, list(names), months)


def requests_by(cases: Cases, months: np.ndarray, by: str) -> pd.DataFrame:
    """New requests received in each month by ``age`` (years at request) or ``need`` (the
    primary need recorded at request: a month is compared with the same month a year
    earlier on what was known then, like for like)."""
    requests = cases.requests
    new = ~requests["transfer"].to_numpy()
    if by == "age":
        age = (requests["received_ymd"].to_numpy() - requests["birth_ymd"].to_numpy()) // 10000
        kinds, values = _factor(age[new], AGES_AT_REQUEST)
    else:
        kinds, values = _factor(requests["need"].to_numpy()[new], _codes("primary_need"))
    counts = count_in_by(requests["received_m"].to_numpy()[new], kinds, len(values), months)
    return _long(counts, values, months)


def issued_by_need(cases: Cases, months: np.ndarray) -> pd.DataFrame:
    """New plans issued in each month (as ``plans_issued`` counts them) by primary need:
    what a paper shows by need when the requests do not record it (the need of a
    request's plan is known only once the plan is issued, so requests of this month and
    of a year ago would not be compared like for like)."""
    plans = cases.plans[cases.plans["new"].to_numpy()]
    kinds, names = _factor(plans["need"].to_numpy(), _codes("primary_need"))
    counts = count_in_by(plans["start_m"].to_numpy(), kinds, len(names), months)
    return _long(counts, names, months)


#: every breakdown of children the paper can publish, by name: (function, its columns)
BREAKDOWNS = {
    "active_by_age_band": (partial(active_by, by="age_band"), ("plans.plan_id",)),
    "active_by_sex": (partial(active_by, by="sex"), ("plans.plan_id", "person.sex")),
    "active_by_need": (
        partial(active_by, by="need"),
        ("plans.plan_id", "plans.primary_need"),
    ),
    "active_by_ethnicity": (
        partial(active_by, by="ethnicity"),
        ("plans.plan_id", "person.ethnicity"),
    ),
    "active_by_team": (partial(active_by, by="team"), ("plans.plan_id", "person.team")),
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
    "requests_by_age": (partial(requests_by, by="age"), ("requests.request_id",)),
    "requests_by_need": (
        partial(requests_by, by="need"),
        ("requests.request_id", "requests.primary_need"),
    ),
    "issued_by_need": (issued_by_need, ("plans.plan_id", "plans.primary_need")),
}


def files_read() -> set[str]:
    """The input files the breakdowns read (whatever the KPI catalogue holds)."""
    return {need.split(".")[0] for _, needs in BREAKDOWNS.values() for need in needs}
