"""The section notebooks hold no logic and take exactly the run's parameters."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import papermill
import pytest

from sendlib.config import RunParams
from sendlib.paper.sections import SECTIONS

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
ALLOWED_IMPORTS = {"sendlib.paper"}


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_every_section_has_a_notebook_and_every_notebook_a_section():
    assert [p.name for p in NOTEBOOKS] == [s.notebook for s in SECTIONS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_cells_define_nothing_and_import_only_sendlib_paper(path):
    for cell in code_cells(path):
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"{path.name}: cells must not define logic"
            if isinstance(node, ast.Import):
                assert {a.name for a in node.names} <= ALLOWED_IMPORTS, path.name
            if isinstance(node, ast.ImportFrom):
                assert node.module in ALLOWED_IMPORTS, f"{path.name} imports {node.module}"
        lines = [
            ln
            for ln in "".join(cell["source"]).splitlines()
            if ln.strip() and not ln.startswith("#")
        ]
        assert len(lines) <= 7


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
def test_each_notebook_heads_its_section_and_has_a_narrative_slot_if_it_takes_words(section):
    path = Path(__file__).parents[1] / "notebooks" / section.notebook
    cells = json.loads(path.read_text())["cells"]
    assert f'sp.heading(ctx, "{section.slug}")' in "".join(cells[1]["source"])
    slots = [c for c in cells if "narrative" in c["metadata"].get("tags", [])]
    assert len(slots) == (1 if section.narrative else 0)
    assert all(c["cell_type"] == "markdown" for c in slots)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_matches_the_run_model(path):
    assert set(papermill.inspect_notebook(str(path))) == set(RunParams.model_fields)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_without_outputs_and_quarto_ready(path):
    cells = code_cells(path)
    assert all(not c["outputs"] and c["execution_count"] is None for c in cells)
    assert "parameters" in cells[0]["metadata"]["tags"]
    assert "".join(cells[0]["source"]).startswith("#| tags: [parameters]")
    assert all("".join(c["source"]).startswith("#| echo: false") for c in cells[1:])
