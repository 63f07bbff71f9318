"""Errors found, kept and labelled: a renderer's failure is a RenderError (exit 4) and a bug
in sendlib is not; subprocesses have timeouts; a binary file is one finding, never a
traceback; a worker pool that cannot start is one clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sendlib.render.errors import RenderError, raised_by_renderer


def _raised_in(filename: str, error: type[Exception]) -> BaseException:
    code = compile(f"raise {error.__name__}('inside')", filename, "exec")
    try:
        exec(code)
    except error as exc:
        return exc
    raise AssertionError("not raised")


def test_an_error_inside_weasyprint_is_a_render_error_and_sendlibs_own_is_not():
    import weasyprint

    inside = str(Path(weasyprint.__file__).parent / "layout" / "block.py")
    assert raised_by_renderer(_raised_in(inside, KeyError))
    assert raised_by_renderer(_raised_in("/x/y.py", OSError))  # the paper not written
    ours = str(Path(__file__).parents[1] / "src" / "sendlib" / "render" / "pdf.py")
    assert not raised_by_renderer(_raised_in(ours, KeyError))


def test_a_bug_while_laying_out_the_pdf_is_not_reported_as_rendering(tmp_path, monkeypatch):
    from sendlib.render import pdf, weasy

    def buggy(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'start'")

    monkeypatch.setattr(weasy, "HTML", buggy)
    with pytest.raises(AttributeError):
        pdf.render_pdf("<p>x</p>", tmp_path / "p.pdf", "t")


def test_pandoc_that_hangs_is_stopped_and_reported(tmp_path, monkeypatch):
    import pandas as pd

    from sendlib.render import docx

    fake = tmp_path / "pandoc"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr("pypandoc.get_pandoc_path", lambda: str(fake))
    monkeypatch.setattr(docx, "PANDOC_TIMEOUT", 1)
    with pytest.raises(RenderError, match="did not finish in 1 s"):
        docx.render_docx("<p>x</p>", tmp_path / "p.docx", pd.Period("2025-06", freq="M"))


def test_quarto_that_hangs_is_stopped_and_reported(tmp_path, monkeypatch):
    from sendlib.render import quarto

    fake = tmp_path / "quarto"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setattr(quarto, "TIMEOUT", 1)
    with pytest.raises(RenderError, match="did not finish in 1 s"):
        quarto.render_quarto(tmp_path / "paper.ipynb", tmp_path)


def test_a_binary_file_is_one_finding_and_no_traceback(tmp_path, tiny_dir):
    import random

    (tiny_dir / "reviews.csv").write_bytes(
        b"plan_id,review_meeting_date\n" + random.Random(5).randbytes(3000)
    )
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
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "Exception ignored" not in done.stderr
    assert "reviews.csv" in done.stdout and "not UTF-8 or Windows-1252" in done.stdout


def test_worker_processes_that_cannot_start_are_one_clear_message(monkeypatch):
    from sendlib.ops import engines
    from sendlib.ops.request import RunError

    def cannot(*args, **kwargs):
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(engines, "worker_pool", cannot)
    monkeypatch.setattr(engines.zygote, "spawn", lambda *a: None)
    with (
        engines.Engines(1, notebooks=True, pdf=False) as started,
        pytest.raises(RunError, match="could not start its worker processes: OSError"),
    ):
        started.notebook_pool()
