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
published and refuses to publish one with a breach.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sendlib.files import slug
from sendlib.months import Month

REGISTER_FILE = "withheld.json"
#: a number as a reader reads one: not part of a word or code ("SEN2", "E06000058", "s61")
NUMBER = re.compile(r"(?<![\w.,£])(\d[\d,]*(?:\.\d+)?)(%?)(?![\w])")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
WORDS |= {"eight": 8, "nine": 9}
MONTH_FORMS = ("%b %y", "%b %Y", "%B %Y")
MONTHISH = re.compile(r"^[A-Z][a-z]{2,8} \d{2}(\d{2})?$")
WITHHELD = "[c]"


@dataclass(frozen=True)
class Breach:
    """A withheld figure found in a published file."""

    file: str
    place: str
    figure: str
    found: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.figure} is withheld but shown ({self.found})"


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
        units = [(f"narrative of '{name}'", _plain(text)) for name, text in narrative.items()]
        published = _published(folder / "scorecard.csv")
        breaches = _in_text("paper.html", units, figures, month, published)
    if breaches:
        listed = "\n  ".join(str(b) for b in breaches[:20])
        raise RunError(
            f"the paper would publish {len(breaches)} figure(s) the disclosure rule "
            f"withholds, so it is not published:\n  {listed}"
        )


class AuditError(Exception):
    """The folder cannot be audited (no record of what its paper withheld)."""


# ------------------------------------------------------------------ the register
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
    published = _published(folder / "scorecard.csv")
    checks = {
        "paper.html": _html,
        "paper.pdf": _pdf,
        "paper.docx": _docx,
        "scorecard.csv": _csv,
        "scorecard.xlsx": _xlsx,
    }
    breaches: list[Breach] = []
    for name, check in checks.items():
        path = folder / name
        if path.exists():
            breaches += check(path, figures, month, published)
    if archive is None and facts and not facts.get("team"):
        archive = folder.parent / "index.html"
    if archive is not None and archive.exists():
        breaches += _archive(archive, figures, month)
    return breaches


def archive_breaches(path: Path, register: list[dict], month: Month) -> list[Breach]:
    """Breaches in the archive page (``OUT/index.html``) of a month's withheld figures."""
    figures = [Figure.of(row, month) for row in register]
    return _archive(path, figures, month) if figures else []


def _published(card: Path) -> dict[str, set[str]]:
    """The numbers each KPI's published displays state, over all its months: a number
    near a KPI's name that it shows in some month is not taken for a withheld one."""
    out: dict[str, set[str]] = {}
    for row in _rows(card):
        out.setdefault(row["kpi_id"], set()).update(_numbers(row["display"]))
    return out


def _rows(card: Path) -> list[dict[str, str]]:
    """A scorecard CSV's rows (none when there is no file)."""
    if not card.exists():
        return []
    with open(card, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Figure:
    """A withheld figure and the forms a reader could find it in."""

    kind: str
    id: str
    period: Month
    label: str
    phrases: tuple[str, ...]
    captions: tuple[str, ...]
    column: str
    forms: frozenset[str]
    value: float
    status: str

    @classmethod
    def of(cls, row: dict, month: Month) -> Figure:
        period = Month.parse(row["period"])
        forms = set(_count_forms(row["count"]))
        if row["unit"] == "percent" or row["kind"] == "cell":
            share = row["value"] if row["unit"] == "percent" else _share(row)
            forms |= set(_share_forms(share))
        elif row["unit"] not in ("count",):
            forms |= set(_count_forms(row["value"]))
        phrases = tuple(p.lower() for p in str(row["phrases"]).split("|") if p)
        captions = tuple(c.lower() for c in str(row["captions"]).split("|") if c)
        return cls(
            row["kind"],
            row["id"],
            period,
            str(row["label"]),
            phrases,
            captions,
            str(row["column_label"]),
            frozenset(f for f in forms if f),
            _float(row["value"]),
            row["status"],
        )

    @property
    def name(self) -> str:
        where = f"{self.id} {self.label}" if self.kind == "cell" else self.label
        return f"{where} ({self.period.strftime('%B %Y')})"

    def named_in(self, text: str) -> bool:
        """Whether a sentence or line names this figure."""
        low = text.lower()
        if self.kind == "cell":  # a group's name as a word: 'ASD', never the 'asd' of a word
            return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", low) for p in self.phrases)
        return any(p in low for p in self.phrases) or self.label.lower() in low


def _float(value) -> float:
    return float("nan") if value is None else float(value)


def _count_forms(value: float | None) -> Iterator[str]:
    value = _float(value)
    if value != value:
        return
    n = round(float(value))
    if abs(float(value) - n) < 1e-9 and n >= 1:
        yield str(n)
        yield f"{n:,}"
        for word, number in WORDS.items():
            if number == n:
                yield word


def _share(row: dict) -> float:
    total, count = _float(row["total"]), _float(row["count"])
    return 100.0 * count / total if total and total == total else float("nan")


def _share_forms(share: float | None) -> Iterator[str]:
    share = _float(share)
    if share != share or share <= 0:
        return
    for places in (0, 1, 2):
        yield f"{share:.{places}f}%"
    for places in (1, 2):
        yield f"{share:.{places}f}"


def _numbers(text: str) -> set[str]:
    """The numbers a text states, as written (with their % sign) and in words."""
    found = set()
    for number, percent in NUMBER.findall(text):
        found.add(number + percent)
        found.add(number.replace(",", "") + percent)
    low = text.lower()
    found |= {w for w in WORDS if re.search(rf"\b{w}\b", low)}
    return found


# ------------------------------------------------------------------ text
def _context(figure: Figure, month: Month) -> bool:
    """The months a sentence talks about: this month, last month and a year ago."""
    return figure.period in (month, month - 1, month - 12)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+|\n+", text) if s.strip()]


def _in_text(
    file: str, units: Iterable[tuple[str, str]], figures: list[Figure], month, published
) -> list[Breach]:
    """Breaches in sentences, alt text and lines (``units``: place, text)."""
    out = []
    wanted = [
        f
        for f in figures
        if f.phrases and (_context(f, month) if f.kind != "cell" else f.period == month)
    ]
    # the KPI before its measure, this month before last month and last year: one breach
    # is named by the figure a reader would take it for
    wanted.sort(key=lambda f: (f.kind != "kpi", f.period != month, f.period > month))
    for place, text in units:
        for sentence in _sentences(text):
            numbers = _numbers(sentence)
            if not numbers:
                continue
            for figure in wanted:
                hit = figure.forms & numbers
                if figure.kind == "cell":  # a group named in a sentence, not a table's line
                    if len(sentence.split()) < 5:
                        continue
                    hit &= set(_count_forms(figure.value))
                if not hit or not figure.named_in(sentence):
                    continue
                hit -= published.get(figure.id, set())
                numbers -= hit  # each number stated is one breach
                if hit:
                    out.append(
                        Breach(
                            file,
                            f"{place}: “{sentence.strip()[:160]}”",
                            figure.name,
                            sorted(hit)[0],
                        )
                    )
    return out


# ------------------------------------------------------------------ tables
@dataclass
class Grid:
    """A table as a reader sees it: caption, column headings, and rows of cell text."""

    place: str
    caption: str
    header: list[str]
    rows: list[list[str]]


@lru_cache(maxsize=4096)
def _month_label(text: str) -> Month | None:
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


def _in_grids(file: str, grids: Iterable[Grid], figures: list[Figure], month) -> list[Breach]:
    out = []
    by_form = _by_form(figures)
    for grid in grids:
        months = [_month_label(h) for h in grid.header]
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
                    id(f): f for s in _numbers(first) | {first} for f in by_form.get(s, ())
                }
                if not candidates:
                    continue
                head = grid.header[j] if j < len(grid.header) else ""
                where = Where(
                    grid.caption.lower(),
                    row[0],
                    head,
                    _month_label(row[0]),
                    months[j] if j < len(months) else None,
                    month_columns,
                )
                for figure in candidates.values():
                    if _belongs(figure, where, month):
                        place = f"{grid.place} “{grid.caption}”, row “{row[0]}”, column “{head}”"
                        out.append(Breach(file, place, figure.name, text))
        out += _totals(file, grid, figures)
    return out


def _belongs(figure: Figure, where: Where, month: Month) -> bool:
    """Whether a table cell is where this figure is shown."""
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
    return named and figure.period == month


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


# ------------------------------------------------------------------ files
def _html(path: Path, figures, month, published) -> list[Breach]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    grids = []
    for n, table in enumerate(soup.find_all("table"), start=1):
        caption = table.find("caption")
        rows = [
            [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in table.find_all("tr")
        ]
        if not rows:
            continue
        grids.append(
            Grid(
                f"table {n}",
                caption.get_text(" ", strip=True) if caption else "",
                rows[0],
                rows[1:],
            )
        )
        table.decompose()
    units = []
    for element in soup.find_all(True):
        for attribute in ("alt", "aria-label", "title", "content"):
            value = element.get(attribute)
            if isinstance(value, str) and value:
                units.append((f"{element.name} {attribute}", value))
    units += [
        (el.name, el.get_text(" ", strip=True))
        for el in soup.find_all(["p", "li", "figcaption", "h1", "h2", "h3", "summary"])
    ]
    breaches = _in_grids(path.name, grids, figures, month)
    breaches += _in_text(path.name, units, figures, month, published)
    return _unique(breaches)


def _pdf(path: Path, figures, month, published) -> list[Breach]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        units = [
            (f"page {i}", page.get_textpage().get_text_range())
            for i, page in enumerate(document, start=1)
        ]
    finally:
        document.close()
    lines = [(place, line) for place, text in units for line in text.splitlines()]
    breaches = _in_text(path.name, lines, figures, month, published)
    breaches += _in_lines(path.name, lines, figures, month)
    return _unique(breaches)


def _in_lines(
    file: str, lines: list[tuple[str, str]], figures: list[Figure], month
) -> list[Breach]:
    """A table row printed as a line: a withheld cell's group followed by its number, under
    its table's caption."""
    out = []
    caption = ""
    cells = [f for f in figures if f.kind == "cell" and f.period == month and not f.column]
    for place, line in lines:
        text = line.strip()
        low = text.lower()
        if any(low.startswith(c) for f in cells for c in f.captions):
            caption = low
            continue
        for figure in cells:
            if not any(caption.startswith(c) for c in figure.captions):
                continue
            label = figure.label.lower()
            if low.startswith(label + " "):
                first = text[len(label) :].strip().split(" ")[0]
                if first in figure.forms:
                    out.append(Breach(file, f"{place}: “{text[:120]}”", figure.name, first))
    return out


def _docx(path: Path, figures, month, published) -> list[Breach]:
    from lxml import etree

    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    body = root.find("w:body", ns)
    grids, units, caption, n = [], [], "", 0
    for element in body:
        tag = etree.QName(element).localname
        if tag == "p":
            text = "".join(element.itertext())
            units.append(("paragraph", text))
            caption = text or caption
        elif tag == "tbl":
            n += 1
            rows = [
                ["".join(c.itertext()).strip() for c in tr.findall("w:tc", ns)]
                for tr in element.findall("w:tr", ns)
            ]
            inner = element.find("w:tblPr/w:tblCaption", ns)
            title = inner.get(f"{{{ns['w']}}}val") if inner is not None else caption
            if rows:
                grids.append(Grid(f"table {n}", title, rows[0], rows[1:]))
    for pic in root.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    ):
        units.append(("picture description", pic.get("descr", "") + " " + pic.get("title", "")))
    breaches = _in_grids(path.name, grids, figures, month)
    breaches += _in_text(path.name, units, figures, month, published)
    return _unique(breaches)


def _csv(path: Path, figures, month, published) -> list[Breach]:
    return _tidy(path.name, _rows(path), figures)


def _tidy(file: str, rows: list[dict[str, str]], figures: list[Figure]) -> list[Breach]:
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


def _xlsx(path: Path, figures, month, published) -> list[Breach]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    out = []
    for sheet in book.worksheets:
        rows = [
            ["" if v is None else _cell_text(v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        if rows and "kpi_id" in rows[0] and "period" in rows[0]:
            tidy = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
            out += _tidy(f"{path.name} sheet {sheet.title}", tidy, figures)
            continue
        header_at = next((i for i, r in enumerate(rows) if "KPI" in r or "Measure" in r), None)
        if header_at is None:
            continue
        header = rows[header_at]
        title = header.index("KPI") if "KPI" in header else header.index("Measure")
        grid = Grid(
            f"sheet {sheet.title}",
            f"Scorecard: {sheet.title}",
            header[title:],
            [r[title:] for r in rows[header_at + 1 :]],
        )
        out += _in_grids(path.name, [grid], figures, month)
    return _unique(out)


def _cell_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    return str(value)


def _archive(path: Path, figures, month) -> list[Breach]:
    """The archive page: each month's headline tiles and the trend captions."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    out = []
    table = soup.find("table")
    if table is not None:
        header = [c.get_text(" ", strip=True) for c in table.find("thead").find_all("th")]
        for tr in table.find("tbody").find_all("tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            row_month = _month_label(cells[0])
            for j, text in enumerate(cells[1:], start=1):
                head = header[j] if j < len(header) else ""
                for figure in (f for f in figures if f.kind == "kpi" and f.period == row_month):
                    if figure.named_in(head) and not text.startswith(WITHHELD):
                        first = text.split(" ")[0]
                        if first in figure.forms:
                            out.append(
                                Breach(
                                    path.name,
                                    f"row “{cells[0]}”, column “{head}”",
                                    figure.name,
                                    text,
                                )
                            )
    units = [(el.name, el.get_text(" ", strip=True)) for el in soup.find_all(["figcaption", "p"])]
    units += [("svg aria-label", el.get("aria-label", "")) for el in soup.find_all("svg")]
    out += _in_text(path.name, units, figures, month, {})
    return _unique(out)


def _plain(markup: str) -> str:
    """The text of an HTML fragment (the analysts' narrative as the paper prints it)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _unique(breaches: list[Breach]) -> list[Breach]:
    return list(dict.fromkeys(breaches))
