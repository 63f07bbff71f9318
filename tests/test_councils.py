"""Councils and their neighbours in the DfE's release: a council is never its own
statistical neighbour, and a name or code is the council that holds it now."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from sendlib.cli import app
from sendlib.data.release import (
    ReleaseError,
    benchmark_rows,
    find_council,
    read_release,
    reduced_release,
    without_council,
)


@pytest.fixture(scope="module")
def release():
    return read_release(reduced_release())


def _value(rows, kpi, comparator, period):
    hit = rows[(rows.kpi_id == kpi) & (rows.comparator == comparator) & (rows.period == period)]
    return float(hit["value"].iloc[0])


def _published(release, code, kpi, period):
    las = release[release["geographic_level"] == "Local authority"]
    hit = las[(las.new_la_code == code) & (las.kpi_id == kpi) & (las.period == period)]
    return float(hit["value"].iloc[0])


def test_the_council_is_left_out_of_its_own_neighbours(release):
    bcp = find_council(release, "E06000058")
    codes = ["E06000058", "E06000059", "E06000027"]
    assert without_council(bcp, codes) == (["E06000059", "E06000027"], ["E06000058"])
    assert without_council(bcp, ["839", "E06000059"]) == (["E06000059"], ["839"])  # old code
    rows = benchmark_rows(release, bcp, None, codes)
    others = [_published(release, c, "plans_issued_20wk_pct", "2024-12") for c in codes[1:]]
    mean = _value(rows, "plans_issued_20wk_pct", "statistical_neighbours", "2024-12")
    assert mean == round(sum(others) / 2, 1)
    with_itself = round(
        (sum(others) + _published(release, "E06000058", "plans_issued_20wk_pct", "2024-12")) / 3, 1
    )
    assert mean != with_itself
    source = rows[rows.comparator == "statistical_neighbours"]["source"].iloc[0]
    assert source.endswith("of 2 neighbours")


def test_the_benchmarks_command_warns_and_averages_the_two_others(tmp_path):
    out = tmp_path / "benchmarks.csv"
    result = CliRunner().invoke(
        app,
        [
            "benchmarks",
            "--la",
            "E06000058",
            "--neighbours",
            "E06000058,E06000059,E06000027",
            "--out",
            str(out),
            "--params",
            str(tmp_path),
        ],
        terminal_width=250,
    )
    assert result.exit_code == 0, result.output
    assert "E06000058, the council itself" in result.output and "other 2" in result.output
    rows = pd.read_csv(out, dtype={"value": float})
    sn = rows[(rows.comparator == "statistical_neighbours") & (rows.period == "2024-12")]
    sn = sn.set_index("kpi_id")["value"]
    assert sn["plans_issued_20wk_pct"] == 39.0  # Dorset 49.1 and Torbay 28.9, not BCP's 74.1


@pytest.mark.parametrize(
    ("la", "code"),
    [
        ("Dorset", "E06000059"),  # the current council, not Dorset County Council (2019)
        ("838", "E06000059"),
        ("825", "E10000002"),  # Buckinghamshire's codes share its LA number
        ("E06000060", "E10000002"),
        ("Bournemouth, Christchurch and Poole", "E06000058"),
    ],
)
def test_a_name_or_code_is_the_council_that_holds_it_now(release, la, code):
    assert find_council(release, la).new_code == code


@pytest.mark.parametrize(
    ("la", "said"),
    [
        ("Bournemouth", "Bournemouth (E06000028), a council until 31 March 2019"),
        ("E06000028", "its area is now Bournemouth, Christchurch and Poole (E06000058)"),
        ("Poole", "give E06000058"),
        ("Christchurch", "Bournemouth, Christchurch and Poole (E06000058)"),
        ("Northamptonshire", "North Northamptonshire (E06000061) and West Northamptonshire"),
        ("Cumbria", "Cumberland (E06000063) and Westmorland and Furness (E06000064)"),
    ],
)
def test_a_predecessors_name_or_code_says_who_took_over(release, la, said):
    with pytest.raises(ReleaseError, match=said.replace("(", r"\(").replace(")", r"\)")):
        find_council(release, la)


def test_a_misspelt_name_suggests_current_councils(release):
    with pytest.raises(ReleaseError, match="did you mean 'Bournemouth, Christchurch and Poole'"):
        find_council(release, "Borunemouth")


def test_the_shipped_report_does_not_list_a_council_among_its_own_neighbours(tmp_path):
    from helpers import ROOT
    from sendlib.config import load_report
    from sendlib.ops.preflight import own_neighbour

    report = load_report(ROOT / "params" / "report.yaml")
    assert "E06000058" not in report.statistical_neighbours  # the demo is modelled on BCP
    text = (
        (ROOT / "params" / "report.yaml")
        .read_text()
        .replace("region_code: E12000009", "la_code: E06000059\nregion_code: E12000009")
    )
    path = tmp_path / "report.yaml"
    path.write_text(text)
    mine = load_report(path)
    (caution,) = own_neighbour(mine, path)
    assert "E06000059" in caution and "left out" in caution and ", line " in caution
    assert "E06000059" not in mine.neighbours and len(mine.neighbours) == 8


def test_validate_and_run_say_the_council_is_left_out_of_its_neighbours(tmp_path, tiny_dir):
    import shutil

    from helpers import ROOT

    params = tmp_path / "params"
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("narrative"))
    text = (params / "report.yaml").read_text()
    text = text.replace(
        "statistical_neighbours: [E06000059,", "statistical_neighbours: [E06000058, E06000059,"
    )
    (params / "report.yaml").write_text(text + "la_code: E06000058\n")
    result = CliRunner().invoke(
        app,
        ["validate", "--data", str(tiny_dir), "--params", str(params), "--month", "2025-06"],
        terminal_width=250,
    )
    assert "lists the council's own code E06000058" in result.output, result.output
    assert "never its own statistical neighbour" in result.output
