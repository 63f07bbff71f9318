"""Rule packs by collection year: each year's pack is the year before's with the rules that
year adds, changes and retires — a small diff, as the DfE's yearly changes are.

* **2025** (census 16 January 2025): the rules of the specification as it stood, with
  ReviewMeeting and ReviewOutcome mandatory, and the new voluntary items (DSCO,
  RequestSource, ReviewDraft, the phase-transfer dates) checked when given.
* **2026** (census 15 January 2026): those voluntary items mandatory — DSCO and
  RequestSource change to required, and two rules are added: the draft after an amend
  decision, and the phase transfer of a year group that moves phase.
* **2027**: the DfE had not published the 2027 specification when this pack was made;
  it carries 2026's rules forward and retires the 2026 readiness summary (the items are
  mandatory by then). Its first published change is a diff of this list.

The readiness summary (``readiness``) counts, for a return checked under a pack that has
it, the records lacking each item mandatory from 2026.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sendlib.data.sen2.check import active, elements, header, people, requests  # noqa: F401
from sendlib.data.sen2.check.rule import RULES, Rule

#: every rule of 2025, by function name, in the order findings are listed
BASE_2025 = (
    "collection_is_sen2",
    "year_of_census",
    "census_date_given",
    "census_date_is_the_day",
    "la_number",
    "source_level",
    "made_at",
    "dsco_code",
    "birth_date_given",
    "sex_code",
    "sex_old_code",
    "ethnicity_code",
    "names_given",
    "upn_shape",
    "upn_check_letter",
    "upn_la",
    "upn_temporary",
    "someone_identified",
    "unknown_reason",
    "unknown_beside_upn",
    "uln_shape",
    "uln_check_digit_rule",
    "upn_unique",
    "plan_past_25",
    "request_past_25",
    "received_given",
    "request_outcome_code",
    "request_outcome_paired",
    "request_source_code",
    "decided_after_received",
    "received_after_birth",
    "assessed_has_assessment",
    "assessment_outcome_code",
    "assessment_outcome_paired",
    "assessed_after_decision",
    "assessment_needs_decision",
    "plan_start_given",
    "plan_after_assessment",
    "plan_needs_yes",
    "ceased_after_start",
    "cease_paired",
    "cease_reason_code",
    "one_plan_per_request",
    "one_open_plan",
    "review_meeting_given",
    "review_outcome_code",
    "review_outcome_paired",
    "decided_after_meeting",
    "meeting_after_plan",
    "draft_after_meeting",
    "draft_needs_amend",
    "transfer_due_given",
    "transfer_deadline",
    "active_needs_plan",
    "transfer_la",
    "need_code",
    "need_rank_shape",
    "primary_need",
    "need_rank_unique",
    "placement_named",
    "placement_numbers",
    "setting_code",
    "placement_rank",
    "entry_given",
    "left_after_entry",
    "one_main_placement",
    "dates_are_dates",
    "flags_are_flags",
    "nothing_after_census",
)


@dataclass(frozen=True)
class Pack:
    """One collection year's rules (function names, in order) and whether it reports
    readiness for the 2026 items."""

    year: int
    names: tuple[str, ...]
    readiness: bool = False
    changes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rules(self) -> list[Rule]:
        return [RULES[n] for n in self.names]

    def next(
        self,
        year: int,
        add: tuple[str, ...] = (),
        change: dict[str, str] | None = None,
        retire: tuple[str, ...] = (),
        readiness: bool | None = None,
    ) -> Pack:
        """The next year's pack: ``change`` maps a rule to its new version (same code)."""
        change = change or {}
        for old, new in change.items():
            if RULES[old].code != RULES[new].code:
                raise ValueError(f"{new} is not a version of {old}")
        names = [change.get(n, n) for n in self.names if n not in retire] + list(add)
        diff = {
            "added": [RULES[n].code for n in add],
            "changed": [RULES[n].code for n in change.values()],
            "retired": [RULES[n].code for n in retire],
        }
        return Pack(year, tuple(names), self.readiness if readiness is None else readiness, diff)


PACK_2025 = Pack(2025, BASE_2025, readiness=True)
PACK_2026 = PACK_2025.next(
    2026,
    add=("draft_after_amend", "transfer_expected"),
    change={"dsco_code": "dsco_required", "request_source_code": "request_source_required"},
)
PACK_2027 = PACK_2026.next(2027, readiness=False)
PACKS = {p.year: p for p in (PACK_2025, PACK_2026, PACK_2027)}


def pack_for(year: int | None) -> tuple[Pack, str]:
    """The pack for a collection year, and a note when it is another year's (the nearest:
    the earliest for an older return, the latest for a newer one)."""
    if year in PACKS:
        return PACKS[year], ""
    years = sorted(PACKS)
    if year is None:
        return PACKS[
            years[-1]
        ], f"the return gives no collection year: checked with {years[-1]}'s rules"
    chosen = years[0] if year < years[0] else years[-1]
    return PACKS[chosen], (
        f"sendlib has no rules for {year}: checked with {chosen}'s (the "
        f"{'earliest' if chosen == years[0] else 'latest'} it has)"
    )
