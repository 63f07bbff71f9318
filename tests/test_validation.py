"""Each malformed input gives the right located error finding, and no traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import ROOT, write_tables
from sendlib.data import findings as fnd
from sendlib.data.load import check_data, load_tables


def _set(tiny, file, row, column, value):
    tiny[file][row][column] = value
    return tiny


def _drop_column(tiny, file, column):
    for row in tiny[file]:
        row.pop(column)
    return tiny


# (test id, change to the tiny council, rule, file, spreadsheet row, column)
CASES = [
    (
        "blank person_id",
        lambda t: _set(t, "person", 0, "person_id", ""),
        "blank_required",
        "person.csv",
        2,
        "person_id",
    ),
    (
        "blank birth date",
        lambda t: _set(t, "person", 1, "birth_date", ""),
        "blank_required",
        "person.csv",
        3,
        "birth_date",
    ),
    (
        "impossible birth date",
        lambda t: _set(t, "person", 1, "birth_date", "2016-02-30"),
        "bad_date",
        "person.csv",
        3,
        "birth_date",
    ),
    (
        "a UK date in an ISO column",
        lambda t: _set(t, "requests", 0, "received_date", "08/01/2024"),
        "date_format",
        "requests.csv",
        None,  # one error for the column, naming the rows in its examples
        "received_date",
    ),
    (
        "date with time",
        lambda t: _set(t, "plans", 0, "start_date", "2024-05-27 10:00"),
        "bad_date",
        "plans.csv",
        2,
        "start_date",
    ),
    (
        "unknown sex",
        lambda t: _set(t, "person", 0, "sex", "X"),
        "unknown_code",
        "person.csv",
        2,
        "sex",
    ),
    (
        "unknown social care",
        lambda t: _set(t, "person", 0, "social_care", "LAC?"),
        "unknown_code",
        "person.csv",
        2,
        "social_care",
    ),
    (
        "unknown request outcome",
        lambda t: _set(t, "requests", 2, "request_outcome", "Refused"),
        "unknown_code",
        "requests.csv",
        4,
        "request_outcome",
    ),
    (
        "unknown assessment outcome",
        lambda t: _set(t, "assessments", 0, "assessment_outcome", "P"),
        "unknown_code",
        "assessments.csv",
        2,
        "assessment_outcome",
    ),
    (
        "unknown cease reason",
        lambda t: _set(t, "plans", 1, "cease_reason", "10"),
        "unknown_code",
        "plans.csv",
        3,
        "cease_reason",
    ),
    (
        "unknown primary need",
        lambda t: _set(t, "plans", 0, "primary_need", "ASC"),
        "unknown_code",
        "plans.csv",
        2,
        "primary_need",
    ),
    (
        "unknown review decision",
        lambda t: _set(t, "reviews", 0, "review_decision", "X"),
        "unknown_code",
        "reviews.csv",
        2,
        "review_decision",
    ),
    (
        "unknown setting",
        lambda t: _set(t, "placements", 0, "setting", "academy"),
        "unknown_code",
        "placements.csv",
        2,
        "setting",
    ),
    (
        "unknown dispute kind",
        lambda t: _set(t, "disputes", 0, "kind", "complaint"),
        "unknown_code",
        "disputes.csv",
        2,
        "kind",
    ),
    (
        "unknown comparator",
        lambda t: _set(t, "benchmarks", 0, "comparator", "wales"),
        "unknown_code",
        "benchmarks.csv",
        2,
        "comparator",
    ),
    (
        "bad boolean",
        lambda t: _set(t, "requests", 0, "transfer_in", "maybe"),
        "bad_bool",
        "requests.csv",
        2,
        "transfer_in",
    ),
    (
        "number with comma",
        lambda t: _set(t, "returns", 0, "value", "1,234"),
        "bad_number",
        "returns.csv",
        2,
        "value",
    ),
    (
        "population not whole",
        lambda t: _set(t, "population", 1, "population", "112500.5"),
        "bad_integer",
        "population.csv",
        3,
        "population",
    ),
    (
        "bad period",
        lambda t: _set(t, "returns", 1, "period", "2025-13"),
        "bad_period",
        "returns.csv",
        3,
        "period",
    ),
    (
        "duplicate person id",
        lambda t: _set(t, "person", 2, "person_id", "P1"),
        "duplicate_id",
        "person.csv",
        4,
        "person_id",
    ),
    (
        "duplicate plan id",
        lambda t: _set(t, "plans", 1, "plan_id", "E1"),
        "duplicate_id",
        "plans.csv",
        3,
        "plan_id",
    ),
    (
        "duplicate return key",
        lambda t: _set(t, "returns", 1, "period", "2025-05"),
        "duplicate_id",
        "returns.csv",
        3,
        "kpi_id, period",
    ),
    (
        "plan of unknown person",
        lambda t: _set(t, "plans", 1, "person_id", "P9"),
        "orphan_reference",
        "plans.csv",
        3,
        "person_id",
    ),
    (
        "assessment of unknown request",
        lambda t: _set(t, "assessments", 0, "request_id", "R9"),
        "orphan_reference",
        "assessments.csv",
        2,
        "request_id",
    ),
    (
        "review of unknown plan",
        lambda t: _set(t, "reviews", 0, "plan_id", "E9"),
        "orphan_reference",
        "reviews.csv",
        2,
        "plan_id",
    ),
    (
        "placement of unknown person",
        lambda t: _set(t, "placements", 1, "person_id", "P7"),
        "orphan_reference",
        "placements.csv",
        3,
        "person_id",
    ),
    (
        "missing required column",
        lambda t: _drop_column(t, "plans", "start_date"),
        "missing_column",
        "plans.csv",
        None,
        "start_date",
    ),
    (
        "missing file",
        lambda t: {k: v for k, v in t.items() if k != "assessments"},
        "missing_file",
        "assessments.csv",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("change", "rule", "file", "row", "column"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_input_gives_a_located_error(tmp_path, tiny, change, rule, file, row, column):
    folder = write_tables(tmp_path / "data", change(tiny))
    tables, found = check_data(folder)
    assert tables is None
    hits = found[(found["rule"] == rule) & (found["file"] == file)]
    assert len(hits) >= 1, found.to_string()
    hit = hits.iloc[0]
    assert hit["severity"] == "error"
    assert pd.isna(hit["row"]) if row is None else hit["row"] == row
    assert hit["column"] == column
    assert hit["reason"]


@pytest.mark.parametrize("name", ["reviews", "placements", "disputes", "population"])
def test_a_file_the_council_may_not_hold_is_a_warning_and_its_figures_not_available(
    tmp_path, tiny, name
):
    from sendlib.scorecard.figures import not_held

    folder = write_tables(tmp_path / "data", {k: v for k, v in tiny.items() if k != name})
    tables, found = check_data(folder, needed=[*tiny, name])
    assert tables is not None, found.to_string()
    hit = found[found["rule"] == "file_not_held"].iloc[0]
    assert hit["severity"] == "warning" and hit["file"] == f"{name}.csv"
    assert "never as 0" in hit["reason"]
    measure = {
        "reviews": "reviews_overdue",
        "placements": "placed_mainstream_pct",
        "disputes": "appeals_registered",
        "population": "ehcp_rate_per_10k",
    }[name]
    assert measure in not_held(tables.held, [measure])  # [x], never 0


def test_the_tiny_council_is_valid(tiny_dir):
    tables, found = check_data(tiny_dir)
    assert tables is not None
    assert fnd.errors(found).empty


def test_load_raises_its_own_error_listing_every_problem(tmp_path, tiny):
    _set(tiny, "person", 0, "sex", "X")
    _set(tiny, "plans", 1, "person_id", "P9")
    folder = write_tables(tmp_path / "data", tiny)
    with pytest.raises(fnd.InvalidData) as caught:
        load_tables(folder)
    assert set(caught.value.findings["rule"]) == {"unknown_code", "orphan_reference"}


def test_row_with_too_many_fields_is_reported_not_dropped(tiny_dir):
    path = tiny_dir / "disputes.csv"
    path.write_text(path.read_text() + "D2,P1,appeal,2024-07-01,,,extra\n")
    _, found = check_data(tiny_dir)
    hit = found[found["rule"] == "malformed_row"].iloc[0]
    assert hit["file"] == "disputes.csv"
    assert hit["row"] == 3
    assert "fields" in hit["reason"]


def test_a_file_saved_by_excel_as_windows_1252_is_read_and_noted(tiny_dir):
    path = tiny_dir / "person.csv"
    path.write_bytes(path.read_bytes() + "P9,,2010-01-01,M,WBRI,Caf\xe9 team,X,\n".encode("cp1252"))
    tables, found = check_data(tiny_dir)
    assert "Café team" in set(tables.person["team"])
    assert fnd.notes(found) == ["person.csv: read as Windows-1252 text"]


def test_a_file_in_no_known_encoding_is_reported_with_its_line(tiny_dir):
    path = tiny_dir / "person.csv"
    path.write_bytes(path.read_bytes() + b"P9,,2010-01-01,M,WBRI,\x81 team,X,\n")
    _, found = check_data(tiny_dir)
    hit = found[found["rule"] == "unreadable_file"].iloc[0]
    assert (hit["file"], hit["row"]) == ("person.csv", 5)


def test_empty_file_is_reported(tiny_dir):
    (tiny_dir / "reviews.csv").write_text("")
    _, found = check_data(tiny_dir)
    assert found[found["rule"] == "unreadable_file"]["file"].tolist() == ["reviews.csv"]


def test_duplicate_header_is_reported(tiny_dir):
    (tiny_dir / "population.csv").write_text("year,year,population\n2024,2024,1\n")
    _, found = check_data(tiny_dir)
    assert found[found["rule"] == "duplicate_column"]["column"].tolist() == ["year"]


def test_byte_order_mark_and_padding_are_tolerated(tiny_dir):
    path = tiny_dir / "population.csv"
    path.write_text("\ufeffyear, population\n 2024 ,112000\n", encoding="utf-8")
    tables, found = check_data(tiny_dir)
    assert fnd.errors(found).empty
    assert tables.population["population"].tolist() == [112000]


def test_optional_file_may_be_absent_when_not_needed(tiny_dir):
    (tiny_dir / "disputes.csv").unlink()
    needed = ["person", "requests", "assessments", "plans", "reviews", "placements"]
    tables, _ = check_data(tiny_dir, needed=needed)
    assert tables is not None
    assert tables.disputes.empty and "kind" in tables.disputes.columns


def test_optional_column_may_be_absent(tmp_path, tiny):
    _drop_column(tiny, "person", "social_care")
    tables, _ = check_data(write_tables(tmp_path / "d", tiny))
    assert tables.person["social_care"].isna().all()


def test_types_follow_the_contract(tiny_dir):
    t = load_tables(tiny_dir)
    assert str(t.plans["start_date"].dtype).startswith("datetime64")
    assert t.requests["transfer_in"].tolist() == [False, True, False]
    assert t.returns["value"].isna().tolist() == [False, True]
    assert t.returns["note"].tolist()[1] == "requested"
    assert pd.isna(t.plans["cease_date"]).all()


def test_missing_data_folder_is_a_finding(tmp_path):
    tables, found = check_data(tmp_path / "nowhere")
    assert tables is None and found.iloc[0]["rule"] == "missing_file"


def test_no_row_is_dropped(tiny_dir, tiny):
    t = load_tables(tiny_dir)
    for name, rows in tiny.items():
        assert len(getattr(t, name)) == len(rows), name


def test_a_date_cell_is_real_when_its_calendar_says_so():
    """The date check runs in Arrow (millions of cells); it must agree with the calendar."""
    from sendlib.data.schemas import is_iso_date

    cells = {
        "": True,
        "2024-02-29": True,
        "2000-02-29": True,
        "2024-12-31": True,
        "1900-01-01": True,
        "2023-02-29": False,  # not a leap year
        "1900-02-29": False,
        "2024-04-31": False,  # Arrow would read these as the next month's first days
        "2024-02-30": False,
        "2024-13-01": False,
        "2024-00-10": False,
        "2024-01-00": False,
        "2024-1-01": False,
        "24-01-01": False,
        "2024/01/01": False,
        "2024-01-01 ": False,
        " 2024-01-01": False,
        "2024-01-01T00:00": False,
        "２０２４-01-01": False,  # full-width digits: not how a date is written
        "abcd-ef-gh": False,
    }
    got = is_iso_date(pd.Series(list(cells), dtype="str"))
    assert dict(zip(cells, got.tolist(), strict=True)) == cells


def _rename_header(tiny_dir, file, old, new):
    path = tiny_dir / f"{file}.csv"
    head, rest = path.read_text().split("\n", 1)
    path.write_text(head.replace(old, new) + "\n" + rest)


def test_an_export_column_the_contract_does_not_know_is_a_warning_with_did_you_mean(tiny_dir):
    _rename_header(tiny_dir, "person", "ethnicity", "Ethnicty")
    tables, found = check_data(tiny_dir)
    assert tables is not None  # the run goes on, ethnicity not recorded — and it is said
    hit = found[found["rule"] == "unknown_column"]
    assert hit[["file", "row", "column"]].values.tolist() == [["person.csv", 1, "Ethnicty"]]
    reason = hit["reason"].iloc[0]
    assert "did you mean 'ethnicity'?" in reason and "read as not recorded" in reason
    assert (hit["severity"] == "warning").all()


def test_an_unrelated_extra_column_is_named_with_the_contracts_columns(tiny_dir):
    _rename_header(tiny_dir, "population", "population", "population,notes")
    path = tiny_dir / "population.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *(f"{line}," for line in lines[1:])]) + "\n")
    _, found = check_data(tiny_dir)
    hit = found[found["rule"] == "unknown_column"].iloc[0]
    assert hit["column"] == "notes"
    assert "the file already has every column of the contract" in hit["reason"]


def test_a_misspelt_header_is_never_said_to_be_a_column_the_file_already_has(tiny_dir):
    # 'requst_date' is close to request_id, which the file has: no "did you mean" for it
    _rename_header(tiny_dir, "requests", "request_id", "request_id,requst_date")
    path = tiny_dir / "requests.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *(f"{line}," for line in lines[1:])]) + "\n")
    _, found = check_data(tiny_dir)
    hit = found[found["rule"] == "unknown_column"].iloc[0]
    assert hit["column"] == "requst_date" and "did you mean" not in hit["reason"]
    assert "the contract's columns this file lacks:" in hit["reason"]


def test_a_missing_required_column_names_the_nearest_header(tiny_dir):
    _rename_header(tiny_dir, "requests", "received_date", "recieved_date")
    _, found = check_data(tiny_dir)
    hit = found[found["rule"] == "missing_column"].iloc[0]
    assert hit["column"] == "received_date"
    assert "the nearest header is 'recieved_date'" in hit["reason"]
    assert "unknown_column" not in set(found["rule"])  # said once, as the error


def test_a_parameters_value_that_is_no_date_is_a_finding_with_file_and_line(tmp_path, tiny_dir):
    import shutil

    from typer.testing import CliRunner

    from helpers import ROOT
    from sendlib.cli import app

    params = tmp_path / "params"
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("narrative"))
    text = (params / "report.yaml").read_text()
    (params / "report.yaml").write_text(text.replace("- 2026-11-10", "- 2026-11-31"))
    line = next(
        i for i, s in enumerate((params / "report.yaml").read_text().splitlines(), 1)
        if "2026-11-31" in s
    )  # fmt: skip
    result = CliRunner().invoke(
        app, ["validate", "--data", str(tiny_dir), "--params", str(params), "--month", "2025-06"]
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"report.yaml, line {line}: '2026-11-31' is not a date" in result.output


def test_every_optional_file_the_shipped_catalogue_reads_is_a_warning_when_absent(tmp_path, tiny):
    from sendlib.data.contract import contract
    from sendlib.scorecard.catalogue import load_catalogue

    optional = {name for name, spec in contract().files.items() if spec.optional}
    kept = {k: v for k, v in tiny.items() if k not in optional}
    folder = write_tables(tmp_path / "data", kept)
    needed = load_catalogue(ROOT / "params" / "kpis.yaml").files_needed()
    tables, found = check_data(folder, needed=needed)
    assert tables is not None, found.to_string()
    warned = set(found.loc[found["rule"] == "file_not_held", "file"])
    # phase_transfers (4.10–4.12) and benchmarks (How we compare) among them
    assert warned == {f"{name}.csv" for name in optional}


def test_the_shipped_example_settings_are_said_with_a_councils_own_data_not_the_demos(
    tiny_dir,
):
    from sendlib.data.origin import mark_demo
    from sendlib.ops.preflight import check

    params = ROOT / "params"
    month = pd.Period("2025-06", freq="M")
    found = check(month, tiny_dir, params, params / "kpis.yaml", with_warnings=False)
    named = [c.split(": ")[0] for c in found.cautions if "example: true" in c]
    assert named == [str(params / f) for f in ("report.yaml", "kpis.yaml", "capacity.yaml")]
    assert all("not the demo's data" in c for c in found.cautions if "example: true" in c)
    mark_demo(tiny_dir)  # the demo council's own data: the example settings are theirs
    found = check(month, tiny_dir, params, params / "kpis.yaml", with_warnings=False)
    assert not [c for c in found.cautions if "example: true" in c]


def test_the_example_marker_is_validated(tmp_path):
    from sendlib.config import ParamsError
    from sendlib.measures.capacity import load_capacity

    text = (
        (ROOT / "params" / "capacity.yaml").read_text().replace("example: true", "example: perhaps")
    )
    (tmp_path / "capacity.yaml").write_text(text)
    with pytest.raises(ParamsError, match="example"):
        load_capacity(tmp_path)
    assert load_capacity(ROOT / "params").example is True
