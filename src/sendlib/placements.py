"""Where children and young people with a plan are placed at month end.

A person with a plan has one main placement at a time (REFERENCE.md); the current one is
the latest placement entered on or before month end and not left by month end. Shares
are of all plan holders at month end, so a child with no placement recorded lowers every
share rather than disappearing. Phases use the academic age (age on 31 August): primary
4–10 (Reception to Year 6), secondary 11–15 (Years 7–11), post-16 16–25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.cases import Cases, academic_age, age_years, month_end_ymd, next_differs, pct

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
SETTING_LABELS = {
    "mainstream": "Mainstream school",
    "mainstream_resourced": "Resourced provision / SEN unit",
    "special_state": "State special school",
    "special_inmss": "Independent / non-maintained special",
    "ap": "Alternative provision / PRU",
    "fe_college": "FE college",
    "post16_specialist": "Post-16 specialist",
    "early_years": "Early years setting",
    "eotas_s61": "EOTAS (s61)",
    "eotas_s19": "EOTAS (s19)",
    "ehe": "Electively home educated",
    "neet": "NEET",
    "other": "Other",
    "none": "No placement recorded",
}


def current(c: Cases, month: int) -> pd.DataFrame:
    """Plan holders' current placement at month end: setting, age and academic age."""
    pl = c.placements
    person = pl["person_row"].to_numpy()
    open_ = (
        (pl["entry_m"].to_numpy() <= month)
        & (pl["leave_m"].to_numpy() > month)
        & (pl["plan_lo"].to_numpy() <= month)
        & (pl["plan_hi"].to_numpy() > month)
    )
    idx = np.flatnonzero(open_)
    # frame is sorted by person then entry: keep each person's latest open placement
    keep = idx[next_differs(person[idx])]
    birth = pl["birth_ymd"].to_numpy()[keep]
    return pd.DataFrame(
        {
            "person_row": person[keep],
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


def placement_measures(c: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Setting shares of all plan holders, by phase, INMSS aged 18+, AP and NEET counts."""
    rows = []
    for m in months:
        people = holders(c, m)
        placed = current(c, m)
        placed = placed[np.isin(placed["person_row"].to_numpy(), people["person_row"].to_numpy())]
        setting = placed["setting"].to_numpy()
        n = len(people)
        row = {kpi: pct(np.isin(setting, list(codes)).sum(), n) for kpi, codes in SHARES.items()}
        acad, age = placed["academic_age"].to_numpy(), placed["age"].to_numpy()
        h_acad, h_age = people["academic_age"].to_numpy(), people["age"].to_numpy()
        main = np.isin(setting, MAINSTREAM)
        for name, lo, hi in (("primary", 4, 10), ("secondary", 11, 15), ("post16", 16, 25)):
            in_phase = (acad >= lo) & (acad <= hi)
            row[f"placed_mainstream_{name}_pct"] = pct(
                (main & in_phase).sum(), ((h_acad >= lo) & (h_acad <= hi)).sum()
            )
        inmss = setting == "special_inmss"
        row["placed_inmss_18plus_pct"] = pct((inmss & (age >= 18)).sum(), inmss.sum())
        row["placed_ap"] = float((setting == "ap").sum())
        neet = setting == "neet"
        row["neet_count"] = float(neet.sum())
        row["neet_16_25_pct"] = pct((neet & (age >= 16)).sum(), (h_age >= 16).sum())
        row["neet_16_18_pct"] = pct(
            (neet & (age >= 16) & (age <= 18)).sum(), ((h_age >= 16) & (h_age <= 18)).sum()
        )
        row["placed_none"] = float(n - len(placed))
        rows.append(row)
    frame = pd.DataFrame(rows)
    return {k: frame[k].to_numpy(dtype=float) for k in frame.columns}


def by_setting(c: Cases, month: pd.Period) -> pd.Series:
    """Plan holders at month end by setting (words), including 'No placement recorded'."""
    people = holders(c, month.ordinal)
    placed = current(c, month.ordinal)
    settings = placed.set_index("person_row")["setting"]
    keys = people["person_row"].map(settings).fillna("none").map(SETTING_LABELS)
    return keys.value_counts().rename_axis("setting").rename("count")
