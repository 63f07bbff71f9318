"""Typed tables kept beside the data, so that the second check of an extract is quick.

Reading a national extract (half a gigabyte of CSV) into typed, checked tables takes
most of half a minute; reading the same tables back from Parquet takes a second or two.
An entry is named by the SHA-256 of the source file's bytes and of the code that reads
it (the contract and the reading modules): an edited file, a new contract or a new
version of sendlib is a new name, never a stale table. Only a table that read without
errors is kept (with its warnings and notes). Checks across tables are kept the same
way, named by every table they read (and the month, for those that depend on it).

The cache lives in ``DATA/.sendlib-cache/``: it holds the same identifiers as the data
beside it, so it stays where the data is protected, never under ``outputs/``. A data
folder that cannot be written to is simply not cached. ``SENDLIB_NO_CACHE=1`` turns it
off.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.data.contract import FileSpec
from sendlib.files import atomic_write

FOLDER = ".sendlib-cache"
ROW = "__sendlib_row__"
KEEP_FINDINGS = 8  # cross-table entries kept per kind


@cache
def code_salt() -> str:
    """A digest of the contract and the code that reads and checks tables (every module
    of ``sendlib.data``) and of pandas' version."""
    digest = hashlib.sha256()
    package = resources.files("sendlib.data")
    for name in sorted(p.name for p in package.iterdir() if p.name.endswith((".py", ".yaml"))):
        digest.update(name.encode() + package.joinpath(name).read_bytes())
    digest.update(pd.__version__.encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass
class CachedTable:
    """A table as ``check_data`` made it: typed frame, source rows, file name, findings."""

    frame: pd.DataFrame
    rows: np.ndarray
    file: str
    findings: pd.DataFrame
    held: frozenset[str] = frozenset()  # columns the source holds (``Tables.held``)


class TableCache:
    """The cache of one data folder (see the module docstring)."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / FOLDER
        self.enabled = os.environ.get("SENDLIB_NO_CACHE", "") in ("", "0")

    def key(self, path: Path) -> str:
        """The name of a source file's entry: its bytes and the reading code."""
        return hashlib.sha256((file_digest(path) + code_salt()).encode()).hexdigest()[:32]

    # ------------------------------------------------------------ tables
    def get(self, name: str, key: str, spec: FileSpec) -> CachedTable | None:
        path = self.folder / f"{name}-{key}.parquet"
        if not self.enabled or not path.exists():
            return None
        try:
            frame = pd.read_parquet(path)
            meta = json.loads((self.folder / f"{name}-{key}.json").read_text("utf-8"))
            findings = pd.read_parquet(self.folder / f"{name}-{key}.findings.parquet")
        except (OSError, ValueError):  # half written or damaged: read the source again
            return None
        rows = frame.pop(ROW).to_numpy(np.int64)
        held = frozenset(meta.get("held", ()))
        return CachedTable(_restore(frame, spec), rows, meta["file"], findings, held)

    def put(self, name: str, key: str, table: CachedTable) -> None:
        """Keep a table (and drop the table's older entries), written in the background
        while the check goes on; never fails a check."""
        if self.enabled:
            _submit(self._put, name, key, table)

    def _put(self, name: str, key: str, table: CachedTable) -> None:
        try:
            self.folder.mkdir(exist_ok=True)
            frame = table.frame.assign(**{ROW: table.rows})
            self._write(f"{name}-{key}.parquet", _parquet(frame))
            self._write(f"{name}-{key}.findings.parquet", _parquet(table.findings))
            meta = {"file": table.file, "held": sorted(table.held)}
            self._write(f"{name}-{key}.json", json.dumps(meta).encode())
            for old in self.folder.glob(f"{name}-*"):
                if not old.name.startswith(f"{name}-{key}"):
                    old.unlink(missing_ok=True)
        except OSError:
            return

    # ------------------------------------------------------------ checks across tables
    def findings(self, kind: str, key: str) -> pd.DataFrame | None:
        path = self.folder / f"{kind}-{key}.findings.parquet"
        if not self.enabled or not path.exists():
            return None
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError):
            return None

    def put_findings(self, kind: str, key: str, found: pd.DataFrame) -> None:
        if self.enabled:
            _submit(self._put_findings, kind, key, found)

    def _put_findings(self, kind: str, key: str, found: pd.DataFrame) -> None:
        try:
            self.folder.mkdir(exist_ok=True)
            self._write(f"{kind}-{key}.findings.parquet", _parquet(found))
            entries = sorted(
                self.folder.glob(f"{kind}-*.findings.parquet"), key=lambda p: p.stat().st_mtime
            )
            for old in entries[:-KEEP_FINDINGS]:
                old.unlink(missing_ok=True)
        except OSError:
            return

    def _write(self, name: str, data: bytes) -> None:
        """Write atomically: a reader sees the whole entry or none."""
        atomic_write(self.folder / name, data)


class _Writes:
    """One thread that writes entries while the check goes on: started by the first write
    (in each process: a forked child starts its own), ended by ``flush``, which the command
    line calls before it exits. An entry that failed for a reason other than an unwritable
    folder is a bug, and is raised there, never lost in a future."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0
        self._pending: list[Future] = []

    def submit(self, fn, *args) -> None:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sendlib-cache")
                self._pid, self._pending = os.getpid(), []
            self._pending.append(self._pool.submit(fn, *args))

    def flush(self) -> None:
        with self._lock:
            pool, pending = self._pool, self._pending
            self._pool, self._pending = None, []
        if pool is not None and self._pid == os.getpid():
            pool.shutdown(wait=True)
            for future in pending:
                if future.exception() is not None:
                    raise future.exception()


_WRITES = _Writes()


def _submit(fn, *args) -> None:
    _WRITES.submit(fn, *args)


def flush() -> None:
    """Wait until every entry asked for so far is written; re-raises the first error a
    write met (a folder that cannot be written to is not one: it is simply not cached)."""
    _WRITES.flush()


def combined_key(*parts: object) -> str:
    """A key for a check across tables: the tables' keys and anything else it reads."""
    return hashlib.sha256((repr(parts) + code_salt()).encode()).hexdigest()[:32]


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _restore(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Parquet has no seconds: dates come back as milliseconds and go back to seconds."""
    dates = [c for c, col in spec.columns.items() if col.type == "date" and c in frame]
    return frame.astype({c: "datetime64[s]" for c in dates}) if dates else frame
