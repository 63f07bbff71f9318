"""A run's private folder for the sockets its kernels and zygote listen on.

On a shared analytics server every account can write to the system's temporary folder,
so a folder of a fixed name there may already exist, made by someone else, holding
their sockets or links. Each run makes its own folder with ``mkdtemp`` (a new name, made
by this process, mode 0700) and checks it before use: a real folder, not a link, owned by
this account and closed to everyone else; anything else is refused. The folder is
removed when the run ends. Kernels started outside a run (``sendlib lab``, a test) get a
folder of the process's own, removed at exit.
"""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import shutil
import stat
import sys
import tempfile
import threading
from pathlib import Path

#: the environment variable that tells a run's workers where its private folder is
ENV = "SENDLIB_RUNTIME"
#: a Unix socket's path must stay under ~100 characters: the folder's own is short
PREFIX = "sendlib-"
_MAX_PATH = 60


class UnsafeFolder(RuntimeError):  # noqa: N818 - the name users see
    """A folder that another account could read or write: never used for sockets."""


def check_private(folder: Path) -> Path:
    """``folder`` if it is a real folder (not a link) owned by this account with no access
    for anyone else; raises ``UnsafeFolder`` otherwise."""
    folder = Path(folder)
    try:
        found = os.lstat(folder)
    except FileNotFoundError as exc:
        raise UnsafeFolder(f"{folder}: the run's private folder is gone") from exc
    if stat.S_ISLNK(found.st_mode) or not stat.S_ISDIR(found.st_mode):
        raise UnsafeFolder(f"{folder} is not a folder (a link or a file): not used")
    if hasattr(os, "getuid") and found.st_uid != os.getuid():
        raise UnsafeFolder(
            f"{folder} belongs to another account (uid {found.st_uid}): not used for sockets"
        )
    if found.st_mode & 0o077:
        raise UnsafeFolder(
            f"{folder} is open to other accounts (mode {stat.S_IMODE(found.st_mode):o}): "
            "not used for sockets"
        )
    return folder


def _base() -> str:
    """The temporary folder, or /tmp when its path is too long for sockets."""
    base = tempfile.gettempdir()
    if len(base) > _MAX_PATH and os.path.isdir("/tmp"):
        return "/tmp"
    return base


def make_private() -> Path:
    """A new private folder (see the module), checked."""
    return check_private(Path(tempfile.mkdtemp(prefix=PREFIX, dir=_base())))


def remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


_own: Path | None = None
_own_lock = threading.Lock()


def current() -> Path:
    """The run's private folder (named by ``SENDLIB_RUNTIME`` in its workers), else this
    process's own, made on first use; checked each time it is handed out."""
    named = os.environ.get(ENV, "")
    if named:
        return check_private(Path(named))
    global _own
    with _own_lock:
        if _own is None or not _own.is_dir():
            _own = make_private()
            atexit.register(remove, _own)
            # a worker process ends through multiprocessing (os._exit: no atexit)
            multiprocessing.util.Finalize(None, remove, args=(_own,), exitpriority=0)
        return check_private(_own)


def unix_sockets() -> bool:
    """Whether this system has Unix sockets (Windows' Python does not)."""
    import socket

    return hasattr(socket, "AF_UNIX") and sys.platform != "win32"
