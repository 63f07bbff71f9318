"""The runner: parameters checked before execution, failures contained, narrative kept,
and (slow) a whole paper rendered from demo data and read back from the PDF."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import pytest

from helpers import notebook_dir, params_dir, run_cli
from sendlib.ops.execute import check_parameters
from sendlib.ops.request import RunError
from sendlib.render.errors import RenderError
from sendlib.render.quarto import quarto_commands, render_quarto

MONTH = "2025-06"


def test_parameters_that_do_not_match_are_rejected_before_execution(tmp_path):
    books = notebook_dir(tmp_path, **{"00_cover": "ok", "01_summary": "bad_params"})
    with pytest.raises(RunError, match=r"01_summary.ipynb: .*unexpected surprise"):
        check_parameters(sorted(books.glob("*.ipynb")))


@pytest.mark.slow
def test_mismatched_parameters_stop_the_cli_before_any_notebook_runs(tmp_path, demo_data):
    books = notebook_dir(tmp_path, **{"00_cover": "ok", "01_summary": "bad_params"})
    out = tmp_path / "out"
    result = run_cli(demo_data, out, books, "--month", MONTH)
    assert result.exit_code == 1
    assert "surprise" in result.output
    assert not (out / ".work").exists()


@pytest.mark.slow
def test_a_failing_notebook_exits_1_and_leaves_previous_outputs(tmp_path, demo_data):
    out = tmp_path / "out"
    previous = out / MONTH
    previous.mkdir(parents=True)
    (previous / "paper.html").write_text("the paper published last time")
    books = notebook_dir(tmp_path, **{"00_cover": "ok", "01_summary": "raises"})
    result = run_cli(demo_data, out, books, "--month", MONTH)
    assert result.exit_code == 1
    assert "01_summary" in result.output
    assert "fixture notebook failed on purpose" in result.output
    assert (previous / "paper.html").read_text() == "the paper published last time"
    assert sorted(p.name for p in previous.iterdir()) == ["paper.html"]
    assert (out / ".failed" / MONTH / "01_summary.ipynb").exists()


@pytest.mark.slow
def test_a_render_that_fails_leaves_no_half_written_folder(tmp_path, demo_data, monkeypatch):
    # the PDF fails while pandoc is still writing the Word copy into the run's folder:
    # the run waits for it before removing the folder, so nothing is left behind
    from sendlib.render import docx
    from sendlib.render.pdf import PdfProcess

    folder_there = []

    def slow_word_copy(page, target, *_):
        time.sleep(1.0)
        folder_there.append(Path(target).parent.is_dir())
        if folder_there[-1]:
            Path(target).write_bytes(b"late")

    def failing_finish(self):
        raise RenderError("could not merge the PDF paper: on purpose")

    monkeypatch.setattr(docx, "_convert", slow_word_copy)
    monkeypatch.setattr(PdfProcess, "finish", failing_finish)
    out = tmp_path / "out"
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    result = run_cli(demo_data, out, books, "--month", MONTH)
    assert result.exit_code == 4, result.output
    assert "on purpose" in result.output
    assert folder_there == [True]  # the folder was removed only once pandoc had ended
    assert [p.name for p in out.iterdir() if p.name.startswith(f".{MONTH}")] == []
    assert not (out / MONTH).exists()


@pytest.mark.slow
def test_bad_data_exits_1_with_the_findings(tmp_path, tiny):
    from helpers import write_tables

    tiny["plans"][0]["start_date"] = "2025-13-01"
    data = write_tables(tmp_path / "d", tiny)
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    result = run_cli(data, tmp_path / "o", books, "--month", MONTH)
    assert result.exit_code == 1
    assert "plans.csv" in result.output and "start_date" in result.output


@pytest.mark.slow
def test_narrative_survives_a_rerender(tmp_path, demo_data):
    params = params_dir(tmp_path)
    note = params / "narrative" / MONTH / "summary.md"
    note.parent.mkdir(parents=True)
    note.write_text("Our commentary: demand for assessments stays high.\n\nA second point.\n")
    before = hashlib.sha256(note.read_bytes()).hexdigest()
    books = notebook_dir(tmp_path, **{"00_cover": "00_cover", "01_summary": "01_summary"})
    out = tmp_path / "out"
    for _ in range(2):
        result = run_cli(demo_data, out, books, "--month", MONTH, params=params)
        assert result.exit_code == 0, result.output
        paper = (out / MONTH / "paper.html").read_text()
        assert "Our commentary: demand for assessments stays high." in paper
        assert re.search(r'<span class="para-no">1\.\d+</span>A second point\.', paper)
    assert hashlib.sha256(note.read_bytes()).hexdigest() == before
    assert not list((out / MONTH).glob("*.ipynb"))  # executed notebooks stay out of it


def test_quarto_command_and_missing_quarto(tmp_path, monkeypatch):
    commands = quarto_commands(tmp_path / "paper.ipynb", tmp_path / "out")
    assert commands[0][:4] == ["quarto", "render", str(tmp_path / "paper.ipynb"), "--to"]
    assert commands[0][4] == "html" and commands[1][4] == "typst"
    assert "--output-dir" in commands[0]
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match="needs the 'quarto' command on PATH"):
        render_quarto(tmp_path / "paper.ipynb", tmp_path / "out")


@pytest.mark.slow
def test_quarto_renderer_without_quarto_exits_4(tmp_path, demo_data, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    books = notebook_dir(tmp_path, **{"00_cover": "ok"})
    out = tmp_path / "out"
    result = run_cli(demo_data, out, books, "--month", MONTH, "--renderer", "quarto")
    assert result.exit_code == 4  # rendering failed
    assert "quarto" in result.output
    assert not (out / MONTH).exists()


def test_a_state_file_cut_short_means_the_notebooks_run_again(tmp_path):
    # state.json is written atomically now; one cut short by an older version is not a bug
    from sendlib.ops.request import RunRequest
    from sendlib.ops.runner import SCORECARD_FILES, _Run

    request = RunRequest(month="2025-06", out=tmp_path, narrative_only=True)
    (request.work / "executed").mkdir(parents=True)
    (request.work / "scorecard").mkdir()
    (request.work / "scorecard" / SCORECARD_FILES[-1]).write_bytes(b"x")
    (request.work / "state.json").write_text('{"run": {"mon')
    assert _Run(request, lambda *_: None).reusable({"run": {}}, []) is False
