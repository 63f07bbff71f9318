"""The demo council's partner returns and population (aggregate inputs, not case data)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.data.dates import SCHEDULE
from sendlib.data.release import benchmark_rows, read_release, reduced_release
from sendlib.demo.calibration import NEIGHBOURS, REGION, Scale

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


def benchmarks(region: str = REGION, neighbours: tuple[str, ...] = NEIGHBOURS) -> pd.DataFrame:
    """Comparators for the demo council from sendlib's reduced copy of the DfE release:
    England, its region and its statistical neighbours (nothing typed by hand)."""
    found = read_release(reduced_release())
    return benchmark_rows(found, None, region, list(neighbours))


def population(s: Scale, end: pd.Period) -> pd.DataFrame:
    """Resident population aged 0–25 by year, growing ~0.4% a year."""
    years = np.arange(2019, end.year + 1)
    pop = np.round(s.population_2020 * 1.004 ** (years - 2020)).astype(np.int64)
    return pd.DataFrame({"year": years.astype(str), "population": pop.astype(str)})
