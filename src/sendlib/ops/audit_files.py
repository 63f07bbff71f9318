"""The audit's readers of each published file: the HTML (tables, text, alt text and other
attributes), the PDF's text, the Word copy, scorecard.csv, scorecard.xlsx and the archive
page, each turned into tables and running text for the searches of ``audit_tables`` and
``audit_text``."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sendlib.months import Month
from sendlib.ops.audit_figures import WITHHELD, Breach, Figure, unique
from sendlib.ops.audit_tables import Grid, in_grids, in_tidy, month_label, scorecard_rows
from sendlib.ops.audit_text import in_lines, in_text


def in_html(
    path: Path, figures: list[Figure], month: Month, published: dict[str, set[str]]
) -> list[Breach]:
    """Breaches in paper.html: its tables, its text, and the alt text and other attributes
    a reader meets."""
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
    return _in_page(path.name, grids, units, figures, month, published)


def _in_page(file: str, grids, units, figures, month, published) -> list[Breach]:
    """Breaches in a document's tables and its running text, each once."""
    found = in_grids(file, grids, figures, month)
    return unique(found + in_text(file, units, figures, month, published))


def in_pdf(
    path: Path, figures: list[Figure], month: Month, published: dict[str, set[str]]
) -> list[Breach]:
    """Breaches in paper.pdf: each page's text, as sentences and as lines (a table's row is
    a line)."""
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
    breaches = in_text(path.name, lines, figures, month, published)
    breaches += in_lines(path.name, lines, figures, month)
    return unique(breaches)


def in_docx(
    path: Path, figures: list[Figure], month: Month, published: dict[str, set[str]]
) -> list[Breach]:
    """Breaches in paper.docx: its tables (by caption), paragraphs and picture descriptions."""
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
    return _in_page(path.name, grids, units, figures, month, published)


def in_csv(
    path: Path, figures: list[Figure], month: Month, published: dict[str, set[str]]
) -> list[Breach]:
    """Breaches in scorecard.csv: a withheld KPI's row and the row a year later."""
    return in_tidy(path.name, scorecard_rows(path), figures)


def in_xlsx(
    path: Path, figures: list[Figure], month: Month, published: dict[str, set[str]]
) -> list[Breach]:
    """Breaches in scorecard.xlsx: the tidy sheet as scorecard.csv, the laid-out sheets as
    tables."""
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
            out += in_tidy(f"{path.name} sheet {sheet.title}", tidy, figures)
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
        out += in_grids(path.name, [grid], figures, month)
    return unique(out)


def _cell_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    return str(value)


def in_archive(path: Path, figures: list[Figure], month: Month) -> list[Breach]:
    """The archive page: each month's headline tiles and the trend captions."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    out = []
    table = soup.find("table")
    if table is not None:
        header = [c.get_text(" ", strip=True) for c in table.find("thead").find_all("th")]
        for tr in table.find("tbody").find_all("tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            row_month = month_label(cells[0])
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
    out += in_text(path.name, units, figures, month, {})
    return unique(out)
