"""Where children and young people with a plan are placed at month end.

A person with a plan has one main placement at a time (REFERENCE.md); the current one is
the latest placement entered on or before month end and not left by month end. Shares
are of all plans active at month end, so a child with no placement recorded lowers every
share rather than disappearing. Phases use the academic age (age on 31 August): primary
4–10 (Reception to Year 6), secondary 11–15 (Years 7–11), post-16 16–25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures.calendar import (
    NEVER,
    academic_age,
    age_years,
    count_open,
    first_month_academic_age,
    first_month_aged,
    month_end_ymd,
    next_differs,
    pct,
)
from sendlib.measures.cases import Cases

MAINSTREAM = ("mainstream", "mainstream_resourced")
SHARES = {  # kpi id: settings counted
    "placed_mainstream_pct": MAINSTREAM,
    "placed_inmss_pct": ("special_inmss",),
    "placed_special_state_pct": ("special_state",),
    "placed_eotas_s61_pct": ("eotas_s61",),
    "placed_eotas_s19_pct": ("eotas_s19",),
    "placed_eotas_pct": ("eotas_s61", "eotas_s19"),
    "placed_ehe_pct": ("ehe",),
    "placed_post16_specialist_pct": ("post16_specialist",),
}
NO_PLACEMENT = "none"  # a plan holder with no placement recorded at month end


def windows(c: Cases) -> tuple[np.ndarray, np.ndarray]:
    """Months each placement row is its person's current placement: [lo, hi).

    From entry (or the plan's start) until it is left, the person's next placement is
    entered, or the plan ends; a placement entered later in the same month wins.
    """
    pl = c.placements  # sorted by person, then entry date (``prepare``)
    person = pl["person_row"].to_numpy()
    next_entry = np.where(next_differs(person), NEVER, np.roll(pl["entry_m"].to_numpy(), -1))
    lo = np.maximum(pl["entry_m"].to_numpy(), pl["plan_lo"].to_numpy())
    hi = np.minimum.reduce([pl["leave_m"].to_numpy(), next_entry, pl["plan_hi"].to_numpy()])
    return lo, hi


def current(c: Cases, month: int) -> pd.DataFrame:
    """Plan holders' current placement at month end: setting, age and academic age."""
    lo, hi = windows(c)
    keep = np.flatnonzero((lo <= month) & (hi > month))
    pl = c.placements
    birth = pl["birth_ymd"].to_numpy()[keep]
    return pd.DataFrame(
        {
            "person_row": pl["person_row"].to_numpy()[keep],
            "setting": pl["setting"].to_numpy()[keep],
            "age": age_years(birth, month_end_ymd(month)),
            "academic_age": academic_age(birth, month),
        }
    )


def holders(c: Cases, month: int) -> pd.DataFrame:
    """Everyone with an active plan at month end (one row per person) and their ages."""
    p = c.plans
    active = (p["start_m"].to_numpy() <= month) & (p["cease_m"].to_numpy() > month)
    people = p.loc[active, ["person_row", "birth_ymd"]].drop_duplicates("person_row")
    birth = people["birth_ymd"].to_numpy()
    return pd.DataFrame(
        {
            "person_row": people["person_row"].to_numpy(),
            "age": age_years(birth, month_end_ymd(month)),
            "academic_age": academic_age(birth, month),
        }
    )


# age groups as month intervals: (name, kind, from age, to age exclusive)
GROUPS = {
    "primary": ("academic", 4, 11),
    "secondary": ("academic", 11, 16),
    "post16": ("academic", 16, 26),
    "18plus": ("age", 18, None),
    "16plus": ("age", 16, None),
    "16_18": ("age", 16, 19),
}


def _group(birth: np.ndarray, group: str) -> tuple[np.ndarray, np.ndarray]:
    kind, lo, hi = GROUPS[group]
    first = first_month_academic_age if kind == "academic" else first_month_aged
    upper = first(birth, hi) if hi is not None else np.full(len(birth), NEVER)
    return first(birth, lo), upper


def placement_measures(c: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Setting shares of all plans at month end, by phase, INMSS aged 18+, AP and NEET."""
    lo, hi = windows(c)
    setting = c.placements["setting"].to_numpy()
    birth = c.placements["birth_ymd"].to_numpy()
    p = c.plans
    p_lo, p_hi, p_birth = (
        p["start_m"].to_numpy(),
        p["cease_m"].to_numpy(),
        p["birth_ymd"].to_numpy(),
    )

    def placed(mask, group=None):
        a, b = lo[mask], hi[mask]
        if group is not None:
            g_lo, g_hi = _group(birth[mask], group)
            a, b = np.maximum(a, g_lo), np.minimum(b, g_hi)
        return count_open(a, b, months)

    def plans(group=None):
        if group is None:
            return count_open(p_lo, p_hi, months)
        g_lo, g_hi = _group(p_birth, group)
        return count_open(np.maximum(p_lo, g_lo), np.minimum(p_hi, g_hi), months)

    # settings as integer codes: np.isin on millions of strings costs a sort each time
    kinds, names = pd.factorize(setting)

    def among(codes) -> np.ndarray:
        return np.isin(names, list(codes))[kinds] & (kinds >= 0)

    everyone = plans()
    out = {kpi: pct(placed(among(codes)), everyone) for kpi, codes in SHARES.items()}
    main = among(MAINSTREAM)
    for phase in ("primary", "secondary", "post16"):
        out[f"placed_mainstream_{phase}_pct"] = pct(placed(main, phase), plans(phase))
    inmss = setting == "special_inmss"
    out["placed_inmss_18plus_pct"] = pct(placed(inmss, "18plus"), placed(inmss))
    out["placed_ap"] = placed(setting == "ap")
    neet = setting == "neet"
    out["neet_count"] = placed(neet)
    out["neet_16_25_pct"] = pct(placed(neet, "16plus"), plans("16plus"))
    out["neet_16_18_pct"] = pct(placed(neet, "16_18"), plans("16_18"))
    out["placed_none"] = np.maximum(everyone - placed(np.ones(len(setting), bool)), 0)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def by_setting(c: Cases, month: pd.Period) -> pd.Series:
    """Plan holders at month end by setting (code), ``NO_PLACEMENT`` for those with none."""
    people = holders(c, month.ordinal)
    placed = current(c, month.ordinal)
    settings = placed.set_index("person_row")["setting"]
    keys = people["person_row"].map(settings).fillna(NO_PLACEMENT)
    return keys.value_counts().rename_axis("setting").rename("count")
