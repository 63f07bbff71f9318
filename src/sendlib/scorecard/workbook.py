"""scorecard.xlsx: the scorecard laid out for a committee clerk (seed 001 appendix, seed 003).

One sheet with a band per section, KPIs down and months across; each monthly figure is a
real number whose format adds the ▲▼► arrow; the status column says "on target / near
target / off target" in words on a coloured fill; comparators and notes follow. A second
sheet holds the tidy data (as scorecard.csv) and a third the key to the symbols.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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


def number_format(unit: str, places: int, direction: str) -> str:
    """Excel number format of a unit at the given decimals, with the direction glyph."""
    digits = "0." + "0" * places if places else "0"
    base = {"percent": f'{digits}"%"', "currency": f'"£"#,##{digits}'}.get(unit, f"#,##{digits}")
    glyph = fmt.GLYPHS[direction]
    return f'{base}" {glyph}"' if glyph else base


def write_workbook(
    scorecard: pd.DataFrame, catalogue: Catalogue, month: pd.Period, path: Path
) -> None:
    """Write scorecard.xlsx."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    periods = sorted(scorecard["period"].unique())
    labels = [pd.Period(p, freq="M").strftime("%b %y") for p in periods]
    headers = [
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
    ws.append([f"SEND scorecard – {month.strftime('%B %Y')}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
    by_kpi = {k: g.set_index("period") for k, g in scorecard.groupby("kpi_id", sort=False)}
    first_value_col = 5
    for section in catalogue.sections:
        ws.append([section])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        ws.cell(row, 1).font = Font(bold=True, color="FFFFFF")
        ws.cell(row, 1).fill = BAND_FILL
        for kpi in (k for k in catalogue.kpis if k.section == section):
            rows = by_kpi[kpi.id]
            latest = rows.loc[periods[-1]]
            good = {"up": "Higher", "down": "Lower", "neutral": "–"}[kpi.polarity]
            ws.append([kpi.ref, kpi.title.strip(), kpi.frequency.capitalize(), good])
            r = ws.max_row
            notes = []
            for j, period in enumerate(periods):
                cell = ws.cell(r, first_value_col + j)
                item = rows.loc[period]
                if pd.notna(item["value"]):
                    cell.value = float(item["value"])
                    cell.number_format = number_format(kpi.unit, kpi.places, item["direction"])
                elif item["display"]:
                    cell.value = item["display"]
                    if item["display"] != fmt.NOT_AVAILABLE:
                        notes.append(f"{labels[j]}: {item['display']}")
                cell.alignment = Alignment(horizontal="right")
            c = first_value_col + len(periods)
            if kpi.target is not None:
                ws.cell(r, c, kpi.target).number_format = number_format(kpi.unit, kpi.places, "")
            status = latest["rag"]
            if status:
                cell = ws.cell(r, c + 1, fmt.RAG_WORDS[status])
                fill, text = RAG_FILL[status]
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(color=text, bold=True)
            for offset, column in enumerate(
                ["last_year_value", "england", "statistical_neighbours", "region"], start=2
            ):
                if pd.notna(latest[column]):
                    cell = ws.cell(r, c + offset, float(latest[column]))
                    cell.number_format = number_format(kpi.unit, kpi.places, "")
            ws.cell(r, c + 6, fmt.VARIATION_WORDS[latest["spc_variation"]])
            ws.cell(r, c + 7, fmt.ASSURANCE_WORDS[latest["spc_assurance"]])
            ws.cell(r, c + 8, "; ".join(notes) or kpi.definition)
    widths = [7, 60, 10, 8, *[10] * len(periods), 9, 13, 10, 9, 12, 9, 26, 24, 50]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"{get_column_letter(first_value_col)}3"
    ws.row_dimensions[2].height = 32
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0

    data = wb.create_sheet("Data")
    data.append(list(scorecard.columns))
    for row in scorecard.itertuples(index=False):
        data.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in row])
    data.freeze_panes = "A2"

    key = wb.create_sheet("Key")
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
    ):
        key.append(line)
    key["A1"].font = key["B1"].font = Font(bold=True)
    key.column_dimensions["A"].width = 14
    key.column_dimensions["B"].width = 90

    stamp = dt.datetime.combine(month.end_time.date(), dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.title = f"SEND scorecard {month}"
    wb.properties.creator = "sendlib"
    wb.save(path)
