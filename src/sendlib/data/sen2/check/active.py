"""Rules on each ActivePlans: the annual review and its decision, the draft amended plan,
the phase transfer, the SEN needs and the placements.

Each rule's wording is sendlib's: COLLECT's own wording of the SEN2 rules is not public.
"""

from __future__ import annotations

import pandas as pd

from sendlib.data.contract import contract
from sendlib.data.sen2.check.rule import ERROR, QUERY, Hits, not_a_code, paired, rows, rule
from sendlib.data.sen2.check.tables import ReturnTables
from sendlib.data.sen2.mapping import mapping
from sendlib.data.sen2.upn import any_la
from sendlib.statutory import REVIEW_DECISION_DAYS, TRANSFER_DEADLINES

REVIEW_OUTCOMES = tuple(contract().codes["review_decision"])
NEEDS = tuple(contract().codes["primary_need"])
SETTINGS = tuple(mapping().settings)
DEADLINES = tuple(TRANSFER_DEADLINES.values())  # reg 18: (month, day)
DRAFT_DAYS = REVIEW_DECISION_DAYS  # reg 20(10): a decision to amend, its draft in 4 weeks
#: the academic ages (on 31 August before the census) of the year groups that move phase
#: the next September: nursery → Reception, Year 6 → 7, Year 11 → post-16
MOVING_AGES = (3, 10, 15)
STILL_THERE = pd.Timestamp("2999-12-31")  # the leaving date of a placement not left


@rule(
    "SL6001",
    ERROR,
    "activeplans",
    "ReviewMeeting",
    "a review's outcome, decision date or draft without the meeting's date",
)
def review_meeting_given(t: ReturnTables) -> pd.Series:
    """ReviewMeeting is mandatory from 2025 wherever a review is reported: a ReviewOutcome,
    LastReview or ReviewDraft needs the meeting's date. COLLECT's wording is not public;
    the wording is sendlib's."""
    told = (
        t.given("activeplans", "reviewoutcome")
        | t.given("activeplans", "lastreview")
        | t.given("activeplans", "reviewdraft")
    )
    return told & ~t.given("activeplans", "reviewmeeting")


@rule("SL6002", ERROR, "activeplans", "ReviewOutcome", "the review's outcome is not M, A or C")
def review_outcome_code(t: ReturnTables) -> pd.Series:
    """ReviewOutcome, when given, is ``M`` (maintain), ``A`` (amend) or ``C`` (cease).
    COLLECT's wording is not public; the wording is sendlib's."""
    return not_a_code(t, "activeplans", "reviewoutcome", REVIEW_OUTCOMES)


@rule(
    "SL6003",
    ERROR,
    "activeplans",
    ("ReviewOutcome", "LastReview"),
    "a review's outcome without its decision date, or a decision date without the outcome",
)
def review_outcome_paired(t: ReturnTables) -> list[Hits]:
    """ReviewOutcome (mandatory from 2025) and LastReview come together. COLLECT's wording
    is not public; the wording is sendlib's."""
    return paired(t, "activeplans", "reviewoutcome", "lastreview")


@rule(
    "SL6004",
    ERROR,
    "activeplans",
    "LastReview",
    "the review's decision is dated before the meeting",
)
def decided_after_meeting(t: ReturnTables) -> pd.Series:
    """LastReview is on or after ReviewMeeting. COLLECT's wording is not public; the
    wording is sendlib's."""
    return t.date("activeplans", "lastreview") < t.date("activeplans", "reviewmeeting")


@rule(
    "SL6005",
    ERROR,
    "activeplans",
    "ReviewMeeting",
    "the review meeting is dated before the plan started",
)
def meeting_after_plan(t: ReturnTables) -> pd.Series:
    """ReviewMeeting is on or after the plan's StartDate. COLLECT's wording is not public;
    the wording is sendlib's."""
    start = _plan_start(t)
    return t.date("activeplans", "reviewmeeting") < start


def _plan_start(t: ReturnTables) -> pd.Series:
    """The StartDate of each ActivePlans' plan (under the Assessment, or the Request)."""
    under = t.parent_date("activeplans", "namedplan", "startdate")
    return under


@rule(
    "SL6006",
    ERROR,
    "activeplans",
    "ReviewDraft",
    "an amend decision more than 4 weeks before the census with no draft amended plan",
)
def draft_after_amend(t: ReturnTables) -> pd.Series:
    """2026 on (ReviewDraft mandatory): a review decided ``A`` (amend) whose decision
    (LastReview) was more than 4 weeks before the census gives the date its draft amended
    plan was sent (SEND Regulations 2014 reg 20(10), 22(2)). The 4 weeks' grace is
    sendlib's: COLLECT's wording is not public."""
    census = t.census
    amend = t.col("activeplans", "reviewoutcome").str.upper() == "A"
    if census is None:
        return pd.Series(False, index=amend.index)
    decided = t.date("activeplans", "lastreview")
    due = decided <= census - pd.Timedelta(days=DRAFT_DAYS)
    return amend & due & ~t.given("activeplans", "reviewdraft")


@rule(
    "SL6007",
    ERROR,
    "activeplans",
    "ReviewDraft",
    "the draft amended plan is dated before the review meeting",
)
def draft_after_meeting(t: ReturnTables) -> pd.Series:
    """ReviewDraft is on or after ReviewMeeting. COLLECT's wording is not public; the
    wording is sendlib's."""
    return t.date("activeplans", "reviewdraft") < t.date("activeplans", "reviewmeeting")


@rule(
    "SL6008",
    QUERY,
    "activeplans",
    "ReviewDraft",
    "a draft amended plan after a decision other than amend",
)
def draft_needs_amend(t: ReturnTables) -> pd.Series:
    """A ReviewDraft with a ReviewOutcome other than ``A``. COLLECT's wording is not
    public; the wording is sendlib's."""
    outcome = t.col("activeplans", "reviewoutcome").str.upper()
    return t.given("activeplans", "reviewdraft") & (outcome != "") & (outcome != "A")


@rule(
    "SL6009",
    ERROR,
    "activeplans",
    "PhaseTransferDueDate",
    "a phase transfer's final plan date without its due date",
)
def transfer_due_given(t: ReturnTables) -> pd.Series:
    """PhaseTransferFinalDate needs PhaseTransferDueDate. COLLECT's wording is not public;
    the wording is sendlib's."""
    return t.given("activeplans", "phasetransferfinaldate") & ~t.given(
        "activeplans", "phasetransferduedate"
    )


@rule(
    "SL6010",
    QUERY,
    "activeplans",
    "PhaseTransferDueDate",
    "the phase transfer is not due on 15 February or 31 March",
)
def transfer_deadline(t: ReturnTables) -> pd.Series:
    """The amended plan of a phase transfer is due by 15 February, or 31 March for a move
    from school to a post-16 institution (SEND Regulations 2014 reg 18); another date is a
    query. COLLECT's wording is not public; the wording is sendlib's."""
    due = t.date("activeplans", "phasetransferduedate")
    standard = (due.dt.month * 100 + due.dt.day).isin([m * 100 + d for m, d in DEADLINES])
    return due.notna() & ~standard


@rule(
    "SL6011",
    QUERY,
    "activeplans",
    "PhaseTransferDueDate",
    "no phase transfer for a child whose year group moves phase this year",
)
def transfer_expected(t: ReturnTables) -> pd.Series:
    """2026 on (the phase-transfer dates mandatory): a plan held since 1 September and not
    ceased, of a child in nursery, Year 6 or Year 11 (by birth date), gives its phase
    transfer's due date. A query, since middle schools and children out of their year
    group move at other ages. COLLECT's wording is not public; the wording is sendlib's."""
    census = t.census
    frame = t.frame("activeplans")
    if census is None or not len(frame):
        return pd.Series(False, index=frame.index)
    september = pd.Timestamp(census.year - 1, 9, 1)
    birth = t.parent_date("activeplans", "person", "personbirthdate")
    august = pd.Timestamp(census.year - 1, 8, 31)
    age = august.year - birth.dt.year - ((birth.dt.month * 100 + birth.dt.day) > 831)
    start = _plan_start(t)
    ceased = t.parent("activeplans", "namedplan", "ceasedate") != ""
    moving = age.isin(MOVING_AGES) & (start <= september) & ~ceased
    return moving & ~t.given("activeplans", "phasetransferduedate")


@rule(
    "SL6012", QUERY, "activeplans", "TransferLA", "an ActivePlans with no NamedPlan in its Request"
)
def active_needs_plan(t: ReturnTables) -> pd.Series:
    """An ActivePlans belongs to a Request that holds the plan (a plan transferred in
    names its TransferLA). COLLECT's wording is not public; the wording is sendlib's."""
    start = t.parent("activeplans", "namedplan", "startdate")
    return (start == "") & ~t.given("activeplans", "transferla")


@rule("SL6013", ERROR, "activeplans", "TransferLA", "TransferLA is not a local authority's number")
def transfer_la(t: ReturnTables) -> pd.Series:
    """TransferLA, when given, is an LA number (3 digits, a current or former council's).
    COLLECT's wording is not public; the wording is sendlib's."""
    value = t.col("activeplans", "transferla")
    return (value != "") & ~value.map(any_la).astype(bool)


# ---------------------------------------------------------------- SEN needs
def _rank(t: ReturnTables, module: str, name: str) -> pd.Series:
    text = t.col(module, name)
    return pd.to_numeric(text.where(text.str.fullmatch(r"[1-9]\d*")), errors="coerce")


@rule("SL8001", ERROR, "senneed", "SENtype", "SENtype is missing or not a SEN2 need code")
def need_code(t: ReturnTables) -> pd.Series:
    """SENtype is one of the SEN2 need codes (SPLD … DS, OTH, NSA). COLLECT's wording is
    not public; the wording is sendlib's."""
    return ~t.col("senneed", "sentype").str.upper().isin(NEEDS)


@rule("SL8002", ERROR, "senneed", "SENtypeRank", "SENtypeRank is not a whole number 1 or more")
def need_rank_shape(t: ReturnTables) -> pd.Series:
    """SENtypeRank, when given, is 1, 2, …. COLLECT's wording is not public; the wording
    is sendlib's."""
    return t.given("senneed", "sentyperank") & _rank(t, "senneed", "sentyperank").isna()


@rule("SL8003", ERROR, "activeplans", "SENneed", "no SEN need ranked 1 (the primary need)")
def primary_need(t: ReturnTables) -> pd.Series:
    """An ActivePlans names its primary need: a SENneed ranked 1 (or its one SENneed).
    COLLECT's wording is not public; the wording is sendlib's."""
    need = t.frame("senneed")
    rank = _rank(t, "senneed", "sentyperank")
    counted = need.assign(first=(rank == 1) | ~t.given("senneed", "sentyperank"))
    keys = counted.groupby(["p", "r"])["first"].any()
    frame = t.frame("activeplans")
    index = pd.MultiIndex.from_frame(frame[["p", "r"]])
    has = keys.reindex(index).fillna(False).to_numpy(dtype=bool)
    return pd.Series(~has, index=frame.index)


@rule("SL8004", ERROR, "senneed", "SENtypeRank", "two SEN needs of one plan share a rank")
def need_rank_unique(t: ReturnTables) -> pd.Series:
    """Each SENneed of an ActivePlans has its own rank. COLLECT's wording is not public;
    the wording is sendlib's."""
    need = t.frame("senneed").assign(rank=_rank(t, "senneed", "sentyperank"))
    return need["rank"].notna() & need.duplicated(["p", "r", "rank"], keep="first")


# ---------------------------------------------------------------- placements
@rule("SL7001", ERROR, "placementdetail", "URN", "a placement with no URN, UKPRN or SENSetting")
def placement_named(t: ReturnTables) -> pd.Series:
    """A PlacementDetail names where: a URN, a UKPRN or a SENSetting. COLLECT's wording is
    not public; the wording is sendlib's."""
    return ~(
        t.given("placementdetail", "urn")
        | t.given("placementdetail", "ukprn")
        | t.given("placementdetail", "sensetting")
    )


@rule(
    "SL7002",
    ERROR,
    "placementdetail",
    ("URN", "UKPRN"),
    "the URN is not 6 digits, or the UKPRN not 8 digits starting 1",
)
def placement_numbers(t: ReturnTables) -> list[Hits]:
    """A URN is 6 digits; a UKPRN 8 digits starting with 1. COLLECT's wording is not
    public; the wording is sendlib's."""
    urn, ukprn = t.col("placementdetail", "urn"), t.col("placementdetail", "ukprn")
    return [
        Hits("placementdetail", rows((urn != "") & ~urn.str.fullmatch(r"\d{6}")), "urn"),
        Hits("placementdetail", rows((ukprn != "") & ~ukprn.str.fullmatch(r"1\d{7}")), "ukprn"),
    ]


@rule("SL7003", ERROR, "placementdetail", "SENSetting", "SENSetting is not a SEN2 setting code")
def setting_code(t: ReturnTables) -> pd.Series:
    """SENSetting, when given, is OLA, OPA, EHE, EYP, OTH, NEET, NIEC or NIEO. COLLECT's
    wording is not public; the wording is sendlib's."""
    return not_a_code(t, "placementdetail", "sensetting", SETTINGS)


@rule(
    "SL7004",
    ERROR,
    "placementdetail",
    "PlacementRank",
    "PlacementRank is missing or not a whole number 1 or more",
)
def placement_rank(t: ReturnTables) -> pd.Series:
    """PlacementRank is 1 (the main placement), 2, …. COLLECT's wording is not public; the
    wording is sendlib's."""
    return _rank(t, "placementdetail", "placementrank").isna()


@rule("SL7005", ERROR, "placementdetail", "EntryDate", "a placement without its EntryDate")
def entry_given(t: ReturnTables) -> pd.Series:
    """EntryDate is given. COLLECT's wording is not public; the wording is sendlib's."""
    return ~t.given("placementdetail", "entrydate")


@rule("SL7006", ERROR, "placementdetail", "LeavingDate", "the placement was left before it began")
def left_after_entry(t: ReturnTables) -> pd.Series:
    """LeavingDate is on or after EntryDate. COLLECT's wording is not public; the wording
    is sendlib's."""
    return t.date("placementdetail", "leavingdate") < t.date("placementdetail", "entrydate")


@rule("SL7007", ERROR, "placementdetail", "EntryDate", "two main placements (rank 1) at once")
def one_main_placement(t: ReturnTables) -> pd.Series:
    """Placements ranked 1 of one ActivePlans do not overlap: a child has one main
    placement at a time (one began before the other was left). COLLECT's wording is not
    public; the wording is sendlib's."""
    frame = t.frame("placementdetail")
    rank = _rank(t, "placementdetail", "placementrank")
    main = frame.assign(
        entry=t.date("placementdetail", "entrydate"),
        leaving=t.date("placementdetail", "leavingdate").fillna(STILL_THERE),
    )[(rank == 1).to_numpy()]
    main = main.dropna(subset=["entry"]).sort_values(["p", "r", "entry"], kind="stable")
    main["left_by"] = main.groupby(["p", "r"])["leaving"].cummax()
    earlier = main.groupby(["p", "r"])["left_by"].shift()  # the latest leaving before it
    overlap = main.index[(main["entry"] <= earlier).to_numpy()]
    return pd.Series(frame.index.isin(overlap), index=frame.index)
