"""paper.docx laid out for print as paper.pdf is: A4 pages with the PDF's margins, the
paper's title and month in the header and "Page N of M" in the footer, each section on a
new page, the scorecard appendix in a landscape section, table columns as wide as their
content needs (never under 10 mm) and charts the width of the text.

pandoc cannot set any of this from HTML, so the Word HTML carries marker paragraphs
(``marker``) where a page or a section must break, and ``lay_out`` edits pandoc's file with
python-docx: a marker becomes a page break or a section break and is emptied. The page
geometry is the PDF's (``sendlib/render/paper.css``: ``@page`` and ``@page landscape``), so
the two copies a committee is sent print alike.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

MARKER_STYLE = "SendlibMarker"
PAGE_BREAK = "sendlib-page-break"
LANDSCAPE_START = "sendlib-landscape-start"
LANDSCAPE_END = "sendlib-landscape-end"

#: the narrowest column a printed table may have: a figure and its arrow fit in 10 mm
MIN_COLUMN_MM = 10.0
TWIPS_PER_MM = 1440 / 25.4
#: an average character's width, in ems, of the sans-serif face Word or LibreOffice sets
#: (DejaVu Sans, the widest of Arial's stand-ins: a column measured for it fits Arial too)
CHAR_EM = 0.6
BODY_TABLE_PT = 9.0
SCORECARD_PT = 7.5
CELL_MARGIN_MM = 1.0  # each side of a cell's text
FOOTER_PT = 8.0
GREY = RGBColor(0x3D, 0x3D, 0x3D)


@dataclass(frozen=True)
class Geometry:
    """A page's size and margins in mm (paper.css's @page rules)."""

    width: float
    height: float
    top: float
    right: float
    bottom: float
    left: float

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom


PORTRAIT = Geometry(210, 297, 18, 16, 20, 16)  # @page { size: A4; margin: 18mm 16mm 20mm }
LANDSCAPE = Geometry(297, 210, 12, 10, 16, 10)  # @page landscape { margin: 12mm 10mm 16mm }


def marker(kind: str) -> str:
    """The Word HTML of a marker paragraph (pandoc keeps its custom style)."""
    return f'<div data-custom-style="{MARKER_STYLE}"><p>{kind}</p></div>'


def lay_out(path: Path, title: str, month: str) -> None:
    """Lay ``path`` (pandoc's paper.docx) out for print, in place: sections, page breaks,
    header and footer, table widths and picture sizes."""
    document = Document(str(path))
    body = document.element.body
    _breaks(body)
    sections = list(document.sections)
    for section, geometry in zip(sections, _geometries(body), strict=True):
        _set_page(section, geometry)
    _header_footer(sections[0], title, month)
    for table, geometry in _tables_with_geometry(body):
        _set_widths(table, geometry, SCORECARD_PT if geometry is LANDSCAPE else BODY_TABLE_PT)
    for inline, geometry in _pictures_with_geometry(body):
        _fit_picture(inline, geometry)
        _keep_with_next(next(inline.iterancestors(qn("w:p"))))
    document.save(str(path))


def _marker_kind(paragraph) -> str | None:
    style = paragraph.find(qn("w:pPr") + "/" + qn("w:pStyle"))
    if style is None or style.get(qn("w:val")) != MARKER_STYLE:
        return None
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()


def _breaks(body) -> None:
    """Each marker paragraph made the break it names. A landscape run of the body becomes
    its own section (a section's properties sit in its last paragraph)."""
    final = body.find(qn("w:sectPr"))
    for paragraph in list(body.iterchildren(qn("w:p"))):
        kind = _marker_kind(paragraph)
        if kind is None:
            continue
        for run in paragraph.findall(qn("w:r")):
            paragraph.remove(run)
        ppr = paragraph.find(qn("w:pPr"))
        ppr.remove(ppr.find(qn("w:pStyle")))
        if kind in (LANDSCAPE_START, LANDSCAPE_END):
            sect = copy.deepcopy(final)
            sect.set(qn("w:sendlib"), "landscape" if kind == LANDSCAPE_END else "portrait")
            ppr.append(sect)
            _compact(ppr)
            continue
        following = paragraph.getnext()
        while following is not None and following.tag not in (qn("w:p"), qn("w:tbl")):
            following = following.getnext()  # a bookmark (the heading's anchor)
        previous = paragraph.getprevious()
        while previous is not None and previous.tag not in (qn("w:p"), qn("w:tbl")):
            previous = previous.getprevious()
        after_section_break = (
            previous is not None and previous.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None
        )
        body.remove(paragraph)
        if kind != PAGE_BREAK or after_section_break or previous is None:
            continue  # a new section starts a page already
        if following is not None and following.tag == qn("w:p"):
            fppr = following.find(qn("w:pPr"))
            if fppr is None:
                fppr = OxmlElement("w:pPr")
                following.insert(0, fppr)
            fppr.append(OxmlElement("w:pageBreakBefore"))


def _keep_with_next(paragraph) -> None:
    """A chart's picture is printed on the page of its caption (the paragraph after it)."""
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        keep = OxmlElement("w:keepNext")
        style = ppr.find(qn("w:pStyle"))
        ppr.insert(1 if style is not None else 0, keep)


def _compact(ppr) -> None:
    """A section-break paragraph takes no room of its own."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    ppr.insert(0, spacing)


def _section_ends(body) -> list:
    """The body's section properties in order (the last is the body's own)."""
    ends = [p.find(qn("w:pPr") + "/" + qn("w:sectPr")) for p in body.iterchildren(qn("w:p"))]
    return [e for e in ends if e is not None] + [body.find(qn("w:sectPr"))]


def _geometries(body) -> list[Geometry]:
    out = []
    for sect in _section_ends(body):
        wide = sect.get(qn("w:sendlib")) == "landscape"
        if sect.get(qn("w:sendlib")) is not None:
            del sect.attrib[qn("w:sendlib")]
        out.append(LANDSCAPE if wide else PORTRAIT)
    return out


def _set_page(section, geometry: Geometry) -> None:
    wide = geometry.width > geometry.height
    section.start_type = WD_SECTION.NEW_PAGE
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(geometry.width), Mm(geometry.height)
    section.top_margin, section.bottom_margin = Mm(geometry.top), Mm(geometry.bottom)
    section.left_margin, section.right_margin = Mm(geometry.left), Mm(geometry.right)
    section.header_distance, section.footer_distance = Mm(8), Mm(8)


def _header_footer(section, title: str, month: str) -> None:
    """The title and month at the head of each page, "Page N of M" at its foot (the
    sections after the first follow the first's)."""
    head = section.header.paragraphs[0]
    head.text = ""
    _run(head, title if month in title else f"{title} — {month}")
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = section.footer.paragraphs[0]
    foot.text = ""
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(foot, "Page ")
    _field(foot, "PAGE")
    _run(foot, " of ")
    _field(foot, "NUMPAGES")


def _run(paragraph, text: str):
    run = paragraph.add_run(text)
    run.font.size = Pt(FOOTER_PT)
    run.font.color.rgb = GREY
    return run


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin, code, separator, shown value, end."""
    for part in ("begin", "code", "separate", "value", "end"):
        run = _run(paragraph, "")
        if part == "code":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {code} "
            run._r.append(text)
        elif part == "value":
            run.text = "1"
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), part)
            run._r.append(char)


def _by_section(body, tag: str):
    """Each top-level element with ``tag`` and the geometry of the section it is in."""
    geometries = [
        LANDSCAPE if s.get(qn("w:orient")) == "landscape" else PORTRAIT
        for s in (e.find(qn("w:pgSz")) for e in _section_ends(body))
    ]
    index = 0
    for child in body.iterchildren():
        if child.tag == tag:
            yield child, geometries[index]
        if child.tag == qn("w:p") and child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            index += 1


def _tables_with_geometry(body):
    return _by_section(body, qn("w:tbl"))


def _pictures_with_geometry(body):
    for paragraph, geometry in _by_section(body, qn("w:p")):
        for inline in paragraph.iter(qn("wp:inline")):
            yield inline, geometry


def _cell_text(tc) -> str:
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iterchildren(qn("w:p"))
    )


def column_widths(cells: list[list[str]], text_width: float, points: float) -> list[float]:
    """Column widths in mm from the cells' text: each column at least as wide as its
    longest word (never under ``MIN_COLUMN_MM``), the text width shared out by how much
    more each column's longest line asks for; a table too wide for the text width is
    narrowed evenly, never under the minimum."""
    count = max(len(row) for row in cells)
    char = points * CHAR_EM * 25.4 / 72
    pad = 2 * CELL_MARGIN_MM
    lows, wants = [MIN_COLUMN_MM] * count, [MIN_COLUMN_MM] * count
    for row in cells:
        for i, text in enumerate(row):
            lines = text.split("\n") or [""]
            word = max((len(w) for line in lines for w in line.split()), default=0)
            line = min(max(len(x) for x in lines), 60)
            lows[i] = max(lows[i], word * char + pad)
            wants[i] = max(wants[i], line * char + pad, lows[i])
    if sum(wants) <= text_width:
        grow = text_width / sum(wants)
        return [w * grow for w in wants]
    if sum(lows) <= text_width:
        spare, asks = text_width - sum(lows), [w - lo for w, lo in zip(wants, lows, strict=True)]
        return [lo + spare * a / sum(asks) for lo, a in zip(lows, asks, strict=True)]
    # too wide even at each column's longest word: share the width by it, floored
    floor = min(MIN_COLUMN_MM, text_width / count)
    widths = [max(floor, lo * text_width / sum(lows)) for lo in lows]
    over = sum(widths) - text_width
    flexible = [w - floor for w in widths]
    return [
        w - over * f / sum(flexible) if over > 0 else w
        for w, f in zip(widths, flexible, strict=True)
    ]


def _set_widths(table, geometry: Geometry, points: float) -> None:
    rows = list(table.iterchildren(qn("w:tr")))
    cells = [[_cell_text(tc) for tc in tr.iterchildren(qn("w:tc"))] for tr in rows]
    if not cells or not any(cells):
        return
    plain = [row for row in cells if len(row) == max(len(r) for r in cells)]
    widths = column_widths(plain, geometry.text_width, points)
    twips = [round(w * TWIPS_PER_MM) for w in widths]
    tblpr = table.find(qn("w:tblPr"))
    for old in tblpr.findall(qn("w:tblW")) + tblpr.findall(qn("w:tblLayout")):
        tblpr.remove(old)
    tblw = OxmlElement("w:tblW")
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(sum(twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(CELL_MARGIN_MM * TWIPS_PER_MM)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    style = tblpr.find(qn("w:tblStyle"))
    at = list(tblpr).index(style) + 1 if style is not None else 0
    for i, element in enumerate((tblw, layout, margins)):
        tblpr.insert(at + i, element)
    grid = table.find(qn("w:tblGrid"))
    for col in list(grid):
        grid.remove(col)
    for width in twips:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(width))
        grid.append(col)
    for tr in rows:
        column = 0
        for tc in tr.iterchildren(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            if tcpr is None:
                tcpr = OxmlElement("w:tcPr")
                tc.insert(0, tcpr)
            span = tcpr.find(qn("w:gridSpan"))
            wide = int(span.get(qn("w:val"))) if span is not None else 1
            for old in tcpr.findall(qn("w:tcW")):
                tcpr.remove(old)
            tcw = OxmlElement("w:tcW")
            tcw.set(qn("w:w"), str(sum(twips[column : column + wide])))
            tcw.set(qn("w:type"), "dxa")
            tcpr.insert(0, tcw)
            column += wide
            for run in tc.iter(qn("w:r")):
                _size(run, points)


def _size(run, points: float) -> None:
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run.insert(0, rpr)
    for name in ("w:sz", "w:szCs"):
        for old in rpr.findall(qn(name)):
            rpr.remove(old)
        size = OxmlElement(name)
        size.set(qn("w:val"), str(round(points * 2)))
        rpr.append(size)


EMU_PER_MM = 36000


def _fit_picture(inline, geometry: Geometry) -> None:
    """A chart the width of the text (no taller than half the text height)."""
    extent = inline.find(qn("wp:extent"))
    width, height = int(extent.get("cx")), int(extent.get("cy"))
    if not width or not height:
        return
    scale = geometry.text_width * EMU_PER_MM / width
    scale = min(scale, geometry.text_height * 0.5 * EMU_PER_MM / height)
    cx, cy = str(round(width * scale)), str(round(height * scale))
    extent.set("cx", cx)
    extent.set("cy", cy)
    for ext in inline.iter(qn("a:ext")):
        ext.set("cx", cx)
        ext.set("cy", cy)
