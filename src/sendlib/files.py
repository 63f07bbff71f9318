"""Writing files so that nothing is ever half-written: the one way sendlib writes a file.

A file is written to a temporary file in the target's own folder (a rename is atomic
only within one file system), flushed to the disk (``fsync``), then moved over the
target (``os.replace``) and the folder's entry flushed too: a reader — or the next run
after a crash, a full disk or a ``kill -9`` — finds the old file or the new, never part
of one. On any error the temporary file is removed. A folder of outputs is published the
same way (``swap_folder``): complete in a temporary folder beside it, then exchanged.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

_TMP = ".tmp"


def _mode() -> int:
    """The mode a new file gets from the process's umask (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to the disk, where the system allows."""
    if sys.platform == "win32":  # no directory handles: NTFS journals the rename
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    except OSError:  # some file systems (e.g. some network mounts) refuse: best effort
        pass
    finally:
        os.close(handle)


@contextlib.contextmanager
def atomic_output(target: Path | str) -> Iterator[Path]:
    """``with atomic_output(path) as tmp: writer(tmp)`` — for writers that take a path
    (pandas, openpyxl, WeasyPrint, pikepdf, pandoc): ``tmp`` replaces ``path`` once the
    block ends without error, flushed to the disk; it is removed on error. ``tmp`` keeps
    the target's suffix, for writers that go by it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=f"{_TMP}{target.suffix}"
    )
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        try:
            os.chmod(temp, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(temp, _mode())
        os.replace(temp, target)
        fsync_folder(target.parent)
    finally:
        temp.unlink(missing_ok=True)


def atomic_write(target: Path | str, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text is encoded, newlines kept as given) to ``target`` atomically
    (see the module); returns ``target``."""
    target = Path(target)
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_output(target) as temp, open(temp, "wb") as out:
        out.write(payload)
    return target


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is one of ``atomic_output``'s temporary files (left by a crash)."""
    return path.name.startswith(".") and f"{_TMP}" in path.name


# ------------------------------------------------------------------ folders
_RENAME_EXCHANGE = 2  # renameat2(2): swap two paths in one step (Linux ≥ 3.15)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the system cannot."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not on this file system
        return False
    raise OSError(errno, os.strerror(errno), str(a), None, str(b))


def fsync_tree(folder: Path) -> None:
    """Flush every file of a folder, and the folder itself, to the disk."""
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            fsync_folder(path)
    fsync_folder(folder)


def old_name(target: Path) -> Path:
    """Where the previous folder waits while a new one is moved in."""
    return target.with_name(f".{target.name}.old")


def recover_folder(target: Path) -> None:
    """Put back a previous folder that a killed swap had moved aside (on a system without
    an atomic exchange there is a moment between the two renames)."""
    old = old_name(target)
    if old.is_dir() and not target.exists():
        os.replace(old, target)
        fsync_folder(target.parent)


def swap_folder(new: Path, target: Path) -> None:
    """Move the complete folder ``new`` (beside ``target``) to ``target``: exchanged in one
    step where the system can, so ``target`` is always the old folder or the new one."""
    fsync_tree(new)
    recover_folder(target)
    if target.exists() and _exchange(new, target):
        fsync_folder(target.parent)
        shutil.rmtree(new, ignore_errors=True)  # now the old folder
        return
    old = None
    if target.exists():
        old = old_name(target)
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    fsync_folder(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def slug(text: str) -> str:
    """``text`` as a name in a path or a link: lower case, each run of other characters
    one '-' (a team's folder, ``Team North`` → ``team-north``; an HTML id)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
