"""Running without a person: backfills, one run per month at a time, fast narrative
re-renders, and team packs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from helpers import axe_violations, notebook_dir, params_dir, run_cli
from sendlib.data.load import load_tables
from sendlib.ops import archive

MONTH = "2025-06"


@pytest.mark.slow
def test_backfill_writes_one_folder_per_month(tmp_path, demo_data, monkeypatch):
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    out = tmp_path / "out"
    result = run_cli(demo_data, out, books, "--from", "2025-04", "--to", MONTH)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "2025-04",
        "2025-05",
        "2025-06",
        "index.html",
    ]
    assert "3 of 3 paper(s) rendered" in result.output
    for month in ("2025-04", "2025-05", "2025-06"):
        assert json.loads((out / month / "manifest.json").read_text())["month"] == month
    # the archive lists the three months, newest first, and every link opens a file
    index = out / "index.html"
    page = index.read_text(encoding="utf-8")
    rows = re.findall(r'<tr><th scope="row">([A-Za-z]+ \d{4})</th>', page)
    assert rows == ["June 2025", "May 2025", "April 2025"]
    links = re.findall(r'href="([^"#]+)"', page)
    assert len(links) == 3 * 5  # HTML, PDF, Word, CSV and XLSX of each month
    for link in links:
        assert not link.startswith(("/", "http")) and (out / link).is_file(), link
    assert page.count('<svg viewBox="0 0 200 40" role="img"') >= 3  # headline trend lines
    assert "Number of EHCPs:" in page
    assert axe_violations(index) == []
    # the archive is rewritten from each month's kept headlines, reading a scorecard again
    # only when it has changed
    read = []
    real = archive._read_headlines
    monkeypatch.setattr(
        archive,
        "_read_headlines",
        lambda card, month, *rest: read.append(str(month)) or real(card, month, *rest),
    )
    title = re.search(r"<h1>(.*?)</h1>", page).group(1).replace("&#x27;", "'")
    archive.write_archive(out, title)
    assert read == [] and index.read_text(encoding="utf-8") == page
    card = out / "2025-05" / "scorecard.csv"
    card.write_text(card.read_text() + "\n")  # a byte changed: read again
    archive.write_archive(out, title)
    assert read == ["2025-05"]


HOLD_LOCK = """
import sys, time
from pathlib import Path
from sendlib.ops.locks import month_lock
with month_lock(Path(sys.argv[1]), sys.argv[2]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
"""


@pytest.mark.slow
def test_concurrent_runs_of_one_month_are_serialised(tmp_path, demo_data):
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out), MONTH, "4"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    busy = run_cli(demo_data, out, books, "--month", MONTH, "--no-wait")
    assert busy.exit_code == 3
    assert "another run of 2025-06 is in progress" in busy.output
    waited = run_cli(demo_data, out, books, "--month", MONTH)
    holder.wait()
    assert waited.exit_code == 0, waited.output
    assert holder.returncode == 0
    assert "waiting for another run of 2025-06 (pid " in waited.output  # it said it waited
    assert (out / MONTH / "paper.html").exists()


@pytest.mark.slow
def test_narrative_edit_rerenders_without_executing_a_notebook(tmp_path, demo_data):
    books = notebook_dir(tmp_path, **{"00_cover": "00_cover", "02_caseload": "02_caseload"})
    params = params_dir(tmp_path)
    out = tmp_path / "out"

    def run(*options: str):
        return run_cli(demo_data, out, books, "--month", MONTH, *options, params=params)

    first = run()
    assert first.exit_code == 0 and "2 notebook(s) executed" in first.output
    executed = sorted((out / ".work" / MONTH / "executed").glob("*.ipynb"))
    stamps = [p.stat().st_mtime_ns for p in executed]
    note = params / "narrative" / MONTH / "caseload.md"
    note.parent.mkdir(parents=True)
    note.write_text("Demand from early years settings doubled this autumn.\n")
    second = run("--narrative-only")
    assert second.exit_code == 0, second.output
    assert "narrative only: no notebook re-executed" in second.output
    assert [p.stat().st_mtime_ns for p in executed] == stamps
    assert "Demand from early years settings doubled" in (out / MONTH / "paper.html").read_text()
    assert json.loads((out / MONTH / "manifest.json").read_text())["narrative_only"] is True
    # a preview shows the next edit at once, without touching the published paper
    note.write_text("A second draft of the commentary.\n")
    preview = run("--narrative-only", "--preview")
    assert preview.exit_code == 0 and "nothing published" in preview.output
    assert "A second draft" in (out / ".preview" / MONTH / "paper.html").read_text()
    assert "A second draft" not in (out / MONTH / "paper.html").read_text()
    # a re-render loads none of the figures' code (pandas, numpy, Arrow) in any process:
    # the PDF is laid out without waiting for them
    note.write_text("A third draft.\n")
    command = [sys.executable, "-X", "importtime", "-m", "sendlib", "run", "--month", MONTH]
    command += ["--data", str(demo_data), "--out", str(out), "--notebooks", str(books)]
    done = subprocess.run(
        [*command, "--params", str(params), "--narrative-only"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert {"sendlib.render.stitch", "weasyprint"} <= imported  # the run's and its workers'
    assert not {"pandas", "numpy", "pyarrow"} & imported
    assert "A third draft" in (out / MONTH / "paper.html").read_text()
    # a changed input makes --narrative-only run the notebooks again
    (params / "report.yaml").write_text(
        (params / "report.yaml").read_text().replace("Council-wide", "Every ward")
    )
    third = run("--narrative-only")
    assert third.exit_code == 0 and "2 notebook(s) executed" in third.output


@pytest.mark.slow
def test_team_pack_contains_only_that_teams_cases(tmp_path, demo_data):
    books = notebook_dir(tmp_path, **{"00_cover": "00_cover", "02_caseload": "02_caseload"})
    out = tmp_path / "out"
    result = run_cli(demo_data, out, books, "--month", MONTH, "--team", "Pod: Secondary")
    assert result.exit_code == 0, result.output
    folder = out / "teams" / "pod-secondary" / MONTH
    tables = load_tables(demo_data)
    team = tables.person.loc[tables.person["team"] == "Pod: Secondary", "person_id"]
    end = pd.Timestamp("2025-06-30")
    plans = tables.plans[tables.plans["person_id"].isin(set(team))]
    active = int(((plans["start_date"] <= end) & ~(plans["cease_date"] <= end)).sum())
    card = pd.read_csv(folder / "scorecard.csv")
    value = card[(card["kpi_id"] == "ehcp_active") & (card["period"] == MONTH)]["value"].iloc[0]
    assert value == active
    html = (folder / "paper.html").read_text()
    assert "Pod: Secondary" in html
    assert "Pod: Post 16" not in html and "Pod: Early Years and Primary" not in html
    assert "– Pod: Secondary</h1>" in html


def test_new_month_carries_narrative_over_marked_for_review(tmp_path):
    from sendlib.paper.narrative import analyst_html, pending_review
    from sendlib.paper.newmonth import prepare_month

    params = params_dir(tmp_path)
    last = params / "narrative" / "2025-05" / "02_caseload.md"  # May's, under the old name
    last.parent.mkdir(parents=True)
    last.write_text("May's view: demand keeps rising.\n")
    done = dict(prepare_month(pd.Period(MONTH, freq="M"), params))
    path = params / "narrative" / MONTH / "caseload.md"
    assert done[path] == "written, marked for review"
    assert "May's view: demand keeps rising." in path.read_text()
    assert path in pending_review(params, MONTH)
    assert analyst_html(params, MONTH, "caseload") == (
        '<p class="para">May\'s view: demand keeps rising.</p>\n'
    )
    path.write_text("June's own words.\n")
    assert dict(prepare_month(pd.Period(MONTH, freq="M"), params))[path] == "kept (already exists)"
    assert path.read_text() == "June's own words.\n"
