"""Looking ahead's capacity: the projected requests as work for each role of
``params/capacity.yaml``, what it allows, in sentences and tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures import capacity as cap
from sendlib.paper.looking_ahead.read import Read, _listed, _name, _pct
from sendlib.paper.narrative import missing, number
from sendlib.paper.tables import Table

# ------------------------------------------------------------------- capacity


def demand(read: Read) -> pd.DataFrame | None:
    """The year's statutory work by driver (``sendlib.measures.capacity.demand``), or None
    when requests are not projected."""
    row = read.model("requests")
    if not row["model"] or missing(read.info["assess_share"], read.info["plan_share"]):
        return None
    due = read.parts["ahead_reviews_due"]["count"]
    return cap.demand(
        {k: row[f"total_{k}"] for k in ("mean", "lo80", "hi80")},
        float(read.info["assess_share"]),
        float(read.info["plan_share"]),
        float(due.sum()),
    )


def year_ahead(month: pd.Period) -> list[pd.Period]:
    return [month + k for k in range(1, cap.MONTHS + 1)]


def capacity_figures(read: Read, plan: cap.CapacityPlan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hours by role and the achievable timeliness, as planned and in each scenario."""
    work = demand(read)
    usage = cap.use(plan, work, year_ahead(read.month))
    return usage, cap.achievable(plan, usage)


def _range(lo: float, hi: float, short: bool = False) -> str:
    """'89% to 95%' ('89–95%' in a table), or '100%' when both ends round alike."""
    if round(lo) == round(hi):
        return _pct(lo, 0)
    return f"{lo:.0f}–{hi:.0f}%" if short else f"{lo:.0f}% to {hi:.0f}%"


def capacity_facts(
    read: Read, plan: cap.CapacityPlan, usage: pd.DataFrame, reach: pd.DataFrame
) -> list[str]:
    """How stretched each role is as planned, what that allows, and each scenario."""
    work = demand(read)
    planned = usage[usage["scenario"] == cap.AS_PLANNED]
    busiest = planned.sort_values("utilisation", ascending=False).iloc[0]
    sentences = [
        f"The year ahead's projected work — {number(work.at['request', 'central'])} requests, "
        f"{number(work.at['assessment', 'central'])} assessments, "
        f"{number(work.at['plan', 'central'])} new plans and "
        f"{number(work.at['review', 'central'])} annual reviews — needs "
        f"{_pct(busiest['utilisation'], 0)} of the hours of the {busiest['name'].lower()} "
        f"(80% interval {_range(busiest['utilisation_low'], busiest['utilisation_high'])}), "
        "the most of any role."
    ]
    last = year_ahead(read.month)[-1]
    later = {s.name for s in plan.scenarios if s.from_month and pd.Period(s.from_month, "M") > last}
    for scenario, part in reach.groupby("scenario", sort=False):
        if scenario in later:
            sentences.append(
                f"The scenario '{scenario}' starts after the 12 months looked at "
                f"(to {_name(last)})."
            )
            continue
        done, covered = [], []
        for _, row in part.iterrows():
            what = "new assessments" if row["process"] == "assessments" else "annual reviews"
            if row["low"] >= 100:
                covered.append(what)
            else:
                done.append(f"at most {_range(row['low'], row['high'])} of {what}")
        lead = (
            "With the staff as planned, and their time shared across this work"
            if scenario == cap.AS_PLANNED
            else f"In the scenario '{scenario}'"
        )
        said = []
        if done:
            said.append(f"{_listed(done)} could be completed within the statutory timescales")
        if covered:
            said.append(f"staff time covers all {_listed(covered)}")
        sentences.append(f"{lead}, {'; '.join(said)}.")
    return sentences


def usage_table(usage: pd.DataFrame, plan: cap.CapacityPlan) -> Table:
    """Hours by role as planned, and in each scenario for the roles it changes."""
    changed = {s.name: set(s.add_fte) for s in plan.scenarios}
    changes = [
        role in changed.get(scenario, ())
        for scenario, role in zip(usage["scenario"], usage["role"], strict=True)
    ]
    keep = (usage["scenario"] == cap.AS_PLANNED).to_numpy() | np.array(changes, dtype=bool)
    usage = usage[keep]
    frame = pd.DataFrame(
        {
            "Role": usage["name"],
            "Scenario": usage["scenario"],
            "FTE": usage["fte"],
            "Hours available": usage["available"],
            "Hours needed": usage["needed"],
            "Utilisation": usage["utilisation"],
            "80% interval": [
                _range(lo, hi, short=True)
                for lo, hi in zip(usage["utilisation_low"], usage["utilisation_high"], strict=True)
            ],
        }
    )
    return (
        Table(frame, "Staff hours over the next 12 months, needed and available")
        .row_header("Role")
        .number("FTE", places=1)
        .number("Hours available", "Hours needed")
        .percent("Utilisation", places=0)
        .note(
            "Needed: each task's hours times the projected requests, assessments (requests "
            "times the share decided to assess in the last 12 months), new plans (assessments "
            "times the share that led to a plan) and annual reviews due, including those "
            "already due. The interval comes from the projected requests' 80% interval. "
            "Scenarios are shown for the roles they change."
        )
    )


def achievable_table(reach: pd.DataFrame) -> Table:
    wide = {}
    for scenario, part in reach.groupby("scenario", sort=False):
        row = {}
        for _, r in part.iterrows():
            name = (
                "New assessments (6 and 20 weeks)"
                if r["process"] == "assessments"
                else "Annual reviews"
            )
            row[name] = _range(r["low"], r["high"], short=True)
            row[f"{name}: limited by"] = r["limited_by"] or "not limited by staff time"
        wide[scenario] = row
    frame = pd.DataFrame.from_dict(wide, orient="index").rename_axis("Scenario").reset_index()
    return (
        Table(
            frame, "Achievable timeliness: the share of the year's statutory work staff time allows"
        )
        .row_header("Scenario")
        .note(
            "A ceiling set by staff time if it is shared across the work, not a forecast of "
            "the published figures: the most stretched role of each process sets it."
        )
    )
