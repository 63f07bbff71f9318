"""Words for codes: every code a reader could meet in the paper is printed in words."""

from __future__ import annotations

import pandas as pd

from sendlib.data.contract import contract
from sendlib.paper import labels


def test_every_sen2_primary_need_code_in_the_contract_has_words():
    codes = contract().codes_for("plans", "primary_need")
    assert codes and all(labels.PRIMARY_NEED[c] != c for c in codes)
    assert labels.word("SLCN", labels.PRIMARY_NEED) == "Speech, language and communication needs"
    assert labels.word("DS", labels.PRIMARY_NEED) == "Down syndrome"


def test_the_dfe_ethnicity_codes_are_words_and_a_code_not_in_the_list_is_kept():
    assert labels.word("WBRI", labels.ETHNICITY) == "White British"
    assert labels.word("BAFR", labels.ETHNICITY) == "Black African"
    assert labels.word("NOBT", labels.ETHNICITY) == "Information not yet obtained"
    assert labels.word("XYZ1", labels.ETHNICITY) == "XYZ1"  # a council's own code, as given


def test_a_requests_need_is_in_words_and_a_blank_one_is_not_recorded():
    assert labels.words(["ASD", "not_recorded"], labels.NEEDS) == [
        "Autistic spectrum disorder",
        "Not recorded",
    ]


def test_sex_unknown_and_blank_are_one_not_recorded_row(tmp_path):
    from helpers import council_dir
    from sendlib.data.load import load_tables
    from sendlib.measures.breakdowns import active_by
    from sendlib.measures.cases import prepare
    from test_kpis import person, plan

    d = council_dir(
        tmp_path,
        person=[
            person("P1", "2012-01-01", sex="U"),
            person("P2", "2012-06-01", sex=""),
            person("P3", "2012-06-01", sex="F"),
        ],
        plans=[plan(f"E{i}", f"P{i}", "2023-01-01") for i in (1, 2, 3)],
    )
    c = prepare(load_tables(d))
    months = pd.period_range("2025-06", "2025-06", freq="M").asi8
    frame = active_by(c, months, "sex")
    counts = frame.groupby("row")["count"].sum().to_dict()
    assert counts == {"not_recorded": 2, "F": 1, "M": 0}  # U and blank: one group
    assert sorted(labels.words(counts, labels.SEX)) == ["Female", "Male", labels.NOT_RECORDED]


def test_the_breakdowns_of_need_and_ethnicity_have_their_code_lists():
    assert labels.GROUP_WORDS["active_by_need"] is labels.PRIMARY_NEED
    assert labels.GROUP_WORDS["active_by_ethnicity"] is labels.ETHNICITY
    frame = labels.relabel(pd.Series({"WBRI": 3, "not_recorded": 1}), labels.ETHNICITY)
    assert list(frame.index) == ["White British", "Not recorded"]


def test_the_glossary_lists_both_code_lists():
    from sendlib.paper import glossary

    html = glossary.code_lists()
    assert "Primary need (SEN type) codes" in html and "Ethnicity codes" in html
    assert '<th scope="row">SEMH</th><td>Social, emotional and mental health</td>' in html
    assert '<th scope="row">WOTH</th><td>Any other White background</td>' in html
