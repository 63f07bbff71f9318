"""The folder an import writes into: its record, the guard, and the swap.

``sendlib import`` keeps a record of what it wrote (``.sendlib-import.json``: each file's
SHA-256, the returns it read, and a check value of the id key — a keyed hash of a fixed
text, from which the key cannot be worked out). A case table in the folder that the
record does not name with the same bytes — a council's own export, or an imported table
edited since — is a file the import did not write, and the import refuses to replace it
without ``--force``. Partner, population and benchmark files, notes and the typed-table
cache are not case tables: they are carried over as they are.

The new folder is written in full beside the old one and swapped in with one
``renameat2(RENAME_EXCHANGE)`` where Linux offers it (``sendlib.files.swap_folder``), so a reader
— or a kill at any moment — sees the old folder or the new one, never a mix.
``write_folder`` is the one function that does it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sendlib.data.cache import FOLDER as CACHE_FOLDER
from sendlib.data.contract import case_tables, find_sources
from sendlib.data.sources import write_table
from sendlib.files import atomic_output, atomic_write, swap_folder

RECORD = ".sendlib-import.json"
KEY_CHECK = "sendlib id key check"


class FolderError(Exception):
    """The folder cannot take the import; the message says why and what to do."""


@dataclass
class Record:
    """What sendlib's imports wrote into a folder."""

    files: dict[str, str] = field(default_factory=dict)  # file name → SHA-256
    key: str = ""  # the id key's check value
    returns: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> Record | None:
        path = Path(folder) / RECORD
        if not path.is_file():
            return None
        try:
            found = json.loads(path.read_text("utf-8"))
            return cls(dict(found["files"]), str(found.get("key", "")), found.get("returns", []))
        except (ValueError, KeyError, TypeError):
            return None

    def text(self) -> str:
        body = {"written_by": "sendlib import", "key": self.key, "returns": self.returns}
        return json.dumps({**body, "files": dict(sorted(self.files.items()))}, indent=1) + "\n"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def foreign_files(folder: Path, record: Record | None) -> list[str]:
    """The case tables in ``folder`` that sendlib's import did not write (or that were
    changed after it wrote them)."""
    written = record.files if record is not None else {}
    out = []
    for name in case_tables():
        for path in find_sources(folder, name):
            if written.get(path.name) != sha256(path):
                out.append(path.name)
    return out


def refuse_foreign(folder: Path, force: bool) -> None:
    """Refuse a folder holding case tables the import did not write, unless ``force``."""
    folder = Path(folder)
    if not folder.is_dir() or force:
        return
    foreign = foreign_files(folder, Record.read(folder))
    if foreign:
        listed = ", ".join(foreign[:6]) + (
            f" and {len(foreign) - 6} more" if len(foreign) > 6 else ""
        )
        raise FolderError(
            f"{folder} holds {listed}, which sendlib import did not write (a council's own "
            "export, or a table edited since the import): importing would replace or "
            "mix with them. Choose another --out folder, or give --force to replace them"
        )


def refuse_other_key(folder: Path, record: Record | None, key_check: str, force: bool) -> None:
    """Refuse a folder an import made with another id key, unless ``force``: every id would
    change, and the disputes imported with the other key would no longer join."""
    if record is None or not record.key or record.key == key_check or force:
        return
    raise FolderError(
        f"{folder} was imported with another id key: with this one every child gets a new "
        "id, and files imported with the old key (disputes.csv) would no longer join. Use "
        "the same key (SENDLIB_ID_KEY or --id-key-file), or give --force to start again "
        "with this one"
    )


def write_folder(
    frames: dict[str, pd.DataFrame], out: Path, record: Record, replaces: tuple[str, ...]
) -> None:
    """Write ``frames`` as ``out``'s tables in one step: a new folder beside ``out`` gets the
    tables, everything of ``out`` the import does not replace (the files named ``replaces``
    and the typed-table cache are left behind) and the updated record, and is then swapped
    in. On any failure ``out`` is as it was and the new folder is removed."""
    out = Path(out).resolve() if Path(out).is_symlink() else Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-import-", dir=out.parent))
    try:
        if out.is_dir():
            os.chmod(staging, stat.S_IMODE(out.stat().st_mode))
            _carry(out, staging, {*replaces, RECORD, CACHE_FOLDER})
        for name, frame in frames.items():
            path = staging / f"{name}.csv"
            write_table(frame, path)
            record.files[path.name] = sha256(path)
        record.files = {n: h for n, h in record.files.items() if (staging / n).is_file()}
        (staging / RECORD).write_text(record.text(), encoding="utf-8")
        swap_folder(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_one(frame: pd.DataFrame, out: Path, name: str, record: Record) -> None:
    """Write one table into ``out`` (a new file renamed over the old) and add it to the
    folder's record, which is replaced the same way."""
    out = Path(out)
    with atomic_output(out / name) as partial:
        write_table(frame, partial)
        record.files[name] = sha256(partial)
    atomic_write(out / RECORD, record.text())


def _carry(old: Path, new: Path, leave: set[str]) -> None:
    """Everything in ``old`` but ``leave`` into ``new``: files hard-linked where the file
    system allows (the old folder keeps them until the swap), else copied."""
    for entry in old.iterdir():
        if entry.name in leave:
            continue
        target = new / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
