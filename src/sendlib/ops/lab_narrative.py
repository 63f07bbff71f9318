"""The analyst's narrative as a cell of the notebook in JupyterLab; the file stays the source.

``sendlib lab`` puts each section's narrative file (``params/narrative/YYYY-MM/<slug>.md``)
into the notebook's markdown cell tagged ``narrative`` and notes the section's slug and
what the file held (its hash) in the cell's metadata. The file is always worked out on
the server from the lab's month and the slug — a notebook received from someone else
whose metadata names another file (``~/.bashrc``) is never read or written by it — and a
path that resolves outside ``params/narrative/`` is refused. JupyterLab runs with sendlib's
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
from sendlib.months import Month
from sendlib.paper.narrative import REVIEW_MARKER, find_narrative, narrative_path
from sendlib.render.body import NARRATIVE_TAG

TAG = NARRATIVE_TAG
META = "sendlib"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


class NarrativePathError(ValueError):
    """A narrative cell names no section's file of the month (a notebook from elsewhere)."""


def narrative_file(params_dir: Path, month: str, slug: object) -> Path:
    """The month's file for the section ``slug``, worked out here from the month and the
    slug, never taken from the notebook: only a narrative section's slug is accepted, and
    the file must resolve (links followed) inside ``PARAMS/narrative/``."""
    from sendlib.paper.sections import SECTIONS

    slugs = {s.slug for s in SECTIONS if s.narrative}
    if not isinstance(slug, str) or slug not in slugs:
        raise NarrativePathError(f"{slug!r} is not a section with a narrative")
    Month.parse(month)
    root = (Path(params_dir) / "narrative").resolve()
    path = narrative_path(params_dir, month, slug)
    if not path.resolve().is_relative_to(root):
        raise NarrativePathError(f"{path} leads outside {root}: not read or written")
    return path.resolve()


def _legacy(slug: str) -> tuple[str, ...]:
    from sendlib.paper.sections import SECTIONS

    return next((s.legacy_names for s in SECTIONS if s.slug == slug), ())


def narrative_cells(nb: dict) -> list[dict]:
    """The notebook's narrative cells that sendlib lab linked to a section."""
    return [
        c
        for c in nb.get("cells", [])
        if c.get("cell_type") == "markdown"
        and TAG in c.get("metadata", {}).get("tags", [])
        and "slug" in c.get("metadata", {}).get(META, {})
    ]


def _linked(nb: dict, params_dir: Path, month: str) -> list[tuple[dict, Path]]:
    """Each linked cell with its file; a cell whose slug names no file of the month is
    left as it is (neither read nor written)."""
    found = []
    for cell in narrative_cells(nb):
        try:
            found.append((cell, narrative_file(params_dir, month, cell["metadata"][META]["slug"])))
        except (NarrativePathError, ValueError):
            continue
    return found


def link(nb: dict, params_dir: Path, month: str, slug: str, legacy: tuple[str, ...]) -> None:
    """Link the notebook's narrative cell to the section (the file is the month's, by the
    section's slug) and fill it (the file under an older name is read, and written back
    under the slug)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown" and TAG in cell.get("metadata", {}).get("tags", []):
            target = narrative_file(params_dir, month, slug)
            found = _existing(params_dir, month, slug, legacy)
            text = read(found) if found is not None else ""
            placeholder = (
                cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            )
            cell["metadata"][META] = {
                "slug": slug,
                "placeholder": placeholder,
                # what the target held when read ('' when it does not exist yet)
                "sha256": sha(text) if found is not None and found == target else "",
            }
            cell["source"] = text


def _existing(params_dir: Path, month: str, slug: str, legacy: tuple[str, ...]) -> Path | None:
    """The section's file as it is on disk (by slug, else an older name), if it stays
    inside ``PARAMS/narrative/``."""
    found = find_narrative(params_dir, month, slug, legacy)
    root = (Path(params_dir) / "narrative").resolve()
    if found is None or not found.resolve().is_relative_to(root):
        return None
    return found.resolve()


def fill(nb: dict, params_dir: Path, month: str) -> dict[str, str]:
    """Refresh every linked narrative cell from its file; returns file → hash read."""
    read_now = {}
    for cell, path in _linked(nb, params_dir, month):
        meta = cell["metadata"][META]
        older = _existing(params_dir, month, meta["slug"], _legacy(meta["slug"]))
        cell["source"] = read(path) if path.exists() else (read(older) if older else "")
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
    nb: dict,
    params_dir: Path,
    month: str,
    known: dict[str, str],
    conflicts: dict[str, str],
    now: dt.datetime | None = None,
) -> list[Saved]:
    """Write each linked narrative cell's text to its file, unless the file changed since
    it was read (``known``: file → hash this server last read or wrote; else the hash in
    the cell); then both versions are kept (see the module). Leaves the notebook holding
    the cells' placeholders, or both versions where two edits met."""
    now = now or dt.datetime.now()
    done = []
    for cell, path in _linked(nb, params_dir, month):
        meta = cell["metadata"][META]
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
