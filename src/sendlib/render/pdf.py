"""paper.pdf: WeasyPrint's tagged PDF/UA, laid out part by part in worker processes.

Each section of the printed paper starts on a new page, so the paper comes in parts
(``sendlib.render.html.Page.parts``) that are rendered in parallel and merged into one
tagged PDF (``sendlib.render.pdfmerge``). Rendered parts are kept in a cache folder under
the name of their content: when an analyst edits one section's narrative, only that part
is laid out again. The parts carry no footers; the footers (title, ``Page i of n``) are a
small PDF of their own, laid over the merged pages as artifacts, so no part depends on
another's page count. A worker merges the parts as soon as the last is laid out
(``assemble``), while the run's own process finishes its other work.

The workers come from a fork server (a clean, single-threaded process that has WeasyPrint
loaded) — never forked from the run itself, which has threads going by then — and warm up
(fonts) when the process pool is entered, while the run stitches the paper and renders
its HTML: ``with PdfProcess() as pdf: … pdf.start(page, target, cache) … pdf.finish()``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sendlib.files import atomic_output
from sendlib.render.errors import RenderError, raised_by_renderer
from sendlib.render.pdfparts import footer_page, footer_shell, owners, part_page
from sendlib.workers import fork_server, lower_priority

if TYPE_CHECKING:  # the PDF workers load this module: not the HTML renderer
    from sendlib.render.html import Page, Part

__all__ = ["PdfProcess", "RenderError", "render_pdf"]


def render_pdf(page_html: str, target: Path, title: str) -> int:
    """A tagged PDF/UA (title, language, bookmarks) of a page; returns its page count."""
    try:
        from sendlib.render.weasy import HTML

        document = HTML(string=page_html, base_url=str(target.parent)).render()
        document.metadata.title = title
        document.metadata.lang = "en-GB"
        with atomic_output(target) as partial:  # a cached part is never half written
            document.write_pdf(partial, pdf_variant="pdf/ua-1", pdf_tags=True)
        return len(document.pages)
    except Exception as exc:  # WeasyPrint's layout and font errors share no base class
        if not raised_by_renderer(exc):
            raise  # a bug in sendlib, not a rendering failure
        raise RenderError(f"could not render the PDF paper: {exc}") from exc


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the paper's styles (fonts loaded)."""
    from sendlib.render.weasy import HTML

    css = resources.files("sendlib.render").joinpath("paper.css").read_text(encoding="utf-8")
    HTML(string=f"<style>{css}</style><h1>SEND</h1><p>1,234 ▲</p>").render()


def assemble(
    paths: list[Path],
    owners: dict[str, int],
    shell: tuple[str, str],
    title: str,
    cache: Path,
    target: Path,
    render: Callable[[str, Path, str], int] = render_pdf,
) -> str:
    """Merge the parts, lay the footers over (drawn once per shape of paper and kept in
    ``cache``) and write ``target``; returns the footers' file name. Run in a PDF worker,
    so the run's own process goes on meanwhile."""
    import pikepdf

    from sendlib.render import pdfmerge

    try:
        paper = pdfmerge.merge(paths, owners)
    except (pikepdf.PdfError, OSError, ValueError, KeyError) as exc:
        if not (isinstance(exc, pikepdf.PdfError) or raised_by_renderer(exc)):
            raise
        raise RenderError(f"could not merge the PDF paper: {exc}") from exc
    landscape = [float(p.mediabox[2]) > float(p.mediabox[3]) for p in paper.pages]
    footers = cache / f"footers-{_digest(*shell, title, landscape)}.pdf"
    if not footers.exists():
        render(footer_page(shell, landscape), footers, title)
    try:
        pdfmerge.add_footers(paper, footers)
        pdfmerge.save(paper, target)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        if not (isinstance(exc, pikepdf.PdfError) or raised_by_renderer(exc)):
            raise
        raise RenderError(f"could not write the PDF paper: {exc}") from exc
    return footers.name


@dataclass
class _Job:
    page: Page
    target: Path
    cache: Path
    paths: list[Path]
    running: dict[int, Future]
    assembled: Future | None = None
    failed: BaseException | None = None
    waiting: threading.Thread | None = None


class PdfProcess:
    """WeasyPrint worker processes (one per core), warmed up as soon as entered: all of
    them, or ``warm`` of them (0: they start only if a PDF is asked for; a re-render that
    lays out one part again needs one warm worker, and the others would only take CPU
    from the run). More start on demand."""

    def __init__(
        self,
        warm: bool | int = True,
        workers: int | None = None,
        render: Callable[[str, Path, str], int] = render_pdf,
    ) -> None:
        self.warm = warm
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.render = render  # a module-level function: it is sent to the workers by name

    def __enter__(self) -> PdfProcess:
        warm = self.workers if self.warm is True else min(int(self.warm), self.workers)
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=fork_server("pdf"),
            # warmed with the run, they yield the CPU to its HTML render; started for a
            # re-render, the part they lay out is what the run waits for
            initializer=lower_priority,
            initargs=(10 if warm else 0,),
        )
        for _ in range(warm):
            self._pool.submit(warm_up)
        self._job: _Job | None = None
        self.rendered = 0  # parts laid out and drawn by the last render (0: all cached)
        return self

    def start(self, page: Page, target: Path, cache: Path, code: str = "") -> None:
        """Start rendering ``target``; ``finish`` waits for it. The parts are laid out in
        the workers, and a worker merges them as soon as they are (the run's process is
        free meanwhile). ``code`` identifies the renderer's code: a part is re-used only
        by the same code."""
        cache.mkdir(parents=True, exist_ok=True)
        style = _digest(*page.shell(), page.title, code)
        parts = page.parts
        paths = [cache / f"{part.digest}-{style}.pdf" for part in parts]
        running = {
            i: self._submit(self.render, part_page(page, parts[i]), paths[i], page.title)
            for i in _largest_first(parts)
            if not paths[i].exists()
        }
        job = self._job = _Job(page, target, cache, paths, running)
        job.waiting = threading.Thread(
            target=self._assemble_after_parts,
            args=(job, owners(parts), footer_shell(page)),
            name="sendlib-pdf-merge",
            daemon=True,
        )
        job.waiting.start()

    def _assemble_after_parts(
        self, job: _Job, anchors: dict[str, int], shell: tuple[str, str]
    ) -> None:
        try:
            for future in job.running.values():
                self._wait(future)
            job.assembled = self._submit(
                assemble,
                job.paths,
                anchors,
                shell,
                job.page.title,
                job.cache,
                job.target,
                self.render,
            )
        except BaseException as exc:  # handed to finish(), which raises it
            job.failed = exc

    def finish(self) -> None:
        """Wait for the paper's PDF to be written (see ``start``)."""
        job = self._job
        if job is None:
            return
        job.waiting.join()
        if job.failed is not None:
            raise job.failed
        footers = self._wait(job.assembled)
        self.rendered = len(job.running)
        keep = {p.name for p in job.paths} | {footers}
        for old in job.cache.glob("*.pdf"):  # parts of earlier drafts
            if old.name not in keep:
                old.unlink(missing_ok=True)

    def settle(self) -> None:
        """Let a started render end, its outcome dropped (a run that stopped waits for it
        before removing the folder it writes into)."""
        job, self._job = self._job, None
        if job is None:
            return
        job.waiting.join()
        if job.assembled is not None:
            with contextlib.suppress(Exception):
                job.assembled.result()

    def _submit(self, fn, *args) -> Future:
        try:
            return self._pool.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise RenderError(f"the PDF renderer stopped unexpectedly: {exc}") from exc

    @staticmethod
    def _wait(future: Future):
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise RenderError(f"the PDF renderer stopped unexpectedly: {exc}") from exc

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _largest_first(parts: list[Part]) -> list[int]:
    """Part numbers, longest first: the long ones start first on the workers."""
    return sorted(range(len(parts)), key=lambda i: -len(parts[i].body))


def _digest(*items) -> str:
    return hashlib.sha256(repr(items).encode()).hexdigest()[:16]
