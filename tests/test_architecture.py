"""The package's shape: stages import only downwards, and the section registry is the one
place a section is named (adding one is an entry, a notebook and a module)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, fresh_python, params_dir, run_cli
from sendlib.paper import sections as registry
from sendlib.paper.sections import SECTIONS, Section, numbers

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(package_root: Path, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=package_root,
    )


def test_the_stages_contract_holds():
    done = lint_imports(ROOT / "src", ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "sendlib", copy / "sendlib", ignore=shutil.ignore_patterns("__pycache__")
    )
    contract = copy / "sendlib" / "data" / "contract.py"
    contract.write_text(contract.read_text() + "\nfrom sendlib.ops import runner  # wrong way\n")
    done = lint_imports(copy, ROOT / "pyproject.toml")
    assert done.returncode != 0
    assert "BROKEN" in done.stdout and "sendlib.data.contract -> sendlib.ops.runner" in done.stdout


def test_numbers_follow_the_registry_order():
    found = numbers()
    assert found["cover"] == "" and found["summary"] == "1" and found["compare"] == "9"
    assert found["looking_ahead"] == "10" and found["data_quality"] == "11"
    assert found["appendix_scorecard"] == "Appendix 1" and found["glossary"] == ""
    extra = Section("outcomes", "Outcomes", "06b_outcomes.ipynb")
    inserted = [*SECTIONS[:7], extra, *SECTIONS[7:]]
    renumbered = numbers(inserted)
    assert renumbered["outcomes"] == "7" and renumbered["disputes"] == "8"


def test_slugs_and_notebooks_are_unique():
    assert len({s.slug for s in SECTIONS}) == len(SECTIONS)
    assert len({s.notebook for s in SECTIONS}) == len(SECTIONS)


def test_a_notebook_that_is_no_section_is_an_error(tmp_path, tiny_dir):
    books = tmp_path / "notebooks"
    books.mkdir()
    shutil.copy(ROOT / "notebooks" / "00_cover.ipynb", books)
    shutil.copy(ROOT / "notebooks" / "00_cover.ipynb", books / "13_extra.ipynb")
    result = run_cli(tiny_dir, tmp_path / "out", books, "--month", "2025-06")
    assert result.exit_code == 1
    assert "13_extra.ipynb is not a section of the paper" in result.output


OUTCOMES_MODULE = '''
"""A section added by a test: counts it declares, a drafted fact and a table."""
import pandas as pd

from sendlib.paper.data import Characteristic
from sendlib.paper.figures import decided_table
from sendlib.paper.paragraphs import paragraphs
from sendlib.paper.notebook_context import Context


def counts(cases, month):
    p = cases.plans
    active = (p["start_m"] <= month.ordinal) & (p["cease_m"] > month.ordinal)
    return {"outcomes_by_need": Characteristic(p["need"][active].value_counts(), "ehcp_active")}


def facts(ctx: Context):
    return paragraphs([f"Outcomes were recorded for {ctx.month_name}."])


def table(ctx: Context):
    return decided_table(ctx, "outcomes_by_need", "Plans by need", "Need", {}, "ehcp_active")
'''


def outcomes_notebook() -> dict:
    """The new section's notebook: the real cover's, with its own cells."""
    nb = json.loads((ROOT / "notebooks" / "02_caseload.ipynb").read_text())
    nb["cells"] = nb["cells"][:2]
    setup = "".join(nb["cells"][1]["source"])
    setup = setup.replace("from sendlib.paper import caseload", "import outcomes_section")
    setup = setup.replace('sp.heading(ctx, "caseload")', 'sp.heading(ctx, "outcomes")')
    nb["cells"][1]["source"] = setup
    facts = dict(nb["cells"][1], id="x-02", source="#| echo: false\noutcomes_section.facts(ctx)")
    slot = {
        "cell_type": "markdown",
        "id": "x-03",
        "metadata": {"tags": ["narrative"]},
        "source": "",
    }
    table = dict(nb["cells"][1], id="x-04", source="#| echo: false\noutcomes_section.table(ctx)")
    nb["cells"] += [facts, slot, table]
    return nb


@pytest.mark.slow
def test_a_section_is_added_by_an_entry_a_notebook_and_a_module(tmp_path, demo_data, monkeypatch):
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "outcomes_section.py").write_text(OUTCOMES_MODULE)
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setenv("PYTHONPATH", str(modules))  # the kernels import it too
    import outcomes_section

    entry = Section(
        "outcomes",
        "Outcomes",
        "06b_outcomes.ipynb",
        facts=outcomes_section.facts,
        counts=outcomes_section.counts,
    )
    monkeypatch.setattr(registry, "SECTIONS", [*SECTIONS[:7], entry, *SECTIONS[7:]])
    books = tmp_path / "notebooks"
    books.mkdir()
    for name in ("00_cover.ipynb", "01_summary.ipynb", "07_disputes.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, books)
    (books / "06b_outcomes.ipynb").write_text(json.dumps(outcomes_notebook()))
    params = params_dir(tmp_path)
    note = params / "narrative" / "2025-06" / "outcomes.md"
    note.parent.mkdir(parents=True)
    note.write_text("Our words on outcomes.\n")
    out = tmp_path / "out"
    result = run_cli(demo_data, out, books, "--month", "2025-06", params=params)
    assert result.exit_code == 0, result.output
    html = (out / "2025-06" / "paper.html").read_text()
    assert '<a href="#outcomes">2. Outcomes</a>' in html  # numbered in paper order
    assert '<a href="#disputes">3. Mediation and tribunals</a>' in html
    assert '<span class="para-no">2.1</span>Outcomes were recorded for June 2025.' in html
    assert '<span class="para-no">2.2</span>Our words on outcomes.' in html
    assert "<caption>Plans by need</caption>" in html
    assert "section 'caseload' left out" in result.output  # no notebook: said, not silent


def test_importing_sendlib_changes_nothing_in_the_importing_process():
    """A notebook server, a Dask worker or anyone's program may import sendlib: no module
    hidden, the garbage collector on, no thread started, ctypes' own library search."""
    code = (
        "import ctypes.util, gc, sys, threading\n"
        "real = ctypes.util.find_library\n"
        "import sendlib, sendlib.data.cache, sendlib.data.sen2, sendlib.measures.registry\n"
        "import sendlib.paper, sendlib.render.weasy, sendlib.ops.runner\n"
        "assert sys.modules.get('rfc3987_syntax', 1) is not None, 'rfc3987_syntax hidden'\n"
        "assert gc.isenabled() and ctypes.util.find_library is real\n"
        "print(sorted(t.name for t in threading.enumerate()))\n"
    )
    assert fresh_python(code) == "['MainThread']"
