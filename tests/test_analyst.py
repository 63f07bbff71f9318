"""What a new analyst tripped on, following the README on a fresh clone: each a test.

The tiny council's data ends on 20 May 2025 (its latest review decision), so its last
month is 2025-05.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import ROOT, notebook_dir, params_dir, run_cli, write_tables
from sendlib.cli import app

runner = CliRunner()
LAST = "2025-05"


def invoke(*args: str):
    return runner.invoke(app, list(args))


# ---------------------------------------------------------------- 1 a month past the data
@pytest.mark.slow
def test_a_month_after_the_data_is_refused_by_run_validate_scorecard_and_new_month(
    tmp_path, tiny_dir
):
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    ran = run_cli(tiny_dir, tmp_path / "out", books, "--month", "2025-06")
    assert ran.exit_code == 1
    assert "report month 2025-06 is after the end of the data" in ran.output
    assert "the last month it covers is 2025-05" in ran.output
    assert not (tmp_path / "out" / "2025-06").exists()
    checked = invoke("validate", "--data", str(tiny_dir), "--month", "2027-03")
    assert checked.exit_code == 1 and "after the end of the data" in checked.output
    card = invoke(
        "scorecard", "--data", str(tiny_dir), "--month", "2027-03", "--out", str(tmp_path)
    )
    assert card.exit_code == 1 and not (tmp_path / "2027-03").exists()
    params = params_dir(tmp_path)
    drafted = invoke("new-month", "2025-09", "--data", str(tiny_dir), "--params", str(params))
    assert drafted.exit_code == 1 and "after the end of the data" in drafted.output
    assert not (params / "narrative" / "2025-09").exists()


def test_the_last_month_of_the_data_is_accepted(tiny_dir):
    result = invoke("validate", "--data", str(tiny_dir), "--month", LAST)
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output and f"for {LAST}" in result.output


def test_a_given_extract_date_decides_the_last_month(tmp_path, tiny_dir):
    params = params_dir(tmp_path)
    (params / "months").mkdir()
    (params / "months" / "2025-05.yaml").write_text("extract_date: 2025-05-21\n")
    # the extract was taken before May ended: May is not complete
    result = invoke("validate", "--data", str(tiny_dir), "--month", LAST, "--params", str(params))
    assert result.exit_code == 1
    assert "21 May 2025 (extract_date in the month's parameters)" in result.output


# ---------------------------------------------------------------- 2 the lab's notebooks
def test_the_lab_prepares_parameterised_notebooks_without_a_server(tmp_path, tiny_dir):
    from sendlib.ops.lab import prepare_lab
    from sendlib.ops.request import RunRequest

    request = RunRequest(month=pd.Period(LAST, freq="M"), data_dir=tiny_dir, out=tmp_path / "out")
    folder = prepare_lab(request)
    books = sorted(p.name for p in folder.glob("*.ipynb"))
    assert books == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    nb = json.loads((folder / "04_timeliness.ipynb").read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and f'paper_data = "{folder / "paper-data"}"' in "".join(injected[0]["source"])
    assert (folder / "paper-data" / "meta.json").exists()


# ---------------------------------------------------------------- 4 an unknown team
def test_an_unknown_team_is_one_line_naming_the_teams_and_leaves_no_lock(tmp_path, tiny_dir):
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    out = tmp_path / "out"
    result = run_cli(tiny_dir, out, books, "--month", LAST, "--team", "Secondary")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0, result.output
    assert (
        "No team 'Secondary'" in result.output and "Did you mean 'Pod: Secondary'" in result.output
    )
    assert not (out / ".locks").exists()


# ---------------------------------------------------------------- 5 a typo in returns.csv
def test_a_return_for_a_kpi_the_catalogue_does_not_have_is_a_finding(tmp_path, tiny):
    tiny["returns"].append(
        {"kpi_id": "sendiass_open_l4x", "period": "2025-05", "value": "3", "note": ""}
    )
    data = write_tables(tmp_path / "d", tiny)
    result = invoke("validate", "--data", str(data), "--month", LAST)
    assert result.exit_code == 0  # a warning: the run carries on and the paper lists it
    assert "returns.csv, row 4, kpi_id: 'sendiass_open_l4x'" in result.output
    assert "did you mean 'sendiass_open_l4'?" in result.output


# ---------------------------------------------------------------- 7 validate checks params
def test_validate_rejects_what_run_would_reject_in_the_catalogue(tmp_path, tiny_dir):
    params = params_dir(tmp_path)
    kpis = params / "kpis.yaml"
    kpis.write_text(kpis.read_text().replace("unit: count,", "unit: percentage,", 1))
    result = invoke("validate", "--data", str(tiny_dir), "--month", LAST, "--params", str(params))
    assert result.exit_code == 1
    assert "'percentage' is not one of: count, percent" in result.output


# ---------------------------------------------------------------- 8 text marked for review
def test_narrative_marked_for_review_is_not_published_without_allow_draft(tmp_path, tiny_dir):
    params = params_dir(tmp_path)
    note = params / "narrative" / LAST / "summary.md"
    note.parent.mkdir(parents=True)
    note.write_text("<!-- sendlib: review: carried over. -->\n\nLast month's words.\n")
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    result = run_cli(tiny_dir, tmp_path / "out", books, "--month", LAST, params=params)
    assert result.exit_code == 1
    assert "narrative still marked for review" in result.output and "summary.md" in result.output
    assert "--allow-draft" in result.output


# ---------------------------------------------------------------- 10 the meeting date
def test_each_month_goes_to_the_next_meeting_or_its_own(tmp_path):
    from sendlib.config import MonthParams, load_report

    report = load_report(ROOT / "params" / "report.yaml")
    assert str(report.meeting_for(pd.Period("2026-09", freq="M"))) == "2026-10-13"
    assert str(report.meeting_for(pd.Period("2026-10", freq="M"))) == "2026-11-10"
    own = MonthParams(meeting_date="2026-11-24")
    assert str(report.meeting_for(pd.Period("2026-10", freq="M"), own)) == "2026-11-24"


def test_a_run_without_a_meeting_for_its_month_stops(tmp_path, tiny_dir):
    params = params_dir(tmp_path)
    report = params / "report.yaml"
    text = re.sub(r"meeting_dates:\n(  .*\n)+", "meeting_dates: []\n", report.read_text())
    report.write_text(text)
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    result = run_cli(tiny_dir, tmp_path / "out", books, "--month", LAST, params=params)
    assert result.exit_code == 1
    assert "needs the committee meeting for May 2025's paper" in result.output


def test_report_yaml_with_a_single_meeting_date_says_what_to_use(tmp_path):
    from sendlib.config import ParamsError, load_report

    report = tmp_path / "report.yaml"
    report.write_text((ROOT / "params" / "report.yaml").read_text() + "meeting_date: 2026-12-08\n")
    with pytest.raises(
        ParamsError, match="unknown key 'meeting_date' — did you mean 'meeting_dates'"
    ):
        load_report(report)


# ---------------------------------------------------------------- 13 exit codes
def test_usage_errors_exit_2_and_rendering_has_its_own_code():
    from sendlib.ops import request

    assert request.EXIT_USAGE == 2 and request.EXIT_RENDER == 4 and request.EXIT_BUG == 5
    done = subprocess.run(
        [sys.executable, "-m", "sendlib", "run", "--month", "2026-13"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "there is no month 13" in done.stderr


# ---------------------------------------------------------------- 15 quarto checked first
def test_quarto_missing_is_said_whole_and_before_any_notebook_runs(tmp_path, tiny_dir, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    books = notebook_dir(tmp_path, **{"00_cover": "raises"})  # would fail if it ran
    out = tmp_path / "out"
    result = run_cli(tiny_dir, out, books, "--month", LAST, "--renderer", "quarto")
    assert result.exit_code == 4
    assert "pip install quarto-cli" in result.output
    assert not (out / ".work").exists()


# ---------------------------------------------------------------- 16 a flood of findings
def test_validate_prints_twenty_per_rule_and_writes_every_finding(tmp_path, tiny):
    tiny["person"] += [
        {**tiny["person"][0], "person_id": f"X{i}", "upn": "", "sex": ""} for i in range(30)
    ]
    data = write_tables(tmp_path / "d", tiny)
    result = invoke("validate", "--data", str(data), "--month", LAST)
    assert result.exit_code == 0
    assert result.output.count("sex is blank") == 20
    assert "… and 10 more like this (blank_gender, person.csv sex)" in result.output
    every = pd.read_csv(data / "validation.csv")
    assert (every["rule"] == "blank_gender").sum() == 30


# ---------------------------------------------------------------- 17 the options
def test_flags_show_no_value_in_help():
    result = invoke("run", "--help")
    assert "<bool>" not in result.output and "--allow-draft" in result.output


def test_from_needs_to_and_month_cannot_sit_beside_them(tmp_path, tiny_dir):
    alone = invoke("run", "--data", str(tiny_dir), "--from", "2025-03")
    assert alone.exit_code == 2 and "needs both --from and --to" in alone.output
    both = invoke(
        "run", "--data", str(tiny_dir), "--month", LAST, "--from", "2025-03", "--to", LAST
    )
    assert both.exit_code == 2 and "either --month or --from/--to" in both.output


def test_new_month_reads_data_raw_by_default(tmp_path, monkeypatch, tiny):
    write_tables(tmp_path / "data" / "raw", tiny)
    shutil.copytree(
        ROOT / "params", tmp_path / "params", ignore=shutil.ignore_patterns("narrative")
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("new-month", LAST)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "params" / "narrative" / LAST / "caseload.md").read_text()
    assert "Facts sendlib drafted for May 2025" in text


# ---------------------------------------------------------------- 18 the README's words
@pytest.mark.parametrize("path", ["README.md", "data/raw/README.md"])
def test_the_readmes_point_only_to_the_projects_own_documents(path):
    text = (ROOT / path).read_text()
    assert "DESIGN.md" not in text and "REFERENCE.md" not in text
    assert not re.search(r"seed 0\d\d", text)


# ---------------------------------------------------------------- 19 without a terminal
def test_without_a_terminal_output_is_plain_lines(tmp_path, tiny):
    tiny["plans"][1]["person_id"] = "P404"
    data = write_tables(tmp_path / "d", tiny)
    done = subprocess.run(
        [sys.executable, "-m", "sendlib", "validate", "--data", str(data), "--month", LAST],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "┘" not in done.stdout and "│" not in done.stdout
    # a cron log never holds the id: it is masked, and in full in validation.csv
    assert (
        "plans.csv, row 3, person_id: '••••' no row in person.csv has this person_id" in done.stdout
    )
    assert "P404" not in done.stdout
    lines = done.stdout.splitlines()
    assert any(line.startswith("1 error(s) in") for line in lines)


@pytest.mark.slow
def test_a_run_that_stops_before_its_first_step_prints_no_step_table(tmp_path, tiny_dir):
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendlib",
            "run",
            "--data",
            str(tiny_dir),
            "--month",
            "2025-09",
            "--notebooks",
            str(books),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "Run stopped (2025-09):"


# ---------------------------------------------------------------- with kernels
@pytest.fixture(scope="module")
def published(tmp_path_factory, demo_data):
    """A small paper of June 2025 from the demo council (cover and summary)."""
    root = tmp_path_factory.mktemp("published")
    books = notebook_dir(root, **{"00_cover": "00_cover", "01_summary": "01_summary"})
    params = params_dir(root)
    note = params / "narrative" / "2025-06" / "sumary.md"  # a misspelt name
    note.parent.mkdir(parents=True)
    note.write_text("Words nobody will read.\n")
    out = root / "out"
    stopped = run_cli(demo_data, out, books, "--month", "2025-06", params=params)
    assert stopped.exit_code == 1 and not (out / "2025-06").exists()
    result = run_cli(
        demo_data, out, books, "--month", "2025-06", "--allow-unused-narrative", params=params
    )
    assert result.exit_code == 0, result.output
    return root, books, params, out, result, stopped


@pytest.mark.slow
def test_a_narrative_file_naming_no_section_stops_the_run_unless_allowed(published):
    _, _, _, out, result, stopped = published
    said = " ".join(stopped.output.split())
    assert "sumary.md names no section of this paper: did you mean summary.md?" in said
    assert "--allow-unused-narrative" in said
    assert "not used: " in result.output and "sumary.md names no section" in result.output
    manifest = json.loads((out / "2025-06" / "manifest.json").read_text())
    assert manifest["narrative_unused"] == ["sumary.md"]


@pytest.mark.slow
def test_verify_compares_only_what_the_paper_read(published, demo_data):
    _, _, params, out, _, _ = published
    prepared = invoke("new-month", "2025-07", "--params", str(params), "--no-facts")
    assert prepared.exit_code == 0, prepared.output
    (demo_data / "notes.txt").write_text("a stray file beside the data\n")
    try:
        checked = invoke("verify", str(out / "2025-06"))
        assert checked.exit_code == 0, checked.output
    finally:
        (demo_data / "notes.txt").unlink()
    (params / "narrative" / "2025-06" / "summary.md").write_text("New words.\n")
    changed = invoke("verify", str(out / "2025-06"))
    assert changed.exit_code == 1 and "new narrative the paper did not show" in changed.output
    (params / "narrative" / "2025-06" / "summary.md").unlink()
    capacity = params / "capacity.yaml"  # read by Looking ahead
    kept = capacity.read_text()
    capacity.write_text(kept.replace("fte: 6.0", "fte: 7.0"))
    try:
        changed = invoke("verify", str(out / "2025-06"))
        assert changed.exit_code == 1 and "capacity.yaml" in changed.output
    finally:
        capacity.write_text(kept)


@pytest.mark.slow
def test_a_scorecard_run_does_not_overwrite_a_published_papers_files(published, demo_data):
    _, _, params, out, _, _ = published
    before = (out / "2025-06" / "scorecard.csv").read_bytes()
    where = ["--data", str(demo_data), "--params", str(params), "--out", str(out)]
    refused = invoke("scorecard", "--month", "2025-06", *where)
    assert refused.exit_code == 1 and "holds a published paper" in refused.output
    assert (out / "2025-06" / "scorecard.csv").read_bytes() == before
    forced = invoke("scorecard", "--month", "2025-06", "--months", "3", *where, "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "2025-06" / "scorecard.csv").read_bytes() != before


@pytest.mark.slow
def test_a_preview_is_timed_whole_lists_drafts_and_is_not_held_up_by_a_run(published, demo_data):
    _, books, params, out, _, _ = published
    draft = params / "narrative" / "2025-06" / "summary.md"
    draft.write_text("<!-- sendlib: review: carried over. -->\n\nDraft words.\n")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from sendlib.ops.locks import month_lock\n"
            "with month_lock(Path(sys.argv[1]), '2025-06'):\n"
            "    print('locked', flush=True); time.sleep(60)",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_cli(
            demo_data,
            out,
            books,
            "--month",
            "2025-06",
            "--preview",
            "--narrative-only",
            params=params,
        )
    finally:
        holder.kill()
        draft.unlink()
    assert result.exit_code == 0, result.output
    assert "Narrative still marked for review:" in result.output and "summary.md" in result.output
    # the notebooks ran (a run held the month's folder), and the time said is the whole
    # run's, theirs included (not the re-render's alone)
    timed = re.search(r"\((\d+\.\d) s, (\d+) notebook\(s\) executed", result.output)
    assert timed and int(timed.group(2)) > 0, result.output
    assert "Draft words." in (out / ".preview" / "2025-06" / "paper.html").read_text()


@pytest.mark.slow
def test_draft_narrative_is_published_with_allow_draft(published, demo_data):
    _, books, params, out, _, _ = published
    draft = params / "narrative" / "2025-06" / "summary.md"
    draft.write_text("<!-- sendlib: review: carried over. -->\n\nAccepted as it is.\n")
    try:
        result = run_cli(
            demo_data,
            out,
            books,
            "--month",
            "2025-06",
            "--narrative-only",
            "--allow-draft",
            "--allow-unused-narrative",  # the fixture's misspelt file is still there
            params=params,
        )
    finally:
        draft.unlink()
    assert result.exit_code == 0, result.output
    assert "Accepted as it is." in (out / "2025-06" / "paper.html").read_text()


@pytest.mark.slow
def test_a_team_pack_has_no_commentary_and_no_promise_of_a_missing_section(tmp_path, demo_data):
    books = notebook_dir(tmp_path, **{"00_cover": "00_cover", "02_caseload": "02_caseload"})
    params = params_dir(tmp_path)
    note = params / "narrative" / "2025-06" / "caseload.md"
    note.parent.mkdir(parents=True)
    note.write_text("Council-wide commentary.\n")
    out = tmp_path / "out"
    result = run_cli(
        demo_data, out, books, "--month", "2025-06", "--team", "Pod: Secondary", params=params
    )
    assert result.exit_code == 0, result.output
    html = (out / "teams" / "pod-secondary" / "2025-06" / "paper.html").read_text()
    assert "Council-wide commentary." not in html
    assert "data-quality" not in result.output


@pytest.mark.slow
def test_a_team_with_no_cases_gets_a_pack_of_empty_tables_not_a_traceback(tmp_path, tiny):
    tiny["person"].append(
        {**tiny["person"][0], "person_id": "P9", "upn": "Z00000000009", "team": "Pod: New"}
    )
    data = write_tables(tmp_path / "d", tiny)
    out = tmp_path / "out"
    result = invoke(
        "run", "--data", str(data), "--month", LAST, "--team", "Pod: New", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    html = (out / "teams" / "pod-new" / LAST / "paper.html").read_text()
    assert "SEND Performance Update: May 2025 – Pod: New" in html


def test_a_misspelt_narrative_file_is_matched_to_the_section_it_was_meant_for():
    from sendlib.paper.narrative import unused_reason
    from sendlib.paper.sections import SECTIONS

    said = unused_reason(Path("timelines.md"), list(SECTIONS))
    assert "timelines.md names no section of this paper: did you mean timeliness.md?" in said
    assert "did you mean" not in unused_reason(Path("notes-for-chair.md"), list(SECTIONS))


def test_a_run_that_stops_still_says_what_it_noted_before(tmp_path, tiny):
    """The example settings' warning is said although the run then stops (here on a
    narrative file that names no section)."""
    data = write_tables(tmp_path / "d", tiny)
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("narrative"))
    (params / "narrative" / LAST).mkdir(parents=True)
    (params / "narrative" / LAST / "timelines.md").write_text("Words.\n")
    result = invoke(
        "run", "--data", str(data), "--params", str(params), "--month", LAST,
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "Run stopped" in said and "did you mean timeliness.md" in said
    assert "Note:" in said and "the example settings shipped with sendlib" in said
