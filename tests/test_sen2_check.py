"""sendlib check sen2: one failing and one passing fixture for every rule (the Data to
Insight pattern), each a small change to one valid return; the packs by collection year;
UPNs with every check letter and the councils created since 2019; findings that name rule,
line, element and a masked value, and never a name or postcode."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sen2_builder as b
from sendlib.cli import app
from sendlib.data.sen2.check import PACKS, RULES, check_return
from sendlib.data.sen2.check.run import findings_of
from sendlib.data.sen2.check.tables import read_tables
from sendlib.data.sen2.upn import LETTERS, check_letter, la_numbers, make_upn

runner = CliRunner()
Change = Callable[[dict], None]


def ann(t):
    return b.ann(t)


def req(t):
    return b.ann_request(t)


def ass(t):
    return b.ann_request(t)["Assessment"]


def plan(t):
    return b.ann_request(t)["Assessment"]["NamedPlan"]


def act(t):
    return b.ann_request(t)["ActivePlans"]


def ben(t):
    return b.ben(t)


def ben_act(t):
    return b.ben(t)["Requests"]["Request"][0]["ActivePlans"]


def source(t):
    return t["Header"]["Source"]


def details(t):
    return t["Header"]["CollectionDetails"]


def setting(where: Callable[[dict], dict], **values) -> Change:
    """A change: set (or, with None, remove) elements of the part ``where`` finds."""

    def change(tree: dict) -> None:
        where(tree).update(values)

    return change


def both(*changes: Change) -> Change:
    def change(tree: dict) -> None:
        for c in changes:
            c(tree)

    return change


def placements(*places: dict) -> Change:
    return setting(act, PlacementDetail=list(places))


def upn_with(letter: str, la: str) -> str:
    """A valid UPN of LA ``la`` whose check letter is ``letter``."""
    for serial in range(2000):
        upn = make_upn(la, 1234, 24, serial)
        if upn[0] == letter:
            return upn
    raise AssertionError(letter)


def temporary_upn() -> str:
    body = "83912342400A"  # 11 digits and a letter
    return check_letter(body) + body


def second_open_plan(ceased: bool) -> Change:
    def change(tree):
        extra = b.request(
            "2022-01-10",
            "2022-02-14",
            assessment=b.plan_assessment(
                "2022-04-29",
                "2022-05-23",
                CeaseDate="2023-01-31" if ceased else None,
                CeaseReason="2" if ceased else None,
            ),
        )
        extra["ActivePlans"] = None
        ann(tree)["Requests"]["Request"].append(extra)

    return change


def two_plans(tree):
    first = plan(tree)
    ass(tree)["NamedPlan"] = [first, dict(first, StartDate="2024-07-16")]


def no_plan(tree):
    ass(tree)["NamedPlan"] = None


# rule (function name) → (collection year, field it names, failing change, passing change)
FIXTURES: dict[str, tuple[int, str, Change, Change]] = {
    # header
    "collection_is_sen2": (
        2026,
        "Collection",
        setting(details, Collection="School Census"),
        setting(details, Collection="sen2"),
    ),
    "year_of_census": (2026, "Year", setting(details, Year="2025"), setting(details, Year="2026")),
    "census_date_given": (
        2026,
        "ReferenceDate",
        setting(details, ReferenceDate="2026-02-15"),
        setting(details, ReferenceDate="2026-01-15"),
    ),
    "census_date_is_the_day": (
        2026,
        "ReferenceDate",
        setting(details, ReferenceDate="2026-01-14"),
        setting(details, ReferenceDate="2026-01-15"),
    ),
    "la_number": (2026, "LEA", setting(source, LEA="123"), setting(source, LEA="940")),
    "source_level": (
        2026,
        "SourceLevel",
        setting(source, SourceLevel="X"),
        setting(source, SourceLevel="l"),
    ),
    "made_at": (
        2026,
        "DateTime",
        setting(source, DateTime="2026-01-20"),
        setting(source, DateTime="2026-01-20T09:30:00Z"),
    ),
    "dsco_code": (2025, "DSCO", setting(source, DSCO="Q"), setting(source, DSCO=None)),
    "dsco_required": (2026, "DSCO", setting(source, DSCO=None), setting(source, DSCO="R")),
    # person
    "birth_date_given": (
        2026,
        "PersonBirthDate",
        setting(ann, PersonBirthDate=None),
        setting(ann, PersonBirthDate="2014-05-01"),
    ),
    "sex_code": (2026, "Sex", setting(ann, Sex="X"), setting(ann, Sex="u")),
    "sex_old_code": (2026, "Sex", setting(ann, Sex="2"), setting(ann, Sex="F")),
    "ethnicity_code": (
        2026,
        "Ethnicity",
        setting(ann, Ethnicity="ZZZZ"),
        setting(ann, Ethnicity="wbri"),
    ),
    "names_given": (2026, "Surname", setting(ann, Surname=None), setting(ann, Surname="X")),
    "upn_shape": (2026, "UPN", setting(ann, UPN="A12345"), setting(ann, UPN=upn_with("Y", "839"))),
    "upn_check_letter": (
        2026,
        "UPN",
        setting(ann, UPN="B" + b.UPN_1[1:] if b.UPN_1[0] != "B" else "C" + b.UPN_1[1:]),
        both(setting(ann, UPN=upn_with("Y", "940")), setting(ben, UPN=upn_with("Z", "943"))),
    ),
    "upn_la": (
        2026,
        "UPN",
        setting(ann, UPN=make_upn("123", 1234, 24, 5)),
        both(
            setting(ann, UPN=make_upn("835", 1234, 24, 5)),
            setting(ben, UPN=make_upn("942", 1234, 24, 6)),
        ),
    ),
    "upn_temporary": (2026, "UPN", setting(ann, UPN=temporary_upn()), setting(ann, UPN=b.UPN_1)),
    "someone_identified": (
        2026,
        "UPNunknown",
        setting(ann, UPN=None, UPNunknown=None),
        setting(ann, UPN=None, UPNunknown="UN1"),
    ),
    "unknown_reason": (
        2026,
        "UPNunknown",
        setting(ann, UPN=None, UPNunknown="UN11"),
        setting(ann, UPN=None, UPNunknown="UN10"),
    ),
    "unknown_beside_upn": (
        2026,
        "UPNunknown",
        setting(ann, UPNunknown="UN1"),
        setting(ann, UPNunknown=None),
    ),
    "uln_shape": (
        2026,
        "UniqueLearnerNumber",
        setting(ben, UniqueLearnerNumber="12345"),
        setting(ben, UniqueLearnerNumber=b.ULN),
    ),
    "uln_check_digit_rule": (
        2026,
        "UniqueLearnerNumber",
        setting(ben, UniqueLearnerNumber=b.ULN[:9] + str((int(b.ULN[9]) + 1) % 10)),
        setting(ben, UniqueLearnerNumber=b.ULN),
    ),
    "upn_unique": (2026, "UPN", setting(ben, UPN=b.UPN_1), setting(ben, UPN=b.UPN_2)),
    "plan_past_25": (
        2026,
        "CeaseDate",
        setting(ann, PersonBirthDate="1999-05-01"),
        setting(ann, PersonBirthDate="2000-06-01"),
    ),
    "request_past_25": (
        2026,
        "ReceivedDate",
        setting(ann, PersonBirthDate="1998-01-01"),
        setting(ann, PersonBirthDate="1999-03-05"),
    ),
    # requests
    "received_given": (
        2026,
        "ReceivedDate",
        setting(req, ReceivedDate=None),
        setting(req, ReceivedDate="2024-03-04"),
    ),
    "request_outcome_code": (
        2026,
        "RequestOutcome",
        setting(req, RequestOutcome="X"),
        setting(req, RequestOutcome="a"),
    ),
    "request_outcome_paired": (
        2026,
        "RequestOutcomeDate",
        setting(req, RequestOutcomeDate=None),
        setting(req, RequestOutcomeDate="2024-04-08"),
    ),
    "request_source_code": (
        2025,
        "RequestSource",
        setting(req, RequestSource="6"),
        setting(req, RequestSource=None),
    ),
    "request_source_required": (
        2026,
        "RequestSource",
        setting(req, RequestSource=None),
        setting(req, RequestSource="5"),
    ),
    "decided_after_received": (
        2026,
        "RequestOutcomeDate",
        setting(req, RequestOutcomeDate="2024-03-01"),
        setting(req, RequestOutcomeDate="2024-03-04"),
    ),
    "received_after_birth": (
        2026,
        "ReceivedDate",
        setting(
            lambda t: ben(t)["Requests"]["Request"][1],
            ReceivedDate="2014-01-01",
            RequestOutcomeDate="2014-02-01",
        ),
        setting(
            lambda t: ben(t)["Requests"]["Request"][1],
            ReceivedDate="2014-10-12",
            RequestOutcomeDate="2014-11-12",
        ),
    ),
    "assessed_has_assessment": (
        2026,
        "RequestOutcome",
        setting(req, Assessment=None, ActivePlans=None),
        setting(req, ActivePlans=None),
    ),
    # assessment
    "assessment_outcome_code": (
        2026,
        "AssessmentOutcome",
        setting(ass, AssessmentOutcome="X"),
        setting(ass, AssessmentOutcome="y"),
    ),
    "assessment_outcome_paired": (
        2026,
        "AssessmentOutcomeDate",
        setting(ass, AssessmentOutcomeDate=None),
        setting(ass, AssessmentOutcomeDate="2024-06-20"),
    ),
    "assessed_after_decision": (
        2026,
        "AssessmentOutcomeDate",
        setting(ass, AssessmentOutcomeDate="2024-04-01"),
        setting(ass, AssessmentOutcomeDate="2024-04-08"),
    ),
    "assessment_needs_decision": (
        2026,
        "AssessmentOutcome",
        setting(req, RequestOutcome="W"),
        setting(req, RequestOutcome="A"),
    ),
    # named plan
    "plan_start_given": (
        2026,
        "StartDate",
        setting(plan, StartDate=None),
        setting(plan, StartDate="2024-07-15"),
    ),
    "plan_after_assessment": (
        2026,
        "StartDate",
        setting(plan, StartDate="2024-06-19"),
        setting(plan, StartDate="2024-06-20"),
    ),
    "plan_needs_yes": (
        2026,
        "StartDate",
        setting(ass, AssessmentOutcome="N"),
        both(setting(ass, AssessmentOutcome="N"), setting(act, TransferLA="873")),
    ),
    "ceased_after_start": (
        2026,
        "CeaseDate",
        setting(plan, CeaseDate="2024-07-01", CeaseReason="2"),
        setting(plan, CeaseDate="2024-07-15", CeaseReason="2"),
    ),
    "cease_paired": (
        2026,
        "CeaseReason",
        setting(plan, CeaseDate="2025-07-31"),
        setting(plan, CeaseDate="2025-07-31", CeaseReason="3"),
    ),
    "cease_reason_code": (
        2026,
        "CeaseReason",
        setting(plan, CeaseDate="2025-07-31", CeaseReason="10"),
        setting(plan, CeaseDate="2025-07-31", CeaseReason="9"),
    ),
    "one_plan_per_request": (2026, "StartDate", two_plans, setting(plan, StartDate="2024-07-16")),
    "one_open_plan": (
        2026,
        "CeaseDate",
        second_open_plan(ceased=False),
        second_open_plan(ceased=True),
    ),
    # active plans: the review, the draft, the phase transfer
    "review_meeting_given": (
        2026,
        "ReviewMeeting",
        setting(act, ReviewMeeting=None),
        setting(act, ReviewMeeting=None, ReviewOutcome=None, LastReview=None, ReviewDraft=None),
    ),
    "review_outcome_code": (
        2026,
        "ReviewOutcome",
        setting(act, ReviewOutcome="X"),
        setting(act, ReviewOutcome="a"),
    ),
    "review_outcome_paired": (
        2026,
        "LastReview",
        setting(act, LastReview=None),
        setting(act, LastReview="2025-06-20"),
    ),
    "decided_after_meeting": (
        2026,
        "LastReview",
        setting(act, LastReview="2025-06-01"),
        setting(act, LastReview="2025-06-02"),
    ),
    "meeting_after_plan": (
        2026,
        "ReviewMeeting",
        setting(act, ReviewMeeting="2024-07-01"),
        setting(act, ReviewMeeting="2024-07-15"),
    ),
    "draft_after_amend": (
        2026,
        "ReviewDraft",
        setting(act, ReviewDraft=None),
        setting(act, ReviewDraft=None, LastReview="2026-01-10"),
    ),
    "draft_after_meeting": (
        2026,
        "ReviewDraft",
        setting(act, ReviewDraft="2025-06-01"),
        setting(act, ReviewDraft="2025-06-02"),
    ),
    "draft_needs_amend": (
        2026,
        "ReviewDraft",
        setting(act, ReviewOutcome="M"),
        setting(act, ReviewOutcome="A"),
    ),
    "transfer_due_given": (
        2026,
        "PhaseTransferDueDate",
        setting(act, PhaseTransferFinalDate="2025-02-01"),
        setting(act, PhaseTransferDueDate="2025-02-15", PhaseTransferFinalDate="2025-02-01"),
    ),
    "transfer_deadline": (
        2026,
        "PhaseTransferDueDate",
        setting(ben_act, PhaseTransferDueDate="2026-02-16"),
        setting(ben_act, PhaseTransferDueDate="2026-03-31"),
    ),
    "transfer_expected": (
        2026,
        "PhaseTransferDueDate",
        setting(ben_act, PhaseTransferDueDate=None),
        both(
            setting(ben_act, PhaseTransferDueDate=None), setting(ben, PersonBirthDate="2013-10-12")
        ),
    ),
    "active_needs_plan": (
        2026,
        "TransferLA",
        no_plan,
        both(no_plan, setting(act, TransferLA="873")),
    ),
    "transfer_la": (
        2026,
        "TransferLA",
        setting(act, TransferLA="123"),
        setting(act, TransferLA="942"),
    ),
    # SEN needs
    "need_code": (
        2026,
        "SENtype",
        setting(act, SENneed=[b.need("XYZ", 1)]),
        setting(act, SENneed=[b.need("ds", 1)]),
    ),
    "need_rank_shape": (
        2026,
        "SENtypeRank",
        setting(act, SENneed=[b.need("ASD", 1), {"SENtype": "SLCN", "SENtypeRank": "first"}]),
        setting(act, SENneed=[b.need("ASD", 1), b.need("SLCN", 2)]),
    ),
    "primary_need": (
        2026,
        "SENneed",
        setting(act, SENneed=[b.need("ASD", 2), b.need("SLCN", 3)]),
        setting(act, SENneed=[b.need("ASD", None)]),
    ),
    "need_rank_unique": (
        2026,
        "SENtypeRank",
        setting(act, SENneed=[b.need("ASD", 1), b.need("SLCN", 1)]),
        setting(act, SENneed=[b.need("ASD", 1), b.need("SLCN", 2)]),
    ),
    # placements
    "placement_named": (
        2026,
        "URN",
        placements(b.placement(None)),
        placements(b.placement(None, SENSetting="OLA")),
    ),
    "placement_numbers": (
        2026,
        "URN",
        placements(b.placement("12345")),
        placements(b.placement(None, UKPRN="10000001")),
    ),
    "setting_code": (
        2026,
        "SENSetting",
        placements(b.placement(None, SENSetting="XXX")),
        placements(b.placement(None, SENSetting="neet")),
    ),
    "placement_rank": (
        2026,
        "PlacementRank",
        placements(b.placement(PlacementRank=None)),
        placements(b.placement(PlacementRank="2")),
    ),
    "entry_given": (
        2026,
        "EntryDate",
        placements(b.placement(entry=None)),
        placements(b.placement()),
    ),
    "left_after_entry": (
        2026,
        "LeavingDate",
        placements(b.placement(LeavingDate="2024-09-01")),
        placements(b.placement(LeavingDate="2024-09-02")),
    ),
    "one_main_placement": (
        2026,
        "EntryDate",
        placements(b.placement(), b.placement("100003", "2025-01-06")),
        placements(b.placement(LeavingDate="2025-01-03"), b.placement("100003", "2025-01-06")),
    ),
    # any element
    "dates_are_dates": (
        2026,
        "ReceivedDate",
        setting(req, ReceivedDate="2024-02-30"),
        setting(req, ReceivedDate="2024-02-29T10:00:00Z"),
    ),
    "flags_are_flags": (2026, "Week20", setting(ass, Week20="yes"), setting(ass, Week20="1")),
    "nothing_after_census": (
        2026,
        "LastReview",
        setting(act, LastReview="2026-01-16"),
        setting(act, LastReview="2026-01-15"),
    ),
}


def written(tmp_path: Path, year: int, change: Change | None, name: str) -> Path:
    tree = b.valid_return(year)
    if change is not None:
        change(tree)
    path = tmp_path / name
    path.write_text(b.xml(tree), "utf-8")
    return path


def checked(tmp_path: Path, year: int, change: Change | None = None, name: str = "r.xml"):
    return check_return(written(tmp_path, year, change, name), year)


def one_rule(tmp_path: Path, name: str, year: int, change: Change, file: str) -> pd.DataFrame:
    """The findings of one rule on the valid return changed by ``change`` (a rule's
    fixture runs its rule alone, as each D2I rule's test does)."""
    return findings_of(read_tables(written(tmp_path, year, change, file)), [RULES[name]])


def test_every_rule_has_a_failing_and_a_passing_fixture_and_every_pack_its_rules():
    assert set(FIXTURES) == set(RULES)
    for name, (year, *_) in FIXTURES.items():
        assert name in PACKS[year].names, (name, year)


@pytest.mark.parametrize("year", sorted(PACKS))
def test_the_valid_return_passes_every_pack_clean(tmp_path, year):
    done = checked(tmp_path, year)
    assert done.findings.empty, done.findings.to_dict("records")
    assert done.pack.year == year and not done.note


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_rule_fails_its_failing_fixture_and_passes_its_passing_one(tmp_path, name):
    year, field, failing, passing = FIXTURES[name]
    rule = RULES[name]
    bad = one_rule(tmp_path, name, year, failing, "bad.xml")
    ours = bad[bad["rule"] == rule.code]
    assert len(ours), (name, bad.to_dict("records"))
    assert set(ours["severity"]) == {rule.severity}
    assert field in set(ours["field"]), ours.to_dict("records")
    assert (ours["line"] > 0).all() and ours["path"].str.endswith(field).any()
    good = one_rule(tmp_path, name, year, passing, "good.xml")
    assert good.empty, (name, good.to_dict("records"))


def test_a_year_adds_changes_and_retires_rules():
    p25, p26, p27 = PACKS[2025], PACKS[2026], PACKS[2027]
    assert "dsco_code" in p25.names and "dsco_required" not in p25.names
    assert {"dsco_required", "request_source_required", "draft_after_amend"} <= set(p26.names)
    assert p26.changes == {
        "added": ["SL6006", "SL6011"],
        "changed": ["SL1010", "SL3004"],
        "retired": [],
    }
    assert p25.readiness and p26.readiness and not p27.readiness
    assert set(p27.names) == set(p26.names)


def test_every_check_letter_and_every_council_since_2019_passes(tmp_path):
    letters = {upn_with(letter, "839")[0] for letter in LETTERS}
    assert letters == set(LETTERS) and len(letters) == 23  # Y and Z among them
    new = ["838", "839", "940", "941", "942", "943"]
    former = ["835", "836", "837", "909", "928"]
    upns = [upn_with(letter, la) for la in new + former for letter in ("Y", "Z")]

    def children(tree):  # Ann's twins, one for each UPN
        people = tree["Persons"]["Person"]
        people[:] = [dict(copy.deepcopy(people[0]), UPN=upn) for upn in upns]

    done = checked(tmp_path, 2026, children)
    assert done.children == len(upns) == 22 and done.findings.empty, done.findings.to_dict(
        "records"
    )


def test_the_la_numbers_are_the_releases_councils():
    from sendlib.data.release import read_release, reduced_release

    release = read_release(reduced_release())
    las = release[release["geographic_level"] == "Local authority"]
    latest = las[las["period"] == las["period"].max()]
    known = la_numbers()
    assert set(latest["old_la_code"]) == set(known["current"])
    assert set(las["old_la_code"]) <= set(known["current"]) | set(known["former"])


def cli(*args: str):
    return runner.invoke(app, ["check", "sen2", *args])


def test_the_command_masks_a_childs_values_and_writes_them_in_full_beside_the_return(tmp_path):
    tree = b.valid_return()
    b.ben(tree)["UPN"] = b.UPN_1  # a shared UPN: an error
    b.ann(tree)["Ethnicity"] = "ZZZZ"  # a query
    path = tmp_path / "sen2-2026.xml"
    path.write_text(b.xml(tree), "utf-8")
    result = cli(str(path))
    assert result.exit_code == 1, result.output
    assert "with the 2026 rules" in result.output
    assert (
        "Person[2]/UPN: SL2030 error — the same UPN is given to another Person (also Person[1])"
        in result.output
    )
    assert b.UPN_1 not in result.output and b.UPN_1[:2] + "•" in result.output
    assert "Ready for 2026" in result.output
    found = pd.read_csv(tmp_path / "sen2-2026.findings.csv", dtype=str, keep_default_na=False)
    assert set(found["rule"]) == {"SL2030", "SL2003"}
    assert b.UPN_1 in set(found["value"])  # in full in the file
    text = (tmp_path / "sen2-2026.findings.csv").read_text() + result.output
    assert "Testperson" not in text and "ZZ9 9ZZ" not in text  # never a name or postcode


def test_queries_alone_exit_0_and_a_clean_return_says_so(tmp_path):
    tree = b.valid_return()
    b.ann(tree)["Ethnicity"] = "WENG"  # an extended code: a query
    path = tmp_path / "q.xml"
    path.write_text(b.xml(tree), "utf-8")
    result = cli(str(path), "--findings", str(tmp_path / "f.csv"))
    assert result.exit_code == 0, result.output
    assert "No errors; 1 quer(ies)" in result.output and (tmp_path / "f.csv").exists()
    clean = tmp_path / "clean.xml"
    clean.write_text(b.xml(b.valid_return()), "utf-8")
    done = cli(str(clean))
    assert done.exit_code == 0 and "No errors and no queries." in done.output


def test_the_year_comes_from_the_header_unless_given(tmp_path):
    path = tmp_path / "r.xml"
    path.write_text(b.xml(b.valid_return(2025)), "utf-8")
    assert "with the 2025 rules" in cli(str(path)).output
    forced = cli(str(path), "--year", "2026")
    assert "with the 2026 rules" in forced.output and "header says 2025" in forced.output
    old = tmp_path / "old.xml"
    old.write_text(b.xml(b.valid_return(2023)), "utf-8")
    assert "no rules for 2023: checked with 2025's" in cli(str(old)).output


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("not xml at all", "not well-formed XML"),
        ("<html><body/></html>", "not a SEN2 return"),
        (
            '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x "x">]><Message/>',
            "document type declaration",
        ),
    ],
)
def test_a_file_that_cannot_be_checked_is_one_error(tmp_path, text, said):
    path = tmp_path / "r.xml"
    path.write_text(text, "utf-8")
    result = cli(str(path))
    assert result.exit_code == 1 and said in result.output and "SL0001" in result.output
