"""Rules on each Request, its Assessment and its NamedPlan: outcomes and their dates, who
made the request, and the order of events (request → decision → assessment → plan →
cease).

Each rule's wording is sendlib's: COLLECT's own wording of the SEN2 rules is not public.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.data.contract import contract
from sendlib.data.sen2.check.rule import ERROR, QUERY, Hits, not_a_code, paired, rule
from sendlib.data.sen2.check.tables import ReturnTables
from sendlib.data.sen2.mapping import mapping

REQUEST_OUTCOMES = tuple(contract().codes["request_outcome"])
ASSESSMENT_OUTCOMES = tuple(contract().codes["assessment_outcome"])
CEASE_REASONS = tuple(contract().codes["cease_reason"])
SOURCES = tuple(mapping().request_sources)  # 1–5


@rule("SL3001", ERROR, "request", "ReceivedDate", "the date the request was received is missing")
def received_given(t: ReturnTables) -> pd.Series:
    """ReceivedDate is given. COLLECT's wording is not public; the wording is sendlib's."""
    return ~t.given("request", "receiveddate")


@rule("SL3002", ERROR, "request", "RequestOutcome", "the request's outcome is not A, N or W")
def request_outcome_code(t: ReturnTables) -> pd.Series:
    """RequestOutcome, when given, is ``A`` (assess), ``N`` (not) or ``W`` (withdrawn).
    COLLECT's wording is not public; the wording is sendlib's."""
    return not_a_code(t, "request", "requestoutcome", REQUEST_OUTCOMES)


@rule(
    "SL3003",
    ERROR,
    "request",
    ("RequestOutcome", "RequestOutcomeDate"),
    "an outcome without its date, or a date without its outcome",
)
def request_outcome_paired(t: ReturnTables) -> list[Hits]:
    """RequestOutcome and RequestOutcomeDate come together. COLLECT's wording is not
    public; the wording is sendlib's."""
    return paired(t, "request", "requestoutcome", "requestoutcomedate")


@rule("SL3004", ERROR, "request", "RequestSource", "RequestSource is not a code 1 to 5")
def request_source_code(t: ReturnTables) -> pd.Series:
    """2025 (voluntary): a RequestSource given is one of the codes 1–5 (``mapping.yaml``:
    sendlib's reading of the codes). COLLECT's wording is not public; the wording is
    sendlib's."""
    return not_a_code(t, "request", "requestsource", SOURCES)


@rule("SL3004", ERROR, "request", "RequestSource", "RequestSource is missing, or not a code 1 to 5")
def request_source_required(t: ReturnTables) -> pd.Series:
    """2026 on (mandatory): every Request says who made it, with a code 1–5. COLLECT's
    wording is not public; the wording is sendlib's."""
    return ~t.col("request", "requestsource").isin(SOURCES)


@rule(
    "SL3005",
    ERROR,
    "request",
    "RequestOutcomeDate",
    "the decision is dated before the request was received",
)
def decided_after_received(t: ReturnTables) -> pd.Series:
    """RequestOutcomeDate is on or after ReceivedDate. COLLECT's wording is not public;
    the wording is sendlib's."""
    return t.date("request", "requestoutcomedate") < t.date("request", "receiveddate")


@rule("SL3006", ERROR, "request", "ReceivedDate", "the request is dated before the child was born")
def received_after_birth(t: ReturnTables) -> pd.Series:
    """ReceivedDate is on or after the Person's PersonBirthDate. COLLECT's wording is not
    public; the wording is sendlib's."""
    birth = t.parent_date("request", "person", "personbirthdate")
    return t.date("request", "receiveddate") < birth


@rule("SL3007", QUERY, "request", "RequestOutcome", "a decision to assess with no Assessment")
def assessed_has_assessment(t: ReturnTables) -> pd.Series:
    """A request decided ``A`` holds an Assessment (its outcome may be pending).
    COLLECT's wording is not public; the wording is sendlib's."""
    frame, assessed = t.frame("request"), t.frame("assessment")
    width = 1 << 20
    key = frame["p"].to_numpy() * width + frame["r"].to_numpy()
    has = np.isin(key, assessed["p"].to_numpy() * width + assessed["r"].to_numpy())
    return (t.col("request", "requestoutcome").str.upper() == "A") & ~pd.Series(
        has, index=frame.index
    )


@rule(
    "SL4001", ERROR, "assessment", "AssessmentOutcome", "the assessment's outcome is not Y, N or W"
)
def assessment_outcome_code(t: ReturnTables) -> pd.Series:
    """AssessmentOutcome, when given, is ``Y`` (plan), ``N`` or ``W``. COLLECT's wording is
    not public; the wording is sendlib's."""
    return not_a_code(t, "assessment", "assessmentoutcome", ASSESSMENT_OUTCOMES)


@rule(
    "SL4002",
    ERROR,
    "assessment",
    ("AssessmentOutcome", "AssessmentOutcomeDate"),
    "an outcome without its date, or a date without its outcome",
)
def assessment_outcome_paired(t: ReturnTables) -> list[Hits]:
    """AssessmentOutcome and AssessmentOutcomeDate come together. COLLECT's wording is not
    public; the wording is sendlib's."""
    return paired(t, "assessment", "assessmentoutcome", "assessmentoutcomedate")


@rule(
    "SL4003",
    ERROR,
    "assessment",
    "AssessmentOutcomeDate",
    "the assessment's outcome is dated before the decision to assess",
)
def assessed_after_decision(t: ReturnTables) -> pd.Series:
    """AssessmentOutcomeDate is on or after the request's RequestOutcomeDate. COLLECT's
    wording is not public; the wording is sendlib's."""
    decided = t.parent_date("assessment", "request", "requestoutcomedate")
    return t.date("assessment", "assessmentoutcomedate") < decided


@rule(
    "SL4004",
    ERROR,
    "assessment",
    "AssessmentOutcome",
    "an assessment outcome under a request decided not to assess (N) or withdrawn (W)",
)
def assessment_needs_decision(t: ReturnTables) -> pd.Series:
    """An Assessment with an outcome belongs to a request that was not refused or
    withdrawn. COLLECT's wording is not public; the wording is sendlib's."""
    outcome = t.parent("assessment", "request", "requestoutcome").str.upper()
    return t.given("assessment", "assessmentoutcome") & outcome.isin(("N", "W"))


@rule(
    "SL5001",
    ERROR,
    "namedplan",
    "StartDate",
    "a NamedPlan without its StartDate (the day the final plan was issued)",
)
def plan_start_given(t: ReturnTables) -> pd.Series:
    """StartDate is given. COLLECT's wording is not public; the wording is sendlib's."""
    return ~t.given("namedplan", "startdate")


def _plan_under(t: ReturnTables) -> pd.Series:
    """Each plan's assessment outcome date (NaT for a plan outside an Assessment)."""
    return t.parent_date("namedplan", "assessment", "assessmentoutcomedate")


@rule(
    "SL5002", ERROR, "namedplan", "StartDate", "the plan was issued before the assessment's outcome"
)
def plan_after_assessment(t: ReturnTables) -> pd.Series:
    """StartDate is on or after AssessmentOutcomeDate (the decision to issue a plan comes
    first). COLLECT's wording is not public; the wording is sendlib's."""
    return t.date("namedplan", "startdate") < _plan_under(t)


@rule(
    "SL5003",
    ERROR,
    "namedplan",
    "StartDate",
    "a plan after an assessment whose outcome is not Y, and no transfer-in",
)
def plan_needs_yes(t: ReturnTables) -> pd.Series:
    """A NamedPlan follows an assessment decided ``Y``, unless the plan was transferred in
    (its ActivePlans name a TransferLA). COLLECT's wording is not public; the wording is
    sendlib's."""
    outcome = t.parent("namedplan", "assessment", "assessmentoutcome").str.upper()
    transfer = t.parent("namedplan", "activeplans", "transferla") != ""
    return t.given("namedplan", "startdate") & (outcome != "Y") & ~transfer


@rule("SL5004", ERROR, "namedplan", "CeaseDate", "the plan ceased before it started")
def ceased_after_start(t: ReturnTables) -> pd.Series:
    """CeaseDate is on or after StartDate. COLLECT's wording is not public; the wording is
    sendlib's."""
    return t.date("namedplan", "ceasedate") < t.date("namedplan", "startdate")


@rule(
    "SL5005",
    ERROR,
    "namedplan",
    ("CeaseDate", "CeaseReason"),
    "a cease date without its reason, or a reason without its date",
)
def cease_paired(t: ReturnTables) -> list[Hits]:
    """CeaseDate and CeaseReason come together. COLLECT's wording is not public; the
    wording is sendlib's."""
    return paired(t, "namedplan", "ceasereason", "ceasedate")


@rule("SL5006", ERROR, "namedplan", "CeaseReason", "the cease reason is not 1 to 9")
def cease_reason_code(t: ReturnTables) -> pd.Series:
    """CeaseReason, when given, is 1–9. COLLECT's wording is not public; the wording is
    sendlib's."""
    return not_a_code(t, "namedplan", "ceasereason", CEASE_REASONS)


@rule("SL5007", ERROR, "namedplan", "StartDate", "more than one plan for one request")
def one_plan_per_request(t: ReturnTables) -> pd.Series:
    """A request leads to one plan: a second NamedPlan in a Request is a duplicate (a
    corrected plan entered again). COLLECT's wording is not public; the wording is
    sendlib's."""
    return t.frame("namedplan").duplicated(["p", "r"], keep="first")


@rule("SL5008", ERROR, "namedplan", "CeaseDate", "two open plans for one person")
def one_open_plan(t: ReturnTables) -> pd.Series:
    """A child has one EHC plan at a time: a second plan without a CeaseDate in the same
    Person (in another Request) means one should have ceased. COLLECT's wording is not
    public; the wording is sendlib's."""
    frame = t.frame("namedplan")
    open_ = ~t.given("namedplan", "ceasedate") & t.given("namedplan", "startdate")
    later = frame[open_].drop_duplicates(["p", "r"]).duplicated("p", keep="first")
    return pd.Series(frame.index.isin(later[later].index), index=frame.index)
