"""Caseload: who holds an EHC plan at month end, who joined and who left.

A plan is active at the end of month M when ``start_date ≤ month end`` and it has no
``cease_date ≤ month end`` (``ehcp_active``): in month ordinals, active over
``[P(start), P(cease))``. Plans end at 25 at the latest (Children and Families Act 2014
s46), hence the age bands 0–4, 5–10, 11–15, 16–19 and 20–25.
"""

from __future__ import annotations

import numpy as np

from sendlib.measures.calendar import (
    count_in,
    count_open,
    first_month_academic_age,
    first_month_aged,
    pct,
)
from sendlib.measures.cases import Cases
from sendlib.measures.family import family

AGE_BANDS = [
    (0, 4, "0-4"),
    (5, 10, "5-10"),
    (11, 15, "11-15"),
    (16, 19, "16-19"),
    (20, 25, "20-25"),
]
OVER_25 = "26+"
SOCIAL_CARE = {
    "CP": "ehcp_child_protection",
    "LAC": "ehcp_looked_after",
    "CARE_LEAVER": "ehcp_care_leaver",
    "CIN": "ehcp_child_in_need",
}
#: the social-care status of each code (person.csv's ``social_care``), as a definition says it
SOCIAL_CARE_WORDS = {
    "CP": "on a child protection plan (Children Act 1989 s47)",
    "LAC": "looked after by a local authority (Children Act 1989 s22)",
    "CARE_LEAVER": "a care leaver (Children Act 1989 s23C)",
    "CIN": "a child in need (Children Act 1989 s17)",
}


@family(
    "caseload",
    {
        "ehcp_active": "EHC plans in force at month end: started on or before it and not "
        "ceased by it.",
        "ehcp_new": "EHC plans that started in the month, transfers-in from another local "
        "authority included.",
        "ehcp_ceased": "EHC plans that ceased in the month (Children and Families Act 2014 s45).",
        "ehcp_early_years": "Plan holders at month end not yet of Reception age (academic age "
        "3 or under).",
        "ehcp_rising5": "Plan holders at month end of academic age 3: starting Reception in "
        "the next academic year.",
        "ehcp_school_age": "Plan holders at month end aged 5 to 15 (school age).",
        "ehcp_school_age_pct": "Of EHC plans in force at month end, % held by a child aged 5 "
        "to 15.",
        **{
            kpi: f"Plan holders at month end recorded as {SOCIAL_CARE_WORDS[code]}."
            for code, kpi in SOCIAL_CARE.items()
        },
    },
    ("person", "plans"),
    characteristic=(
        "ehcp_early_years",
        "ehcp_rising5",
        "ehcp_school_age",
        "ehcp_school_age_pct",
        *SOCIAL_CARE.values(),
    ),
    counts={"ehcp_school_age_pct": "ehcp_school_age"},
    bases={"ehcp_school_age_pct": "ehcp_active"},
    needs=("plans.plan_id",),
    also_needs={kpi: ("person.social_care",) for kpi in SOCIAL_CARE.values()},
)
def caseload(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Active, new and ceased plans; early years, rising 5s, school age; social care status."""
    plans = cases.plans
    start, cease = plans["start_m"].to_numpy(), plans["cease_m"].to_numpy()
    birth = plans["birth_ymd"].to_numpy()
    active = count_open(start, cease, months)
    # academic age ≤ 3 (not yet in Reception) and == 3 (rising 5s) hold over month intervals
    reception = first_month_academic_age(birth, 4)
    rising = first_month_academic_age(birth, 3)
    school_from, school_to = first_month_aged(birth, 5), first_month_aged(birth, 16)
    out = {
        "ehcp_active": active,
        "ehcp_new": count_in(start, months),
        "ehcp_ceased": count_in(cease, months),
        "ehcp_early_years": count_open(start, np.minimum(cease, reception), months),
        "ehcp_rising5": count_open(np.maximum(start, rising), np.minimum(cease, reception), months),
    }
    out["ehcp_school_age"] = count_open(
        np.maximum(start, school_from), np.minimum(cease, school_to), months
    )
    out["ehcp_school_age_pct"] = pct(out["ehcp_school_age"], active)
    social = plans["social_care"].to_numpy()
    for code, kpi in SOCIAL_CARE.items():
        hit = social == code
        out[kpi] = count_open(start[hit], cease[hit], months)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}
