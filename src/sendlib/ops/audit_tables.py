"""The audit in tables: a withheld figure printed in the cell where it belongs (its row
and column, or its month), a table's total less the other printed cells when that leaves
one withheld cell, and the tidy scorecard's rows."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sendlib.months import Month
from sendlib.ops.audit_figures import WITHHELD, Breach, Figure, numbers_in

MONTH_FORMS = ("%b %y", "%b %Y", "%B %Y")
MONTHISH = re.compile(r"^[A-Z][a-z]{2,8} \d{2}(\d{2})?$")


@dataclass
class Grid:
    """A table as a reader sees it: caption, column headings, and rows of cell text."""

    place: str
    caption: str
    header: list[str]
    rows: list[list[str]]


@lru_cache(maxsize=4096)
def month_label(text: str) -> Month | None:
    """The month a heading names ("May 25", "May 2025", "May 2025"), else None."""
    text = text.replace("\u00a0", " ").strip()
    if not MONTHISH.match(text):
        return None
    for form in MONTH_FORMS:
        try:
            return Month.of(dt.datetime.strptime(text, form).date())
        except ValueError:
            continue
    return None


def _same(a: str, b: str) -> bool:
    return a.replace("\u00a0", " ").strip().lower() == b.replace("\u00a0", " ").strip().lower()


def _by_form(figures: list[Figure]) -> dict[str, list[Figure]]:
    """Each form a withheld figure could be printed in, and the figures printed so."""
    out: dict[str, list[Figure]] = {}
    for figure in figures:
        for form in figure.forms:
            out.setdefault(form, []).append(figure)
    return out


@dataclass(frozen=True)
class Where:
    """Where a table cell is: its table's caption, its row and column headings, and the
    months they name (if they are months)."""

    caption: str
    row: str
    column: str
    row_month: Month | None
    column_month: Month | None
    month_columns: bool


def in_grids(file: str, grids: Iterable[Grid], figures: list[Figure], month: Month) -> list[Breach]:
    """Breaches in tables: a withheld figure in the cell where it belongs, or worked out
    from its column's total."""
    out = []
    by_form = _by_form(figures)
    for grid in grids:
        months = [month_label(h) for h in grid.header]
        month_columns = sum(m is not None for m in months) >= 2
        for row in grid.rows:
            if not row:
                continue
            for j, cell in enumerate(row[1:], start=1):
                text = cell.replace("\u00a0", " ").strip()
                if not text or text.startswith(WITHHELD):
                    continue
                first = text.split(" ")[0]
                candidates = {
                    id(f): f for s in numbers_in(first) | {first} for f in by_form.get(s, ())
                }
                if not candidates:
                    continue
                head = grid.header[j] if j < len(grid.header) else ""
                where = Where(
                    grid.caption.lower(),
                    row[0],
                    head,
                    month_label(row[0]),
                    months[j] if j < len(months) else None,
                    month_columns,
                )
                for figure in candidates.values():
                    if _belongs(figure, where, month):
                        place = f"{grid.place} “{grid.caption}”, row “{row[0]}”, column “{head}”"
                        out.append(Breach(file, place, figure.name, text))
        out += _totals(file, grid, figures)
    return out


@lru_cache(maxsize=1)
def _others() -> frozenset[str]:
    """Columns of figures published by others beside the council's own (How we compare,
    the appendix): England's, the region's, the neighbours' and the DfE's own publication
    (the labels load pandas: imported when an audit runs, not with the command line)."""
    from sendlib.paper.labels import COMPARATOR_NAMES, COMPARATORS

    return frozenset(
        name.lower()
        for name in (*COMPARATOR_NAMES.values(), *COMPARATORS.values())
        if name != COMPARATOR_NAMES["council"]
    )


MONTH_NAMES = [dt.date(2000, m, 1).strftime("%B").lower() for m in range(1, 13)]


def _caption_month(caption: str, month: Month) -> Month:
    """The month a table is of: one its caption ends with by name ('…, January': the last
    January up to the report month), else the report month."""
    last = caption.rstrip(" .").rsplit(" ", 1)[-1]
    if last in MONTH_NAMES:
        number = MONTH_NAMES.index(last) + 1
        year = month.year if number <= month.number else month.year - 1
        return Month(year, number)
    return month


def _belongs(figure: Figure, where: Where, month: Month) -> bool:
    """Whether a table cell is where this figure is shown (never a comparator's column:
    England's figure is not the council's, even when it reads the same)."""
    if figure.kind != "cell" and where.column.strip().lower() in _others():
        return False
    if figure.kind == "cell":
        if not any(where.caption.startswith(c) for c in figure.captions):
            return False
        if not _same(where.row, figure.label):
            return False
        if where.column_month is not None:  # requests by age: a column per month
            return where.column_month == figure.period
        if figure.column:
            return _same(where.column, figure.column)
        return figure.period == month and where.column.startswith(("Number", "Share", "Total"))
    named = _same(where.row, figure.label) or figure.named_in(where.row)
    if where.month_columns and where.column_month is not None:
        return named and where.column_month == figure.period
    if where.month_columns and where.column.strip().lower() == "last year":
        return named and figure.period == month - 12
    if where.row_month is not None:
        return where.row_month == figure.period and (
            _same(where.column, figure.label) or figure.named_in(where.column)
        )
    return named and figure.period == _caption_month(where.caption, month)


def _totals(file: str, grid: Grid, figures: list[Figure]) -> list[Breach]:
    """A total less the other printed cells of its column, when one cell is withheld."""
    out = []
    totals = [r for r in grid.rows if r and r[0].strip().lower() == "total"]
    if not totals:
        return out
    body = [r for r in grid.rows if r and r[0].strip().lower() != "total"]
    for j in range(1, len(grid.header)):
        if grid.header[j].strip().lower() == "share":
            continue
        total = _value(totals[0][j] if j < len(totals[0]) else "")
        if total is None:
            continue
        cells = [r[j] if j < len(r) else "" for r in body]
        hidden = [i for i, c in enumerate(cells) if c.strip().startswith(WITHHELD)]
        shown = [_value(c) for i, c in enumerate(cells) if i not in hidden]
        if len(hidden) != 1 or any(v is None for v in shown):
            continue
        out.append(
            Breach(
                file,
                f"{grid.place} “{grid.caption}”, column “{grid.header[j]}”",
                f"row “{body[hidden[0]][0]}”",
                f"total {total:g} less the printed cells leaves {total - sum(shown):g}",
            )
        )
    return out


def _value(text: str) -> float | None:
    text = text.replace("\u00a0", " ").strip().split(" ")[0].replace(",", "").rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


def scorecard_rows(card: Path) -> list[dict[str, str]]:
    """A scorecard CSV's rows (none when there is no file)."""
    if not card.exists():
        return []
    with open(card, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def in_tidy(file: str, rows: list[dict[str, str]], figures: list[Figure]) -> list[Breach]:
    """The tidy scorecard: a withheld KPI's row has no value and shows [c]; the row a year
    later gives no last year's value."""
    out = []
    at_row = {(r["kpi_id"], r["period"]): i for i, r in enumerate(rows)}
    blank = ("", "None", "nan")
    for figure in (f for f in figures if f.kind == "kpi"):
        at = at_row.get((figure.id, str(figure.period)))
        if at is not None:
            value, display = str(rows[at]["value"]), str(rows[at]["display"])
            if value not in blank or display != WITHHELD:
                place = f"row {at + 2} ({figure.id}, {figure.period})"
                found = f"value {value!r}, display {display!r}"
                out.append(Breach(file, place, figure.name, found))
        later = at_row.get((figure.id, str(figure.period + 12)))
        if later is not None and str(rows[later].get("last_year_value", "")) not in blank:
            place = f"row {later + 2} ({figure.id}, {figure.period + 12}) last_year_value"
            out.append(Breach(file, place, figure.name, str(rows[later]["last_year_value"])))
    return out
