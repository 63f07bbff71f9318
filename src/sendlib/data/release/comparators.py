"""The contract's ``benchmarks.csv`` rows from the release: England, the council's region,
its statistical neighbours (the unweighted mean of their published values, when at least
half have one; never the council itself) and the council itself (comparator
``published``: the figure the DfE published for it, for reconciliation).
"""

from __future__ import annotations

import math

import pandas as pd

from sendlib.data.release.councils import Council, region_name, without_council
from sendlib.data.release.spec import ReleaseError, release_spec


def benchmark_rows(
    release: pd.DataFrame,
    council: Council | None,
    region: str | None,
    neighbours: list[str],
) -> pd.DataFrame:
    """The contract's benchmarks.csv rows for the council: England, its region, its
    statistical neighbours' mean, and (a council in the release) its own figure."""
    neighbours, _ = without_council(council, neighbours)  # never the council itself
    known = set(release["new_la_code"]) | set(release["old_la_code"])
    unknown = [n for n in neighbours if n not in known - {""}]
    if unknown:
        raise ReleaseError(f"statistical neighbour(s) not in the release: {', '.join(unknown)}")
    region = council.region_code if council else region
    if region:
        region_name(release, region)
    parts = [_rows(release[release["geographic_level"] == "National"], "england")]
    if region:
        at = release[
            (release["geographic_level"] == "Regional") & (release["region_code"] == region)
        ]
        at = at.assign(source=at["source"] + ", " + at["region_name"])  # which region
        parts.append(_rows(at, "region"))
    if neighbours:
        parts.append(_neighbours(release, neighbours))
    if council:
        las = release[release["geographic_level"] == "Local authority"]
        own = las[
            (las["new_la_code"] == council.new_code) | (las["old_la_code"] == council.old_code)
        ]
        parts.append(_rows(own, "published"))
    rows = pd.concat(parts, ignore_index=True)
    return rows.sort_values(["kpi_id", "comparator", "period"], kind="stable").reset_index(
        drop=True
    )


def _rows(frame: pd.DataFrame, comparator: str) -> pd.DataFrame:
    frame = frame.dropna(subset=["value"])
    return pd.DataFrame(
        {
            "kpi_id": frame["kpi_id"],
            "comparator": comparator,
            "period": frame["period"],
            "value": frame["value"].map(_text),
            "source": frame["source"],
        }
    )


def _neighbours(release: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    las = release[release["geographic_level"] == "Local authority"]
    theirs = las[las["new_la_code"].isin(codes) | las["old_la_code"].isin(codes)]
    need = math.ceil(len(codes) / 2)
    grouped = theirs.groupby(["kpi_id", "period"], sort=True)
    stats = grouped["value"].agg(["mean", "count"]).reset_index()
    stats = stats[stats["count"] >= need]
    source = (
        grouped["source"].first().reindex(pd.MultiIndex.from_frame(stats[["kpi_id", "period"]]))
    )
    return pd.DataFrame(
        {
            "kpi_id": stats["kpi_id"],
            "comparator": "statistical_neighbours",
            "period": stats["period"],
            "value": stats["mean"].round(1).map(_text),
            "source": [f"{s}, mean of {need}+ of {len(codes)} neighbours" for s in source],
        }
    )


def _text(value: float) -> str:
    """A value as published: no trailing '.0' on a whole number."""
    return f"{value:.1f}".removesuffix(".0") if not float(value).is_integer() else str(int(value))


def update_benchmarks(existing: pd.DataFrame | None, rows: pd.DataFrame) -> pd.DataFrame:
    """benchmarks.csv with the release's rows: rows of KPIs the release does not cover
    (typed in from another publication) are kept; rows of KPIs it covers are replaced."""
    owned = set(release_spec().measures)
    kept = existing[~existing["kpi_id"].isin(owned)] if existing is not None else None
    merged = pd.concat([kept, rows], ignore_index=True) if kept is not None else rows
    return merged.sort_values(["kpi_id", "comparator", "period"], kind="stable").reset_index(
        drop=True
    )
