"""One run of a month at a time: an exclusive lock file per (output folder, month).

A second run of the same month waits for the first (saying so), or with ``wait=False``
stops at once with a clear message. The lock is released by the operating system if a
run dies, so a crashed job never blocks the next one. The lock file itself stays (taking
the lock on a file that another process is about to delete would let two runs in) but is
emptied when released: a file that names no process is not held. A ``shared`` lock (a
preview, which only reads the month's work) lets other shared holders in, and is taken
without waiting: ``Busy`` at once when a run holds the month.

On the portable path (``sendlib.workers.portable``: no ``fcntl``, e.g. on Windows) the
lock is ``filelock``'s on the same file (on Linux it takes the same lock, so the two paths
exclude each other); a shared lock is then taken as an exclusive one without waiting
(previews of a month take turns anyway).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sendlib.workers import portable


class Busy(Exception):  # noqa: N818 - the name users see
    """Another run holds the month's lock."""


@contextlib.contextmanager
def month_lock(
    out: Path,
    label: str,
    wait: bool = True,
    timeout: float = 3600,
    on_wait=None,
    shared: bool = False,
) -> Iterator[Path]:
    """Hold ``out/.locks/<label>.lock`` for the duration of the block."""
    folder = Path(out) / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{label}.lock"
    if portable():
        with _portable_lock(path, label, wait and not shared, timeout, on_wait):
            yield path
        return
    import fcntl

    handle = path.open("a+")
    held = False
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if shared or not wait or time.monotonic() > deadline:
                    raise Busy(
                        f"another run of {label} is in progress ({holder}); "
                        "try again when it has finished"
                    ) from None
                if on_wait and not told:
                    on_wait(f"waiting for another run of {label} ({holder}) to finish")
                    told = True
                time.sleep(0.2)
        held = True
        if not shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
        yield path
    finally:
        with contextlib.suppress(OSError):
            if held and not shared:
                handle.seek(0)
                handle.truncate()  # released: the file names no process
                handle.flush()
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextlib.contextmanager
def _portable_lock(path: Path, label: str, wait: bool, timeout: float, on_wait) -> Iterator[None]:
    """The month's lock with ``filelock`` (see the module)."""
    import filelock

    lock = filelock.FileLock(str(path))
    busy = (
        f"another run of {label} is in progress (another process); try again when it has finished"
    )
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if not wait:
            raise Busy(busy) from None
        if on_wait:
            on_wait(f"waiting for another run of {label} (another process) to finish")
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise Busy(busy) from None
    try:
        yield
    finally:
        lock.release()
