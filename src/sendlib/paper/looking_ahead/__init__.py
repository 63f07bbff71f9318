"""Section 10: looking ahead — where the caseload, requests, statutory deadlines and the
staff's capacity are heading over the next year, and how sure we are.

Nothing here is a scorecard figure. The projections (``sendlib.measures.projections``)
are made from the council's own monthly history and backtested on it; the deadlines and
the projected 20-week timeliness come from the cases open at month end
(``sendlib.measures.pipeline``); capacity is the time-and-motion arithmetic on
``params/capacity.yaml`` (``sendlib.measures.capacity``). Every figure is an activity
figure — requests, plans, reviews, deadlines, staff hours — with no breakdown of children
by a personal characteristic, so nothing here passes through disclosure control.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sendlib.data.origin import is_demo
from sendlib.measures import capacity as cap
from sendlib.measures import projections
from sendlib.paper.charts.projection import projection_chart
from sendlib.paper.looking_ahead.read import SERIES, SHOWN_HISTORY, SOURCE, Read, counts, histories
from sendlib.paper.looking_ahead.sentences import (
    pipeline_facts,
    projection_facts,
    timeliness_backtest,
    year_ago,
)
from sendlib.paper.looking_ahead.tables import (
    backtest_table,
    deadlines_table,
    phase_table,
    reviews_table,
    timeliness_table,
)
from sendlib.paper.looking_ahead.workload import (
    achievable_table,
    capacity_facts,
    capacity_figures,
    demand,
    usage_table,
)
from sendlib.paper.narrative import missing
from sendlib.paper.notebook_context import Context, Group, Html
from sendlib.paper.paragraphs import Paragraphs, paragraphs

#: the section's functions (the notebook's cells, the registry's facts, counts and
#: manifest) and what its tests read
__all__ = [
    "SERIES",
    "Read",
    "capacity",
    "counts",
    "facts",
    "histories",
    "manifest",
    "pipeline_tables",
    "projection_charts",
    "year_ago",
]


def facts(ctx: Context) -> Paragraphs:
    """The section's drafted sentences (capacity's come with its tables)."""
    read = Read.of(ctx)
    return paragraphs(projection_facts(read) + pipeline_facts(read))


# ---------------------------------------------------------------- charts, tables


def projection_charts(ctx: Context) -> Group:
    """Each series' last three years and its projection, with the 80% and 95% bands, and
    the backtest table."""
    read = Read.of(ctx)
    charts = []
    for key, spec in SERIES.items():
        if not read.model(key)["model"]:
            continue
        frame = read.series(key)
        recorded = frame["recorded"].dropna()
        frame = frame.loc[recorded.index[-SHOWN_HISTORY:][0] :]
        frame = frame.reindex(columns=["recorded", "mean", "lo80", "hi80", "lo95", "hi95"])
        charts.append(
            projection_chart(
                frame,
                f"{spec.chart}: recorded and projected",
                f"Number of {spec.noun}",
                source=SOURCE,
            )
        )
    return Group(*charts, backtest_table(read))


def pipeline_tables(ctx: Context) -> Group:
    """The open cases' deadlines by month, the projected 20-week timeliness, the reviews
    falling due and the phase transfers (when the data hold them)."""
    read = Read.of(ctx)
    return Group(
        deadlines_table(read),
        timeliness_table(read),
        reviews_table(read),
        phase_table(read),
    )


def capacity(
    ctx: Context, params_dir: str | Path = "params", data_dir: str | Path = "data/demo"
) -> Group | Html:
    """Utilisation of each role and the achievable timeliness of assessments and reviews
    over the next 12 months, as planned and in each scenario of ``capacity.yaml``; without
    the file, what it would need. The example staffing shipped with sendlib (``example:
    true``), with data that are not the demo's (``data_dir``), is said to be the example's."""
    plan = cap.load_capacity(params_dir)
    read = Read.of(ctx)
    if plan is None:
        return paragraphs(
            [
                "Capacity is not assessed: that needs the service's staff by role (full-time "
                "equivalents and hours a month) and the hours each task takes (educational "
                "psychologist advice per assessment, co-ordinator time per assessment and per "
                "annual review, …), which have not been given (params/capacity.yaml)."
            ]
        )
    if demand(read) is None:
        return paragraphs(
            [
                "Capacity is not assessed: it scales the projected requests for the year "
                "ahead, and they are not projected (see above)."
            ]
        )
    usage, reach = capacity_figures(read, plan)
    facts = capacity_facts(read, plan, usage, reach)
    if plan.example and not is_demo(data_dir):
        facts.insert(
            0,
            "The staffing figures, task times and scenarios below are the example settings "
            "shipped with sendlib (params/capacity.yaml, marked example: true), not the "
            "service's own: until the file holds the council's staff and the hours its "
            "tasks take, the utilisation and achievable timeliness are illustrations only.",
        )
    return Group(
        paragraphs(facts),
        usage_table(usage, plan),
        achievable_table(reach),
    )


# ------------------------------------------------------------------- manifest


def _round(value) -> float | None:
    return None if missing(float(value)) else round(float(value), 2)


def manifest(data, params_dir: str | Path) -> dict:
    """What the manifest records of this section: each projection with its intervals, the
    backtest figures, the projected 20-week timeliness with its intervals and backtest, and
    the capacity ranges (``data``: the paper data)."""
    read = Read(pd.Period(data.meta["month"], freq="M"), data.breakdowns)
    out: dict = {}
    for key in SERIES:
        row = read.model(key)
        entry: dict = {"months_of_history": int(row["months"])}
        if not row["model"]:
            entry["not_projected"] = row["reason"]
            out[key] = entry
            continue
        ahead = read.series(key).dropna(subset=["mean"])
        entry["model"] = row["model"]
        entry["backtest_wape"] = {m: _round(row[f"wape_{m}"]) for m in projections.MODELS}
        entry["projection"] = {
            period: {b: _round(r[b]) for b in ("mean", "lo80", "hi80", "lo95", "hi95")}
            for period, r in ahead.iterrows()
        }
        entry["next_12_months"] = {
            b: _round(row[f"total_{b}"]) for b in ("mean", "lo80", "hi80", "lo95", "hi95")
        }
        found = year_ago(read, key)
        if found is not None:
            entry["backtest"] = {
                k: _round(v) if isinstance(v, float) else v for k, v in found.items()
            }
        out[key] = entry
    timeliness = read.parts["ahead_timeliness"]
    out["plans_issued_20wk_pct"] = {
        "projection": {
            r["period"]: {b: _round(r[b]) for b in ("plans", "pct", "lo80", "hi80", "lo95", "hi95")}
            for _, r in timeliness.iterrows()
        },
        "backtest": timeliness_backtest(read),
    }
    if not len(timeliness):
        out["plans_issued_20wk_pct"]["not_projected"] = read.info["missing_stages"]
    from sendlib.config import ParamsError

    try:
        plan = cap.load_capacity(params_dir)
    except ParamsError as exc:
        out["capacity"] = {"error": str(exc)}
        return out
    if plan is None or demand(read) is None:
        out["capacity"] = None
        return out
    usage, reach = capacity_figures(read, plan)
    out["capacity"] = {
        "utilisation_pct": {
            f"{r['scenario']}: {r['role']}": [
                _round(r["utilisation_low"]),
                _round(r["utilisation"]),
                _round(r["utilisation_high"]),
            ]
            for _, r in usage.iterrows()
        },
        "achievable_pct": {
            f"{r['scenario']}: {r['process']}": [_round(r["low"]), _round(r["high"])]
            for _, r in reach.iterrows()
        },
    }
    return out
