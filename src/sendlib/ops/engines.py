"""The processes a paper's run needs, started as the run begins so that they are warm
by the time they are needed: the kernels' zygote (``zygote``), the notebook workers and
the PDF workers. While the main process checks the data and prepares the paper data,
they import what they need on the other cores.
"""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sendlib.ops import zygote
from sendlib.ops.execute import worker_pool
from sendlib.render.pdf import PdfProcess


def _import_html() -> None:
    """Import what renders the paper's HTML, ahead of the render."""
    import nbconvert  # noqa: F401


def _ready() -> None:
    """A task that only makes a worker start (its imports come from the fork server)."""


class Engines:
    """``with Engines(workers, notebooks=…, pdf=…) as engines:`` — ``notebook_pool()``
    once the notebooks are to run, ``pdf`` for the render. ``notebooks`` is false for a
    run that re-uses executed notebooks; ``pdf`` false for a preview or Quarto."""

    def __init__(self, workers: int, notebooks: bool, pdf: bool):
        self.workers = workers
        self.notebooks = notebooks
        self.wants_pdf = pdf
        if pdf and notebooks:  # nbconvert loads while the run checks its inputs (a run
            # that re-uses its notebooks finds their HTML in the cache: no nbconvert)
            threading.Thread(target=_import_html, name="sendlib-html", daemon=True).start()
        self._zygote = zygote.spawn() if notebooks else None
        self._pool: ProcessPoolExecutor | None = None
        self._pdf: PdfProcess | None = None
        # starting workers waits for the fork server's imports: not on the main thread
        self._starting = threading.Thread(
            target=self._start, args=(notebooks, pdf), name="sendlib-engines", daemon=True
        )
        self._starting.start()

    def _start(self, notebooks: bool, pdf: bool) -> None:
        if notebooks:
            env = {zygote.ENV: str(self._zygote.path)} if self._zygote else None
            self._pool = worker_pool(self.workers, env, pdf=pdf)
            for _ in range(self.workers):
                self._pool.submit(_ready)
        if pdf:
            # a run that re-uses its notebooks lays out only the edited parts: a worker
            # warming up would only be busy when the first part comes (a part lays out
            # as fast in a fresh worker), so none is started before it is needed
            self._pdf = PdfProcess(warm=True if notebooks else 0).__enter__()

    @property
    def pdf(self) -> PdfProcess | None:
        """The PDF workers (None when the run renders no PDF)."""
        self._starting.join()
        return self._pdf

    def notebook_pool(self) -> tuple[ProcessPoolExecutor, Path | None]:
        """The notebook workers, and where the zygote listens once it is ready (None if
        it could not start: kernels then start the ordinary way)."""
        self._starting.join()
        if self._pool is None:
            self._pool = worker_pool(self.workers, pdf=self.wants_pdf)
        ready = self._zygote.ready() if self._zygote is not None else None
        return self._pool, ready.path if ready is not None else None

    def notebooks_done(self) -> None:
        """Free the notebook workers and the zygote (the render needs the memory)."""
        if not self.notebooks and self._pool is None:
            return  # nothing to free: the PDF workers may go on starting meanwhile
        self._starting.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._zygote is not None:
            self._zygote.stop()
            self._zygote = None

    def __enter__(self) -> Engines:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.notebooks_done()
        if self._pdf is not None:
            self._pdf.__exit__(*exc_info)
            self._pdf = None
