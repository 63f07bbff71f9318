"""The analyst's narrative as a cell of the notebook in JupyterLab; the file stays the source.

``sendlib lab`` puts each section's narrative file (``params/narrative/YYYY-MM/<slug>.md``)
into the notebook's markdown cell tagged ``narrative`` and notes which file it came from
and what the file held (its hash) in the cell's metadata. JupyterLab runs with sendlib's
contents manager (``ops.lab_contents``), which fills the cell from the file each time a
notebook is opened and, on each save, writes the cell's text back to the file before the
notebook is written — the stored notebook keeps only the cell's placeholder.

Two edits never overwrite each other silently: when the file changed on disk after the
notebook read it (another analyst, an editor, a ``git pull``) and says something else,
the save writes both versions into the file, the notebook's first, under a review note —
``sendlib run`` will not publish it until someone keeps one and deletes the note — and
the saved notebook's cell shows the same (reload the notebook to see it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sendlib.files import atomic_write
from sendlib.paper.narrative import REVIEW_MARKER, find_narrative, narrative_path
from sendlib.render.body import NARRATIVE_TAG

TAG = NARRATIVE_TAG
META = "sendlib"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def narrative_cells(nb: dict) -> list[dict]:
    """The notebook's narrative cells that sendlib lab linked to a file."""
    return [
        c
        for c in nb.get("cells", [])
        if c.get("cell_type") == "markdown"
        and TAG in c.get("metadata", {}).get("tags", [])
        and "file" in c.get("metadata", {}).get(META, {})
    ]


def link(nb: dict, params_dir: Path, month: str, slug: str, legacy: tuple[str, ...]) -> None:
    """Point the notebook's narrative cell at the month's file for the section and fill it
    (the file under an older name is read, and written back under the slug)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown" and TAG in cell.get("metadata", {}).get("tags", []):
            found = find_narrative(params_dir, month, slug, legacy)
            target = narrative_path(params_dir, month, slug).resolve()
            text = read(found) if found is not None else ""
            placeholder = (
                cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            )
            cell["metadata"][META] = {
                "file": str(target),
                "placeholder": placeholder,
                # what the target held when read ('' when it does not exist yet)
                "sha256": sha(text) if found is not None and found.resolve() == target else "",
            }
            if found is not None and found.resolve() != target:
                cell["metadata"][META]["read_from"] = str(found.resolve())
            cell["source"] = text


def fill(nb: dict) -> dict[str, str]:
    """Refresh every linked narrative cell from its file; returns file → hash read."""
    read_now = {}
    for cell in narrative_cells(nb):
        meta = cell["metadata"][META]
        path = Path(meta["file"])
        older = Path(meta.get("read_from", path))  # a file under an older name, until saved
        cell["source"] = read(path) if path.exists() else read(older)
        meta["sha256"] = sha(read(path)) if path.exists() else ""
        read_now[str(path)] = meta["sha256"]
    return read_now


@dataclass
class Saved:
    """What a save did with one narrative file."""

    file: Path
    written: bool
    conflict: bool


def both_versions(mine: str, theirs: str, when: dt.datetime) -> str:
    """The file's text when two edits met: the notebook's version, then the one on disk."""
    stamp = when.strftime("%d %B %Y %H:%M")
    return (
        f"<!-- {REVIEW_MARKER}: two edits met when this was saved from the notebook on "
        f"{stamp}. The notebook's version comes first, then the one that was on disk. Keep "
        "one, delete the other and the two notes. -->\n\n"
        f"{mine.strip()}\n\n<!-- the version that was on disk: -->\n\n{theirs.strip()}\n"
    )


def write_back(
    nb: dict, known: dict[str, str], conflicts: dict[str, str], now: dt.datetime | None = None
) -> list[Saved]:
    """Write each linked narrative cell's text to its file, unless the file changed since
    it was read (``known``: file → hash this server last read or wrote; else the hash in
    the cell); then both versions are kept (see the module). Leaves the notebook holding
    the cells' placeholders, or both versions where two edits met."""
    now = now or dt.datetime.now()
    done = []
    for cell in narrative_cells(nb):
        meta = cell["metadata"][META]
        path = Path(meta["file"])
        text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        on_disk = read(path)
        disk_sha = sha(on_disk) if path.exists() else ""
        loaded = known.get(str(path), meta.get("sha256", ""))
        key = str(path)
        if key in conflicts and disk_sha == loaded:  # still unresolved: keep both again
            text_now, conflict = both_versions(text, conflicts[key], now), True
        elif disk_sha == loaded or on_disk == text:
            conflicts.pop(key, None)
            text_now, conflict = text, False
        else:
            conflicts[key] = on_disk
            text_now, conflict = both_versions(text, on_disk, now), True
        written = text_now != on_disk and (path.exists() or text_now.strip() != "")
        if written:
            _write(path, text_now)
        known[key] = sha(text_now) if (written or path.exists()) else ""
        meta["sha256"] = known[key]
        cell["source"] = text_now if conflict else meta.get("placeholder", "")
        done.append(Saved(path, written, conflict))
    return done


def _write(path: Path, text: str) -> None:
    """Write atomically (a run reading the file never sees half of it)."""
    atomic_write(path, text)
