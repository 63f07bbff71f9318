"""Demo councils the size and rates of real ones: a batch that looks like England.

``sendlib demo --councils N --like-release`` picks N councils from the DfE's release
(spread across the range of sizes, the same N for the same seed) and writes, for each, a
synthetic council resized to that council's EHC plans in January 2025 and drawn with its
published yearly rates: requests refused, decisions within 6 weeks, plans issued within
20 weeks, plans after assessment. Its comparators are its real region's and, as the
release lists no statistical neighbours, the ten councils nearest to it in size. Every
person is still made up: only the council-level published figures are real.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sendlib.data.release import caseloads, read_release, reduced_release
from sendlib.demo.calibration import PLANS_JAN_2025, Rates
from sendlib.demo.council import council_frames, generate
from sendlib.files import atomic_write

#: the release's measure behind each yearly rate of ``Rates`` (percentages by year)
RATE_MEASURES = {
    "refusal": "requests_refused_pct",
    "decided_6wk": "request_decisions_6wk_pct",
    "issued_20wk": "plans_issued_20wk_pct",
    "plan_after_assessment": "plan_after_assessment_pct",
}
SIZE_PERIOD = "2025-01"
NEIGHBOURS = 10


@dataclass(frozen=True)
class Profile:
    """What a demo council borrows from a real one."""

    code: str
    name: str
    region: str
    plans: float
    rates: Rates
    neighbours: tuple[str, ...]

    @property
    def factor(self) -> float:
        return self.plans / PLANS_JAN_2025


def profiles(release: Path | str | None = None) -> list[Profile]:
    """Every council with a published caseload and every rate, smallest first."""
    path = release or reduced_release()
    sizes = caseloads(path)
    sizes = sizes[(sizes["period"] == SIZE_PERIOD) & sizes["plans"].notna()]
    values = read_release(path)
    values = values[values["geographic_level"] == "Local authority"].dropna(subset=["value"])
    values = values.assign(year=values["period"].str[:4].astype(int))
    by_council = {code: frame for code, frame in values.groupby("new_la_code")}
    found = []
    for row in sizes.sort_values(["plans", "new_la_code"]).itertuples():
        rates = _rates(by_council.get(row.new_la_code))
        if rates is not None:
            found.append((row, rates))
    plans = np.array([row.plans for row, _ in found])
    out = []
    for i, (row, rates) in enumerate(found):
        nearest = np.argsort(np.abs(plans - row.plans), kind="stable")
        neighbours = tuple(found[j][0].new_la_code for j in nearest if j != i)[:NEIGHBOURS]
        out.append(
            Profile(row.new_la_code, row.la_name, row.region_code, row.plans, rates, neighbours)
        )
    return out


def _rates(values: pd.DataFrame | None) -> Rates | None:
    """The council's published yearly rates as fractions, or None when one is never given."""
    if values is None:
        return None
    found = {}
    for field, kpi in RATE_MEASURES.items():
        rows = values[values["kpi_id"] == kpi]
        if rows.empty:
            return None
        found[field] = {int(r.year): round(float(r.value) / 100, 4) for r in rows.itertuples()}
    return Rates(**found)


def pick(available: list[Profile], n: int, seed: int) -> list[Profile]:
    """``n`` councils spread across the sizes: one from each of ``n`` equal bands of the
    size-ordered list, drawn with the seed (councils repeat only when ``n`` exceeds them)."""
    rng = np.random.default_rng(seed)
    edges = np.linspace(0, len(available), n + 1)
    chosen = []
    for lo, hi in itertools.pairwise(edges):
        a, b = int(lo), max(int(lo) + 1, int(hi))
        chosen.append(available[min(int(rng.integers(a, b)), len(available) - 1)])
    return chosen


def generate_like_release(
    root: Path | str,
    councils: int,
    seed: int = 42,
    end: pd.Period | None = None,
    params: Path | None = None,
    release: Path | str | None = None,
) -> list[tuple[Path, Profile]]:
    """``councils`` demo councils (``LA001`` …) each like a real council of the release;
    with ``params``, each gets its own ``params/`` (that folder's report.yaml naming it,
    with its region and neighbours, and the same kpis.yaml)."""
    chosen = pick(profiles(release), councils, seed)
    written = []
    for i, profile in enumerate(chosen, start=1):
        folder = Path(root) / f"LA{i:03d}"
        generate(
            folder,
            seed=seed + 1000 * i,
            end=end,
            factor=_factor(profile, seed + 1000 * i),
            region=profile.region,
            neighbours=profile.neighbours,
            rates=profile.rates,
        )
        if params is not None:
            _council_params(Path(params), folder / "params", f"LA{i:03d}", profile)
        written.append((folder, profile))
    return written


def _factor(profile: Profile, seed: int) -> float:
    """The size factor that gives the council its published plans in January 2025: its
    rates change how fast plans accumulate, so a first draw at the plain ratio is counted
    and the factor corrected by what it missed."""
    first = profile.factor
    plans = council_frames(
        seed, end=pd.Period(SIZE_PERIOD, freq="M"), factor=first, rates=profile.rates
    )["plans"]
    held = _held(plans, pd.Timestamp(SIZE_PERIOD) + pd.offsets.MonthEnd(0))
    return first * profile.plans / held if held else first


def _held(plans: pd.DataFrame, day: pd.Timestamp) -> int:
    """Plans started by ``day`` and not ceased by it (the frames hold ISO text)."""
    start = pd.to_datetime(plans["start_date"])
    cease = pd.to_datetime(plans["cease_date"].replace("", None))
    return int(((start <= day) & ~(cease <= day)).sum())


def _council_params(source: Path, target: Path, label: str, profile: Profile) -> None:
    """The council's own parameters: the source's, renamed and placed among its peers."""
    target.mkdir(parents=True, exist_ok=True)
    report = yaml.safe_load((source / "report.yaml").read_text(encoding="utf-8"))
    report["council"] = f"Demo council {label} (the size and rates of {profile.name})"
    report["region_code"] = profile.region
    report["statistical_neighbours"] = list(profile.neighbours)
    atomic_write(
        target / "report.yaml",
        "# A synthetic council sized and drawn like a real one in the DfE's release "
        "(sendlib demo --like-release); no real person is described.\n"
        + yaml.safe_dump(report, sort_keys=False, allow_unicode=True),
    )
    if (source / "kpis.yaml").exists():
        atomic_write(target / "kpis.yaml", (source / "kpis.yaml").read_bytes())
