"""The processes a paper's run needs, started as the run begins so that they are warm
by the time they are needed: the kernels' zygote (``zygote``), the notebook workers and
the PDF workers. While the main process checks the data and prepares the paper data,
they import what they need on the other cores.
"""

from __future__ import annotations

import importlib
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sendlib.ops import runtime, zygote
from sendlib.ops.execute import worker_pool
from sendlib.ops.request import RunError
from sendlib.render.pdf import PdfProcess
from sendlib.workers import portable


def _import_html() -> None:
    """Import what renders the paper's HTML, ahead of the render."""
    import nbconvert  # noqa: F401


def _ready(*modules: str) -> None:
    """A task that makes a worker start (its imports come from the fork server) and
    import what the sections will hand it (``Section.preload``)."""
    for module in modules:
        importlib.import_module(module)


class Engines:
    """``with Engines(workers, notebooks=…, pdf=…) as engines:`` — ``notebook_pool()``
    once the notebooks are to run, ``pdf`` for the render. ``notebooks`` is false for a
    run that re-uses executed notebooks; ``pdf`` false for a preview or Quarto."""

    def __init__(
        self,
        workers: int,
        notebooks: bool,
        pdf: bool,
        preload: tuple[str, ...] = (),
        kernel_preload: tuple[str, ...] = (),
    ):
        self.workers = workers
        self.preload = preload
        self.notebooks = notebooks
        self.wants_pdf = pdf
        if pdf and notebooks:  # nbconvert loads while the run checks its inputs (a run
            # that re-uses its notebooks finds their HTML in the cache: no nbconvert)
            threading.Thread(target=_import_html, name="sendlib-html", daemon=True).start()
        # the run's private folder for its sockets (none on the portable path: TCP)
        self.runtime = runtime.make_private() if notebooks and not portable() else None
        self._zygote = (  # importing, besides its own, what the notebooks import
            zygote.spawn(self.runtime, kernel_preload) if self.runtime is not None else None
        )
        self._pool: ProcessPoolExecutor | None = None
        self._pdf: PdfProcess | None = None
        self._failed: BaseException | None = None  # why the workers could not start
        # starting workers waits for the fork server's imports: not on the main thread
        self._starting = threading.Thread(
            target=self._start, args=(notebooks, pdf), name="sendlib-engines", daemon=True
        )
        self._starting.start()

    def _environment(self) -> dict[str, str]:
        """What the notebook workers (and their kernels) are told: the private folder,
        and the zygote's address and token."""
        env = {runtime.ENV: str(self.runtime)} if self.runtime is not None else {}
        return {**env, **(self._zygote.environment() if self._zygote else {})}

    def _start(self, notebooks: bool, pdf: bool) -> None:
        try:
            if notebooks:
                self._pool = worker_pool(self.workers, self._environment(), pdf=pdf)
                for _ in range(self.workers):
                    self._pool.submit(_ready, *self.preload)
            if pdf:
                # a run that re-uses its notebooks lays out only the edited parts: a worker
                # warming up would only be busy when the first part comes (a part lays out
                # as fast in a fresh worker), so none is started before it is needed
                self._pdf = PdfProcess(warm=True if notebooks else 0).__enter__()
        except Exception as exc:  # raised, with what failed, where the workers are needed
            self._failed = exc

    def _started(self) -> None:
        self._starting.join()
        if self._failed is not None:
            exc = self._failed
            raise RunError(
                f"sendlib could not start its worker processes: {type(exc).__name__}: {exc} "
                "(is the machine out of memory or processes? SENDLIB_PORTABLE=1 starts them "
                "the portable way)"
            ) from exc

    @property
    def pdf(self) -> PdfProcess | None:
        """The PDF workers (None when the run renders no PDF)."""
        self._started()
        return self._pdf

    def notebook_pool(self) -> tuple[ProcessPoolExecutor, Path | None]:
        """The notebook workers, and where the zygote listens once it is ready (None if
        it could not start: kernels then start the ordinary way)."""
        self._started()
        if self._pool is None:
            self._pool = worker_pool(self.workers, self._environment(), pdf=self.wants_pdf)
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
        try:
            self._starting.join()
            self.notebooks_done()
            if self._pdf is not None:
                self._pdf.__exit__(*exc_info)
                self._pdf = None
        finally:
            runtime.remove(self.runtime)
            self.runtime = None
