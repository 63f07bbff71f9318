"""The list of measures, written from their declarations: ``docs/measures.md`` and
``sendlib measures``.

Each measure is declared once, with its definition, where it is computed (``@family`` in
its family's module); the registry wires those families, the catalogue check
(``sendlib.scorecard.catalogue``) accepts a KPI's ``source`` only when it is one of them,
and this module writes the same declarations out for a reader. A test holds the
committed ``docs/measures.md`` to what ``markdown()`` writes, so the list cannot drift
from the code.
"""

from __future__ import annotations

from sendlib.measures.family import Family
from sendlib.measures.registry import FAMILIES, columns_needed, disclosure_class

DOCUMENT = "docs/measures.md"
HEADING = "# The measures sendlib computes"
INTRO = """\
Every measure sendlib computes from the case tables, by family, in the order they are
listed: its id (what a KPI's `source` names in `params/kpis.yaml`), what it counts, the
columns it reads and its disclosure class (`characteristic`: children counted by a
personal or care characteristic, a small count withheld; `activity`: events and process
shares, published as they are). A measure whose columns the data do not hold is not
available (`[x]`), never 0; a percentage whose denominator is empty is missing, never 0.

This file is written from the `@family` declarations in `src/sendlib/measures/`
(`sendlib measures --markdown > docs/measures.md`); a test fails when the two differ."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _family_markdown(family: Family) -> list[str]:
    module = family.compute.__module__
    files = ", ".join(f"`{name}.csv`" for name in family.files)
    lines = [
        f"## {family.name}",
        "",
        f"Computed by `{module}.{family.compute.__name__}`; reads {files}.",
        "",
        "| id | definition | columns | disclosure |",
        "|---|---|---|---|",
    ]
    for kpi, definition in family.definitions.items():
        columns = ", ".join(f"`{c}`" for c in columns_needed(kpi)) or "—"
        kind = disclosure_class(kpi)
        lines.append(f"| `{kpi}` | {_cell(definition)} | {columns} | {kind} |")
    return [*lines, ""]


def markdown(families: tuple[Family, ...] = FAMILIES) -> str:
    """``docs/measures.md``: every family's measures with their definitions."""
    lines = [HEADING, "", INTRO, ""]
    for family in families:
        lines += _family_markdown(family)
    return "\n".join(lines).rstrip("\n") + "\n"


def listing(families: tuple[Family, ...] = FAMILIES) -> list[tuple[str, str, str]]:
    """``(id, disclosure class, definition)`` of every measure, in the registry's order
    (``sendlib measures``)."""
    return [
        (kpi, disclosure_class(kpi), definition)
        for family in families
        for kpi, definition in family.definitions.items()
    ]
