"""The demo's case tables as a SEN2 return sees them: each request joined to its assessment
and plan (a legacy plan given the request the return requires, dated 20 weeks before the
plan), reviews by plan, placements by person, and the requests a census's return holds
with what the case system knew on its day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd


class JoinedCases:
    """The demo's requests joined to their assessments and plans (legacy plans given a
    request), with reviews by plan and placements by person."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        requests = frames["requests"]
        plans = frames["plans"]
        legacy = plans[plans["request_id"] == ""]
        received = (pd.to_datetime(legacy["start_date"]) - pd.Timedelta(days=140)).dt.strftime(
            "%Y-%m-%d"
        )
        decided = (pd.to_datetime(received) + pd.Timedelta(days=35)).dt.strftime("%Y-%m-%d")
        assessed = (pd.to_datetime(legacy["start_date"]) - pd.Timedelta(days=21)).dt.strftime(
            "%Y-%m-%d"
        )
        legacy_ids = "L" + legacy["plan_id"]
        synthetic = pd.DataFrame(
            {
                "request_id": legacy_ids.to_numpy(),
                "person_id": legacy["person_id"].to_numpy(),
                "received_date": received.to_numpy(),
                "transfer_in": "false",
                "request_source": "school",
                "request_outcome": "A",
                "request_outcome_date": decided.to_numpy(),
            }
        )
        synthetic_assessments = pd.DataFrame(
            {
                "request_id": legacy_ids.to_numpy(),
                "assessment_outcome": "Y",
                "assessment_outcome_date": assessed.to_numpy(),
                "week20_exception": "false",
            }
        )
        plans = plans.assign(
            request_id=plans["request_id"].where(plans["request_id"] != "", "L" + plans["plan_id"])
        )
        assessments = pd.concat([frames["assessments"], synthetic_assessments])
        joined = (
            pd.concat([requests, synthetic])
            .merge(
                assessments.drop(columns="no_plan_reason", errors="ignore"),
                on="request_id",
                how="left",
            )
            .merge(plans.drop(columns="person_id"), on="request_id", how="left")
            .fillna("")
        )
        self.requests = joined.sort_values(["person_id", "received_date", "request_id"])
        self.person = {r.person_id: r for r in frames["person"].itertuples(index=False)}
        self.reviews = _grouped(frames["reviews"], "plan_id", "review_meeting_date")
        self.placements = _grouped(frames["placements"], "person_id", "entry_date")
        self.transfers = _grouped(frames["phase_transfers"], "plan_id", "due_date")


def _grouped(frame: pd.DataFrame, by: str, order: str) -> dict[str, list]:
    """Rows as tuples, listed by ``by`` in ``order``."""
    groups: dict[str, list] = defaultdict(list)
    for row in frame.sort_values([by, order]).itertuples(index=False):
        groups[getattr(row, by)].append(row)
    return groups


def _known(values: pd.Series, census: str) -> pd.Series:
    """Dates the case system knew on the census day (later ones are still blank)."""
    return values.where((values != "") & (values <= census), "")


def as_at(cases: JoinedCases, census: dt.date) -> pd.DataFrame:
    """The requests in the return for ``census``, with what was known on the day."""
    day, start = census.isoformat(), dt.date(census.year - 1, 1, 1).isoformat()
    r = cases.requests[cases.requests["received_date"] <= day].copy()
    for column in ("request_outcome_date", "assessment_outcome_date", "start_date", "cease_date"):
        r[column] = _known(r[column], day)
    r["request_outcome"] = r["request_outcome"].where(r["request_outcome_date"] != "", "")
    r["assessment_outcome"] = r["assessment_outcome"].where(r["assessment_outcome_date"] != "", "")
    r["week20_exception"] = r["week20_exception"].where(r["assessment_outcome"] == "Y", "false")
    r["cease_reason"] = r["cease_reason"].where(r["cease_date"] != "", "")
    transfer = r["transfer_in"] == "true"
    has_plan = r["start_date"] != ""
    open_ = np.where(
        transfer,
        ~has_plan,
        (r["request_outcome"] == "")
        | ((r["request_outcome"] == "A") & (r["assessment_outcome"] == ""))
        | ((r["assessment_outcome"] == "Y") & ~has_plan),
    )
    dates = r[
        [
            "received_date",
            "request_outcome_date",
            "assessment_outcome_date",
            "start_date",
            "cease_date",
        ]
    ]
    worked_on = ((dates >= start) & (dates != "")).any(axis=1)
    r["plan_in_year"] = has_plan & ((r["cease_date"] == "") | (r["cease_date"] >= start))
    return r[open_ | worked_on | r["plan_in_year"]]
