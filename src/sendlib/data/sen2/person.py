"""One ``Person`` of a return as rows of the contract's tables.

Ids are not made here: a row keeps who the child is (``Who``) and the dates its ids are
derived from, and the importer turns them into keyed hashes once every return is read (a
UPN that one return gives to two children is told apart by birth date in all of them).
Each row also keeps its ``_span``, the first and last day it describes (last ``""``: still
open), by which a later return decides whether the row is one it replaces.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sendlib.data.sen2.establishments import Establishments
from sendlib.data.sen2.fields import Fields
from sendlib.data.sen2.mapping import mapping
from sendlib.data.sen2.xml import Node

#: the tables a return fills (mapping.yaml), in the mapping's order
TABLES = tuple(mapping().tables)
#: the dates of a request's chain, in the order of events
CHAIN_DATES = (
    ("requests", "received_date"),
    ("requests", "request_outcome_date"),
    ("assessments", "assessment_outcome_date"),
    ("plans", "start_date"),
    ("plans", "cease_date"),
)
MAIN = 1  # PlacementRank of the main placement; SENtypeRank of the primary need


@dataclass(frozen=True)
class Who:
    """How a child is told apart: by UPN, else ULN, else names; and their birth date."""

    kind: str  # upn, uln or name
    value: str
    birth: str


@dataclass
class Read:
    """Rows read from one return (ids still to be made), with counts and warnings."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLES})
    counts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def source_word(text: str) -> str:
    """A RequestSource as the contract's word for its group (``1`` → ``parent``); a word a
    supplier wrote instead of a code is kept as it is."""
    return mapping().request_sources.get(text.strip(), text)


def chain_span(request: dict, assessment: dict | None, plan: dict | None) -> tuple[str, str]:
    """The first and last day of a request's chain (``""`` last: still open). A chain is
    open while it waits for a decision, an assessment or a plan, and while its plan has
    not ceased; a later return that holds the child replaces the chains it covers."""
    if plan is not None:
        closed = bool(plan["cease_date"])
    else:
        outcome = request["request_outcome"]
        assessed = assessment["assessment_outcome"] if assessment is not None else ""
        closed = outcome in ("N", "W") or (outcome == "A" and assessed in ("N", "W"))
    if not closed:
        return request["received_date"], ""
    rows = {"requests": request, "assessments": assessment or {}, "plans": plan or {}}
    days = [rows[t].get(c, "") for t, c in CHAIN_DATES]
    return request["received_date"], max(d for d in days if d)


class PersonReader:
    """Maps each ``Person`` of one return into ``Read``."""

    def __init__(self, fields: Fields, establishments: Establishments | None):
        self.f = fields
        self.establishments = establishments
        self.read = Read()

    def add(self, person: Node) -> None:
        """Read one Person and the requests, plans, reviews and placements inside it."""
        rows = self.read.rows
        who = self._who(person)
        rows["person"].append({**self.f.columns(person, "person"), "_who": who})
        requests = [r for group in person.all("requests") for r in group.all("request")]
        seen: Counter = Counter()
        for request in requests + person.all("request"):
            self._request(request, who, seen)

    def _who(self, person: Node) -> Who:
        birth = self.f.date(person, "personbirthdate")
        if not birth:
            raise self.f.fail(person, "has no PersonBirthDate")
        upn = person.value("upn").upper()
        if upn:
            return Who("upn", upn, birth)
        uln = person.value("uniquelearnernumber")
        if uln:
            return Who("uln", uln, birth)
        names = [person.value(n).casefold() for n in ("surname", "forename")]
        if not any(names):
            raise self.f.fail(
                person, "has no UPN, UniqueLearnerNumber or name to tell the child apart"
            )
        self.read.counts["children told apart by name and birth date"] += 1
        return Who("name", "|".join(" ".join(n.split()) for n in names), birth)

    def _request(self, request: Node, who: Who, seen: Counter) -> None:
        """A request and what followed it (assessment, plan, review, phase transfer,
        placements): one chain, which a later return replaces as a whole."""
        f, rows = self.f, self.read.rows
        received = f.date(request, "receiveddate")
        if not received:
            raise f.fail(request, "has no ReceivedDate (the date the request was received)")
        seen[received] += 1
        if seen[received] > 1:  # the same child, the same day: kept apart by its order
            self.read.warnings.append(
                f"{f.file}, line {request.line}, {request.path}: a second request received on "
                "the same day by the same child; imported as a request of its own"
            )
            received_key = f"{received}#{seen[received]}"
        else:
            received_key = received
        active = request.first("activeplans")
        transfer = active is not None and bool(active.value("transferla"))
        columns = f.columns(request, "requests")
        columns["request_source"] = source_word(columns["request_source"])
        chain = {"_who": who, "_received": received_key, "_date": received}
        request_row = {**columns, "transfer_in": "true" if transfer else "false", **chain}
        self._flags(request)
        assessment = request.first("assessment")
        assessed = self._assessment(assessment, columns["request_outcome"], chain)
        plan = assessment.first("namedplan") if assessment is not None else None
        plan = plan if plan is not None else request.first("namedplan")
        plan_row = self._plan(plan, active, chain)
        span = chain_span(request_row, assessed, plan_row)
        for row in (request_row, assessed, plan_row):
            if row is not None:
                row["_span"] = span
        rows["requests"].append(request_row)
        if assessed is not None:
            rows["assessments"].append(assessed)
        if plan_row is not None:
            rows["plans"].append(plan_row)
        if active is not None:
            self._review(active, chain, plan_row is not None)
            self._phase_transfer(active, chain, plan_row is not None)
            for detail in active.all("placementdetail"):
                self._placement(detail, who)

    def _flags(self, request: Node) -> None:
        """Mediation and tribunal flags carry no dates: counted, not imported."""
        for name in ("requestmediation", "requesttribunal"):
            if self.f.flag(request, name) == "true":
                self.read.counts["requests flagged for mediation or tribunal (no dates)"] += 1
                return

    def _assessment(self, node: Node | None, outcome: str, chain: dict) -> dict | None:
        columns = self.f.columns(node, "assessments") if node is not None else {}
        decided = columns.get("assessment_outcome") or columns.get("assessment_outcome_date")
        if outcome == "A" or decided or columns.get("week20_exception") == "true":
            empty = {c: "" for c in mapping().tables["assessments"].columns}
            return {**empty, "week20_exception": "false", **columns, **chain}
        return None

    def _plan(self, plan: Node | None, active: Node | None, chain: dict) -> dict | None:
        """The plan's row (None when there is no issued plan)."""
        if plan is None:
            return None
        columns = self.f.columns(plan, "plans")
        if not columns["start_date"]:
            if any(columns.values()):
                raise self.f.fail(plan, "has no StartDate (the date the final plan was issued)")
            return None
        need = self._primary_need(active) if active is not None else ""
        return {**columns, "primary_need": need, **chain}

    def _primary_need(self, active: Node) -> str:
        needs = {}
        for node in active.all("senneed"):
            code = self.f.code(node, "sentype", "primary_need")
            rank = self.f.rank(node, "sentyperank")
            needs.setdefault(rank, code)
        if MAIN in needs:
            return needs[MAIN]
        if len(needs) == 1 and None in needs:  # one need, not ranked: it is the primary
            return needs[None]
        if needs:
            self.read.counts["plans without a need ranked 1 (primary need left blank)"] += 1
        return ""

    def _review(self, active: Node, chain: dict, planned: bool) -> None:
        columns = self.f.columns(active, "reviews")
        if not columns["review_meeting_date"]:
            if columns["review_decision"]:
                self.read.counts["review outcomes without a ReviewMeeting date (not imported)"] += 1
            return
        if not planned:
            self.read.counts["reviews of a request with no issued plan (not imported)"] += 1
            return
        meeting = columns["review_meeting_date"]
        self.read.rows["reviews"].append({**columns, **chain, "_span": (meeting, meeting)})

    def _phase_transfer(self, active: Node, chain: dict, planned: bool) -> None:
        """The plan's phase transfer (its deadline and the final amended plan), if any."""
        columns = self.f.columns(active, "phase_transfers")
        if not columns["due_date"]:
            if columns["final_date"]:
                self.read.counts[
                    "phase-transfer final plans without a PhaseTransferDueDate (not imported)"
                ] += 1
            return
        if not planned:
            self.read.counts["phase transfers of a request with no issued plan (not imported)"] += 1
            return
        last = max(columns["due_date"], columns["final_date"])
        self.read.rows["phase_transfers"].append({**columns, **chain, "_span": ("", last)})

    def _placement(self, detail: Node, who: Who) -> None:
        rank = self.f.rank(detail, "placementrank")
        if rank not in (None, MAIN):
            self.read.counts["placements ranked 2 or lower (the contract keeps the main one)"] += 1
            return
        setting, unclassified = self._setting(detail)
        if unclassified:
            self.read.counts[f"placements written as 'other': {unclassified}"] += 1
        columns = self.f.columns(detail, "placements")
        span = (columns["entry_date"], columns["leaving_date"])
        self.read.rows["placements"].append(
            {**columns, "setting": setting, "_who": who, "_span": span}
        )

    def _setting(self, detail: Node) -> tuple[str, str]:
        """The contract setting of a placement, and why it could not be classified."""
        urn, ukprn = detail.value("urn"), detail.value("ukprn")
        if urn or ukprn:
            if self.establishments is None:
                return "other", "a URN or UKPRN, and no --establishments list to classify it"
            setting, why = self.establishments.setting(urn, ukprn)
            if setting is None:
                return "other", why
            if setting == "mainstream" and "true" in (
                self.f.flag(detail, "senunitindicator"),
                self.f.flag(detail, "resourcedprovisionindicator"),
            ):
                return "mainstream_resourced", ""
            return setting, ""
        code = detail.first("sensetting")
        if code is None or not code.text:
            return "other", "no URN, UKPRN or SENSetting"
        setting = mapping().setting_code(code.text)
        if setting is None:
            allowed = ", ".join(mapping().settings)
            raise self.f.fail(code, f"'{code.text}' is not a SENSetting code (one of {allowed})")
        return setting, ""
