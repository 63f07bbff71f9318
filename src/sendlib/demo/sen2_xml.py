"""One SEN2 return written as the DfE's XML: the header, and per person the requests with
their assessment, plan, the latest review of the year, the phase transfer, the needs and
the placements, as the case system stood on the census day. Names and postcodes are made
up from the person's number, so every child is told apart."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

from lxml import etree

from sendlib.data.contract import request_source_group
from sendlib.data.sen2.mapping import mapping
from sendlib.demo.sen2_cases import JoinedCases, as_at
from sendlib.files import atomic_output

LEA = "999"  # a made-up local authority number (la_numbers.yaml: made_up)
TRANSFER_FROM = ("800", "801", "802", "803")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "ya", "zu", "bri", "dan")
SEN_SETTING = {
    "eotas_s61": "OLA",
    "eotas_s19": "OLA",
    "ehe": "EHE",
    "neet": "NEET",
    "other": "OTH",
}
SECOND_NEED = ("SLCN", "SEMH", "SPLD", "MLD", "ASD")
#: the RequestSource code of each group (mapping.yaml, read the other way)
SOURCE_CODES = {group: code for code, group in mapping().request_sources.items()}


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


def source_code(word: str) -> str:
    """A request's source as the return's RequestSource code (2025 collection on)."""
    return SOURCE_CODES[request_source_group(word)]


def write_return(path: Path, census: dt.date, cases: JoinedCases) -> None:
    """Write the return for ``census`` to ``path`` (atomically), person by person."""
    requests = as_at(cases, census)
    with atomic_output(path) as temp, etree.xmlfile(str(temp), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write(_header(census), pretty_print=True)
            with xf.element("Persons"):
                rows = requests.itertuples(index=False)
                for person_id, group in itertools.groupby(rows, key=lambda r: r.person_id):
                    xf.write(_person(person_id, list(group), cases, census), pretty_print=True)


def _person(person_id: str, requests: list, cases: JoinedCases, census: dt.date) -> etree._Element:
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


def _request(parent, row, cases: JoinedCases, census: dt.date, placements: list) -> None:
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


def _active(request, row, cases: JoinedCases, census: dt.date, placements: list) -> None:
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
