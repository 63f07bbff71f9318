"""Looking ahead's tables: the backtest, the deadlines by month, the projected 20-week
timeliness, the reviews falling due and the phase transfers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures import pipeline, projections
from sendlib.paper import labels
from sendlib.paper.looking_ahead.read import SERIES, Read, _day, _name, _short, too_few
from sendlib.paper.looking_ahead.sentences import year_ago
from sendlib.paper.tables import Table
from sendlib.scorecard.formats import NOT_APPLICABLE, NOT_AVAILABLE


def backtest_table(read: Read) -> Table | None:
    """For each series: the method, what it projected a year ago for now, what happened,
    and how often its intervals held."""
    rows = []
    for key, spec in SERIES.items():
        row = read.model(key)
        found = year_ago(read, key) if row["model"] else None
        if found is None:
            continue
        rows.append(
            {
                "Measure": spec.title,
                "Method": projections.MODELS[row["model"]].label.capitalize(),
                "Projected": found["projected"],
                "Actual": found["actual"],
                "Per cent out": 100 * abs(found["projected"] - found["actual"]) / found["actual"]
                if found["actual"]
                else np.nan,
                "80% interval held": f"{found['held80']} of {found['origins']}",
                "95% interval held": f"{found['held95']} of {found['origins']}",
                "Average error": found["wape"],
            }
        )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    return (
        Table(
            frame,
            f"How the projections did: the method run as at each of the last 12 month "
            f"ends, beside {_name(read.month)}",
        )
        .row_header("Measure")
        .number("Projected", "Actual")
        .percent("Per cent out", "Average error")
        .note(
            "Projected: made 12 months before the report month (or as early as the history "
            "allows) for the report month. Held: how many of the projections made as at each "
            "of the last 12 month ends had this month's figure inside their interval. Average "
            "error: over every month each of them projected, as a share of what happened."
        )
    )


def deadlines_table(read: Read) -> Table:
    d = read.parts["ahead_deadlines"]
    months = [c for c in d.columns if c[:2].isdigit()]
    frame = pd.DataFrame(
        {
            "Deadline": [
                ("Decision whether to assess (6 weeks)" if r == "6wk" else "Final plan (20 weeks)")
                for r in d["deadline"]
            ],
            "Stage now": labels.words(d["stage"], labels.STAGES),
            "Already passed": d["passed"],
            **{_short(m): d[m] for m in months},
            "Later": d["later"],
        }
    )
    return (
        Table(frame, f"Statutory dates of the requests open at the end of {_name(read.month)}")
        .row_header("Deadline")
        .number("Already passed", *(_short(m) for m in months), "Later")
        .note(
            "Counted by the month the date falls in: 42 days after the request for the "
            "decision, 140 days for the final plan (SEND Regulations 2014 regs 5(1), 13(2))."
        )
    )


def timeliness_table(read: Read) -> Table | None:
    frame = read.parts["ahead_timeliness"]
    if not len(frame):
        return None
    none = [too_few(plans) for plans in frame["plans"]]  # no share of under one plan

    def interval(lo_name: str, hi_name: str) -> list[str]:
        pairs = zip(frame[lo_name], frame[hi_name], none, strict=True)
        return [
            NOT_APPLICABLE
            if empty
            else NOT_AVAILABLE
            if pd.isna(lo) or pd.isna(hi)
            else f"{lo:.1f}–{hi:.1f}%"
            for lo, hi, empty in pairs
        ]

    shares = [
        NOT_APPLICABLE if empty else NOT_AVAILABLE if pd.isna(pct) else f"{pct:.1f}%"
        for pct, empty in zip(frame["pct"], none, strict=True)
    ]

    out = pd.DataFrame(
        {
            "Month": [_name(p) for p in frame["period"]],
            "New plans expected": frame["plans"],
            "Within 20 weeks (projected)": shares,
            "80% interval": interval("lo80", "hi80"),
            "95% interval": interval("lo95", "hi95"),
        }
    )
    return (
        Table(out, "Projected 20-week timeliness of the new plans of the next three months")
        .row_header("Month")
        .number("New plans expected")
        .note(
            "Every open case, and the requests still to come, moving through the stages "
            "as the cases that finished them in the last 12 months did (their durations and "
            "outcomes, each as likely)."
        )
    )


def reviews_table(read: Read) -> Table:
    due = read.parts["ahead_reviews_due"]["count"]
    months = [m for m in due.index if m != "due"]
    soon, rest = months[: pipeline.AHEAD], months[pipeline.AHEAD :]
    row = {"Already due or overdue": due["due"], **{_short(m): due[m] for m in soon}}
    row[f"{_short(rest[0])} to {_short(rest[-1])}"] = int(due[rest].sum())
    frame = pd.DataFrame([row]).assign(Plans="Active plans").set_index("Plans").reset_index()
    return (
        Table(frame, f"Annual reviews falling due, plans active at the end of {_name(read.month)}")
        .row_header("Plans")
        .number(*frame.columns[1:])
        .note(
            "Due 12 months after the plan or the last review meeting (Children and Families "
            "Act 2014 s44(1)); each plan falls due once in the year ahead."
        )
    )


def phase_table(read: Read) -> Table | None:
    """The next deadlines' phase transfers; none until one is recorded (the sentence says
    so: a table of zeros would read as none to come)."""
    if not read.info["phase_recorded"]:
        return None
    frame = read.parts["ahead_phase_transfers"]
    if not frame["count"].any():
        return None
    out = pd.DataFrame(
        {
            "Deadline": [_day(d) for d in frame["due"]],
            "Phase transfers due": frame["count"],
            "Finalised": frame["finalised"],
            "Outstanding": frame["outstanding"],
        }
    )
    return (
        Table(out, "Phase transfers due at the next deadlines (SEND Regulations 2014 reg 18)")
        .row_header("Deadline")
        .number("Phase transfers due", "Finalised", "Outstanding")
    )
