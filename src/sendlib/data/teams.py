"""Team packs (the monthly dashboard's team and case-officer filters): the tables cut to one
team's cases."""

from __future__ import annotations

from pathlib import Path

from sendlib.data.arrow import is_in
from sendlib.data.contract import find_source
from sendlib.data.load import Tables
from sendlib.data.sources import read_source


def teams(t: Tables) -> list[str]:
    """The teams named in person.csv, sorted."""
    return sorted(t.person["team"].dropna().unique().tolist())


def filter_team(t: Tables, team: str) -> Tables:
    """Only the people of ``team`` and their requests, assessments, plans, reviews,
    phase transfers, placements and disputes; partner returns and benchmarks are kept.
    The population is the whole borough's, not the team's: a rate per 10,000 residents
    of one team's plans would be wrong, so a pack holds none (its rates are not
    available)."""
    person = t.person[t.person["team"] == team]
    ids = person["person_id"]
    requests = t.requests[is_in(t.requests["person_id"], ids)]
    plans = t.plans[is_in(t.plans["person_id"], ids)]
    return t.replace(
        person=person,
        requests=requests,
        assessments=t.assessments[is_in(t.assessments["request_id"], requests["request_id"])],
        plans=plans,
        reviews=t.reviews[is_in(t.reviews["plan_id"], plans["plan_id"])],
        phase_transfers=t.phase_transfers[is_in(t.phase_transfers["plan_id"], plans["plan_id"])],
        placements=t.placements[is_in(t.placements["person_id"], ids)],
        disputes=t.disputes[is_in(t.disputes["person_id"], ids)],
        population=t.population.iloc[0:0],
    )


def team_names(data_dir: Path) -> list[str] | None:
    """The teams named in a data folder's person table (read as text, not validated), or
    None when there is no readable person table."""
    path = find_source(Path(data_dir), "person")
    if path is None:
        return None
    table = read_source(path)
    if table.frame is None or "team" not in table.frame.columns:
        return None
    return sorted(set(table.frame["team"]) - {""})
