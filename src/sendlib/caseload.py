"""Caseload: who holds an EHC plan at month end, who joined and who left.

A plan is active at the end of month M when ``start_date ≤ month end`` and it has no
``cease_date ≤ month end`` (DESIGN.md ``ehcp_active``): in month ordinals, active over
``[P(start), P(cease))``. Plans end at 25 at the latest (Children and Families Act 2014
s46), hence the age bands 0–4, 5–10, 11–15, 16–19 and 20–25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.cases import (
    Cases,
    academic_age,
    age_years,
    count_in,
    count_open,
    month_end_ymd,
    pct,
)

AGE_BANDS = [
    (0, 4, "0–4"),
    (5, 10, "5–10"),
    (11, 15, "11–15"),
    (16, 19, "16–19"),
    (20, 25, "20–25"),
]
SOCIAL_CARE = {
    "CP": "ehcp_child_protection",
    "LAC": "ehcp_looked_after",
    "CARE_LEAVER": "ehcp_care_leaver",
    "CIN": "ehcp_child_in_need",
}
CEASE_REASONS = {
    "1": "Reached maximum age",
    "2": "Needs met without a plan",
    "3": "Moved to higher education",
    "4": "Moved to paid employment",
    "5": "Moved to another LA",
    "6": "No longer wishes to engage",
    "7": "Moved outside England",
    "8": "Deceased",
    "9": "Other",
}


def active_mask(c: Cases, month: int) -> np.ndarray:
    """Plans active at the end of the month."""
    p = c.plans
    return (p["start_m"].to_numpy() <= month) & (p["cease_m"].to_numpy() > month)


def caseload(c: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Active, new and ceased plans; early years, rising 5s, school age; social care status."""
    p = c.plans
    start, cease = p["start_m"].to_numpy(), p["cease_m"].to_numpy()
    out = {
        "ehcp_active": count_open(start, cease, months),
        "ehcp_new": count_in(start, months),
        "ehcp_ceased": count_in(cease, months),
    }
    birth = p["birth_ymd"].to_numpy()
    social = p["social_care"].to_numpy()
    per_month = {
        k: []
        for k in ("ehcp_early_years", "ehcp_rising5", "ehcp_school_age_pct", *SOCIAL_CARE.values())
    }
    for m in months:
        active = (start <= m) & (cease > m)
        acad = academic_age(birth[active], m)
        age = age_years(birth[active], month_end_ymd(m))
        per_month["ehcp_early_years"].append(int((acad <= 3).sum()))
        per_month["ehcp_rising5"].append(int((acad == 3).sum()))
        per_month["ehcp_school_age_pct"].append(pct(((age >= 5) & (age <= 15)).sum(), active.sum()))
        status = social[active]
        for code, kpi in SOCIAL_CARE.items():
            per_month[kpi].append(int((status == code).sum()))
    out.update({k: np.asarray(v, dtype=float) for k, v in per_month.items()})
    return out


def age_band(age: np.ndarray) -> np.ndarray:
    """The DfE SEN2 age bands of completed years."""
    labels = np.full(len(age), "not recorded", dtype=object)
    for lo, hi, label in AGE_BANDS:
        labels[(age >= lo) & (age <= hi)] = label
    labels[age > 25] = "26+"
    return labels


def active_by(c: Cases, month: pd.Period, by: str) -> pd.Series:
    """Active plans at month end counted by age_band, sex, ethnicity, need, team or social_care."""
    m = month.ordinal
    p = c.plans[active_mask(c, m)]
    if by == "age_band":
        keys = age_band(age_years(p["birth_ymd"].to_numpy(), month_end_ymd(m)))
    else:
        keys = p[by].to_numpy()
    return pd.Series(keys).value_counts().rename_axis(by).rename("count")


def ceased_in_month(c: Cases, month: pd.Period, by: str = "reason") -> pd.Series:
    """Plans ceased in the month by SEN2 cease reason (words) or by age band at ceasing."""
    p = c.plans[c.plans["cease_m"].to_numpy() == month.ordinal]
    if by == "reason":
        keys = p["cease_reason"].map(CEASE_REASONS).fillna("Not recorded").to_numpy()
    else:
        keys = age_band(age_years(p["birth_ymd"].to_numpy(), p["cease_ymd"].to_numpy()))
    return pd.Series(keys, dtype=object).value_counts().rename_axis(by).rename("count")
