"""paper.pdf: WeasyPrint's tagged PDF/UA, rendered in a process of its own.

WeasyPrint's import and font set-up take about a second. A run starts the PDF process
before it stitches the paper, so that second overlaps the stitching and the HTML render
(``with PdfProcess() as pdf: … pdf.render(page_html, target, title)``).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import resources
from pathlib import Path


class RenderError(Exception):
    """The paper could not be rendered (exit code 2)."""


def render_pdf(page_html: str, target: Path, title: str) -> None:
    """paper.pdf from the HTML: tagged PDF/UA with title, language and bookmarks."""
    try:
        from weasyprint import HTML

        document = HTML(string=page_html, base_url=str(target.parent)).render()
        document.metadata.title = title
        document.metadata.lang = "en-GB"
        document.write_pdf(target, pdf_variant="pdf/ua-1", pdf_tags=True)
    except Exception as exc:
        raise RenderError(f"could not render the PDF paper: {exc}") from None


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the paper's styles (fonts loaded)."""
    from weasyprint import HTML

    css = resources.files("sendlib").joinpath("paper.css").read_text(encoding="utf-8")
    HTML(string=f"<style>{css}</style><h1>SEND</h1><p>1,234 ▲</p>").render()


class PdfProcess:
    """One WeasyPrint process, warmed up as soon as it is entered (unless ``warm`` is
    false: then the process starts only if a PDF is asked for)."""

    def __init__(self, warm: bool = True) -> None:
        self.warm = warm

    def __enter__(self) -> PdfProcess:
        # fork: the child needs nothing from the parent but this module, at once
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        if self.warm:
            self._pool.submit(warm_up)
        self._job: Future | None = None
        return self

    def start(self, page_html: str, target: Path, title: str) -> None:
        """Start rendering ``target`` (``finish`` waits for it)."""
        try:
            self._job = self._pool.submit(render_pdf, page_html, target, title)
        except BrokenProcessPool as exc:
            raise RenderError(f"the PDF renderer stopped unexpectedly: {exc}") from None

    def finish(self) -> None:
        """Wait for the PDF; raises RenderError if it could not be rendered."""
        if self._job is None:
            return
        try:
            self._job.result()
        except BrokenProcessPool as exc:
            raise RenderError(f"the PDF renderer stopped unexpectedly: {exc}") from None

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
