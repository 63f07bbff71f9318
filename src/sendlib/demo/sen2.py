"""The demo council as SEN2 returns: one per January census it covers (``demo --sen2``).

Each return is the case system as it stood on the census date (the third Thursday of
January): the requests, assessments and plans active or worked on in the calendar year
before it (or still open on the day), the latest annual review of each plan in that year
(with the draft amended plan after an amend decision), the plan's phase transfer due in
that year or the next, and the placements of the year. What happened after the census
date is not yet known to it. Plans older than the demo's requests (its "legacy" plans)
are given the request the return requires, dated 20 weeks before the plan. Names and
postcodes are made up from the person's number, so every child is told apart; a
synthetic "Get Information About Schools" list (``establishments.csv``) says what kind of
establishment each URN is.

A return is what the council submits once it has cleared the errors COLLECT reports
(``submitted``): the faults the demo plants for its data-quality section — a UPN given to
two children, a review dated before its plan, a placement left after the next began, a
blank sex — and the demo's own slips (a decision or an assessment dated after the plan it
led to) are put right in the returns (and only there), so that ``sendlib check sen2``
finds them clean.

The tables joined as a return sees them are ``sen2_cases``; the XML is written by
``sen2_xml``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.demo.lives import upns
from sendlib.demo.sen2_cases import JoinedCases
from sendlib.demo.sen2_xml import LEA, write_return
from sendlib.files import atomic_output

FIRST_YEAR = 2020  # the first calendar year the demo covers in full
GIAS_TYPE = {
    "mainstream": ("Community school", "Academy converter"),
    "mainstream_resourced": ("Academy converter", "Community school"),
    "special_state": ("Community special school", "Academy special converter"),
    "special_inmss": ("Other independent special school", "Non-maintained special school"),
    "ap": ("Pupil referral unit", "Academy alternative provision converter"),
    "fe_college": ("Further education", "Sixth form centres"),
    "post16_specialist": ("Special post 16 institution",),
    "early_years": ("Local authority nursery school",),
}


def census_date(year: int) -> dt.date:
    """The SEN2 census date of a year: the third Thursday of January."""
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)


def census_dates(last_day: dt.date) -> list[dt.date]:
    """The census dates whose calendar year before lies within the demo's data."""
    return [
        census_date(y)
        for y in range(FIRST_YEAR + 1, last_day.year + 1)
        if census_date(y) <= last_day
    ]


def write_returns(
    frames: dict[str, pd.DataFrame],
    out: Path | str,
    last_day: dt.date,
    years: list[int] | None = None,
) -> list[Path]:
    """Write ``sen2-YYYY.xml`` for each census (or those of ``years``) and
    ``establishments.csv`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = submitted(frames)
    cases = JoinedCases(frames)
    paths = []
    for census in census_dates(last_day):
        if years is not None and census.year not in years:
            continue
        path = out / f"sen2-{census.year}.xml"
        write_return(path, census, cases)
        paths.append(path)
    with atomic_output(out / "establishments.csv") as temp:
        establishments(frames["placements"]).to_csv(temp, index=False, encoding="cp1252")
    with atomic_output(out / "disputes-log.csv") as temp:
        disputes_log(frames).to_csv(temp, index=False)
    return paths


def disputes_log(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The demo's mediations and appeals as a SEND team's log names them: by the child's
    UPN (``sendlib import disputes``). The few disputes of children with no UPN — too
    young to have one — are left out: a log could not name them."""
    upn = frames["person"].set_index("person_id")["upn"]
    d = frames["disputes"].assign(upn=frames["disputes"]["person_id"].map(upn).fillna(""))
    d = d[d["upn"] != ""]
    return d[["dispute_id", "upn", "kind", "registered_date", "outcome", "outcome_date"]]


def submitted(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demo's tables as its returns carry them: the planted faults put right (see the
    module docstring). The same tables a test compares the imported returns with."""
    frames = dict(frames)
    person = frames["person"].copy()
    shared = person["upn"].ne("") & person.duplicated("upn", keep="first")
    births = pd.to_datetime(person.loc[shared, "birth_date"]).to_numpy("datetime64[D]")
    # the second child of each shared UPN gets one of its own (a school no other has)
    person.loc[shared, "upn"] = upns(np.arange(shared.sum()), births, school=9999)
    person["sex"] = person["sex"].where(person["sex"] != "", "U")
    frames["person"] = person
    start = frames["plans"].set_index("plan_id")["start_date"]
    reviews = frames["reviews"]
    frames["reviews"] = reviews[
        reviews["review_meeting_date"] >= reviews["plan_id"].map(start).fillna("")
    ]
    # the demo's late decisions to assess may come after the plan they led to, and its
    # assessments within a week of the plan: a council's return has them in order
    start_of_request = frames["plans"].drop_duplicates("request_id").set_index("request_id")
    r = frames["requests"]
    issued = r["request_id"].map(start_of_request["start_date"]).fillna("")
    after = (issued != "") & (r["transfer_in"] != "true") & (r["request_outcome_date"] > issued)
    earlier = (pd.to_datetime(issued[after]) - pd.Timedelta(days=14)).dt.strftime("%Y-%m-%d")
    frames["requests"] = r.assign(
        request_outcome_date=r["request_outcome_date"].mask(after, earlier)
    )
    a = frames["assessments"]
    plan_start = a["request_id"].map(start_of_request["start_date"]).fillna("")
    late = (plan_start != "") & (a["assessment_outcome_date"] > plan_start)
    frames["assessments"] = a.assign(
        assessment_outcome_date=a["assessment_outcome_date"].where(~late, plan_start)
    )
    placements = frames["placements"].sort_values(["person_id", "entry_date"], kind="stable")
    following = placements.groupby("person_id")["entry_date"].shift(-1).fillna("")
    late = (following != "") & (placements["leaving_date"] >= following)
    day_before = (pd.to_datetime(following[late]) - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    placements.loc[late, "leaving_date"] = day_before
    frames["placements"] = placements.sort_index()
    return frames


def establishments(placements: pd.DataFrame) -> pd.DataFrame:
    """A made-up GIAS list for the demo's URNs (GIAS's own column names)."""
    urns = placements.loc[placements["urn"] != "", ["urn", "setting"]].drop_duplicates("urn")
    urns = urns.sort_values("urn")
    kinds = [
        GIAS_TYPE[s][int(u) % len(GIAS_TYPE[s])]
        for u, s in zip(urns["urn"], urns["setting"], strict=True)
    ]
    return pd.DataFrame(
        {
            "URN": urns["urn"].to_numpy(),
            "LA (code)": LEA,
            "LA (name)": "Example Borough",
            "EstablishmentName": [
                f"Example {k} {u}" for k, u in zip(kinds, urns["urn"], strict=True)
            ],
            "TypeOfEstablishment (name)": kinds,
            "EstablishmentStatus (name)": "Open",
            "UKPRN": "",
        }
    )
