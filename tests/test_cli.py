"""The command line: exit codes, readable messages, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from helpers import write_tables
from sendlib.cli import app

runner = CliRunner()


def test_validate_clean_data_exits_0(tiny_dir):
    result = runner.invoke(app, ["validate", "--data", str(tiny_dir), "--month", "2025-05"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_validate_bad_data_exits_1_with_a_table(tmp_path, tiny):
    tiny["plans"][1]["person_id"] = "P404"
    folder = write_tables(tmp_path / "d", tiny)
    result = runner.invoke(app, ["validate", "--data", str(folder), "--month", "2025-05"])
    assert result.exit_code == 1
    assert "plans.csv" in result.output and "person_id" in result.output
    assert "no row in person.csv" in result.output


def test_validate_writes_every_finding_on_request(tmp_path, tiny):
    tiny["person"][0]["sex"] = ""
    folder = write_tables(tmp_path / "d", tiny)
    out = tmp_path / "findings.csv"
    result = runner.invoke(
        app, ["validate", "--data", str(folder), "--month", "2025-05", "--findings", str(out)]
    )
    assert result.exit_code == 0
    assert "blank_gender" in out.read_text()


def test_bad_month_is_a_usage_error_not_a_traceback(tiny_dir):
    result = subprocess.run(
        [sys.executable, "-m", "sendlib", "validate", "--data", str(tiny_dir), "--month", "May"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "YYYY-MM" in result.stderr


def test_the_command_ends_with_its_code_and_all_its_output_through_a_pipe(tiny_dir):
    """sendlib leaves without the interpreter's tear-down: nothing written is lost."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendlib",
            "validate",
            "--data",
            str(tiny_dir),
            "--month",
            "2025-05",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith(str(tiny_dir))
    helped = subprocess.run([sys.executable, "-m", "sendlib", "--help"], capture_output=True)
    assert helped.returncode == 0 and b"narrative" in helped.stdout.splitlines()[-1]


def test_garbage_file_gives_findings_not_a_traceback(tiny_dir):
    (tiny_dir / "plans.csv").write_bytes(b"\xff\xfe\x00garbage\n\x00\x01")
    result = subprocess.run(
        [sys.executable, "-m", "sendlib", "validate", "--data", str(tiny_dir)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "plans.csv" in result.stdout


def test_demo_command_writes_a_valid_council(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--seed", "3", "--end", "2022-03"])
    assert result.exit_code == 0, result.output
    check = runner.invoke(app, ["validate", "--data", str(out), "--month", "2022-03"])
    assert check.exit_code == 0, check.output
    assert "0 error(s)" in check.output and "for 2022-03" in check.output
    from sendlib.data.contract import files

    assert {f"{name}.csv" for name in files()} <= {p.name for p in out.iterdir()}


def test_an_empty_default_data_folder_says_where_the_files_and_the_demo_go(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "README.md").write_text("the council's files go here\n")
    result = runner.invoke(app, ["validate", "--month", "2025-05"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert "data/raw holds no input files yet" in first and "--data data/demo" in first
    # with files in it, or another folder named, no such line
    (tmp_path / "data" / "raw" / "person.csv").write_text("person_id\n")
    assert "holds no input files" not in runner.invoke(app, ["validate"]).output
    other = runner.invoke(app, ["validate", "--data", str(tmp_path / "data" / "raw")])
    assert "holds no input files" not in other.output


def test_findings_on_screen_mask_personal_values_and_validation_csv_keeps_them(tmp_path, tiny):
    # a duplicated person id, a birth date that is not a date, a plan for nobody
    tiny["person"].append({**tiny["person"][0], "birth_date": "31/02/2012"})
    tiny["plans"][0]["person_id"] = "PZ99887766"
    tiny["requests"].append({**tiny["requests"][0], "request_id": "R12345678,extra"})
    folder = write_tables(tmp_path / "d", tiny)
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--month", "2025-05"])
    assert result.exit_code == 1
    shown = result.output
    for value in ("PZ99887766", "31/02/2012", "R12345678", tiny["person"][0]["person_id"] + "'"):
        assert value not in shown, value
    # where, which column and why are all still there
    assert "person.csv" in shown and "birth_date" in shown and "••/••/••••" in shown
    assert "plans.csv" in shown and "person_id" in shown
    every = (folder / "validation.csv").read_text()
    assert "PZ99887766" in every and "31/02/2012" in every


def test_a_contract_column_that_identifies_a_person_is_marked_personal():
    from sendlib.data.contract import personal_columns

    assert {"person_id", "upn", "birth_date", "request_id", "plan_id", "dispute_id"} <= set(
        personal_columns()
    )
    assert "setting" not in personal_columns() and "kpi_id" not in personal_columns()
