"""Stitch executed section notebooks into one paper notebook (nbformat).

Parameter cells are dropped, code is hidden (only outputs are kept), text streams and
plain-text reprs never reach the paper, every cell gets a fresh, stable id, and each
section is wrapped in a ``<section>`` so the renderer can number and lay it out. The
section's narrative slot (its markdown cell tagged ``narrative``) is filled here with the
analyst's words for the month (a raw HTML cell, tagged ``narrative`` again so the
renderer can tell it apart), so an edit to a narrative file needs no notebook run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook, new_raw_cell

from sendlib.paper.narrative import narrative_block
from sendlib.paper.sections import Section
from sendlib.render.body import NARRATIVE_TAG

DROP_TAGS = {"parameters", "injected-parameters"}
KEEP_OUTPUTS = {"display_data", "execute_result"}


def section_classes(section: Section) -> str:
    """CSS classes of a section: appendices and the back matter are lettered pages, a
    landscape section is printed landscape, and a section printed on the page before it
    ``continues``."""
    classes = ["section", f"section-{section.slug}"]
    if section.kind in ("appendix", "back"):
        classes.append("appendix")
    if section.landscape:
        classes.append("appendix-scorecard")
    if not section.starts_page:
        classes.append("continues")
    return " ".join(classes)


def _html_cell(html: str, cell_id: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    metadata = {"raw_mimetype": "text/html", **({"tags": tags} if tags else {})}
    cell = new_raw_cell(html, metadata=metadata)
    cell.id = cell_id
    return cell


def stitch(
    executed: list[tuple[Section, Path]],
    title: str,
    narrative: Callable[[Section], str] | None = None,
) -> nbformat.NotebookNode:
    """One notebook of every section's outputs, in the order given; ``narrative`` gives the
    analyst's HTML for a section (its slot is left empty without it)."""
    paper = new_notebook(
        metadata={
            "title": title,
            "language_info": {"name": "python"},
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        }
    )
    for section, path in executed:
        source = nbformat.read(path, as_version=4)
        label = f' aria-labelledby="{section.slug}"' if section.kind != "cover" else ""
        paper.cells.append(
            _html_cell(
                f'<section class="{section_classes(section)}"{label}>', f"{section.slug}-open"
            )
        )
        for i, cell in enumerate(source.cells):
            tags = set(cell.metadata.get("tags", []))
            if DROP_TAGS & tags:
                continue
            cell_id = f"{section.slug}-{i:02d}"
            if NARRATIVE_TAG in tags:
                words = narrative(section) if narrative is not None else ""
                block = narrative_block(section.slug, words)
                paper.cells.append(_html_cell(block, cell_id, [NARRATIVE_TAG]))
                continue
            cell = nbformat.from_dict(cell)
            cell.id = cell_id
            cell.metadata = {}
            if cell.cell_type == "code":
                cell.source = ""
                cell.execution_count = None
                cell.outputs = [_clean(o) for o in cell.outputs if o.output_type in KEEP_OUTPUTS]
                cell.outputs = [o for o in cell.outputs if o.get("data")]
            paper.cells.append(cell)
        paper.cells.append(_html_cell("</section>", f"{section.slug}-close"))
    return paper


def _clean(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only the rich representation (HTML or markdown) of an output."""
    output = nbformat.from_dict(output)
    data = {k: v for k, v in output.get("data", {}).items() if k in ("text/html", "text/markdown")}
    output.data = data
    output.metadata = {}
    if output.output_type == "execute_result":
        output.execution_count = None
    return output
