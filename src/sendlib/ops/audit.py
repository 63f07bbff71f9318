"""``sendlib audit``: nothing published states a figure the disclosure rule withholds.

The run keeps what the paper withheld, with the values (``withheld.json`` in the run's
work folder, never published: ``sendlib.paper.withheld``). The audit looks for each of
those figures in every published file — the HTML (its text, alt text and other
attributes), the PDF's text, the Word copy, scorecard.csv, scorecard.xlsx and the archive
``OUT/index.html`` — in any form a reader could find it:

* the count itself, in figures or words, or its share at the precisions the paper prints
  (5.6%, 5.56%, 6%), in a sentence, alt text or line that names it;
* in a table, in the cell where the figure belongs (its row and column, or its month);
* a table's total less the other printed cells, when that leaves one withheld cell.

Each breach names the file and the place. ``sendlib run`` audits a paper before it is
published and refuses to publish one with a breach. The forms of a figure are in
``audit_figures``, the searches of running text and of tables in ``audit_text`` and
``audit_tables``, the reading of each kind of file in ``audit_files``.
"""

from __future__ import annotations

import json
from pathlib import Path

from sendlib.files import slug
from sendlib.months import Month
from sendlib.ops.audit_figures import Breach, Figure, numbers_in
from sendlib.ops.audit_files import in_archive, in_csv, in_docx, in_html, in_pdf, in_xlsx
from sendlib.ops.audit_tables import scorecard_rows
from sendlib.ops.audit_text import in_text, plain_text

REGISTER_FILE = "withheld.json"


def refuse_breaches(
    folder: Path, register: Path, month: Month, narrative: dict[str, str] | None = None
) -> None:
    """Stop a run whose paper would state a figure it withholds (``RunError``, exit 1):
    the staged folder is then never published. ``narrative``: for a re-render of the
    narrative alone (everything else as the last run made and audited it), the analysts'
    words by section, which are all there is to audit."""
    from sendlib.ops.request import RunError

    rows = read_register(register)
    if narrative is None:
        breaches = audit(folder, rows, month)
    else:
        figures = [Figure.of(row, month) for row in rows]
        units = [(f"narrative of '{name}'", plain_text(text)) for name, text in narrative.items()]
        published = published_numbers(folder / "scorecard.csv")
        breaches = in_text("paper.html", units, figures, month, published)
    if breaches:
        listed = "\n  ".join(str(b) for b in breaches[:20])
        raise RunError(
            f"the paper would publish {len(breaches)} figure(s) the disclosure rule "
            f"withholds, so it is not published:\n  {listed}"
        )


class AuditError(Exception):
    """The folder cannot be audited (no record of what its paper withheld)."""


def read_register(path: Path) -> list[dict]:
    """The register a run kept (``REGISTER_FILE``)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def register_for(folder: Path) -> list[dict]:
    """What the paper in a published folder withheld, from its run's work folder."""
    folder = Path(folder)
    manifest = folder / "manifest.json"
    if not manifest.exists():
        raise AuditError(f"{folder}: no manifest.json — not a folder sendlib run published")
    facts = json.loads(manifest.read_text(encoding="utf-8"))
    team = facts.get("team") or ""
    out = folder.parent.parent.parent if team else folder.parent
    label = facts["month"] + (f"-{slug(team)}" if team else "")
    path = out / ".work" / label / REGISTER_FILE
    if not path.exists():
        raise AuditError(
            f"{path} is missing: the record of what this paper withheld is kept by the run "
            "that made it; render the month again (sendlib run) and audit it then"
        )
    return read_register(path)


def audit(
    folder: Path,
    register: list[dict] | None = None,
    month: Month | None = None,
    archive: Path | None = None,
) -> list[Breach]:
    """Every breach in a published (or staged) month folder: ``register`` and ``month``
    default to what its manifest says; ``archive``: an archive page to look in too
    (default: the outputs folder's ``index.html``, for a month's paper)."""
    folder = Path(folder)
    manifest = folder / "manifest.json"
    facts = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    register = register_for(folder) if register is None else register
    month = Month.of(month if month is not None else facts.get("month") or folder.name)
    figures = [Figure.of(row, month) for row in register]
    if not figures:
        return []
    published = published_numbers(folder / "scorecard.csv")
    checks = {
        "paper.html": in_html,
        "paper.pdf": in_pdf,
        "paper.docx": in_docx,
        "scorecard.csv": in_csv,
        "scorecard.xlsx": in_xlsx,
    }
    breaches: list[Breach] = []
    for name, check in checks.items():
        path = folder / name
        if path.exists():
            breaches += check(path, figures, month, published)
    if archive is None and facts and not facts.get("team"):
        archive = folder.parent / "index.html"
    if archive is not None and archive.exists():
        breaches += in_archive(archive, figures, month)
    return breaches


def published_numbers(card: Path) -> dict[str, set[str]]:
    """The numbers each KPI's published displays state, over all its months: a number
    near a KPI's name that it shows in some month is not taken for a withheld one."""
    out: dict[str, set[str]] = {}
    for row in scorecard_rows(card):
        out.setdefault(row["kpi_id"], set()).update(numbers_in(row["display"]))
    return out
