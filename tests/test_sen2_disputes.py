"""The disputes log joined to the children of a SEN2 import (sendlib import disputes): by
UPN hashed with the same key, by ULN, or by the council's own ids through a lookup; a row
that joins no child is a finding with its value masked on screen."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sen2_builder as b
from sendlib.cli import app
from sendlib.data.sen2 import IdKey, import_returns

SECRET = "a-test-key-that-is-long-enough"
KEY = IdKey(SECRET.encode())
ULN = "9876543210"
runner = CliRunner()


@pytest.fixture
def imported(tmp_path) -> Path:
    """Ann (UPN 1), Ben (UPN 2), Cy, who shares Ann's UPN (another birth date), and Dee,
    known by her ULN only."""
    tree = b.valid_return()
    tree["Persons"]["Person"].append(b.person(b.UPN_1, "2016-02-03", Forename="Cy"))
    dee = b.person(None, "2008-01-05", Forename="Dee", UPNunknown=None, UniqueLearnerNumber=ULN)
    tree["Persons"]["Person"].append(dee)
    source = tmp_path / "sen2-2026.xml"
    source.write_text(b.xml(tree), "utf-8")
    import_returns([source], tmp_path / "data", KEY)
    return tmp_path / "data"


def log_row(dispute: str, **child) -> dict[str, str]:
    return {
        "Dispute ID": dispute,
        "kind": "mediation",
        "Registered Date": "2025-03-04",
        "outcome": "resolved",
        "outcome_date": "2025-04-01",
        **child,
    }


def cli(*args: str):
    return runner.invoke(app, ["import", "disputes", *args], env={"SENDLIB_ID_KEY": SECRET})


def people(folder: Path) -> dict[str, str]:
    person = pd.read_csv(folder / "person.csv", dtype=str, keep_default_na=False)
    return dict(zip(person["birth_date"], person["person_id"], strict=True))


def test_a_log_by_upn_joins_the_imported_children_and_unmatched_rows_are_findings(
    tmp_path, imported
):
    log = tmp_path / "log.csv"
    pd.DataFrame(
        [
            log_row("SE1/25/001", upn=b.UPN_2.lower()),  # case does not matter
            log_row("SE1/25/002", upn=b.UPN_1, birth_date="2016-02-03"),  # Cy, not Ann
            log_row("SE1/25/003", upn=b.UPN_1),  # Ann or Cy? not told apart
            log_row("SE1/25/004", upn="A839200119999"),  # no such child
            log_row("SE1/25/005", upn="", uln=ULN),  # Dee, by her ULN
        ]
    ).to_csv(log, index=False)
    result = cli(str(log), "--out", str(imported))
    assert result.exit_code == 1, result.output
    assert "Joined 3 of 5 rows of log.csv" in result.output
    assert "log.csv, row 4, upn: " in result.output and "two children" in result.output
    assert "row 5, upn: 'A8••••••••••9' — no child with this UPN" in result.output
    assert "A839200119999" not in result.output and b.UPN_1 not in result.output
    d = pd.read_csv(imported / "disputes.csv", dtype=str, keep_default_na=False)
    ids = people(imported)
    assert list(d["person_id"]) == [ids["2014-10-12"], ids["2016-02-03"], ids["2008-01-05"]]
    assert not d["dispute_id"].str.contains("SE1").any()  # the case numbers are hashed
    assert set(d["registered_date"]) == {"2025-03-04"}
    findings = pd.read_csv(tmp_path / "log.findings.csv", dtype=str)
    assert list(findings["value"]) == [b.UPN_1, "A839200119999"]  # in full, beside the log
    # the data folder validates: every dispute's child is in person.csv
    from sendlib.data.load import check_data

    _, found = check_data(imported, ["person", "disputes"])
    assert not (found["severity"] == "error").any(), found


def test_a_log_by_the_councils_own_ids_needs_the_lookup(tmp_path, imported):
    log = tmp_path / "log.xlsx"
    pd.DataFrame([log_row("D1", person_id="C-17"), log_row("D2", person_id="C-99")]).to_excel(
        log, index=False, sheet_name="log"
    )
    refused = cli(str(log), "--out", str(imported))
    assert refused.exit_code == 1 and "give --lookup FILE" in refused.output
    lookup = tmp_path / "ids.csv"
    pd.DataFrame({"person_id": ["C-17"], "upn": [b.UPN_2]}).to_csv(lookup, index=False)
    result = cli(str(log), "--out", str(imported), "--lookup", str(lookup))
    assert result.exit_code == 1 and "Joined 1 of 2" in result.output
    assert "this person_id is not in ids.csv" in result.output


def test_another_key_and_a_councils_own_disputes_file_are_refused(tmp_path, imported):
    log = tmp_path / "log.csv"
    pd.DataFrame([log_row("D1", upn=b.UPN_2)]).to_csv(log, index=False)
    other = runner.invoke(
        app,
        ["import", "disputes", str(log), "--out", str(imported)],
        env={"SENDLIB_ID_KEY": "another-key-0123456789"},
    )
    assert other.exit_code == 1 and "another id key" in other.output
    (imported / "disputes.csv").write_text("dispute_id,person_id,kind,registered_date\n")
    mine = cli(str(log), "--out", str(imported))
    assert mine.exit_code == 1 and "did not write" in mine.output
    forced = cli(str(log), "--out", str(imported), "--force")
    assert forced.exit_code == 0, forced.output
    again = cli(str(log), "--out", str(imported))  # now the import's own: no --force
    assert again.exit_code == 0, again.output
