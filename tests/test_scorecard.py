"""The scorecard: the tidy CSV contract, partner notes, schedules, comparators, workbook."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import council_dir
from sendlib.cli import app
from sendlib.data.load import load_tables
from sendlib.demo import generate
from sendlib.scorecard.build import COLUMNS, build, headline_tiles, write_csv
from sendlib.scorecard.catalogue import Catalogue, SpcRule, load_catalogue
from sendlib.scorecard.workbook import write_workbook

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "tests" / "golden" / "scorecard_demo_2025-06.csv"
MONTH = pd.Period("2025-06", freq="M")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    generate(folder, seed=42, end=MONTH)
    return load_tables(folder)


@pytest.fixture(scope="module")
def card(demo):
    return build(demo, load_catalogue(ROOT / "params" / "kpis.yaml"), MONTH, 6)


def test_scorecard_csv_matches_the_golden_file(card, tmp_path):
    out = tmp_path / "scorecard.csv"
    write_csv(card, out)
    if os.environ.get("SENDLIB_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(out.read_bytes())
    assert out.read_text() == GOLDEN.read_text(), (
        "scorecard.csv changed; if intended, rerun with SENDLIB_UPDATE_GOLDEN=1"
    )


def test_scorecard_has_the_contract_columns_and_one_row_per_kpi_and_period(card):
    assert list(card.columns) == COLUMNS
    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    assert len(card) == len(cat.kpis) * 6
    assert sorted(card["period"].unique()) == [str(p) for p in pd.period_range("2025-01", MONTH)]
    assert set(card["direction"]) <= {"up", "down", "same", ""}
    assert set(card["rag"]) <= {"green", "amber", "red", ""}
    assert set(card["spc_variation"]) <= {"common_cause", "improvement", "concern", "neither", ""}
    assert set(card["spc_assurance"]) <= {"pass", "fail", "hit_and_miss", ""}
    assert "nan" not in " ".join(card["display"])


def test_arrows_never_contradict_the_printed_figures(card):
    for _, rows in card.groupby("kpi_id"):
        rows = rows.sort_values("period")
        shown = rows["display"].tolist()
        arrows = rows["direction"].tolist()[1:]
        for before, now, arrow in zip(shown[:-1], shown[1:], arrows, strict=True):
            if arrow == "same":
                assert before == now
            elif arrow in ("up", "down"):
                assert before != now


def test_comparators_and_last_year(card):
    row = card[(card["kpi_id"] == "plans_issued_20wk_pct") & (card["period"] == "2025-06")].iloc[0]
    # the latest benchmark on or before the month: the DfE's 2024 figures, from its release
    assert (row["england"], row["region"]) == (45.9, 31.0)
    from sendlib.data.release import benchmark_rows, read_release, reduced_release
    from sendlib.demo.calibration import NEIGHBOURS, REGION

    rows = benchmark_rows(read_release(reduced_release()), None, REGION, list(NEIGHBOURS))
    sn = rows[
        (rows.kpi_id == "plans_issued_20wk_pct")
        & (rows.comparator == "statistical_neighbours")
        & (rows.period == "2024-12")
    ]
    assert row["statistical_neighbours"] == float(sn["value"].iloc[0])
    june_2024 = build_value(card, "plans_issued_20wk_pct", "2025-06", "last_year_value")
    assert not math.isnan(june_2024)


def build_value(card, kpi_id, period, column="value"):
    return card[(card["kpi_id"] == kpi_id) & (card["period"] == period)].iloc[0][column]


def test_headline_tiles(card):
    headlines = load_catalogue(ROOT / "params" / "kpis.yaml").headlines
    tiles = {t["kpi_id"]: t for t in headline_tiles(card, MONTH, headlines)}
    assert list(tiles) == [
        "ehcp_rate_per_10k",
        "ehcp_active",
        "school_pop_ehcp_pct",
        "sen_support_pct",
        "ehcp_looked_after",
    ]
    assert tiles["ehcp_active"]["period"] == "Jun 2025"
    assert tiles["ehcp_active"]["value"] == build_value(card, "ehcp_active", "2025-06", "display")
    # termly values come from the latest census month with a published figure
    assert tiles["school_pop_ehcp_pct"]["period"] in ("Jan 2025", "May 2025")


CATALOGUE = {
    "kpis": [
        {
            "id": "sendiass_open_l3",
            "ref": "1",
            "title": "SENDIASS L3",
            "section": "S",
            "unit": "count",
            "polarity": "neutral",
            "frequency": "monthly",
            "source": "return",
        },
        {
            "id": "sen_support_pct",
            "ref": "2",
            "title": "SEN Support",
            "section": "S",
            "unit": "percent",
            "polarity": "neutral",
            "frequency": "termly",
            "source": "return",
        },
        {
            "id": "ehcp_active",
            "ref": "3",
            "title": "EHCPs",
            "section": "S",
            "unit": "count",
            "polarity": "up",
            "frequency": "monthly",
            "source": "ehcp_active",
            "target": 2,
            "tolerance": 1,
        },
    ]
}


def test_partner_blank_keeps_its_note_and_is_not_zero(tmp_path):
    d = council_dir(
        tmp_path,
        person=[{"person_id": "P1", "birth_date": "2012-01-01"}],
        plans=[{"plan_id": "E1", "person_id": "P1", "start_date": "2025-01-10"}],
        returns=[
            {"kpi_id": "sendiass_open_l3", "period": "2025-05", "value": "188"},
            {"kpi_id": "sendiass_open_l3", "period": "2025-06", "value": "", "note": "requested"},
            {"kpi_id": "sen_support_pct", "period": "2025-01", "value": "13.7"},
            {
                "kpi_id": "sen_support_pct",
                "period": "2025-05",
                "value": "",
                "note": "Available in July",
            },
        ],
    )
    card = build(load_tables(d), Catalogue.model_validate(CATALOGUE), MONTH, 6)
    l3 = card[card["kpi_id"] == "sendiass_open_l3"].set_index("period")
    assert math.isnan(l3.loc["2025-06", "value"])
    assert l3.loc["2025-06", "display"] == "requested"
    assert l3.loc["2025-05", "display"] == "188"
    assert l3.loc["2025-04", "display"] == "[x]"  # monthly return not sent, no note
    assert l3.loc["2025-06", "direction"] == ""
    sen = card[card["kpi_id"] == "sen_support_pct"].set_index("period")
    assert sen.loc["2025-01", "display"] == "13.7%"
    assert sen.loc["2025-05", "display"] == "Available in July"
    assert sen.loc["2025-03", "display"] == "[z]"  # not a termly period: not applicable
    ehcp = card[card["kpi_id"] == "ehcp_active"].set_index("period")
    assert ehcp.loc["2025-06", "rag"] == "amber"  # 1 plan, target 2, tolerance 1
    assert ehcp.loc["2025-01", "direction"] == ""  # December is before the data begins
    assert ehcp.loc["2025-02", "direction"] == "same"
    assert ehcp.loc["2025-06", "spc_variation"] == ""  # fewer than 12 points of data


def test_without_the_returns_file_a_termly_kpi_is_not_available_or_not_applicable(tmp_path):
    d = council_dir(
        tmp_path,
        person=[{"person_id": "P1", "birth_date": "2012-01-01"}],
        plans=[{"plan_id": "E1", "person_id": "P1", "start_date": "2025-01-10"}],
    )
    (d / "returns.csv").unlink()  # a council that holds no partner returns
    card = build(load_tables(d), Catalogue.model_validate(CATALOGUE), MONTH, 6)
    sen = card[card["kpi_id"] == "sen_support_pct"].set_index("period")["display"]
    # May is a termly month (its figure not held); the others are not applicable; never blank
    assert sen.to_dict() == {
        "2025-01": "[x]",
        "2025-02": "[z]",
        "2025-03": "[z]",
        "2025-04": "[z]",
        "2025-05": "[x]",
        "2025-06": "[z]",
    }
    l3 = card[card["kpi_id"] == "sendiass_open_l3"]
    assert set(l3["display"]) == {"[x]"}


def test_the_same_scorecard_makes_the_same_workbook_bytes_whenever_it_is_written(card, tmp_path):
    import datetime as dt
    import zipfile

    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(card, cat, MONTH, first)
    write_workbook(card, cat, MONTH, second)
    assert first.read_bytes() == second.read_bytes()
    # no date in it is the time of writing: every one is the month's end
    with zipfile.ZipFile(first) as book:
        assert {m.date_time for m in book.infolist()} == {(2025, 6, 30, 0, 0, 0)}
    props = load_workbook(first).properties
    assert props.modified == props.created == dt.datetime(2025, 6, 30)


def test_workbook_is_laid_out_for_a_clerk(card, tmp_path):
    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    path = tmp_path / "scorecard.xlsx"
    write_workbook(card, cat, MONTH, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Scorecard", "Data", "Key"]
    ws = wb["Scorecard"]
    assert ws.freeze_panes == "E3"
    assert [c.value for c in ws[2]][:5] == ["Ref", "KPI", "Frequency", "Good is", "Jan 25"]
    assert ws["A3"].value == cat.sections[0]
    values = {row[1].value: row for row in ws.iter_rows(min_row=3) if row[1].value}
    ehcp = values["Number of EHCPs"]
    latest = ehcp[9]
    assert isinstance(latest.value, int | float) and latest.number_format.startswith("#,##0")
    assert latest.number_format.endswith(('▲"', '▼"', '►"'))
    statuses = {row[11].value for row in ws.iter_rows(min_row=3)}
    assert statuses & {"on target", "near target", "off target"}
    assert wb["Data"].max_row == len(card) + 1


def test_workbook_prints_on_a4_landscape_one_page_wide(card, tmp_path):
    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    path = tmp_path / "scorecard.xlsx"
    write_workbook(card, cat, MONTH, path)
    wb = load_workbook(path)
    ws = wb["Scorecard"]
    setup = ws.page_setup
    assert setup.paperSize == 9 and setup.orientation == "landscape"  # 9: A4 in OOXML
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one page wide, as long as needed
    assert ws.print_title_rows == "$1:$2"  # title and header row on every page
    headers = [c.value for c in ws[2]]
    # the print stops before the long Note column (it would shrink everything)
    last = ws.print_area.split(":")[-1].rstrip("0123456789").lstrip("$").split("$")[0]
    assert headers[ws[f"{last}2"].column - 1] == "SPC assurance" and headers[-1] == "Note"
    assert "June 2025" in ws.oddFooter.left.text
    assert ws.oddFooter.right.text == "Page &P of &N"
    # the Data sheet stays out of a print of the workbook; the Key says where it is
    assert wb["Data"].sheet_state == "hidden" and wb.active.title == "Scorecard"
    assert any("hidden sheet 'Data'" in str(c.value) for c in wb["Key"]["B"])
    # sections start a page only when they would not fit on the current one
    bands = [row[0].row for row in ws.iter_rows(min_row=3) if row[0].value in cat.sections]
    breaks = [b.id + 1 for b in ws.row_breaks.brk]
    assert set(breaks) <= set(bands) and 0 < len(breaks) < len(bands)
    # wrapped KPI titles get rows tall enough to show them
    long = next(r for r in ws.iter_rows(min_row=3) if r[1].value and len(r[1].value) > 45)
    assert ws.row_dimensions[long[0].row].height >= 30


@pytest.mark.slow
def test_scorecard_command_writes_both_files(tmp_path, demo):
    folder = tmp_path / "demo"
    generate(folder, seed=42, end=MONTH)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "scorecard",
            "--month",
            "2025-06",
            "--months",
            "14",
            "--data",
            str(folder),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    card = pd.read_csv(out / "2025-06" / "scorecard.csv")
    assert card["period"].nunique() == 14
    assert (out / "2025-06" / "scorecard.xlsx").stat().st_size > 0


def test_scorecard_command_reports_bad_data_and_bad_catalogue(tmp_path, tiny):
    from helpers import write_tables

    tiny["plans"][0]["primary_need"] = "ASC"
    data = write_tables(tmp_path / "d", tiny)
    where = ["--data", str(data), "--out", str(tmp_path), "--month", "2025-05"]
    result = CliRunner().invoke(app, ["scorecard", *where])
    assert result.exit_code == 1 and "primary_need" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("kpis:\n  - {id: x, ref: '1'}\n")
    result = CliRunner().invoke(app, ["scorecard", *where, "--catalogue", str(bad)])
    assert result.exit_code == 1 and "bad.yaml" in result.output
    assert "'title' is required but missing" in result.output


# ---------------------------------------------------------------- like for like, with periods
def test_shares_of_the_months_decisions_carry_no_dfe_comparator(card):
    for kpi_id in ("request_assess_pct", "requests_refused_pct", "request_decisions_6wk_pct"):
        rows = card[card["kpi_id"] == kpi_id]
        assert rows[["england", "statistical_neighbours", "region"]].isna().all().all()
        assert rows["value"].notna().any()
    timely = card[card["kpi_id"] == "plans_issued_20wk_pct"]
    assert timely["england"].notna().all()


@pytest.mark.slow
def test_every_comparator_comes_with_its_period(demo, tmp_path):
    from sendlib.scorecard.build import comparator_periods

    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    dated = comparator_periods(cat, demo.benchmarks, MONTH).set_index(["kpi_id", "comparator"])
    assert dated.loc[("plans_issued_20wk_pct", "england"), "period"] == "2024-12"
    assert dated.loc[("plans_issued_20wk_pct", "england"), "value"] == 45.9
    assert dated.loc[("placed_mainstream_pct", "england"), "period"] == "2025-01"
    assert ("request_assess_pct", "england") not in dated.index
    card = build(demo, cat, MONTH, 6)
    path = tmp_path / "scorecard.xlsx"
    write_workbook(card, cat, MONTH, path, dated.reset_index())
    ws = load_workbook(path)["Scorecard"]
    rows = {row[1].value: row for row in ws.iter_rows(min_row=3) if row[1].value}
    england = rows[cat.get("plans_issued_20wk_pct").title][13]  # after last year
    assert england.value == 45.9 and england.number_format.endswith('" (2024)"')
    placed = rows[cat.get("placed_mainstream_pct").title][13]
    assert placed.number_format.endswith('" (Jan 2025)"')


@pytest.mark.slow
def test_a_rebase_starts_the_kpis_spc_reading_afresh(demo):
    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    ehcp = cat.get("ehcp_active")
    kpis = [
        ehcp.model_copy(update={"spc": SpcRule(rebase=("2025-01",))})
        if k.id == "ehcp_active"
        else k
        for k in cat.kpis
    ]
    rebased = Catalogue.model_validate({"kpis": [k.model_dump() for k in kpis]})
    before = build(demo, cat, MONTH, 6).set_index(["kpi_id", "period"])
    after = build(demo, rebased, MONTH, 6).set_index(["kpi_id", "period"])
    assert before.loc[("ehcp_active", "2025-06"), "spc_variation"] != ""
    assert after.loc[("ehcp_active", "2025-06"), "spc_variation"] == ""  # 6 points since
    others = before.index.get_level_values(0) != "ehcp_active"
    pd.testing.assert_frame_equal(before[others], after[others])


@pytest.mark.slow
def test_fixed_limits_do_not_depend_on_the_scorecard_window(demo):
    cat = load_catalogue(ROOT / "params" / "kpis.yaml")
    kpis = [
        k.model_copy(update={"spc": SpcRule(fix_after=12)}) if k.id == "plans_issued" else k
        for k in cat.kpis
    ]
    fixed = Catalogue.model_validate({"kpis": [k.model_dump() for k in kpis]})
    six = build(demo, fixed, MONTH, 6).set_index(["kpi_id", "period"])
    fourteen = build(demo, fixed, MONTH, 14).set_index(["kpi_id", "period"])
    for period in window_labels(MONTH, 6):
        key = ("plans_issued", period)
        assert six.loc[key, "spc_variation"] == fourteen.loc[key, "spc_variation"]
        assert six.loc[key, "spc_assurance"] == fourteen.loc[key, "spc_assurance"]


def window_labels(month: pd.Period, months: int) -> list[str]:
    return [str(p) for p in pd.period_range(end=month, periods=months, freq="M")]


def test_what_the_manifest_lists_as_not_available_holds_every_kpi_whose_file_is_not_held(
    tmp_path,
):
    from sendlib.paper.data import PaperData
    from sendlib.scorecard.build import kpi_series

    d = council_dir(
        tmp_path,
        person=[{"person_id": "P1", "birth_date": "2012-01-01"}],
        plans=[{"plan_id": "E1", "person_id": "P1", "start_date": "2025-01-10"}],
    )
    for name in ("returns", "phase_transfers"):
        (d / f"{name}.csv").unlink()
    catalogue = load_catalogue(ROOT / "params" / "kpis.yaml")
    series = kpi_series(load_tables(d), catalogue, pd.period_range("2025-01", MONTH, freq="M"))
    meta = {"report": {"suppression_threshold": 4}, "not_held": series.decided.not_held}
    listed = PaperData(meta, {}).disclosure_facts()["not_available"]
    partners = {k.id for k in catalogue.kpis if k.source == "return"}
    assert partners and partners <= set(listed)
    assert listed["sen_support_pct"] == "returns.csv is missing or has no rows"
    transfers = {"phase_transfers_due", "phase_transfers_on_time_pct"}  # 4.10, 4.11
    assert transfers <= set(listed)
    assert listed["phase_transfers_due"].startswith("phase_transfers.csv is missing")
