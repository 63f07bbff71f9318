"""The demo council's calibration: rates and mixes taken from a real council's published
SEND papers (its scrutiny committee paper, improvement board scorecard and monthly
dashboard) and the DfE's published statistics, one constant per fact."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SCALES = ("la", "national")
START = pd.Period("2020-01", freq="M")


@dataclass(frozen=True)
class Scale:
    """How big the council is: multiplies every count; population in people aged 0-25."""

    factor: float
    population_2020: int


SCALE = {"la": Scale(1.0, 112_600), "national": Scale(136.0, 17_450_000)}

# ---------------------------------------------------------------- calibration (council's papers)
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
# phase transfers whose amended plan is issued by the deadline (the committee paper: "the
# 15th February statutory deadline"), and amend decisions whose draft follows the decision
PHASE_TRANSFER_ON_TIME = {2020: 0.55, 2022: 0.5, 2023: 0.6, 2024: 0.7, 2025: 0.78}
# the academic ages (on 31 August) of the moves that need a phase-transfer review:
# into Reception, into Year 7 and into post-16 (31 March, SEND Regs 2014 reg 18)
TRANSFER_AGES = {4: False, 11: False, 16: True}
# LA numbers of the schools that issued the demo's UPNs (the South West's, made-up pupils)
UPN_LAS = ("800", "801", "802", "803", "838", "839", "865", "866", "908", "933")

MEDIATIONS_PER_MONTH = {2020: 2, 2021: 3, 2022: 8, 2023: 16, 2024: 35, 2025: 37, 2026: 38}

APPEALS_PER_MONTH = {2020: 2, 2021: 3, 2022: 5, 2023: 7, 2024: 12, 2025: 13, 2026: 13}

LEGACY_PLANS = 2_520

#: EHC plans the calibrated council (factor 1.0) holds in January 2025: a council
#: made "like" a real one is resized by that council's published caseload over this
PLANS_JAN_2025 = 4_423


@dataclass(frozen=True)
class Rates:
    """The yearly rates that make one council differ from another (fractions by year,
    the last year held afterwards); the defaults are the calibrated council's."""

    refusal: dict[int, float] = field(default_factory=lambda: dict(REFUSAL))
    decided_6wk: dict[int, float] = field(default_factory=lambda: dict(DECIDED_IN_6WK))
    issued_20wk: dict[int, float] = field(default_factory=lambda: dict(ISSUED_IN_20WK))
    plan_after_assessment: dict[int, float] = field(
        default_factory=lambda: dict(PLAN_AFTER_ASSESSMENT)
    )


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

SOURCES = {"school": 55, "parent": 29, "health": 9, "social_care": 4, "other": 1, "young_person": 2}

NO_PLAN_REASONS = {
    "Not considered eligible": 60,
    "Insufficient information to make decision": 15,
    "Client moved out of borough": 25,
}

TEAMS = ("Pod: Early Years and Primary", "Pod: Secondary", "Pod: Post 16")

OFFICERS_PER_TEAM = 10

# placement mix by phase (age at entry); EOTAS weights grow over the years (as the
# committee paper reports)
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


# where the demo council sits, for its comparators (as in params/report.yaml): the South
# West, with unitary councils of the south as statistical neighbours — those of BCP, which
# the demo is modelled on, without BCP (a council is never its own statistical neighbour)
REGION = "E12000009"
NEIGHBOURS = (
    "E06000059",
    "E06000026",
    "E06000027",
    "E06000030",
    "E06000024",
    "E06000025",
    "E06000022",
    "E06000044",
    "E06000045",
)
