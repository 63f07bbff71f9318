"""Where children and young people with a plan are placed at month end.

A person with a plan has one main placement at a time (the SEN2 return's ``PlacementRank``
1; overlapping open placements are a data-quality finding); the current one is
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
    count_open,
    count_open_by,
    first_month_academic_age,
    first_month_aged,
    next_differs,
    pct,
)
from sendlib.measures.cases import Cases
from sendlib.measures.family import count_and_share, family

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


def count_of(share: str) -> str:
    """The id of the count a share is of: ``placed_inmss_pct`` → ``placed_inmss``."""
    return share.removesuffix("_pct")


def windows(cases: Cases) -> tuple[np.ndarray, np.ndarray]:
    """Months each placement row is its person's current placement: [lo, hi).

    From entry (or the plan's start) until it is left, the person's next placement is
    entered, or the plan ends; a placement entered later in the same month wins.
    """
    placements = cases.placements  # sorted by person, then entry date (``prepare``)
    person = placements["person_row"].to_numpy()
    next_entry = np.where(
        next_differs(person), NEVER, np.roll(placements["entry_m"].to_numpy(), -1)
    )
    lo = np.maximum(placements["entry_m"].to_numpy(), placements["plan_lo"].to_numpy())
    hi = np.minimum.reduce(
        [placements["leave_m"].to_numpy(), next_entry, placements["plan_hi"].to_numpy()]
    )
    return lo, hi


GROUPS = {
    "primary": ("academic", 4, 11),
    "secondary": ("academic", 11, 16),
    "post16": ("academic", 16, 26),
    "18plus": ("age", 18, None),
    "16plus": ("age", 16, None),
    "16_18": ("age", 16, 19),
}


#: the plans in each group a share of a group is of (its base, a count of children)
BASES = {
    "primary": "ehcp_primary",
    "secondary": "ehcp_secondary",
    "post16": "ehcp_post16",
    "16plus": "ehcp_16plus",
    "16_18": "ehcp_16_18",
}
PHASE_NAMES = ("primary", "secondary", "post16")
#: the settings of each share of SHARES, as a definition says them
SETTING_WORDS = {
    "placed_mainstream_pct": "a mainstream school, its resourced provision or SEN unit",
    "placed_inmss_pct": "an independent or non-maintained special school",
    "placed_special_state_pct": "a maintained or academy special school",
    "placed_eotas_s61_pct": "education otherwise than at school (Children and Families Act "
    "2014 s61)",
    "placed_eotas_s19_pct": "education arranged by the local authority under the Education "
    "Act 1996 s19",
    "placed_eotas_pct": "education otherwise than at school (CFA 2014 s61 or Education Act "
    "1996 s19)",
    "placed_ehe_pct": "elective home education",
    "placed_post16_specialist_pct": "a specialist post-16 institution",
}
#: the age group of each phase or age share, as a definition says it
GROUP_WORDS = {
    "primary": "of primary age (academic age 4 to 10)",
    "secondary": "of secondary age (academic age 11 to 15)",
    "post16": "of post-16 age (academic age 16 to 25)",
    "16plus": "aged 16 or over",
    "16_18": "aged 16 to 18",
}
HOLDERS = "Plan holders at month end"
#: every measure of the family (each a characteristic figure: children by setting)
DEFINITIONS = {
    **{
        kpi: definition
        for share in SHARES
        for kpi, definition in count_and_share(
            count_of(share), "plan holders at month end", f"placed in {SETTING_WORDS[share]}"
        ).items()
    },
    **{
        kpi: definition
        for p in PHASE_NAMES
        for kpi, definition in count_and_share(
            f"placed_mainstream_{p}",
            f"plan holders {GROUP_WORDS[p]} at month end",
            "placed in mainstream",
        ).items()
    },
    "placed_inmss_18plus": f"{HOLDERS} aged 18 or over placed in an independent or "
    "non-maintained special school.",
    "placed_inmss_18plus_pct": "Of plan holders placed in an independent or non-maintained "
    "special school at month end, % aged 18 or over.",
    "placed_ap": f"{HOLDERS} placed in alternative provision or a pupil referral unit.",
    "neet_count": f"{HOLDERS} recorded as not in education, employment or training (NEET).",
    "neet_16_25": f"{HOLDERS} aged 16 or over (to 25) recorded as NEET.",
    "neet_16_25_pct": "Of plan holders aged 16 or over at month end, % recorded as NEET.",
    "neet_16_18": f"{HOLDERS} aged 16 to 18 recorded as NEET.",
    "neet_16_18_pct": "Of plan holders aged 16 to 18 at month end, % recorded as NEET.",
    "placed_none": f"{HOLDERS} with no current placement recorded.",
    **{kpi: f"{HOLDERS} {GROUP_WORDS[group]}." for group, kpi in BASES.items()},
}
PLACED = tuple(DEFINITIONS)


def _group(birth: np.ndarray, group: str) -> tuple[np.ndarray, np.ndarray]:
    kind, lo, hi = GROUPS[group]
    first = first_month_academic_age if kind == "academic" else first_month_aged
    upper = first(birth, hi) if hi is not None else np.full(len(birth), NEVER)
    return first(birth, lo), upper


@family(
    "placements",
    DEFINITIONS,
    ("person", "plans", "placements"),
    characteristic=PLACED,
    counts={
        **{share: count_of(share) for share in SHARES},
        **{f"placed_mainstream_{p}_pct": f"placed_mainstream_{p}" for p in PHASE_NAMES},
        "placed_inmss_18plus_pct": "placed_inmss_18plus",
        "neet_16_25_pct": "neet_16_25",
        "neet_16_18_pct": "neet_16_18",
    },
    bases={
        **{share: "ehcp_active" for share in SHARES},
        **{f"placed_mainstream_{p}_pct": BASES[p] for p in PHASE_NAMES},
        "placed_inmss_18plus_pct": "placed_inmss",
        "neet_16_25_pct": BASES["16plus"],
        "neet_16_18_pct": BASES["16_18"],
    },
    needs=("plans.plan_id", "placements.setting"),
)
def placement_measures(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """Setting shares of all plans at month end, by phase, INMSS aged 18+, AP and NEET."""
    lo, hi = windows(cases)
    birth = cases.placements["birth_ymd"].to_numpy()
    held = cases.plans
    p_lo, p_hi, p_birth = (
        held["start_m"].to_numpy(),
        held["cease_m"].to_numpy(),
        held["birth_ymd"].to_numpy(),
    )
    # settings as integer codes: comparing millions of strings costs more than counting
    kinds, names = pd.factorize(cases.placements["setting"].to_numpy())
    # rows with no setting (none in prepared cases) count as placed, under a key of their own
    keys = np.where(kinds < 0, len(names), kinds)
    by_key = count_open_by(lo, hi, keys, len(names) + 1, months)
    by_setting = by_key[: len(names)]

    def placed(codes) -> np.ndarray:
        return by_setting[np.isin(names, list(codes))].sum(axis=0)

    def placed_aged(codes, groups: tuple[str, ...]) -> dict[str, np.ndarray]:
        rows = np.flatnonzero(np.isin(names, list(codes))[kinds] & (kinds >= 0))
        a, b, born = lo[rows], hi[rows], birth[rows]
        out = {}
        for group in groups:
            g_lo, g_hi = _group(born, group)
            out[group] = count_open(np.maximum(a, g_lo), np.minimum(b, g_hi), months)
        return out

    def plans(group=None):
        if group is None:
            return count_open(p_lo, p_hi, months)
        g_lo, g_hi = _group(p_birth, group)
        return count_open(np.maximum(p_lo, g_lo), np.minimum(p_hi, g_hi), months)

    everyone = plans()
    out = {}
    for kpi, codes in SHARES.items():  # each share beside the count it is a share of
        out[count_of(kpi)] = placed(codes)
        out[kpi] = pct(out[count_of(kpi)], everyone)
    main = placed_aged(MAINSTREAM, ("primary", "secondary", "post16"))
    for phase, count in main.items():
        out[f"placed_mainstream_{phase}"] = count
        out[f"placed_mainstream_{phase}_pct"] = pct(count, plans(phase))
    inmss = placed_aged(("special_inmss",), ("18plus",))
    out["placed_inmss_18plus"] = inmss["18plus"]
    out["placed_inmss_18plus_pct"] = pct(inmss["18plus"], out["placed_inmss"])
    out["placed_ap"] = placed(("ap",))
    neet = placed_aged(("neet",), ("16plus", "16_18"))
    out["neet_count"] = placed(("neet",))
    out["neet_16_25"], out["neet_16_18"] = neet["16plus"], neet["16_18"]
    out["neet_16_25_pct"] = pct(neet["16plus"], plans("16plus"))
    out["neet_16_18_pct"] = pct(neet["16_18"], plans("16_18"))
    out["placed_none"] = np.maximum(everyone - by_key.sum(axis=0), 0)
    for group, kpi in BASES.items():  # the plans a phase or age share is a share of
        out[kpi] = plans(group)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}
