"""The data contract (contract.yaml) holds each column's role once; the checks read it."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from sendlib.data.contract import Contract, case_tables, contract


def _raw() -> dict:
    from importlib import resources

    text = resources.files("sendlib.data").joinpath("contract.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def test_event_dates_are_every_date_but_birth_dates_and_deadlines():
    spec = contract().files
    assert spec["person"].event_dates == []
    assert spec["phase_transfers"].event_dates == ["final_date"]
    assert spec["phase_transfers"].deadlines == ["due_date"]
    assert spec["reviews"].event_dates == [
        "review_meeting_date",
        "decision_date",
        "draft_date",
        "amended_date",
    ]


def test_the_order_of_events_within_a_row_is_read_from_the_contract():
    assert contract().files["requests"].date_order() == [
        ("received_date", "request_outcome_date", "decision")
    ]
    assert ("review_meeting_date", "draft_date", "draft amended plan") in contract().files[
        "reviews"
    ].date_order()


def test_case_tables_are_the_case_level_files_in_contract_order():
    assert case_tables() == (
        "person",
        "requests",
        "assessments",
        "plans",
        "reviews",
        "placements",
        "phase_transfers",
        "disputes",
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c["files"]["person"]["columns"]["sex"].update(event="x"), "date columns"),
        (
            lambda c: c["files"]["plans"]["columns"]["cease_date"].update(after="plan_id"),
            "no event",
        ),
        (
            lambda c: c["files"]["plans"]["columns"]["cease_date"].update(deadline=True),
            "not both",
        ),
        (lambda c: c["files"]["plans"].update(key=["plan_ref"]), "is no column"),
        (lambda c: c["files"]["plans"].pop("level"), "level"),
    ],
)
def test_a_contract_whose_roles_do_not_fit_is_refused(change, message):
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(ValidationError, match=message):
        Contract.model_validate(raw)


def test_a_file_may_be_marked_optional():
    raw = copy.deepcopy(_raw())
    raw["files"]["disputes"]["optional"] = True
    assert Contract.model_validate(raw).files["disputes"].optional


def test_the_extract_date_is_the_latest_of_the_dates_the_contract_calls_events(
    monkeypatch, tiny_dir
):
    """coverage reads the event dates from the contract, not a list of its own."""
    from sendlib.data.coverage import extract
    from sendlib.data.load import load_tables

    tables = load_tables(tiny_dir)
    today = pd.Timestamp("2100-01-01").date()
    raw = _raw()
    for spec in raw["files"].values():
        for column in spec["columns"].values():
            column.pop("event", None), column.pop("after", None)
    raw["files"]["person"]["columns"]["birth_date"]["event"] = "born"
    monkeypatch.setattr("sendlib.data.coverage.contract", lambda: Contract.model_validate(raw))
    births_only = extract(tables, today=today)
    assert births_only.date == tables.person["birth_date"].max()
    assert "person.csv birth_date" in births_only.source
    monkeypatch.undo()
    assert extract(tables, today=today).date > births_only.date


def test_the_sen2_elements_never_quoted_are_the_personal_columns_and_the_identifying_ones():
    from sendlib.data.sen2.mapping import mapping

    private = mapping().private_elements()
    assert {"personbirthdate", "upn"} <= private  # contract.yaml personal: true
    assert {"uniquelearnernumber", "surname", "forename", "postcode"} <= private
    assert "receiveddate" not in private and "sex" not in private


def test_the_shown_comparators_are_the_scorecards_columns_and_never_the_published_figure():
    from sendlib.data.contract import comparators, shown_comparators
    from sendlib.scorecard.build import COLUMNS

    assert shown_comparators() == ("england", "statistical_neighbours", "region")
    assert set(shown_comparators()) < set(comparators()) and "published" in comparators()
    at = COLUMNS.index("last_year_value") + 1
    assert tuple(COLUMNS[at : at + 3]) == shown_comparators()
    raw = copy.deepcopy(_raw())
    raw["shown_comparators"].append("county")
    with pytest.raises(ValidationError, match="county"):
        Contract.model_validate(raw)
