"""The SEN2 person-level return imported into the data contract (sendlib import sen2):
a return written by hand from the DfE's specification gives tables written by hand; the
demo council's returns give back the demo's tables and scorecard; every bad input is one
line naming file, line and element, and nothing is written; no name, postcode or stray
UPN ever reaches a file."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import ROOT, measures
from sendlib.cli import app
from sendlib.data.contract import request_source_group
from sendlib.data.sen2 import IdKey, import_returns, read_establishments
from sendlib.data.sen2.mapping import mapping
from sendlib.data.sources import write_table
from sendlib.demo.council import council_frames
from sendlib.demo.sen2 import census_date, submitted, write_returns

HERE = Path(__file__).parent / "data" / "sen2"
HAND = HERE / "hand-written.xml"
GIAS = HERE / "establishments.csv"
KEY = "a-test-key-that-is-long-enough"
CASE_TABLES = (
    "person",
    "requests",
    "assessments",
    "plans",
    "reviews",
    "phase_transfers",
    "placements",
)
#: the hand-written return's UPNs, by the keyed hash the import writes instead
UPNS = {
    IdKey(KEY.encode()).id("U", u): u
    for u in ("A100000000011", "B200000000022", "C300000000033", "E500000000055", "G700000000077")
}
# the hand-written return's children, told apart by birth date
BORN = {
    "2012-05-04": "alex",
    "2010-11-30": "bea",
    "2018-01-09": "cal",
    "2016-02-29": "dee",
    "2004-08-15": "eli",
    "2009-10-01": "fay",
}
runner = CliRunner()


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def labelled(folder: Path) -> dict[str, pd.DataFrame]:
    """The imported tables with ids replaced by readable labels: a child by name, a
    request by child and received date, a plan by child and start date, and the UPN's
    keyed hash by the UPN."""
    t = {name: read(folder, name) for name in CASE_TABLES}
    person = dict(zip(t["person"]["person_id"], t["person"]["birth_date"].map(BORN), strict=True))
    req = {
        r.request_id: f"{person[r.person_id]}/{r.received_date}" for r in t["requests"].itertuples()
    }
    plan = {p.plan_id: f"{person[p.person_id]}/{p.start_date}" for p in t["plans"].itertuples()}
    t["person"]["person_id"] = t["person"]["person_id"].map(person)
    t["person"]["upn"] = t["person"]["upn"].map(lambda h: UPNS[h] if h else "")
    t["requests"] = t["requests"].assign(
        request_id=t["requests"]["request_id"].map(req),
        person_id=t["requests"]["person_id"].map(person),
    )
    t["assessments"]["request_id"] = t["assessments"]["request_id"].map(req)
    t["plans"] = t["plans"].assign(
        plan_id=t["plans"]["plan_id"].map(plan),
        person_id=t["plans"]["person_id"].map(person),
        request_id=t["plans"]["request_id"].map(req),
    )
    t["reviews"]["plan_id"] = t["reviews"]["plan_id"].map(plan)
    t["phase_transfers"]["plan_id"] = t["phase_transfers"]["plan_id"].map(plan)
    t["placements"]["person_id"] = t["placements"]["person_id"].map(person)
    return t


def sorted_rows(frame: pd.DataFrame) -> list[tuple]:
    return sorted(frame.itertuples(index=False, name=None))


def cli_import(*args: str, key: str | None = KEY):
    env = {"SENDLIB_ID_KEY": key} if key else {"SENDLIB_ID_KEY": ""}
    return runner.invoke(app, ["import", "sen2", *args], env=env)


# ---------------------------------------------------------------- the hand-written return
def test_hand_written_return_gives_the_tables_written_by_hand(tmp_path):
    out = tmp_path / "data"
    result = cli_import(str(HAND), "--out", str(out), "--establishments", str(GIAS))
    assert result.exit_code == 0, result.output
    got = labelled(out)
    for name in CASE_TABLES:
        expected = read(HERE / "expected", name)
        assert list(got[name].columns) == list(expected.columns), name
        assert sorted_rows(got[name]) == sorted_rows(expected), name
    # what it could not carry, it says
    assert "Placements ranked 2 or lower (the contract keeps the main one): 1." in result.output
    assert "Children told apart by name and birth date: 1." in result.output
    assert "team, case_officer, social_care" in result.output
    assert "Still to add" in result.output and "disputes.csv" in result.output


def test_without_establishments_a_urn_is_other_and_counted(tmp_path):
    result = cli_import(str(HAND), "--out", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    placements = read(tmp_path / "data", "placements")
    with_urn = placements[placements["urn"] != ""]
    assert set(with_urn["setting"]) == {"other"}
    assert "Placements written as 'other'" in result.output and "classify it: 4." in result.output
    assert "no --establishments list" in result.output


def test_the_same_return_twice_gives_byte_identical_files_and_the_key_matters(tmp_path):
    for folder in ("one", "two"):
        assert cli_import(str(HAND), "--out", str(tmp_path / folder)).exit_code == 0
    for name in CASE_TABLES:
        one = (tmp_path / "one" / f"{name}.csv").read_bytes()
        assert one == (tmp_path / "two" / f"{name}.csv").read_bytes(), name
    other = cli_import(str(HAND), "--out", str(tmp_path / "other"), key="another-key-0123456789")
    assert other.exit_code == 0
    ids = set(read(tmp_path / "one", "person")["person_id"])
    assert ids.isdisjoint(read(tmp_path / "other", "person")["person_id"])


def later_return(tmp_path: Path) -> Path:
    """The hand-written return a year on: dee's request now decided otherwise, cal gone,
    a review for alex, a new child (gus)."""
    text = HAND.read_text("utf-8")
    text = text.replace(">2025-01-16</ReferenceDate>", ">2026-01-15</ReferenceDate>")
    text = text.replace("<RequestOutcome>N</RequestOutcome>", "<RequestOutcome>A</RequestOutcome>")
    text = re.sub(r"<person>.*?</person>", "", text, flags=re.S)  # cal (lower-case tags)
    text = text.replace(
        "<TransferLA></TransferLA>",
        "<TransferLA></TransferLA><ReviewMeeting>2025-07-01</ReviewMeeting>",
    )
    gus = (
        "<Person><Forename>Gus</Forename><Surname>Testperson</Surname>"
        "<PersonBirthDate>2015-06-06</PersonBirthDate><Sex>M</Sex><UPN>G700000000077</UPN>"
        "<Requests><Request><ReceivedDate>2025-03-03</ReceivedDate></Request></Requests>"
        "</Person></Persons>"
    )
    text = text.replace("</Persons>", gus)
    path = tmp_path / "later.xml"
    path.write_text(text, "utf-8")
    return path


def test_several_returns_merge_into_one_history(tmp_path):
    later = later_return(tmp_path)
    out = tmp_path / "data"
    # given in either order, the later census wins
    result = cli_import(str(later), str(HAND), "--out", str(out), "--establishments", str(GIAS))
    assert result.exit_code == 0, result.output
    BORN["2015-06-06"] = "gus"
    try:
        got = labelled(out)
    finally:
        del BORN["2015-06-06"]
    requests = got["requests"].set_index("request_id")
    assert requests.loc["dee/2024-12-09", "request_outcome"] == "A"  # the later value
    assert "cal/2024-05-01" in requests.index  # kept from the earlier return
    assert "gus/2025-03-03" in requests.index
    assert len(got["person"]) == 7
    reviews = got["reviews"]
    assert set(reviews.loc[reviews["plan_id"] == "alex/2024-07-22", "review_meeting_date"]) == {
        "2025-07-01"
    }
    lines = result.output.splitlines()
    at = lines.index("  later.xml: census 2026-01-15, 6 children")
    assert lines[at + 1].strip() == "person: 1 new, 5 unchanged"
    assert lines[at + 2].strip() == "requests: 1 new, 1 updated, 4 unchanged"
    assert lines[at + 5].strip() == "reviews: 1 new, 3 unchanged"


# ---------------------------------------------------------------- bad input
def sen2_text(name: str, old: str, new: str | None) -> str:
    """The hand-written return with the first ``name`` element holding ``old`` changed
    to hold ``new`` (or removed, for None)."""
    text = HAND.read_text("utf-8")
    element = f"<{name}>{old}</{name}>"
    assert element in text, element
    return text.replace(element, "" if new is None else f"<{name}>{new}</{name}>", 1)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Message><Header><CollectionDetails><Collection>SEN2&lol3;</Collection></CollectionDetails></Header></Message>
"""


def xxe(secret: Path) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE Message [ <!ENTITY leak SYSTEM "file://{secret}"> ]>\n'
        "<Message><Header><CollectionDetails><Collection>SEN2</Collection>"
        "<Year>2025</Year><ReferenceDate>2025-01-16</ReferenceDate></CollectionDetails>"
        "<Source><LEA>999</LEA></Source></Header><Persons><Person><Surname>&leak;</Surname>"
        "<PersonBirthDate>2012-05-04</PersonBirthDate><UPN>A1</UPN></Person></Persons></Message>"
    )


BAD = {
    "not XML": ("person_id,upn\nP1,A1\n", r"return\.xml, line 1: is not well-formed XML"),
    "not SEN2": (
        sen2_text("Collection", "SEN2", "School Census"),
        r"return\.xml, line 8, Message/Header/CollectionDetails/Collection: is 'School Census', "
        "not SEN2",
    ),
    "another root": ("<html><body>hi</body></html>", r"return\.xml, line 1, html: is not a SEN2"),
    "unknown code": (
        sen2_text("RequestOutcome", "A", "X"),
        r"return\.xml, line 39, Message/Persons/Person\[1\]/Requests/Request/"
        r"RequestOutcome: 'X' is not a request_outcome code",
    ),
    "bad date": (
        sen2_text("ReceivedDate", "2024-02-05", "2024-02-30"),
        r"return\.xml, line 35, Message/Persons/Person\[1\]/Requests/Request/"
        r"ReceivedDate: '2024-02-30' is not a date",
    ),
    "no received date": (
        sen2_text("ReceivedDate", "2024-02-05", None),
        r"return\.xml, line 34, Message/Persons/Person\[1\]/Requests/Request: has no "
        "ReceivedDate",
    ),
    "private value not repeated": (
        sen2_text("PersonBirthDate", "2012-05-04", "4 May 2012"),
        r"Person\[1\]/PersonBirthDate: its value is not a date",
    ),
    "billion laughs": (BILLION_LAUGHS, r"return\.xml, line 2: has a document type declaration"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_nothing_is_written(tmp_path, case):
    text, message = BAD[case]
    source = tmp_path / "return.xml"
    source.write_text(text, "utf-8")
    out = tmp_path / "data"
    result = cli_import(str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert re.search(message, lines[0]), lines[0]
    assert lines[0].endswith("nothing was written")
    assert "Traceback" not in result.output and "4 May 2012" not in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["return.xml"]  # no staging left


def test_an_external_entity_never_reads_a_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    source = tmp_path / "return.xml"
    source.write_text(xxe(secret), "utf-8")
    result = cli_import(str(source), "--out", str(tmp_path / "data"))
    assert result.exit_code == 1
    assert "document type declaration" in result.output
    assert "TOP-SECRET" not in result.output
    assert not (tmp_path / "data").exists()


def test_a_failing_return_leaves_an_earlier_import_as_it_was(tmp_path):
    out = tmp_path / "data"
    assert cli_import(str(HAND), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.xml"
    bad.write_text(sen2_text("Sex", "F", "Q"), "utf-8")
    result = cli_import(str(HAND), str(bad), "--out", str(out))
    assert result.exit_code == 1 and "'Q' is not a sex code" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_return_from_another_council_is_refused(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    report = (ROOT / "params" / "report.yaml").read_text("utf-8")
    (params / "report.yaml").write_text(report + "\nla_code: '800'\n", "utf-8")
    result = cli_import(str(HAND), "--out", str(tmp_path / "data"), "--params", str(params))
    assert result.exit_code == 1
    assert "Message/Header/Source/LEA: is 999, but this project's council is 800" in result.output
    assert not (tmp_path / "data").exists()
    # --la-code says which council, with or without params/; a new code is looked up
    ok = cli_import(str(HAND), "--out", str(tmp_path / "d2"), "--la-code", "999")
    assert ok.exit_code == 0, ok.output
    bath = cli_import(str(HAND), "--out", str(tmp_path / "d3"), "--la-code", "E06000022")
    assert bath.exit_code == 1 and "council is 800" in bath.output


def test_the_import_works_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no params/ here: la_code is simply not checked
    result = cli_import(str(HAND), "--out", "data")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "person.csv").exists()


def test_without_a_key_the_import_refuses(tmp_path):
    result = cli_import(str(HAND), "--out", str(tmp_path / "data"), key=None)
    assert result.exit_code == 2
    assert "no id key: set SENDLIB_ID_KEY or give --id-key-file" in result.output
    short = cli_import(str(HAND), "--out", str(tmp_path / "data"), key="short")
    assert short.exit_code == 2 and "at least 16" in short.output
    # a key file inside the project would be committed with it
    project = tmp_path / "project"
    (project / "params").mkdir(parents=True)
    (project / "params" / "key.txt").write_text(KEY)
    inside = cli_import(
        str(HAND),
        "--out",
        str(tmp_path / "data"),
        "--params",
        str(project / "params"),
        "--id-key-file",
        str(project / "params" / "key.txt"),
        key=None,
    )
    assert inside.exit_code == 2 and "inside the project folder" in inside.output
    outside = tmp_path / "key.txt"
    outside.write_text(KEY + "\n")
    fine = cli_import(
        str(HAND), "--out", str(tmp_path / "data"), "--id-key-file", str(outside), key=None
    )
    assert fine.exit_code == 0, fine.output
    assert not (tmp_path / "data" / "validation.csv").exists()


def test_a_table_already_there_in_another_format_is_not_overwritten(tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    (out / "person.xlsx").write_bytes(b"not really a workbook")
    result = cli_import(str(HAND), "--out", str(out))
    assert result.exit_code == 1 and "already holds person.xlsx" in result.output
    assert [p.name for p in out.iterdir()] == ["person.xlsx"]


def test_establishments_without_the_columns_are_refused(tmp_path):
    gias = tmp_path / "gias.csv"
    gias.write_text("URN,Name\n100001,School\n")
    result = cli_import(str(HAND), "--out", str(tmp_path / "d"), "--establishments", str(gias))
    assert result.exit_code == 1
    assert "gias.csv, line 1: has no column UKPRN or TypeOfEstablishment (name)" in result.output


def test_the_readme_documents_the_mapping():
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, table in mapping().tables.items():
        for column, element in table.columns.items():
            assert re.search(rf"\| {name}\.{column} \| `{element}`", readme), (name, column)
    assert "sendlib import sen2" in readme


# ---------------------------------------------------------------- the demo, round trip
END = pd.Period("2026-02", freq="M")
MONTH = "2025-12"  # the last December the returns cover in full


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """The demo council (to February 2026) as its tables (as submitted: the planted faults
    put right), its SEN2 returns and the tables imported from them (with the demo's own
    partner, population and benchmark files; disputes are not in the return)."""
    root = tmp_path_factory.mktemp("round-trip")
    frames = submitted(council_frames(42, end=END))
    demo, imported = root / "demo", root / "imported"
    demo.mkdir()
    for name, frame in frames.items():
        write_table(frame, demo / f"{name}.csv")
    paths = write_returns(frames, root / "returns", END.end_time.date())
    gias = read_establishments(root / "returns" / "establishments.csv")
    summary = import_returns(paths, imported, IdKey(KEY.encode()), gias)
    for name in ("returns", "population", "benchmarks"):
        write_table(frames[name], imported / f"{name}.csv")
    write_table(frames["disputes"].iloc[:0], imported / "disputes.csv")
    return {
        "root": root,
        "demo": demo,
        "imported": imported,
        "frames": frames,
        "paths": paths,
        "summary": summary,
    }


@pytest.mark.slow
def test_the_demo_writes_one_return_per_january_census(round_trip):
    assert [p.name for p in round_trip["paths"]] == [f"sen2-{y}.xml" for y in range(2021, 2027)]
    assert census_date(2025) == dt.date(2025, 1, 16)  # the third Thursday
    assert [r.header.reference_date for r in round_trip["summary"].returns] == [
        census_date(y).isoformat() for y in range(2021, 2027)
    ]


# KPIs computed from what the return does not carry, and why they differ
NOT_CARRIED = {
    "ehcp_child_protection": "social-care flags are not in the return",
    "ehcp_looked_after": "social-care flags are not in the return",
    "ehcp_care_leaver": "social-care flags are not in the return",
    "ehcp_child_in_need": "social-care flags are not in the return",
    "placed_eotas_s61_pct": "SENSetting OLA covers both s61 and s19 arrangements",
    "placed_eotas_s19_pct": "SENSetting OLA covers both s61 and s19 arrangements",
    "placed_eotas_s61": "SENSetting OLA covers both s61 and s19 arrangements",
    "placed_eotas_s19": "SENSetting OLA covers both s61 and s19 arrangements",
    "reviews_not_finalised": "a review decided after the next census is never seen decided",
    "review_amended_issued": "the final amended plan after a review is not in the return",
    "review_amended_8wk_pct": "the final amended plan after a review is not in the return",
    "mediations_registered": "disputes are not in the return",
    "mediations_ytd": "disputes are not in the return",
    "mediations_rolling_12m": "disputes are not in the return",
    "appeals_registered": "disputes are not in the return",
    "appeals_ytd": "disputes are not in the return",
    "appeals_rolling_12m": "disputes are not in the return",
    "mediations_to_appeal_pct": "disputes are not in the return",
    "appeals_parent_favour_pct": "disputes are not in the return",
    "appeals_la_favour_pct": "disputes are not in the return",
    "appeals_open": "disputes are not in the return",
}


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.slow
def test_round_trip_scorecard_is_equal_for_every_kpi_the_return_carries(round_trip):
    demo = measures(round_trip["demo"], MONTH)
    imported = measures(round_trip["imported"], MONTH)
    differ = {k for k in demo if not same(demo[k], imported[k])}
    assert differ == set(NOT_CARRIED), {k: (demo[k], imported[k]) for k in differ}
    carried = set(demo) - differ
    assert {
        "ehcp_active",
        "requests_received",
        "plans_issued_20wk_pct",
        "reviews_overdue",
        "reviews_in_12m_pct",
        "review_decisions_4wk_pct",
    } <= carried


def person_keys(folder: Path, hashed: bool) -> dict[str, tuple]:
    """A child as what the return carries of them (ids differ between the two sides; the
    imported side holds the UPN's keyed hash)."""
    person = read(folder, "person")
    key = IdKey(KEY.encode())
    return {
        r.person_id: (
            r.upn if hashed or not r.upn else key.id("U", r.upn),
            r.birth_date,
            r.sex,
            r.ethnicity,
        )
        for r in person.itertuples()
    }


def known(value: str, day: str) -> str:
    return value if value and value <= day else ""


def carried_draft(review) -> str:
    """A review's draft amended plan as the return that carries the review knew it: the
    next census's (the review of year Y is in the return of January Y+1), and only with
    the decision known by then."""
    day = census_date(int(review.review_meeting_date[:4]) + 1).isoformat()
    return known(review.draft_date, day) if known(review.decision_date, day) else ""


@pytest.mark.slow
def test_round_trip_tables_are_the_demos_for_every_field_the_return_carries(round_trip):
    """Requests received from 2020 on, their assessments and plans, as the last census
    knew them, are the demo's; so is the latest review of each plan in each year the
    returns cover (a return carries one), and the placements (s19 read as s61: one code
    in SEN2) except those of plans that ended before the first year covered."""
    census = census_date(2026).isoformat()
    demo, imported = round_trip["demo"], round_trip["imported"]
    sides = {}
    for side, folder in (("demo", demo), ("imported", imported)):
        who = person_keys(folder, hashed=side == "imported")
        req = read(folder, "requests")
        req = req[req["received_date"].between("2020-01-01", census)]
        outcome_date = req["request_outcome_date"].map(lambda v: known(v, census))
        req_rows = Counter(
            (
                who[r.person_id],
                r.received_date,
                r.transfer_in,
                request_source_group(r.request_source),
                r.request_outcome if d else "",
                d,
            )
            for r, d in zip(req.itertuples(), outcome_date, strict=True)
        )
        by_request = {r.request_id: (who[r.person_id], r.received_date) for r in req.itertuples()}
        plans = read(folder, "plans")
        plans = plans[plans["request_id"].isin(by_request) & (plans["start_date"] <= census)]
        plan_rows = Counter(
            (
                by_request[p.request_id],
                p.start_date,
                known(p.cease_date, census),
                p.cease_reason if known(p.cease_date, census) else "",
                p.primary_need,
            )
            for p in plans.itertuples()
        )
        assessments = read(folder, "assessments")
        decided = req.loc[outcome_date != "", "request_id"]  # assessed, as known that day
        assessments = assessments[assessments["request_id"].isin(decided)]
        assessment_rows = Counter(
            (
                by_request[a.request_id],
                a.assessment_outcome if d else "",
                d,
                a.week20_exception if d else "false",
            )
            for a in assessments.itertuples()
            for d in [known(a.assessment_outcome_date, census)]
        )
        by_plan = {p.plan_id: (by_request[p.request_id], p.start_date) for p in plans.itertuples()}
        reviews = read(folder, "reviews")
        reviews = reviews[reviews["plan_id"].isin(by_plan)]
        reviews = reviews.assign(year=reviews["review_meeting_date"].str[:4])
        latest = reviews.sort_values("review_meeting_date").drop_duplicates(
            ["plan_id", "year"], keep="last"
        )
        latest = latest[latest["year"].between("2020", "2025")]
        review_rows = Counter(
            (by_plan[r.plan_id], r.review_meeting_date, carried_draft(r))
            for r in latest.itertuples()
        )
        transfers = read(folder, "phase_transfers")
        transfers = transfers[transfers["plan_id"].isin(by_plan)]
        transfer_rows = Counter(
            (by_plan[t.plan_id], t.due_date, known(t.final_date, census))
            for t in transfers.itertuples()
        )
        placements = read(folder, "placements")
        placements = placements[placements["entry_date"] <= census]
        placement_rows = Counter(
            (
                who[p.person_id],
                p.setting.replace("eotas_s19", "eotas_s61"),
                p.urn,
                p.entry_date,
                known(p.leaving_date, census),
            )
            for p in placements.itertuples()
            if not p.leaving_date or p.leaving_date >= "2020-01-01"
        )
        sides[side] = (
            req_rows,
            plan_rows,
            assessment_rows,
            review_rows,
            transfer_rows,
            placement_rows,
        )
    tables = ("requests", "plans", "assessments", "reviews", "phase_transfers", "placements")
    for i, table in enumerate(tables):
        demo_rows, imported_rows = sides["demo"][i], sides["imported"][i]
        if table == "placements":  # placements of plans that ended before 2020 are not carried
            assert imported_rows <= demo_rows
            assert sum((demo_rows - imported_rows).values()) < 0.1 * sum(demo_rows.values())
        else:
            assert demo_rows == imported_rows, (
                table,
                list((demo_rows - imported_rows).items())[:3],
                list((imported_rows - demo_rows).items())[:3],
            )


@pytest.mark.slow
def test_no_name_postcode_or_stray_upn_in_any_file_written(round_trip):
    names, upns = set(), set()
    pattern = re.compile(r"<(Surname|Forename|PostCode|UPN)>([^<]+)<")
    for path in round_trip["paths"]:
        for kind, value in pattern.findall(path.read_text("utf-8")):
            (upns if kind == "UPN" else names).add(value)
    assert len(names) > 1000 and len(upns) > 1000
    for path in round_trip["imported"].glob("*.csv"):
        frame = read(round_trip["imported"], path.stem)
        text = path.read_text("utf-8")
        cells = set(frame.to_numpy().ravel()) | set(frame.columns)
        assert not cells & names, path.name
        assert not any(postcode in text for postcode in names if " " in postcode), path.name
        others = frame.drop(columns="upn") if path.stem == "person" else frame
        flat = " ".join(map(str, others.to_numpy().ravel())) + " ".join(frame.columns)
        assert not set(re.findall(r"[A-Z]\d{11,12}", flat)) & upns, path.name


def test_demo_writes_its_returns_beside_its_tables(tmp_path):
    result = runner.invoke(
        app,
        [
            "demo",
            "--out",
            str(tmp_path / "demo"),
            "--sen2",
            str(tmp_path / "sen2"),
            "--end",
            "2021-02",
            "--params",
            str(tmp_path / "none"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "sen2").iterdir()) == [
        "disputes-log.csv",
        "establishments.csv",
        "sen2-2021.xml",
    ]
    assert "Wrote its SEN2 returns" in result.output
    both = runner.invoke(app, ["demo", "--councils", "2", "--sen2", str(tmp_path / "x")])
    assert both.exit_code == 2 and "not with --councils" in both.output


def test_a_doctype_hidden_behind_a_long_comment_is_still_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    text = xxe(secret).replace("\n", "\n<!--" + "x" * 70_000 + "-->\n", 1)
    source = tmp_path / "return.xml"
    source.write_text(text, "utf-8")
    result = cli_import(str(source), "--out", str(tmp_path / "data"))
    assert result.exit_code == 1, result.output
    assert "document type declaration" in result.output and "TOP-SECRET" not in result.output


def test_element_paths_number_same_named_siblings_only(tmp_path):
    from sendlib.data.sen2.xml import Return

    source = tmp_path / "return.xml"
    source.write_text(
        "<Message><Header><CollectionDetails><Collection>SEN2</Collection>"
        "</CollectionDetails></Header><Persons>"
        "<Person><Requests><!-- a note --><Request><X>1</X></Request>"
        "<request><X>2</X><Y/></request></Requests></Person>"
        "<Person><Requests><Request><X>3</X></Request></Requests></Person>"
        "</Persons></Message>",
        "utf-8",
    )
    first, second = list(Return(source).persons())
    requests = first.first("requests")
    assert [r.first("x").path for r in requests.all("request")] == [
        "Message/Persons/Person[1]/Requests/Request[1]/X",
        "Message/Persons/Person[1]/Requests/request[2]/X",
    ]
    assert requests.all("request")[1].first("y").path.endswith("request[2]/Y")
    assert second.first("requests").first("request").path == (
        "Message/Persons/Person[2]/Requests/Request"
    )


def test_an_import_leaves_the_garbage_collector_on_whatever_happens(tmp_path):
    import gc

    source = tmp_path / "return.xml"
    source.write_text(BAD["unknown code"][0], "utf-8")
    assert cli_import(str(source), "--out", str(tmp_path / "bad")).exit_code == 1
    assert gc.isenabled()
    assert cli_import(str(HAND), "--out", str(tmp_path / "good")).exit_code == 0
    assert gc.isenabled()


@pytest.mark.slow
def test_the_demos_disputes_log_joins_the_imported_children(round_trip, tmp_path):
    """The log the demo writes beside its returns joins every row to the same child the
    demo's disputes.csv names (children too young for a UPN are not in the log); the rows
    of children no return holds (a request refused before 2020) are the findings."""
    import shutil

    from sendlib.data.sen2.disputes_log import import_log

    folder = tmp_path / "imported"
    shutil.copytree(round_trip["imported"], folder)
    log = round_trip["root"] / "returns" / "disputes-log.csv"
    key = IdKey(KEY.encode())
    done = import_log(log, folder, key, force=True)  # its disputes.csv: empty
    held = set(read(folder, "person")["upn"])
    outside = [u for u in pd.read_csv(log, dtype=str)["upn"] if key.id("U", u) not in held]
    assert done.rows > 100 and done.joined == done.rows - len(outside)
    assert sorted(done.findings["value"]) == sorted(outside) and len(outside) < 0.05 * done.rows
    assert set(done.findings["reason"]) == {"no child with this UPN in person.csv"}
    sides = {}
    for side, where in (("demo", round_trip["demo"]), ("imported", folder)):
        who = person_keys(where, hashed=side == "imported")
        d = read(where, "disputes")
        upn = d["person_id"].map({p: keys[0] for p, keys in who.items()})
        d = d[(upn != "") & upn.isin(held)]  # in the log and in a return
        sides[side] = Counter((who[r.person_id], r.kind, r.registered_date) for r in d.itertuples())
    assert sides["demo"] == sides["imported"]


@pytest.mark.slow
def test_the_demos_returns_pass_sendlib_check_sen2_clean(round_trip):
    """Every return the demo writes — 2021 to 2026, the years before 2025 checked with the
    earliest pack — has no error and no query."""
    from sendlib.data.sen2.check import check_return

    for path in round_trip["paths"]:
        done = check_return(path)
        assert done.findings.empty, (path.name, done.by_rule().to_dict("records"))
        assert done.children > 1000
