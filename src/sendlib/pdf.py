"""paper.pdf: WeasyPrint's tagged PDF/UA, laid out part by part in worker processes.

Each section of the printed paper starts on a new page, so the paper is split into parts
(``sendlib.pdfparts``) that are rendered in parallel and merged into one tagged PDF
(``sendlib.pdfmerge``). Rendered parts are kept in a cache folder under the name of
their content and page numbers: when an analyst edits one section's narrative, only that
part is laid out again. Footers carry the paper's page numbers, so a part's page count
must be known before it is rendered: it is taken from the last render of the same part
(or of the section), and otherwise measured first; a part whose count turns out
different makes the parts after it render again.

The workers are forked and warmed up (WeasyPrint import, fonts) when the process pool
is entered, while the run stitches the paper and renders its HTML:
``with PdfProcess() as pdf: … pdf.start(page_html, target, title, cache) … pdf.finish()``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sendlib.manifest import code_hash
from sendlib.pdfparts import Part, owners, part_page, split

#: a part whose layout was not yet measured is rendered again at most this often
ROUNDS = 3


class RenderError(Exception):
    """The paper could not be rendered (exit code 2)."""


def render_pdf(page_html: str, target: Path, title: str) -> int:
    """A tagged PDF/UA (title, language, bookmarks) of a page; returns its page count."""
    try:
        from weasyprint import HTML

        document = HTML(string=page_html, base_url=str(target.parent)).render()
        document.metadata.title = title
        document.metadata.lang = "en-GB"
        partial = target.with_name(f".{target.name}.partial")
        document.write_pdf(partial, pdf_variant="pdf/ua-1", pdf_tags=True)
        partial.replace(target)  # a cached part is never half written
        return len(document.pages)
    except Exception as exc:
        raise RenderError(f"could not render the PDF paper: {exc}") from None


def count_pages(page_html: str) -> int:
    """How many pages a page lays out to (nothing drawn or written)."""
    try:
        from weasyprint import HTML

        return len(HTML(string=page_html).render().pages)
    except Exception as exc:
        raise RenderError(f"could not lay out the PDF paper: {exc}") from None


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the paper's styles (fonts loaded)."""
    from weasyprint import HTML

    css = resources.files("sendlib").joinpath("paper.css").read_text(encoding="utf-8")
    HTML(string=f"<style>{css}</style><h1>SEND</h1><p>1,234 ▲</p>").render()


@dataclass
class _Job:
    head: str
    parts: list[Part]
    tail: str
    target: Path
    title: str
    cache: Path
    counts: dict[int, Future | int] = field(default_factory=dict)


class PdfProcess:
    """WeasyPrint worker processes (one per core), warmed up as soon as entered (unless
    ``warm`` is false: then they start only if a PDF is asked for)."""

    def __init__(self, warm: bool = True, workers: int | None = None) -> None:
        self.warm = warm
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))

    def __enter__(self) -> PdfProcess:
        # fork: the children need nothing from the parent but this module, at once
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("fork")
        )
        if self.warm:
            for _ in range(self.workers):
                self._pool.submit(warm_up)
        self._job: _Job | None = None
        self.rendered = 0  # parts laid out and drawn by the last render (0: all cached)
        return self

    def start(self, page_html: str, target: Path, title: str, cache: Path) -> None:
        """Start rendering ``target``; ``finish`` waits for it and writes the file."""
        head, parts, tail = split(page_html)
        cache.mkdir(parents=True, exist_ok=True)
        job = _Job(head, parts, tail, target, title, cache)
        known = _read_index(cache)
        for i in _largest_first(parts):
            part = parts[i]
            guess = known["parts"].get(part.digest) or known["sections"].get(part.name)
            job.counts[i] = guess if guess else self._submit(count_pages, self._page(job, i))
        self._job = job

    def finish(self) -> None:
        """Wait for the parts, render those not cached, and merge them into the target."""
        job = self._job
        if job is None:
            return
        counts = {i: c if isinstance(c, int) else self._wait(c) for i, c in job.counts.items()}
        self.rendered = 0
        for _ in range(ROUNDS):
            paths, running = self._render_missing(job, counts)
            actual = {i: self._wait(future) for i, future in running.items()}
            self.rendered += len(running)
            if all(actual[i] == counts[i] for i in actual):
                break
            counts.update(actual)
        else:
            raise RenderError("the PDF's page count did not settle; please report this")
        from sendlib.pdfmerge import merge

        try:
            merge(paths, owners(job.parts), job.target)
        except Exception as exc:
            raise RenderError(f"could not merge the PDF paper: {exc}") from None
        _write_index(job.cache, job.parts, counts, keep={p.name for p in paths})

    def _page(self, job: _Job, i: int, first: int = 1, pages: int = 0) -> str:
        return part_page(job.head, job.parts[i], job.tail, first, pages, job.title)

    def _render_missing(self, job: _Job, counts: dict[int, int]):
        total = sum(counts.values())
        firsts = [1 + sum(counts[j] for j in range(i)) for i in range(len(job.parts))]
        style = hashlib.sha256(
            (job.head + job.tail + job.title + code_hash()).encode()
        ).hexdigest()[:12]
        paths = [
            job.cache / f"{part.digest}-{style}-{firsts[i]}-{total}.pdf"
            for i, part in enumerate(job.parts)
        ]
        running = {
            i: self._submit(render_pdf, self._page(job, i, firsts[i], total), paths[i], job.title)
            for i in _largest_first(job.parts)
            if not paths[i].exists()
        }
        return paths, running

    def _submit(self, fn, *args) -> Future:
        try:
            return self._pool.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise RenderError(f"the PDF renderer stopped unexpectedly: {exc}") from None

    @staticmethod
    def _wait(future: Future):
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise RenderError(f"the PDF renderer stopped unexpectedly: {exc}") from None

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _largest_first(parts: list[Part]) -> list[int]:
    """Part numbers, longest first: the long ones start first on the workers."""
    return sorted(range(len(parts)), key=lambda i: -len(parts[i].body))


def _read_index(cache: Path) -> dict[str, dict[str, int]]:
    try:
        known = json.loads((cache / "index.json").read_text())
        return {"parts": dict(known["parts"]), "sections": dict(known["sections"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {"parts": {}, "sections": {}}


def _write_index(cache: Path, parts: list[Part], counts: dict[int, int], keep: set[str]) -> None:
    """Page counts of the parts just rendered; part PDFs no longer used are removed."""
    index = {
        "parts": {part.digest: counts[i] for i, part in enumerate(parts)},
        "sections": {part.name: counts[i] for i, part in enumerate(parts)},
    }
    (cache / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True))
    for old in cache.glob("*.pdf"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
