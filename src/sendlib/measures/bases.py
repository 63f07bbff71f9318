"""What each share counts — its numerator, its denominator and the kind of period — so a
comparator is set beside a KPI only when it counts the same thing: only when numerator,
denominator and period type match.

The DfE's release says the same for its measures (``numerator`` and ``denominator`` in
``sendlib/data/dfe_release.yaml``), in the same words where the count is the same. A
monthly share of *decisions made in the month* is not the DfE's share of *requests
received in the year*, however alike their names: such a KPI carries no comparator in the
scorecard, and the paper's "How we compare" sets the council's own figure on the DfE's
definition (``sendlib.measures.yearly``) beside the DfE's.
"""

from __future__ import annotations

from dataclasses import dataclass

#: kinds of period: events counted over a period (a month, a calendar year), or a
#: snapshot at a date (month end, January)
EVENTS, SNAPSHOT = "events", "snapshot"


@dataclass(frozen=True)
class Basis:
    numerator: str
    denominator: str
    period: str  # EVENTS or SNAPSHOT

    def words(self) -> str:
        """'of decisions whether to assess made in the period, the share that are …'"""
        return f"{self.numerator}, of {self.denominator}"


_AT_DATE = "plans at the date"

#: the measures computed from the case data that have a namesake in the DfE's release
BASES: dict[str, Basis] = {
    "request_decisions_6wk_pct": Basis(
        "decisions made within 6 weeks of the request",
        "decisions whether to assess made in the period",
        EVENTS,
    ),
    "request_assess_pct": Basis(
        "decisions to assess", "decisions whether to assess made in the period", EVENTS
    ),
    "requests_refused_pct": Basis(
        "decisions not to assess", "decisions whether to assess made in the period", EVENTS
    ),
    "plan_after_assessment_pct": Basis(
        "assessments after which a plan was issued",
        "assessments completed (plan or no plan) in the period",
        EVENTS,
    ),
    "plans_issued_20wk_pct": Basis(
        "new plans issued within 20 weeks of the request", "new plans issued in the period", EVENTS
    ),
    "plans_issued_20wk_excl_pct": Basis(
        "new plans issued within 20 weeks of the request, exceptions excluded",
        "new plans issued in the period, exceptions excluded",
        EVENTS,
    ),
    "placed_mainstream_pct": Basis("plans placed in a mainstream school", _AT_DATE, SNAPSHOT),
    "placed_special_state_pct": Basis(
        "plans placed in a maintained or academy special school", _AT_DATE, SNAPSHOT
    ),
    "placed_inmss_pct": Basis(
        "plans placed in an independent or non-maintained special school", _AT_DATE, SNAPSHOT
    ),
    "placed_eotas_pct": Basis(
        "plans with education otherwise than at school arranged by the council",
        _AT_DATE,
        SNAPSHOT,
    ),
    "placed_ehe_pct": Basis(
        "plans of children and young people electively home educated", _AT_DATE, SNAPSHOT
    ),
    "placed_post16_specialist_pct": Basis(
        "plans placed in a specialist post-16 institution", _AT_DATE, SNAPSHOT
    ),
    "review_decisions_4wk_pct": Basis(
        "annual review decisions made within 4 weeks of the meeting",
        "annual review decisions made in the period",
        EVENTS,
    ),
}


def differences(mine: Basis, theirs: Basis) -> list[str]:
    """How two bases differ, in words ('the denominator: decisions … against requests …');
    empty when they count the same."""
    out = []
    # a different denominator is a different count whatever the numerator: said alone
    part = "denominator" if mine.denominator != theirs.denominator else "numerator"
    a, b = getattr(mine, part), getattr(theirs, part)
    if a != b:
        out.append(f"the {part} here is {a}, the DfE's is {b}")
    if mine.period != theirs.period:
        kinds = {EVENTS: "events in a period", SNAPSHOT: "plans at a date"}
        out.append(f"the period: {kinds[mine.period]} here, {kinds[theirs.period]} there")
    return out
