"""Stitch executed section notebooks into one paper notebook (nbformat).

Parameter cells are dropped, code is hidden (only outputs are kept), text streams and
plain-text reprs never reach the paper, every cell gets a fresh, stable id, and each
section is wrapped in a ``<section>`` so the renderer can number and lay it out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook, new_raw_cell

DROP_TAGS = {"parameters", "injected-parameters"}
KEEP_OUTPUTS = {"display_data", "execute_result"}


def section_classes(stem: str) -> str:
    """CSS classes of a section: appendices start a new page; the scorecard is landscape."""
    classes = ["section", f"section-{stem[3:]}"]
    if stem.startswith("10_"):
        classes += ["appendix", "appendix-scorecard"]
    elif stem.startswith(("11_", "12_")):
        classes.append("appendix")
    return " ".join(classes)


def _html_cell(html: str, cell_id: str) -> nbformat.NotebookNode:
    cell = new_raw_cell(html, metadata={"raw_mimetype": "text/html"})
    cell.id = cell_id
    return cell


def stitch(
    executed: list[Path], title: str, narrative: Callable[[str], str] | None = None
) -> nbformat.NotebookNode:
    """One notebook of every section's outputs, in the order given; ``narrative`` refreshes
    the analysts' blocks from their files at stitch time."""
    paper = new_notebook(
        metadata={
            "title": title,
            "language_info": {"name": "python"},
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        }
    )
    for path in executed:
        stem = Path(path).stem
        source = nbformat.read(path, as_version=4)
        label = f' aria-labelledby="{stem[3:]}"' if stem != "00_cover" else ""
        paper.cells.append(
            _html_cell(f'<section class="{section_classes(stem)}"{label}>', f"{stem}-open")
        )
        for i, cell in enumerate(source.cells):
            if DROP_TAGS & set(cell.metadata.get("tags", [])):
                continue
            cell = nbformat.from_dict(cell)
            cell.id = f"{stem}-{i:02d}"
            cell.metadata = {}
            if cell.cell_type == "code":
                cell.source = ""
                cell.execution_count = None
                cell.outputs = [_clean(o) for o in cell.outputs if o.output_type in KEEP_OUTPUTS]
                cell.outputs = [o for o in cell.outputs if o.get("data")]
                if narrative is not None:
                    for output in cell.outputs:
                        if "text/html" in output.data:
                            output.data["text/html"] = narrative(output.data["text/html"])
            paper.cells.append(cell)
        paper.cells.append(_html_cell("</section>", f"{stem}-close"))
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
