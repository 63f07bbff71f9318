"""Council exports as they really come: UK dates, Excel files, other encodings, header
spellings and separators give the demo's own scorecard; one cause is one line, not a
flood; numbers that cannot be right are errors; only what the catalogue needs is needed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from helpers import ROOT, write_tables
from sendlib.cli import app
from sendlib.data import findings as fnd
from sendlib.data.load import check_data, load_tables
from sendlib.scorecard.build import build, write_csv
from sendlib.scorecard.catalogue import load_catalogue

MONTH = pd.Period("2025-06", freq="M")
CATALOGUE = load_catalogue(ROOT / "params" / "kpis.yaml")


def scorecard_text(folder: Path, tmp_path: Path) -> bytes:
    card = build(load_tables(folder), CATALOGUE, MONTH, 6)
    target = tmp_path / f"card-{folder.name}.csv"
    write_csv(card, target)
    return target.read_bytes()


@pytest.fixture(scope="module")
def demo_card(demo_data, tmp_path_factory):
    return scorecard_text(demo_data, tmp_path_factory.mktemp("card"))


def variant(demo: Path, folder: Path) -> Path:
    shutil.copytree(demo, folder)
    return folder


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def uk(iso: pd.Series) -> pd.Series:
    """ISO dates as UK Excel writes them: dd/mm/yyyy (blank stays blank)."""
    parsed = pd.to_datetime(iso.where(iso != ""), format="%Y-%m-%d")
    return parsed.dt.strftime("%d/%m/%Y").fillna("")


def test_uk_dates_give_the_same_scorecard_and_are_noted_once(demo_data, demo_card, tmp_path):
    folder = variant(demo_data, tmp_path / "uk")
    requests = read(folder / "requests.csv")
    for column in ("received_date", "request_outcome_date"):
        requests[column] = uk(requests[column])
    requests.to_csv(folder / "requests.csv", index=False)
    assert scorecard_text(folder, tmp_path) == demo_card
    _, found = check_data(folder)
    assert "requests.csv received_date: read as day/month/year" in fnd.notes(found)


def test_upper_case_and_spaced_headers_give_the_same_scorecard(demo_data, demo_card, tmp_path):
    folder = variant(demo_data, tmp_path / "upper")
    person = read(folder / "person.csv")
    person.columns = [c.upper().replace("_", " ") for c in person.columns]  # "PERSON ID"
    person.to_csv(folder / "person.csv", index=False)
    assert scorecard_text(folder, tmp_path) == demo_card
    _, found = check_data(folder)
    assert any("PERSON ID → person_id" in n for n in fnd.notes(found))


def test_semicolons_give_the_same_scorecard(demo_data, demo_card, tmp_path):
    folder = variant(demo_data, tmp_path / "semi")
    read(folder / "plans.csv").to_csv(folder / "plans.csv", index=False, sep=";")
    assert scorecard_text(folder, tmp_path) == demo_card


def test_windows_1252_gives_the_same_scorecard_and_is_noted(demo_data, demo_card, tmp_path):
    folder = variant(demo_data, tmp_path / "cp1252")
    person = read(folder / "person.csv")
    person["team"] = person["team"].str.replace("Pod: Post 16", "Pod: Post 16 (£ budget, É)")
    person.to_csv(folder / "person.csv", index=False, encoding="cp1252")
    assert scorecard_text(folder, tmp_path) == demo_card
    tables, found = check_data(folder)
    assert "person.csv: read as Windows-1252 text" in fnd.notes(found)
    assert "Pod: Post 16 (£ budget, É)" in set(tables.person["team"])


def test_text_in_no_known_encoding_is_one_error_with_the_byte_offset(tmp_path, tiny):
    folder = write_tables(tmp_path / "d", tiny)
    data = (folder / "person.csv").read_bytes()
    (folder / "person.csv").write_bytes(data[:40] + b"\x81\x8d" + data[40:])
    tables, found = check_data(folder)
    errors = fnd.errors(found)
    assert tables is None
    assert "byte 0x81 at offset 40" in errors.iloc[0]["reason"]  # the cause comes first
    assert set(errors["rule"].iloc[1:]) == {"depends_on_broken"}  # one line per dependent


@pytest.mark.slow
def test_excel_workbooks_give_the_same_scorecard(demo_data, demo_card, tmp_path):
    folder = variant(demo_data, tmp_path / "xlsx")
    for name in ("person", "requests", "plans", "reviews"):
        frame = read(folder / f"{name}.csv")
        book = Workbook()
        sheet = book.active
        sheet.title = "Export" if name != "plans" else "plans"
        if name == "plans":  # several sheets: the one named like the table is read
            book.create_sheet("Notes").append(["not a table"])
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(
                [_cell(column, value) for column, value in zip(frame.columns, row, strict=True)]
            )
        book.save(folder / f"{name}.xlsx")
        (folder / f"{name}.csv").unlink()
    assert scorecard_text(folder, tmp_path) == demo_card


def _cell(column: str, value: str):
    """Dates as Excel date cells (UK text in one column), populations as numbers."""
    if column.endswith("date") and value:
        day = dt.date.fromisoformat(value)
        return day.strftime("%d/%m/%Y") if column == "received_date" else day
    return value or None


def test_excel_errors_name_the_sheets_row(tmp_path, tiny):
    folder = write_tables(tmp_path / "d", tiny)
    book = Workbook()
    sheet = book.active
    sheet.append(["SEND plans export"])  # a title row the export adds
    frame = read(folder / "plans.csv")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    sheet["D4"] = "not a date"  # the second plan's start date
    book.save(folder / "plans.xlsx")
    (folder / "plans.csv").unlink()
    _, found = check_data(folder)
    errors = fnd.errors(found)
    bad = errors[errors["column"] == "start_date"]
    assert bad["row"].tolist() == [4] and bad["file"].tolist() == ["plans.xlsx"]


def test_a_month_first_column_is_one_error_and_nothing_is_read(tmp_path, tiny):
    tiny["requests"][0]["received_date"] = "01/08/2024"
    tiny["requests"][1]["received_date"] = "07/31/2019"
    tiny["requests"][2]["received_date"] = "04/02/2024"
    folder = write_tables(tmp_path / "d", tiny)
    tables, found = check_data(folder)
    errors = fnd.errors(found)
    assert tables is None
    assert errors["rule"].tolist() == ["date_format"]
    assert "only make sense month first" in errors.iloc[0]["reason"]
    assert "07/31/2019 (row 3)" in errors.iloc[0]["reason"]


def test_a_column_mixing_iso_and_uk_dates_is_one_error(tmp_path, tiny):
    tiny["requests"][1]["received_date"] = "01/03/2024"
    folder = write_tables(tmp_path / "d", tiny)
    tables, found = check_data(folder)
    errors = fnd.errors(found)
    assert tables is None and errors["rule"].tolist() == ["date_format"]
    reason = errors.iloc[0]["reason"]
    assert "mixes ISO dates" in reason and "2024-01-08 (row 2)" in reason
    assert "01/03/2024 (row 3)" in reason


def test_one_cause_is_one_screen_that_starts_with_the_cause(demo_data, tmp_path):
    folder = variant(demo_data, tmp_path / "cause")
    person = read(folder / "person.csv").rename(columns={"person_id": "child_ref"})
    person.to_csv(folder / "person.csv", index=False)
    done = subprocess.run(
        [sys.executable, "-m", "sendlib", "validate", "--data", str(folder), "--month", "2025-06"],
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and len(lines) < 60, done.stdout
    first = next(line for line in lines if line.startswith("  "))
    assert "person.csv" in first and "person_id" in first and "missing" in first
    assert "rows refer to person.csv, which could not be read" in done.stdout


def test_a_negative_population_is_one_clear_error(tmp_path, tiny):
    tiny["population"][0]["population"] = "-112000"
    folder = write_tables(tmp_path / "d", tiny)
    _, found = check_data(folder)
    errors = fnd.errors(found)
    assert len(errors) == 1 and errors.iloc[0]["rule"] == "out_of_range"
    assert "it must be at least 1" in errors.iloc[0]["reason"]


def test_percentages_outside_0_to_100_and_negative_counts_are_errors(tmp_path, tiny):
    tiny["returns"] += [
        {"kpi_id": "health_advice_6wk_pct", "period": "2025-05", "value": "104", "note": ""},
        {"kpi_id": "complaints_count", "period": "2025-05", "value": "-3", "note": ""},
    ]
    folder = write_tables(tmp_path / "d", tiny)
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--month", "2025-05"])
    assert result.exit_code == 1
    assert "a percentage must be between 0 and 100" in result.output
    assert "a count cannot be negative" in result.output


def test_a_catalogue_of_partner_returns_needs_no_case_data(tmp_path, tiny):
    folder = tmp_path / "returns-only"
    write_tables(folder, {"returns": tiny["returns"], "benchmarks": tiny["benchmarks"]})
    catalogue = tmp_path / "kpis.yaml"
    catalogue.write_text(
        "kpis:\n"
        "  - {id: sendiass_open_l3, ref: '1', title: Open SENDIASS cases (level 3),\n"
        "     section: SENDIASS, unit: count, polarity: down, frequency: monthly,\n"
        "     source: return}\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "scorecard",
            "--data",
            str(folder),
            "--catalogue",
            str(catalogue),
            "--month",
            "2025-06",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    card = pd.read_csv(out / "2025-06" / "scorecard.csv", keep_default_na=False)
    june = card[card["period"] == "2025-06"].iloc[0]
    assert june["display"] == "requested"
    assert card[card["period"] == "2025-05"]["display"].iloc[0] == "188"
