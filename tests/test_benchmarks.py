"""Comparators from the DfE's published EHC plans release (the 2025 edition, OGL v3):
England, region, statistical neighbours and the council's own figures, never typed; and
the paper's "How we compare" section built on them. The tests read sendlib's packaged
reduced copy of the release, which gives the same rows as the whole release (checked
where the whole release is at hand)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import ROOT
from sendlib.cli import app
from sendlib.data.release import (
    ReleaseError,
    benchmark_rows,
    find_council,
    read_release,
    reduce_release,
    reduced_release,
)

#: the whole release as the DfE publishes it (19 MB), where it is beside the project
FULL = ROOT.parent / "shared" / "data" / "dfe-ehcp-2025.zip"
#: sendlib's packaged reduced copy: every council and year, the totals rows
RELEASE = reduced_release()
runner = CliRunner()


@pytest.fixture(scope="module")
def release():
    return read_release(RELEASE)


def value(rows: pd.DataFrame, kpi: str, comparator: str, period: str) -> float:
    hit = rows[(rows.kpi_id == kpi) & (rows.comparator == comparator) & (rows.period == period)]
    assert len(hit) == 1, (kpi, comparator, period)
    return float(hit["value"].iloc[0])


def test_bcp_gets_the_figures_its_committee_paper_quotes(release):
    council = find_council(release, "E06000058")
    rows = benchmark_rows(release, council, None, [])
    assert value(rows, "request_assess_pct", "england", "2023-12") == 67.3
    assert value(rows, "request_assess_pct", "region", "2023-12") == 63.8
    assert value(rows, "plans_issued_20wk_pct", "england", "2023-12") == 49.1
    assert value(rows, "plans_issued_20wk_pct", "region", "2023-12") == 33.0
    assert value(rows, "placed_eotas_pct", "england", "2024-01") == 1.5
    assert value(rows, "placed_eotas_pct", "region", "2024-01") == 2.3
    assert council.region_name == "South West"


def test_the_council_is_found_by_new_code_old_code_or_exact_name(release):
    for la in ("E06000058", "839", "Bournemouth, Christchurch and Poole"):
        assert find_council(release, la).new_code == "E06000058"


def _published(file: str, column: str, period: str, codes: list[str]) -> list[float]:
    """The release's own numbers, read with the csv module, for a hand computation."""
    with zipfile.ZipFile(RELEASE) as z:
        text = z.read(f"data/{file}.csv").decode("utf-8-sig")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        if (
            row["new_la_code"] in codes
            and row["time_period"] == period
            and row["breakdown_topic"].startswith("All")
        ):
            out.append(float(row[column]))
    return out


def test_neighbours_are_the_unweighted_mean_of_their_published_values(release):
    codes = ["E06000059", "E06000026", "E06000027"]
    rows = benchmark_rows(release, None, "E12000009", codes)
    by_hand = _published("requests", "request_assess_pc", "2023", codes)
    assert len(by_hand) == 3
    assert value(rows, "request_assess_pct", "statistical_neighbours", "2023-12") == round(
        sum(by_hand) / 3, 1
    )


def test_neighbours_need_half_of_them_with_a_value(release):
    # requests_decided_to_assess is x for every council before 2023: no mean is written
    rows = benchmark_rows(release, None, "E12000009", ["E06000059", "E06000026"])
    periods = set(
        rows[
            (rows.kpi_id == "request_assess_pct") & (rows.comparator == "statistical_neighbours")
        ].period
    )
    assert "2022-12" not in periods and "2023-12" in periods


def test_missing_values_are_never_zero(release):
    rows = benchmark_rows(release, find_council(release, "E06000058"), None, [])
    assert not rows["value"].isin(["0", "x", "z", "c", ""]).any() or (
        rows.loc[rows["value"] == "0", "kpi_id"].str.endswith("_pct").all()
    )
    assert "2019-12" not in set(rows[rows.kpi_id == "request_assess_pct"].period)  # x in 2019


@pytest.mark.skipif(not FULL.exists(), reason="the whole DfE release is not beside the project")
def test_the_reduced_copy_gives_the_same_rows_as_the_full_release(tmp_path):
    pd.testing.assert_frame_equal(read_release(reduced_release()), read_release(FULL))
    again = reduce_release(FULL, tmp_path / "again.zip")
    assert again.read_bytes() == reduced_release().read_bytes()  # and it is made the same way
    assert reduced_release().stat().st_size < 80_000


def invoke(*args: str):
    return runner.invoke(app, ["benchmarks", *args])


def test_the_command_keeps_other_kpis_replaces_its_own_and_is_byte_stable(tmp_path):
    out = tmp_path / "benchmarks.csv"
    out.write_text(
        "kpi_id,comparator,period,value,source\n"
        "school_pop_ehcp_pct,england,2025-01,5.3,DfE Special educational needs in England 2025\n"
        "request_assess_pct,england,2023-12,99.9,typed by hand\n"
    )
    args = [
        "--release",
        str(RELEASE),
        "--la",
        "839",
        "--neighbours",
        "E06000059,E06000026",
        "--out",
        str(out),
    ]
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    text = out.read_text()
    assert "school_pop_ehcp_pct,england,2025-01,5.3" in text and "99.9" not in text
    assert (
        "request_assess_pct,published,2023-12,59" in text
    )  # BCP's own: its committee paper's "59%"
    again = invoke(*args)
    assert again.exit_code == 0 and out.read_text() == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--la", "Nowhere Borough"], "no council 'Nowhere Borough' in the release"),
        (
            ["--la", "Bournmouth, Christchurch and Poole"],
            "did you mean 'Bournemouth, Christchurch and Poole'",
        ),
        (
            ["--la", "839", "--neighbours", "E06999999"],
            "statistical neighbour(s) not in the release: E06999999",
        ),
        (["--region", "E12000099"], "no region 'E12000099' in the release"),
    ],
)
def test_bad_council_or_neighbours_are_one_clear_line(args, message, tmp_path):
    result = invoke("--release", str(RELEASE), "--out", str(tmp_path / "b.csv"), *args)
    assert result.exit_code == 1 and message in result.output
    assert not (tmp_path / "b.csv").exists()


def test_a_truncated_zip_is_one_clear_error(tmp_path):
    broken = tmp_path / "release.zip"
    broken.write_bytes(RELEASE.read_bytes()[: RELEASE.stat().st_size // 2])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendlib",
            "benchmarks",
            "--release",
            str(broken),
            "--la",
            "839",
            "--out",
            str(tmp_path / "b.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "not a readable zip file" in done.stdout


def test_a_release_without_a_file_or_column_names_it(tmp_path):
    folder = tmp_path / "release"
    with zipfile.ZipFile(RELEASE) as z:
        z.extractall(folder)
    (folder / "data" / "annual_reviews.csv").unlink()
    with pytest.raises(ReleaseError, match=r"has no annual_reviews\.csv"):
        read_release(folder)
    requests = folder / "data" / "requests.csv"
    requests.write_text(
        requests.read_text(encoding="utf-8-sig").replace("request_assess_pc", "assess_pct")
    )
    shutil.copy(RELEASE, tmp_path / "x.zip")
    with pytest.raises(ReleaseError, match=r"requests\.csv: no column request_assess_pc"):
        read_release(folder)


def test_the_demo_comparators_are_the_releases_and_match_report_yaml(demo_data):
    from sendlib.config import load_report
    from sendlib.demo.calibration import NEIGHBOURS, REGION

    report = load_report(ROOT / "params" / "report.yaml")
    assert report.region_code == REGION and tuple(report.statistical_neighbours) == NEIGHBOURS
    written = pd.read_csv(demo_data / "benchmarks.csv", dtype=str, keep_default_na=False)
    expected = benchmark_rows(read_release(reduced_release()), None, REGION, list(NEIGHBOURS))
    pd.testing.assert_frame_equal(written, expected.reset_index(drop=True))


# ---------------------------------------------------------------- the paper's section
@pytest.fixture(scope="module")
def bcp_context(demo_data, tmp_path_factory):
    """The demo's figures compared with BCP's published ones (a real code: reconciliation)."""
    from sendlib.config import RunParams
    from sendlib.paper.notebook_context import Context
    from sendlib.paper.prepare import prepare_paper_data

    folder = tmp_path_factory.mktemp("bcp")
    shutil.copytree(demo_data, folder, dirs_exist_ok=True)
    result = invoke(
        "--release", str(RELEASE), "--la", "E06000058", "--out", str(folder / "benchmarks.csv")
    )
    assert result.exit_code == 0, result.output
    run = RunParams(
        month="2025-06", data_dir=str(folder), catalogue=str(ROOT / "params" / "kpis.yaml")
    )
    run = run.model_copy(update={"params_dir": str(ROOT / "params")})
    return Context.from_data(prepare_paper_data(run))


@pytest.mark.slow
def test_each_measure_gets_a_sentence_against_england(bcp_context):
    from sendlib.paper import compare

    sentences = compare.facts(bcp_context).sentences
    timeliness = next(s for s in sentences if "issued within 20 weeks, against" in s)
    assert timeliness.startswith("In 2024, ") and "45.9% in England" in timeliness
    assert "in the South West" in timeliness


@pytest.mark.slow
def test_the_councils_own_line_uses_the_dfe_definition(bcp_context, demo_data):
    from sendlib.data.load import load_tables

    frame = bcp_context.breakdown("comparison")
    ours = frame[(frame.series == "council") & (frame.kpi_id == "request_assess_pct")]
    row = ours[ours.period == "2024-12"].iloc[0]
    r = load_tables(demo_data).requests
    year = r[(r.received_date.dt.year == 2024) & ~r.transfer_in]
    assert row["value"] == pytest.approx(100 * (year.request_outcome == "A").sum() / len(year))


@pytest.mark.slow
def test_differences_from_the_published_figures_are_reconciliation_items(bcp_context):
    from sendlib.paper import data_quality

    items = bcp_context.breakdown("reconciliation")
    assert len(items) and (items["difference"].abs() > 0.5).all()
    html = data_quality.summary(bcp_context).to_html()
    assert "<caption>Reconciliation with the DfE&#x27;s published figures</caption>" in html


@pytest.mark.slow
def test_the_small_multiples_are_accessible_charts_with_their_data(bcp_context):
    from sendlib.paper import compare

    html = compare.charts(bcp_context).to_html()
    assert html.count("<figure") == 2 and 'alt="Line charts: ' in html
    assert "<caption>Data for the chart: Requests, assessments, plans and reviews" in html
    assert "This council, as published by the DfE" in html
