"""scorecard.xlsx: the scorecard laid out for a committee clerk, as a paper's appendix.

One sheet with a band per section, KPIs down and months across; each monthly figure is a
real number whose format adds the ▲▼► arrow; the status column says "on target / near
target / off target" in words on a coloured fill; comparators and notes follow. It prints
on A4 landscape, one page wide, headers on every page, sections kept whole where they fit.
A hidden second sheet holds the tidy data (as scorecard.csv; hidden so that it stays out
of the print) and a third the key to the symbols.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from sendlib.data.contract import shown_comparators
from sendlib.files import atomic_output
from sendlib.scorecard import formats as fmt
from sendlib.scorecard.catalogue import Catalogue

# fills from Excel's conditional-format palette: dark text on light fill (contrast > 7:1)
RAG_FILL = {
    "green": ("C6EFCE", "006100"),
    "amber": ("FFEB9C", "5C4700"),
    "red": ("FFC7CE", "9C0006"),
}
BAND_FILL = PatternFill("solid", fgColor="12436D")
HEADER_FILL = PatternFill("solid", fgColor="D9E1EA")
THIN = Side(style="thin", color="A6A6A6")


def number_format(unit: str, places: int, direction: str, period: str = "") -> str:
    """Excel number format of a unit at the given decimals, with the direction glyph, or
    (a comparator) the period it is for: 45.9% (2024)."""
    digits = "0." + "0" * places if places else "0"
    base = {"percent": f'{digits}"%"', "currency": f'"£"#,##{digits}'}.get(unit, f"#,##{digits}")
    if period:
        return f'{base}" ({period})"'
    glyph = fmt.GLYPHS[direction]
    return f'{base}" {glyph}"' if glyph else base


#: column widths (characters) of the Scorecard sheet, months between "Good is" and "Target"
WIDTHS = {
    "Ref": 6,
    "KPI": 38,
    "Frequency": 10,
    "Good is": 7,
    "month": 8.5,
    "Target": 8,
    "Status": 11,
    "Last year": 8,
    "England": 12,
    "Stat. neighbours": 12,
    "Region": 12,
    "SPC variation": 13,
    "SPC assurance": 13,
    "Note": 50,
}
#: rows of the default height that fit one A4 landscape page at the scale the print
#: reaches when one page wide (an estimate: section bands are kept whole within it)
A4_LANDSCAPE_MM = (297, 210)
MARGIN_MM = 12


def write_workbook(
    scorecard: pd.DataFrame,
    catalogue: Catalogue,
    month: pd.Period,
    path: Path,
    comparators: pd.DataFrame | None = None,
    provisional: str = "",
) -> None:
    """Write scorecard.xlsx: the Scorecard sheet (printable on A4), Data and Key;
    ``comparators`` (``scorecard.build.comparator_periods``) give each comparator's period,
    shown beside its value; ``provisional``: how far the data reach, for a month the
    extract covers only in part (stamped in the title, as on the paper's cover)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    periods = sorted(scorecard["period"].unique())
    dated = {}
    if comparators is not None:
        dated = {
            (r.kpi_id, r.comparator): fmt.comparator_period(r.period)
            for r in comparators.itertuples()
        }
    starts = _scorecard_sheet(ws, scorecard, catalogue, month, periods, dated, provisional)
    _print_setup(ws, month, len(periods), starts)
    _data_sheet(wb.create_sheet("Data"), scorecard, month)
    _key_sheet(wb.create_sheet("Key"))
    wb.active = 0  # opened and printed ("active sheets"), the Scorecard alone
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    stamp = dt.datetime.combine(month.end_time.date(), dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.title = f"SEND scorecard {month}"
    wb.properties.creator = "sendlib"
    with atomic_output(path) as temp:
        buffer = io.BytesIO()
        wb.save(buffer)
        temp.write_bytes(_dated(buffer.getvalue(), stamp))


def _dated(xlsx: bytes, stamp: dt.datetime) -> bytes:
    """The workbook with every date in it the report month's end: openpyxl stamps the
    time of saving on each zip member and as the file's last modification, and the same
    scorecard must make the same bytes (a paper is re-created byte for byte)."""
    when = stamp.timetuple()[:6]
    written = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + written.encode() + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(member.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, data)
    return out.getvalue()


def _headers(labels: list[str]) -> list[str]:
    return [
        "Ref",
        "KPI",
        "Frequency",
        "Good is",
        *labels,
        "Target",
        "Status",
        "Last year",
        "England",
        "Stat. neighbours",
        "Region",
        "SPC variation",
        "SPC assurance",
        "Note",
    ]


def _scorecard_sheet(
    ws,
    scorecard: pd.DataFrame,
    catalogue: Catalogue,
    month: pd.Period,
    periods: list[str],
    dated: dict[tuple[str, str], str],
    provisional: str = "",
) -> list[tuple[int, int]]:
    """The bands and KPI rows; returns each section's (first row, last row)."""
    labels = [pd.Period(p, freq="M").strftime("%b %y") for p in periods]
    headers = _headers(labels)
    stamp = f" – Provisional: data to {provisional}" if provisional else ""
    ws.append([f"SEND scorecard – {month.strftime('%B %Y')}{stamp}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
    by_kpi = {k: g.set_index("period") for k, g in scorecard.groupby("kpi_id", sort=False)}
    sections = []
    for section in catalogue.sections:
        ws.append([section])
        first = ws.max_row
        ws.merge_cells(start_row=first, start_column=1, end_row=first, end_column=len(headers))
        ws.cell(first, 1).font = Font(bold=True, color="FFFFFF")
        ws.cell(first, 1).fill = BAND_FILL
        for kpi in (k for k in catalogue.kpis if k.section == section):
            _kpi_row(ws, kpi, by_kpi[kpi.id], periods, labels, dated)
        sections.append((first, ws.max_row))
    for i, name in enumerate(headers, start=1):
        width = WIDTHS["month"] if name in labels else WIDTHS[name]
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"{get_column_letter(FIRST_VALUE_COL)}3"
    ws.row_dimensions[2].height = 32
    return sections


FIRST_VALUE_COL = 5
WRAP = Alignment(wrap_text=True, vertical="top")


def _kpi_row(
    ws,
    kpi,
    rows: pd.DataFrame,
    periods: list[str],
    labels: list[str],
    dated: dict[tuple[str, str], str],
) -> None:
    latest = rows.loc[periods[-1]]
    good = {"up": "Higher", "down": "Lower", "neutral": "–"}[kpi.polarity]
    ws.append([kpi.ref, kpi.title.strip(), kpi.frequency.capitalize(), good])
    r = ws.max_row
    ws.cell(r, 2).alignment = WRAP
    notes = []
    for j, period in enumerate(periods):
        cell = ws.cell(r, FIRST_VALUE_COL + j)
        item = rows.loc[period]
        if pd.notna(item["value"]):
            cell.value = float(item["value"])
            cell.number_format = number_format(kpi.unit, kpi.places, item["direction"])
        elif item["display"]:
            cell.value = item["display"]
            if item["display"] not in (fmt.NOT_AVAILABLE, fmt.NOT_APPLICABLE):
                notes.append(f"{labels[j]}: {item['display']}")
        cell.alignment = Alignment(horizontal="right", vertical="top")
    c = FIRST_VALUE_COL + len(periods)
    if kpi.target is not None:
        ws.cell(r, c, kpi.target).number_format = number_format(kpi.unit, kpi.places, "")
    status = latest["rag"]
    if status:
        cell = ws.cell(r, c + 1, fmt.RAG_WORDS[status])
        fill, text = RAG_FILL[status]
        cell.fill = PatternFill("solid", fgColor=fill)
        cell.font = Font(color=text, bold=True)
    for offset, column in enumerate(["last_year_value", *shown_comparators()], start=2):
        if pd.notna(latest[column]):
            cell = ws.cell(r, c + offset, float(latest[column]))
            period = dated.get((kpi.id, column), "")  # a comparator says its period
            cell.number_format = number_format(kpi.unit, kpi.places, "", period)
    variation = fmt.VARIATION_WORDS[latest["spc_variation"]]
    assurance = fmt.ASSURANCE_WORDS[latest["spc_assurance"]]
    ws.cell(r, c + 6, variation).alignment = WRAP
    ws.cell(r, c + 7, assurance).alignment = WRAP
    ws.cell(r, c + 8, "; ".join(notes) or kpi.definition)  # not printed: runs on unwrapped
    # wrapped cells need their height set: spreadsheets do not grow a row on opening
    lines = max(
        _lines(kpi.title.strip(), WIDTHS["KPI"]),
        _lines(variation, WIDTHS["SPC variation"]),
        _lines(assurance, WIDTHS["SPC assurance"]),
    )
    ws.row_dimensions[r].height = ROW_POINTS * lines
    for cell in ws[r]:  # every figure level with the first line of its KPI's title
        if not cell.alignment.wrap_text:
            cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top")


ROW_POINTS = 15


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (words kept whole)."""
    lines, used = 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def print_scale(months: int) -> float:
    """The scale one page wide reaches: A4 landscape less margins over the printed columns
    (an Excel character is about 1.9 mm at 100%)."""
    printed = sum(v for k, v in WIDTHS.items() if k not in ("month", "Note"))
    printed += months * WIDTHS["month"]
    usable = A4_LANDSCAPE_MM[0] - 2 * MARGIN_MM
    return min(1.0, usable / (printed * 1.9))


def _print_setup(ws, month: pd.Period, months: int, sections: list[tuple[int, int]]) -> None:
    """A4 landscape, one page wide, the header rows on every page, the long Note column
    left out of the print, section bands kept on one page where they fit, and a footer
    with the month and page numbers."""
    last_printed = get_column_letter(FIRST_VALUE_COL + months + 7)  # up to SPC assurance
    ws.print_area = f"A1:{last_printed}{ws.max_row}"
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margin = MARGIN_MM / 25.4
    ws.page_margins = PageMargins(left=margin, right=margin, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.left.text = f"SEND scorecard – {month.strftime('%B %Y')}"
    ws.oddFooter.right.text = "Page &P of &N"
    # keep each section on one page when it fits: a break before a band that would
    # cross the page end (heights in points, at the scale the print reaches)
    page = (A4_LANDSCAPE_MM[1] - 2 * 15.2 - 2 * 8) / 25.4 * 72 / print_scale(months)
    page -= sum(_height(ws, r) for r in (1, 2))  # the titles repeated on each page
    used = 0.0
    for first, last in sections:
        height = sum(_height(ws, r) for r in range(first, last + 1))
        if used and used + height > page:
            ws.row_breaks.append(Break(id=first - 1))
            used = 0.0
        used = (used + height) % page


def _height(ws, row: int) -> float:
    return ws.row_dimensions[row].height or ROW_POINTS


def _data_sheet(data, scorecard: pd.DataFrame, month: pd.Period) -> None:
    """The tidy scorecard (as scorecard.csv): for filters and pivots, not for the print."""
    data.append(list(scorecard.columns))
    for row in scorecard.itertuples(index=False):
        data.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in row])
    data.freeze_panes = "A2"
    # hidden, so printing the workbook prints the Scorecard (and the Key), not 40 pages
    # of data; Format > Sheet > Show (Excel: Unhide) brings it back
    data.sheet_state = "hidden"
    data.print_title_rows = "1:1"
    data.page_setup.paperSize = data.PAPERSIZE_A4
    data.page_setup.orientation = data.ORIENTATION_LANDSCAPE
    data.oddFooter.left.text = f"SEND scorecard data – {month.strftime('%B %Y')}"
    data.oddFooter.right.text = "Page &P of &N"


def _key_sheet(key) -> None:
    for line in (
        ["Symbol", "Meaning"],
        ["▲ / ▼ / ►", "Up / down / unchanged on the previous period, at the precision shown"],
        ["on target", "Meets the target (green)"],
        ["near target", "Misses the target by no more than the tolerance (amber)"],
        ["off target", "Misses the target by more than the tolerance (red)"],
        [
            fmt.NOT_AVAILABLE,
            "Not available (GSS symbol); a partner's note is shown instead when given",
        ],
        ["SPC", "Statistical process control (XmR chart, NHS 'Making Data Count'), last 24 points"],
        [
            "Data",
            "Every figure as a table for filters and pivots: the hidden sheet 'Data' "
            "(right-click a sheet tab > Unhide / Show Sheet), or scorecard.csv",
        ],
    ):
        key.append(line)
    key["A1"].font = key["B1"].font = Font(bold=True)
    key.column_dimensions["A"].width = 14
    key.column_dimensions["B"].width = 90
    key.page_setup.paperSize = key.PAPERSIZE_A4
    key.page_setup.orientation = key.ORIENTATION_LANDSCAPE
    key.page_setup.fitToWidth = 1
    key.page_setup.fitToHeight = 0
    key.sheet_properties.pageSetUpPr.fitToPage = True
