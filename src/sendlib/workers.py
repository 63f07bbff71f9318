"""Where sendlib's worker processes come from: a fork server, never a plain fork.

A process that has threads running (pyarrow's pools, a thread writing the workbook) must
not be forked: the child can inherit a lock held by a thread that does not exist in it,
and hang now and then. So notebook and PDF workers are forked from a fork server — a
fresh, single-threaded process started once per run — that has loaded what they need.
Loading is not enough to stay single-threaded: pyarrow's jemalloc starts a background
thread when it is loaded, and OpenBLAS a pool of threads, so the fork server and the
kernels' zygote start with both turned off (``FORK_SAFE_ENV``), and each fork they make
is checked to be of a process with one thread (``assert_single_threaded``).

**The portable path.** Where the system lacks what this needs — ``fork``, Unix sockets,
``fcntl`` locks, ``pidfd`` (Windows, macOS) — or ``SENDLIB_PORTABLE=1`` asks for it,
workers are spawned (a fresh interpreter each), kernels are plain kernels over TCP (with
the kernel-start retry), and month locks are ``filelock``'s (``portable()``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from multiprocessing.context import BaseContext

#: what the fork server loads once, by the work its workers do, so that each worker
#: starts with it (papermill alone takes 2 s to import: a run that renders only the PDF
#: does not wait for it)
PRELOAD = {
    "notebooks": ("papermill", "sendlib.ops.kernels"),
    "pdf": ("sendlib.render.weasy", "sendlib.render.pdf", "sendlib.render.pdfmerge"),
}

#: set in the environment of every process that forks (the fork server, the zygote):
#: pyarrow's bundled jemalloc (prefix ``je_arrow_``) without its background thread, and
#: OpenBLAS without its thread pool
FORK_SAFE_ENV = {"JE_ARROW_MALLOC_CONF": "background_thread:false", "OPENBLAS_NUM_THREADS": "1"}

#: secrets no kernel, worker or notebook server is given (any notebook could read them)
SECRETS = ("SENDLIB_ID_KEY",)

PORTABLE_ENV = "SENDLIB_PORTABLE"


def without_secrets(environ: dict[str, str] | os._Environ) -> dict[str, str]:
    """An environment for a kernel, a worker or JupyterLab: the id key left out."""
    return {k: v for k, v in environ.items() if k not in SECRETS}


def portable() -> bool:
    """Whether to take the portable path: asked for (``SENDLIB_PORTABLE=1``) or needed
    (no fork, Unix sockets, fcntl or pidfd on this system)."""
    if os.environ.get(PORTABLE_ENV, "") not in ("", "0"):
        return True
    import socket

    try:
        import fcntl  # noqa: F401
    except ImportError:
        return True
    return not (
        hasattr(os, "fork")
        and hasattr(socket, "AF_UNIX")
        and hasattr(os, "pidfd_open")
        and "forkserver" in multiprocessing.get_all_start_methods()
    )


def cpu_count() -> int:
    """The cores this process may use (its affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def threads() -> int | None:
    """How many threads this process has (None where the system does not say)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


class ThreadedFork(RuntimeError):  # noqa: N818 - the name says what happened
    """A fork was about to copy a process that has more than one thread."""


def assert_single_threaded(what: str) -> None:
    """Raise ``ThreadedFork`` unless this process has exactly one thread (checked in
    ``/proc/self/task``; where there is no /proc, nothing can be checked)."""
    count = threads()
    if count is not None and count != 1:
        names = []
        with contextlib.suppress(OSError):
            for task in sorted(os.listdir("/proc/self/task")):
                with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as comm:
                    names.append(comm.read().strip())
        raise ThreadedFork(
            f"{what}: would fork a process with {count} threads ({', '.join(names)}); "
            "a forked child can inherit a lock held by a thread it does not have"
        )


def _guard_forkserver() -> None:
    """In the fork server (this module is its first preload): every fork it makes is
    checked first, and jsonschema skips rfc3987_syntax. Nothing is changed in any other
    process."""
    from multiprocessing import forkserver

    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "main" and code.co_filename == forkserver.__file__:
            break
        frame = frame.f_back
    else:
        return
    from sendlib.startup import as_sendlib_process

    as_sendlib_process()  # before papermill's import (rfc3987_syntax skipped): seconds each
    fork = os.fork

    def checked_fork() -> int:
        assert_single_threaded("the fork server")
        return fork()

    os.fork = checked_fork


_guard_forkserver()


def fork_server(*work: str) -> BaseContext:
    """The multiprocessing context of sendlib's worker processes. The fork server starts
    with the first pool of a process and loads what ``work`` needs (every kind when none
    is named); workers of a kind it did not load import it themselves. On the portable
    path: spawned workers."""
    if portable():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    modules = ["sendlib.workers"] + [m for kind in (work or PRELOAD) for m in PRELOAD[kind]]
    context.set_forkserver_preload(modules)
    _ensure_running()
    return context


_starting = threading.Lock()


def _ensure_running() -> None:
    """Start the fork server (if it is not running) with ``FORK_SAFE_ENV``: it inherits
    this process's environment, which is changed only while it starts."""
    from multiprocessing import forkserver

    with _starting:
        saved = {name: os.environ.get(name) for name in FORK_SAFE_ENV}
        os.environ.update(FORK_SAFE_ENV)
        try:
            forkserver.ensure_running()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def start_fork_server(*work: str) -> None:
    """Start the fork server now, loading what ``work`` needs, without waiting for it:
    its imports then overlap with the caller's (the first pool does not wait as long)."""
    if portable():
        return
    fork_server(*work)


def lower_priority(increment: int) -> None:
    """``os.nice`` where the system has it (a pool initializer: Windows has none)."""
    if hasattr(os, "nice") and increment:
        with contextlib.suppress(OSError):
            os.nice(increment)


def in_background(nice: int = 10) -> None:
    """Make the calling thread, and the processes it starts, yield the CPU to the rest of
    the run (on Linux, where a thread has a priority of its own; elsewhere nothing): for
    side work done while the run waits on its PDF workers."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
