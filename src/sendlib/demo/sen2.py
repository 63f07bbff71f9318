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
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from sendlib.data.contract import request_source_group
from sendlib.data.sen2.mapping import mapping
from sendlib.demo.lives import upns
from sendlib.files import atomic_output

LEA = "999"  # a made-up local authority number (la_numbers.yaml: made_up)
TRANSFER_FROM = ("800", "801", "802", "803")
FIRST_YEAR = 2020  # the first calendar year the demo covers in full
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "ya", "zu", "bri", "dan")
SEN_SETTING = {
    "eotas_s61": "OLA",
    "eotas_s19": "OLA",
    "ehe": "EHE",
    "neet": "NEET",
    "other": "OTH",
}
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
SECOND_NEED = ("SLCN", "SEMH", "SPLD", "MLD", "ASD")


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
    cases = _Cases(frames)
    paths = []
    for census in census_dates(last_day):
        if years is not None and census.year not in years:
            continue
        path = out / f"sen2-{census.year}.xml"
        _write_return(path, census, cases)
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


# ---------------------------------------------------------------- the cases, joined
class _Cases:
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


def _as_at(cases: _Cases, census: dt.date) -> pd.DataFrame:
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


# ---------------------------------------------------------------- writing XML
def _text(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, name).text = value


def _name(number: int) -> str:
    letters = []
    while True:
        number, digit = divmod(number, len(SYLLABLES))
        letters.append(SYLLABLES[digit])
        if not number:
            break
    return "".join(letters).capitalize()


def _header(census: dt.date) -> etree._Element:
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    _text(details, "Collection", "SEN2")
    _text(details, "Year", str(census.year))
    _text(details, "ReferenceDate", census.isoformat())
    source = etree.SubElement(header, "Source")
    for name, value in (
        ("SourceLevel", "L"),
        ("LEA", LEA),
        ("SoftwareCode", "sendlib demo"),
        ("Release", "1"),
        ("SerialNo", "1"),
        ("DateTime", f"{census.isoformat()}T00:00:00"),
        ("DSCO", "Y"),  # a Designated Social Care Officer in post (2025 collection on)
    ):
        _text(source, name, value)
    return header


#: the RequestSource code of each group (mapping.yaml, read the other way)
SOURCE_CODES = {group: code for code, group in mapping().request_sources.items()}


def source_code(word: str) -> str:
    """A request's source as the return's RequestSource code (2025 collection on)."""
    return SOURCE_CODES[request_source_group(word)]


def _write_return(path: Path, census: dt.date, cases: _Cases) -> None:
    requests = _as_at(cases, census)
    with atomic_output(path) as temp, etree.xmlfile(str(temp), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write(_header(census), pretty_print=True)
            with xf.element("Persons"):
                rows = requests.itertuples(index=False)
                for person_id, group in itertools.groupby(rows, key=lambda r: r.person_id):
                    xf.write(_person(person_id, list(group), cases, census), pretty_print=True)


def _person(person_id: str, requests: list, cases: _Cases, census: dt.date) -> etree._Element:
    who = cases.person[person_id]._asdict()
    number = int(person_id.lstrip("P"))
    person = etree.Element("Person")
    _text(person, "Surname", _name(number * 7 + 3))
    _text(person, "Forename", _name(number))
    _text(person, "PersonBirthDate", who["birth_date"])
    _text(person, "Sex", who["sex"])
    _text(person, "Ethnicity", who["ethnicity"])
    _text(person, "PostCode", f"ZZ{number % 90 + 10} {number % 9 + 1}ZZ")
    if who["upn"]:
        _text(person, "UPN", who["upn"])
    else:
        _text(person, "UPNunknown", "UN1")
    group = etree.SubElement(person, "Requests")
    in_year = [r for r in requests if r.plan_in_year]
    placements = _placements(cases.placements.get(person_id, []), census)
    owner = _placement_owner(in_year, placements)
    for row in requests:
        _request(group, row, cases, census, owner.get(row.request_id, []))
    return person


def _request(parent, row, cases: _Cases, census: dt.date, placements: list) -> None:
    request = etree.SubElement(parent, "Request")
    _text(request, "ReceivedDate", row.received_date)
    _text(request, "RequestSource", source_code(row.request_source))
    if row.request_outcome:
        _text(request, "RequestOutcomeDate", row.request_outcome_date)
        _text(request, "RequestOutcome", row.request_outcome)
    if row.request_outcome == "A" or row.start_date:
        assessment = etree.SubElement(request, "Assessment")
        if row.assessment_outcome:
            _text(assessment, "AssessmentOutcome", row.assessment_outcome)
            _text(assessment, "AssessmentOutcomeDate", row.assessment_outcome_date)
        if row.request_outcome == "A":
            _text(assessment, "Week20", row.week20_exception or "false")
        if row.start_date:
            plan = etree.SubElement(assessment, "NamedPlan")
            _text(plan, "StartDate", row.start_date)
            if row.cease_date:
                _text(plan, "CeaseDate", row.cease_date)
                _text(plan, "CeaseReason", row.cease_reason)
    if row.plan_in_year:
        _active(request, row, cases, census, placements)


def _active(request, row, cases: _Cases, census: dt.date, placements: list) -> None:
    active = etree.SubElement(request, "ActivePlans")
    number = int(row.plan_id.lstrip("E"))
    if row.transfer_in == "true":
        _text(active, "TransferLA", TRANSFER_FROM[number % len(TRANSFER_FROM)])
    review = _latest_review(cases.reviews.get(row.plan_id, []), census)
    day = census.isoformat()
    if review is not None:
        _text(active, "ReviewMeeting", review["review_meeting_date"])
        known = review["decision_date"] and review["decision_date"] <= day
        if known:
            _text(active, "ReviewOutcome", review["review_decision"])
            _text(active, "LastReview", review["decision_date"])
            if review["draft_date"] and review["draft_date"] <= day:
                _text(active, "ReviewDraft", review["draft_date"])
    transfer = _transfer(cases.transfers.get(row.plan_id, []), census)
    if transfer is not None:
        _text(active, "PhaseTransferDueDate", transfer.due_date)
        if transfer.final_date and transfer.final_date <= day:
            _text(active, "PhaseTransferFinalDate", transfer.final_date)
    if row.primary_need:
        need = etree.SubElement(active, "SENneed")
        _text(need, "SENtype", row.primary_need)
        _text(need, "SENtypeRank", "1")
        if number % 3 == 0:  # a second need for a third of plans
            second = [n for n in SECOND_NEED if n != row.primary_need][number % 4]
            need = etree.SubElement(active, "SENneed")
            _text(need, "SENtype", second)
            _text(need, "SENtypeRank", "2")
    for placement in placements:
        _placement(active, placement, census)


def _latest_review(reviews: list, census: dt.date):
    """The latest review meeting in the calendar year before the census."""
    year = str(census.year - 1)
    in_year = [r for r in reviews if r.review_meeting_date.startswith(year)]
    return in_year[-1]._asdict() if in_year else None


def _transfer(transfers: list, census: dt.date):
    """The phase transfer due in the year the return covers or in the census year."""
    years = (str(census.year - 1), str(census.year))
    due = [t for t in transfers if t.due_date[:4] in years]
    return due[-1] if due else None


def _placements(placements: list, census: dt.date) -> list:
    """The person's placements during the year before the census (as known on the day)."""
    day, start = census.isoformat(), dt.date(census.year - 1, 1, 1).isoformat()
    kept = []
    for p in placements:
        leaving = p.leaving_date if p.leaving_date and p.leaving_date <= day else ""
        if p.entry_date <= day and (not leaving or leaving >= start):
            kept.append(p._replace(leaving_date=leaving))
    return kept


def _placement_owner(in_year: list, placements: list) -> dict[str, list]:
    """Each placement under the request whose plan had started by its entry date."""
    owner: dict[str, list] = defaultdict(list)
    if not in_year:
        return owner
    plans = sorted(in_year, key=lambda r: r.start_date)
    for placement in placements:
        started = [r for r in plans if r.start_date <= placement.entry_date]
        owner[(started[-1] if started else plans[0]).request_id].append(placement)
    return owner


def _placement(active, placement, census: dt.date) -> None:
    detail = etree.SubElement(active, "PlacementDetail")
    if placement.urn:
        _text(detail, "URN", placement.urn)
    else:
        _text(detail, "SENSetting", SEN_SETTING[placement.setting])
    _text(detail, "PlacementRank", "1")
    _text(detail, "EntryDate", placement.entry_date)
    if placement.leaving_date:
        _text(detail, "LeavingDate", placement.leaving_date)
    if placement.setting == "mainstream_resourced":
        _text(detail, "SENUnitIndicator", "true")
