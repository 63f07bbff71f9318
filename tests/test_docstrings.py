"""Docstrings and comments stand on their own: they cite the regulation, the council's rule
or a file of the repository, never a document a reader of the repository does not have
(the team's design notes, the council papers they were drawn from); and the package's
own description names only modules that are there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from helpers import ROOT

SRC = ROOT / "src"
#: the team's notes and the council documents they quote live outside the repository
OUTSIDE = re.compile(r"DESIGN\.md|REFERENCE\.md|STYLE\.md|\.\./shared|\b[Ss]eeds? ?0\d{2}\b")
TEXT = {".py", ".yaml", ".yml", ".css", ".j2", ".json", ".md", ".txt", ".ipynb"}
#: what the repository ships: the code, the parameters (a KPI's definition is printed in
#: the paper's appendix) and the notebooks
SHIPPED = [SRC, ROOT / "params", ROOT / "notebooks"]


def references_outside(src: Path) -> list[str]:
    """``path:line: text`` of each line of a text file under ``src`` that points at a
    document not in the repository."""
    found = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in TEXT or "__pycache__" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(src)}:{number}: {line.strip()}")
    return found


def test_no_docstring_or_comment_points_outside_the_repository():
    assert [line for folder in SHIPPED for line in references_outside(folder)] == []


def test_a_pointer_to_a_design_note_or_a_seed_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(
        '"""Overdue after 14 months (seed 004)."""\n'
        "REFERENCE_DOCX = 'reference.docx'  # a constant's name, not a pointer\n"
        "X = 1  # as DESIGN.md says\n"
    )
    (package / "b.yaml").write_text("# the palette (REFERENCE.md)\nseed: 42\n")
    (package / "c.py").write_text('"""The random seed 42 and seeds of 2014 are fine."""\n')
    assert references_outside(tmp_path) == [
        'pkg/a.py:1: """Overdue after 14 months (seed 004)."""',
        "pkg/a.py:3: X = 1  # as DESIGN.md says",
        "pkg/b.yaml:1: # the palette (REFERENCE.md)",
    ]


def described(package: Path) -> tuple[list[str], list[str]]:
    """(names in double backticks in the package's docstring that are none of its modules
    or subpackages, its modules and subpackages the docstring does not name); the
    package's own name (the command's) and ``__main__`` are neither."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    named = set(re.findall(r"``([a-z_][a-z0-9_]*)``", doc or "")) - {package.name}
    there = {p.stem for p in package.glob("*.py")} | {
        p.parent.name for p in package.glob("*/__init__.py")
    }
    there -= {"__init__", "__main__"}
    return sorted(named - there), sorted(there - named)


def test_the_package_describes_the_modules_it_has_and_no_other():
    assert described(SRC / "sendlib") == ([], [])


def test_a_module_gone_or_not_described_is_found(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""``pkg``: ``data`` then ``gone`` then ``sub``."""\n')
    (package / "data.py").write_text("")
    (package / "new.py").write_text("")
    (package / "__main__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    assert described(package) == (["gone"], ["new"])
