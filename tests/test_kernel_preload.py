"""What the kernels' zygote imports for the notebooks: the sendlib modules their cells
import, once per run instead of once per section (``sendlib.ops.zygote``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

from sendlib.ops import zygote as zy
from sendlib.ops.kernels import execute

ROOT = Path(__file__).resolve().parents[1]


def notebook(folder: Path, name: str, *cells: str, markdown: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    if markdown:
        nb.cells.append(nbformat.v4.new_markdown_cell(markdown))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_the_sendlib_modules_a_notebook_imports_are_found(tmp_path):
    first = notebook(
        tmp_path,
        "a.ipynb",
        "#| echo: false\nimport sendlib.paper as sp\nfrom sendlib.paper import caseload, summary",
        "from sendlib.paper.tables import (\n    Table,\n)\nimport sendlib.measures.rates\n"
        "from os import path\nimport pandas as pd",
        markdown="from sendlib.paper import glossary  (words, not code)",
    )
    second = notebook(tmp_path, "b.ipynb", "from sendlib.paper import caseload")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    found = zy.notebook_imports([first, broken, tmp_path / "missing.ipynb", second])
    # sendlib.paper is the zygote's own (PRELOAD); each module once, in order of first use
    assert found == (
        "sendlib.paper.caseload",
        "sendlib.paper.summary",
        "sendlib.paper.tables",
        "sendlib.paper.tables.Table",
        "sendlib.measures.rates",
    )


def test_every_section_module_the_shipped_notebooks_import_is_a_module():
    """So the zygote imports each section's module, not only the package."""
    found = zy.notebook_imports(sorted((ROOT / "notebooks").glob("*.ipynb")))
    modules = [name for name in found if importlib.util.find_spec(name) is not None]
    assert "sendlib.paper.looking_ahead" in modules and "sendlib.paper.caseload" in modules
    assert len(modules) == len(list((ROOT / "notebooks").glob("*.ipynb")))


@pytest.mark.slow
def test_a_kernel_has_the_notebooks_modules_already_and_a_bad_name_is_left_to_it(tmp_path):
    probe = notebook(
        tmp_path,
        "probe.ipynb",
        "import sys\nprint(sorted(m for m in ('sendlib.paper.glossary', 'seaborn') "
        "if m in sys.modules))",
    )
    extra = ("sendlib.paper.glossary", "sendlib.paper.no_such_module", "sendlib.paper.cover.x")
    with zy.start(extra=extra) as zygote:
        assert zygote is not None and zygote.alive()  # the bad names did not stop it
        with pytest.MonkeyPatch.context() as mp:
            for name, value in zygote.environment().items():
                mp.setenv(name, value)
            execute(str(probe), str(tmp_path / "out.ipynb"), {}, str(tmp_path), 60)
    out = nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0]["text"]
    assert out.strip() == "['seaborn', 'sendlib.paper.glossary']"
