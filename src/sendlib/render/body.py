"""The paper's body from nbconvert, section by section, with sendlib's ``paper`` template
(outputs only: no code, prompts or scripts).

Each section of the stitched paper (``sendlib.render.stitch``) is converted on its own
and kept in a cache under the hash of its cells, with the analysts' blocks left out as
slots and filled afterwards: after a narrative edit nothing is converted again, and
nbconvert is not even loaded. The sections' HTML joined is nbconvert's HTML of the whole
paper (tested).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

from sendlib.files import atomic_write
from sendlib.render.errors import RenderError

TEMPLATES = Path(__file__).parent / "templates"
SECTION_OPENS = "-open"  # the id ending of the cell that opens a section (``stitch``)
#: the tag of a section notebook's narrative cell; the stitcher tags the analyst's block
#: it puts in that place the same way
NARRATIVE_TAG = "narrative"
SLOT = "sendlib-narrative-slot:"


def body_html(paper: nbformat.NotebookNode, cache: Path | None = None, code: str = "") -> str:
    """The paper's body: its sections' HTML joined (see ``section_bodies``)."""
    return "".join(section_bodies(paper, cache, code))


def section_bodies(
    paper: nbformat.NotebookNode, cache: Path | None = None, code: str = "", prune_old: bool = True
) -> list[str]:
    """Each section's HTML from nbconvert. With ``cache``, kept there under the hash of
    the section's cells (and ``code``, the renderer's), the analysts' blocks (cells
    tagged ``narrative`` by the stitcher) left out as slots and filled afterwards; the
    entries no section used are dropped unless ``prune_old`` is false (a preview leaves
    the paper's own)."""
    exporter = None
    keys, bodies = [], []
    for chunk in _sections(paper):
        frame, blocks = _slotted(chunk)
        key = _chunk_key(frame, code)
        body = read_entry(cache, key) if cache is not None else None
        if body is None:
            exporter = exporter or _exporter()
            part = nbformat.v4.new_notebook(metadata=paper.metadata)
            part.cells = frame
            body, _ = exporter.from_notebook_node(part)
            if cache is not None:
                write_entry(cache, key, body)
        keys.append(key)
        bodies.append(_filled(body, blocks))
    if cache is not None and prune_old:
        prune(cache, "html", keys)
    return bodies


def _slotted(
    cells: list[nbformat.NotebookNode],
) -> tuple[list[nbformat.NotebookNode], dict[str, str]]:
    """A section's cells with each narrative block replaced by a slot (an HTML comment
    naming the cell), and the blocks by slot."""
    frame, blocks = [], {}
    for cell in cells:
        if NARRATIVE_TAG in cell.get("metadata", {}).get("tags", []):
            slot = f"{SLOT}{cell.id}"
            blocks[slot] = cell.source
            cell = nbformat.from_dict({**cell, "source": f"<!--{slot}-->"})
        frame.append(cell)
    return frame, blocks


def _filled(body: str, blocks: dict[str, str]) -> str:
    """A section's HTML with its narrative blocks in their slots, written as nbconvert
    writes them (it passes the whole page through Python's HTML parser)."""
    for slot, block in blocks.items():
        marker = f"<!--{slot}-->"
        if body.count(marker) != 1:
            raise RenderError(f"the narrative slot {slot} is not in the converted section")
        body = body.replace(marker, str(BeautifulSoup(block, "html.parser")))
    return body


def _exporter():
    from nbconvert import HTMLExporter  # loaded when a paper is rendered

    return HTMLExporter(
        template_name="paper",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def _sections(paper: nbformat.NotebookNode) -> list[list[nbformat.NotebookNode]]:
    """The stitched paper's cells in runs, each opening with a section's first cell."""
    chunks: list[list[nbformat.NotebookNode]] = []
    for cell in paper.cells:
        if not chunks or str(cell.get("id", "")).endswith(SECTION_OPENS):
            chunks.append([])
        chunks[-1].append(cell)
    return chunks


def _chunk_key(cells: list[nbformat.NotebookNode], code: str) -> str:
    template = b"".join(p.read_bytes() for p in sorted((TEMPLATES / "paper").iterdir()))
    digest = hashlib.sha256(json.dumps(cells, sort_keys=True).encode())
    digest.update(template + code.encode() + _nbconvert_version().encode())
    return digest.hexdigest()[:32]


def _nbconvert_version() -> str:
    from importlib.metadata import version

    return version("nbconvert") + version("mistune")


def read_entry(cache: Path, key: str, suffix: str = "html") -> str | None:
    try:
        return (cache / f"{key}.{suffix}").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_entry(cache: Path, key: str, text: str, suffix: str = "html") -> None:
    """Write an entry under its key, in one move (never half written)."""
    atomic_write(Path(cache) / f"{key}.{suffix}", text)


def prune(cache: Path, suffix: str, keys: list[str]) -> None:
    """Drop the entries of earlier drafts."""
    for old in cache.glob(f"*.{suffix}"):
        if old.stem not in keys:
            old.unlink(missing_ok=True)
