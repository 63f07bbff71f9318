"""SEN2 returns merged by person and census: a later return replaces what it covers of the
children it holds, a corrected date keeps the ids, and the import writes its folder in one
step, refusing one that holds files it did not write. No UPN is ever written in clear."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sen2_builder as b
from helpers import measures
from sendlib.cli import app
from sendlib.data.contract import contract
from sendlib.data.load import load_tables
from sendlib.data.quality import find_warnings
from sendlib.data.sen2 import IdKey, Sen2Error, import_returns
from sendlib.data.sen2 import folder as dest
from sendlib.data.sources import write_table

KEY = IdKey(b"a-test-key-that-is-long-enough")
TABLES = ("person", "requests", "assessments", "plans", "reviews", "phase_transfers", "placements")
runner = CliRunner()


def write(tmp_path: Path, name: str, tree: dict) -> Path:
    path = tmp_path / name
    path.write_text(b.xml(tree), "utf-8")
    return path


def earlier_return() -> dict:
    """Ann and Ben as the January 2025 census saw them (Ann's plan issued in July 2024), with
    nothing the 2026 return does not cover again (no review in 2024)."""
    tree = b.valid_return(2025, shift=False)

    def as_2025(t):
        for request in (b.ann_request(t), b.ben(t)["Requests"]["Request"][0]):
            active = request["ActivePlans"]
            for name in ("ReviewMeeting", "ReviewOutcome", "LastReview", "ReviewDraft"):
                active[name] = None
            active["PhaseTransferDueDate"] = None

    return b.edit(tree, as_2025)


def tables(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.csv").read_bytes() for name in TABLES}


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def partner_files(folder: Path) -> None:
    """The files a SEN2 import does not write, empty (as a council adds them)."""
    for name in ("disputes", "returns", "benchmarks", "population"):
        columns = list(contract().files[name].columns)
        write_table(pd.DataFrame(columns=columns), folder / f"{name}.csv")


def corrected_start(tree: dict) -> None:
    plan = b.ann_request(tree)["Assessment"]["NamedPlan"]
    plan["StartDate"] = "2024-07-16"  # a routine correction: a day later


def corrected_received(tree: dict) -> None:
    b.ann_request(tree)["ReceivedDate"] = "2024-03-07"  # three days later


@pytest.mark.parametrize("order", ["earlier first", "later first"])
def test_a_corrected_start_date_gives_the_later_returns_tables_and_one_plan(tmp_path, order):
    early = write(tmp_path, "sen2-2025.xml", earlier_return())
    late = write(tmp_path, "sen2-2026.xml", b.edit(b.valid_return(), corrected_start))
    given = [early, late] if order == "earlier first" else [late, early]
    both = import_returns(given, tmp_path / "both", KEY)
    import_returns([late], tmp_path / "alone", KEY)
    assert tables(tmp_path / "both") == tables(tmp_path / "alone")  # byte for byte
    plans = read(tmp_path / "both", "plans")
    assert len(plans) == 2 and set(plans["start_date"]) == {"2024-07-16", "2021-05-24"}
    counts = both.merged[1]
    assert counts["plans"]["updated"] == 1 and counts["plans"]["new"] == 0
    assert counts["requests"] == {"new": 0, "updated": 0, "unchanged": 3, "replaced": 0}
    found = find_warnings(load_tables(tmp_path / "both", TABLES), pd.Period("2025-12", freq="M"))
    assert not found["rule"].isin(["plans_per_request", "two_open_plans"]).any()


@pytest.mark.slow
def test_a_corrected_received_date_keeps_the_ids_and_the_scorecard(tmp_path):
    early = write(tmp_path, "sen2-2025.xml", earlier_return())
    late = write(tmp_path, "sen2-2026.xml", b.edit(b.valid_return(), corrected_received))
    import_returns([late, early], tmp_path / "both", KEY)
    import_returns([early], tmp_path / "first", KEY)
    import_returns([late], tmp_path / "alone", KEY)
    first, both = read(tmp_path / "first", "requests"), read(tmp_path / "both", "requests")
    assert set(both["request_id"]) == set(first["request_id"])  # the ids survived
    assert "2024-03-07" in set(both["received_date"]) and len(both) == 3
    for name in TABLES:  # the later return's tables, but for the ids
        got, alone = read(tmp_path / "both", name), read(tmp_path / "alone", name)
        ids = [c for c in got.columns if c.endswith("_id")]
        assert sorted(got.drop(columns=ids).itertuples(index=False)) == sorted(
            alone.drop(columns=ids).itertuples(index=False)
        ), name
    for folder in ("both", "alone"):
        partner_files(tmp_path / folder)
    for month in ("2024-07", "2025-06", "2025-12"):
        one, two = measures(tmp_path / "both", month), measures(tmp_path / "alone", month)
        differ = {
            k for k in one if not (one[k] == two[k] or (math.isnan(one[k]) and math.isnan(two[k])))
        }
        assert not differ, (month, differ)


def test_a_date_moved_beyond_the_tolerance_is_a_new_request_and_the_old_is_replaced(tmp_path):
    early = write(tmp_path, "sen2-2025.xml", earlier_return())

    def a_year_out(tree):
        b.ann_request(tree)["ReceivedDate"] = "2023-03-04"

    late = write(tmp_path, "sen2-2026.xml", b.edit(b.valid_return(), a_year_out))
    summary = import_returns([early, late], tmp_path / "data", KEY)
    counts = summary.merged[1]
    assert counts["requests"]["new"] == 1 and counts["requests"]["replaced"] == 1
    assert counts["plans"]["new"] == 1 and counts["plans"]["replaced"] == 1
    assert len(read(tmp_path / "data", "plans")) == 2  # not three


def test_people_absent_from_a_later_return_and_history_before_it_are_kept(tmp_path):
    early = earlier_return()

    def old_ceased_plan(tree):  # Ben's earlier plan ended in 2023, before 2025's period
        ben = b.ben(tree)
        old = b.request(
            "2018-01-08",
            "2018-02-12",
            assessment=b.plan_assessment(
                "2018-04-30", "2018-05-21", CeaseDate="2023-07-31", CeaseReason="2"
            ),
        )
        old["ActivePlans"] = None
        ben["Requests"]["Request"].append(old)

    early = b.edit(early, old_ceased_plan)
    later = b.valid_return()
    later["Persons"]["Person"] = later["Persons"]["Person"][1:]  # Ann is not in it
    summary = import_returns(
        [write(tmp_path, "a.xml", early), write(tmp_path, "b.xml", later)], tmp_path / "d", KEY
    )
    plans = read(tmp_path / "d", "plans")
    assert set(plans["start_date"]) == {"2024-07-15", "2021-05-24", "2018-05-21"}
    assert summary.merged[1]["plans"]["replaced"] == 0


def test_a_request_the_later_return_no_longer_holds_is_replaced(tmp_path):
    def two_requests(tree):
        extra = b.request("2024-11-04", "", outcome="", assessment=None, active=None)
        extra["Assessment"] = extra["ActivePlans"] = None
        extra["RequestOutcomeDate"] = None
        b.ann(tree)["Requests"]["Request"].append(extra)

    early = write(tmp_path, "a.xml", b.edit(earlier_return(), two_requests))
    late = write(tmp_path, "b.xml", b.valid_return())  # the open request was deleted
    summary = import_returns([early, late], tmp_path / "d", KEY)
    assert summary.merged[1]["requests"]["replaced"] == 1
    assert "2024-11-04" not in set(read(tmp_path / "d", "requests")["received_date"])


# ---------------------------------------------------------------- the folder
def cli(*args: str):
    env = {"SENDLIB_ID_KEY": "a-test-key-that-is-long-enough"}
    return runner.invoke(app, ["import", "sen2", *args], env=env)


def test_a_folder_holding_a_councils_own_export_is_refused_without_force(tmp_path):
    source = write(tmp_path, "sen2-2026.xml", b.valid_return())
    out = tmp_path / "raw"
    out.mkdir()
    write_table(
        pd.DataFrame({"person_id": ["P1"], "birth_date": ["2014-01-01"]}), out / "person.csv"
    )
    write_table(pd.DataFrame({"kpi_id": ["x"], "period": ["2025-01"]}), out / "returns.csv")
    (out / "README.md").write_text("notes\n")
    before = (out / "person.csv").read_bytes()
    refused = cli(str(source), "--out", str(out))
    assert refused.exit_code == 1
    assert "holds person.csv, which sendlib import did not write" in refused.output
    assert "--force" in refused.output and (out / "person.csv").read_bytes() == before
    forced = cli(str(source), "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "person.csv").read_bytes() != before
    assert (out / "returns.csv").exists() and (out / "README.md").read_text() == "notes\n"
    # the folder is now the import's: a second import needs no --force
    again = cli(str(source), "--out", str(out))
    assert again.exit_code == 0, again.output
    # a table edited since the import is not what the import wrote
    with (out / "plans.csv").open("a") as handle:
        handle.write("E9,P9,,2020-01-01,,,\n")
    edited = cli(str(source), "--out", str(out))
    assert edited.exit_code == 1 and "plans.csv" in edited.output


def test_a_folder_imported_with_another_key_is_refused(tmp_path):
    source = write(tmp_path, "sen2-2026.xml", b.valid_return())
    import_returns([source], tmp_path / "d", IdKey(b"another-key-0123456789"))
    with pytest.raises(Sen2Error, match="another id key"):
        import_returns([source], tmp_path / "d", KEY)
    import_returns([source], tmp_path / "d", KEY, force=True)


def test_the_upn_is_written_as_its_keyed_hash_and_duplicates_are_still_found(tmp_path):
    tree = b.valid_return()
    twin = b.person(b.UPN_1, "2016-02-03", Forename="Cy")  # Ann's UPN, another child
    tree["Persons"]["Person"].append(twin)
    import_returns([write(tmp_path, "r.xml", tree)], tmp_path / "d", KEY)
    text = "".join(p.read_text() for p in (tmp_path / "d").iterdir() if p.is_file())
    assert b.UPN_1 not in text and b.UPN_2 not in text and b.ULN not in text
    person = read(tmp_path / "d", "person")
    assert set(person["upn"]) == {KEY.id("U", b.UPN_1), KEY.id("U", b.UPN_2)}
    found = find_warnings(load_tables(tmp_path / "d", TABLES), pd.Period("2025-12", freq="M"))
    assert (found["rule"] == "duplicate_upn").sum() == 2


def test_the_write_is_one_step_and_keeps_what_it_does_not_replace(tmp_path, monkeypatch):
    source = write(tmp_path, "sen2-2026.xml", b.valid_return())
    out = tmp_path / "d"
    import_returns([source], out, KEY)
    os.chmod(out, 0o750)
    (out / "returns.csv").write_text("kpi_id,period,value,note\n")
    (out / ".sendlib-cache").mkdir()
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken(frame, path):
        raise OSError("disk full")

    monkeypatch.setattr(dest, "write_table", broken)
    with pytest.raises(OSError):
        import_returns([source], out, KEY)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "sen2-2026.xml"]  # no staging
    monkeypatch.undo()
    import_returns([source], out, KEY)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert (out / "returns.csv").exists() and not (out / ".sendlib-cache").exists()
    record = dest.Record.read(out)
    assert record is not None and record.files["person.csv"] == dest.sha256(out / "person.csv")
