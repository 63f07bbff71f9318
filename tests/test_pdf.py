"""The PDF process: renders tagged PDF/UA, and any failure is a RenderError (exit code 2)."""

from __future__ import annotations

import os

import pytest
from pypdf import PdfReader

from sendlib import pdf
from sendlib.pdf import PdfProcess, RenderError

PAGE = (
    '<html lang="en-GB"><head><title>T</title></head><body><h1>Paper</h1><p>Text</p></body></html>'
)


def test_renders_a_tagged_pdf(tmp_path):
    with PdfProcess() as process:
        process.start(PAGE, tmp_path / "paper.pdf", "A title")
        process.finish()
    reader = PdfReader(tmp_path / "paper.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == "A title"
    assert "Paper" in reader.pages[0].extract_text()


def test_a_pdf_that_cannot_be_written_is_a_render_error(tmp_path):
    with PdfProcess() as process:
        process.start(PAGE, tmp_path / "missing" / "paper.pdf", "A title")
        with pytest.raises(RenderError, match="could not render the PDF paper"):
            process.finish()


def _crash(*args) -> None:
    os._exit(1)


def test_a_crashed_renderer_is_a_render_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "render_pdf", _crash)  # the forked process inherits it
    with PdfProcess(warm=False) as process:
        process.start(PAGE, tmp_path / "paper.pdf", "A title")
        with pytest.raises(RenderError, match="stopped unexpectedly"):
            process.finish()


def test_nothing_to_wait_for_without_a_pdf():
    with PdfProcess(warm=False) as process:
        process.finish()
