"""Where sendlib's worker processes come from: a fork server, never a plain fork.

A process that has threads running (pyarrow's pools, a thread writing the workbook) must
not be forked: the child can inherit a lock held by a thread that does not exist in it,
and hang now and then. So notebook and PDF workers are forked from a fork server — a
fresh, single-threaded process started once per run — that has loaded what they need.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from multiprocessing.context import ForkServerContext

#: what the fork server loads once, by the work its workers do, so that each worker
#: starts with it (papermill alone takes 2 s to import: a run that renders only the PDF
#: does not wait for it)
PRELOAD = {
    "notebooks": ("papermill", "sendlib.ops.kernels"),
    "pdf": ("sendlib.render.weasy", "sendlib.render.pdf", "sendlib.render.pdfmerge"),
}


def fork_server(*work: str) -> ForkServerContext:
    """The multiprocessing context of sendlib's worker processes. The fork server starts
    with the first pool of a process and loads what ``work`` needs (every kind when none
    is named); workers of a kind it did not load import it themselves."""
    context = multiprocessing.get_context("forkserver")
    modules = ["sendlib"] + [m for kind in (work or PRELOAD) for m in PRELOAD[kind]]
    context.set_forkserver_preload(modules)
    return context


def start_fork_server(*work: str) -> None:
    """Start the fork server now, loading what ``work`` needs, without waiting for it:
    its imports then overlap with the caller's (the first pool does not wait as long)."""
    from multiprocessing import forkserver

    fork_server(*work)
    forkserver.ensure_running()


def in_background(nice: int = 10) -> None:
    """Make the calling thread, and the processes it starts, yield the CPU to the rest of
    the run (on Linux, where a thread has a priority of its own; elsewhere nothing): for
    side work done while the run waits on its PDF workers."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
