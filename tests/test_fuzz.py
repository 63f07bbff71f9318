"""Property: whatever garbage lands in a cell, loading ends in data or our own error."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import TINY, write_tables
from sendlib.data import findings as fnd
from sendlib.data.load import load_tables

cells = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "nan",
            "NULL",
            "1e309",
            "-0",
            "2024-02-30",
            "9999-12-31",
            "true",
            "0001-01-01",
            '"',
            "\n",
            ",",
            "\x00",
            "é",
            "P1",
            "R1",
            "E1",
        ]
    ),
)
targets = st.sampled_from([(f, c) for f, rows in TINY.items() for c in rows[0]])


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.lists(st.tuples(targets, st.integers(0, 2), cells), min_size=1, max_size=4))
def test_loader_never_raises_anything_but_its_own_error(tmp_path_factory, changes):
    tables = {name: [dict(r) for r in rows] for name, rows in TINY.items()}
    for (file, column), row, value in changes:
        rows = tables[file]
        rows[row % len(rows)][column] = value
    folder = write_tables(tmp_path_factory.mktemp("fuzz"), tables)
    try:
        loaded = load_tables(folder)
    except fnd.InvalidData as exc:
        found = exc.findings
        assert len(fnd.errors(found)) > 0
        assert found["file"].str.endswith(".csv").all()
        assert found["reason"].map(bool).all()
    else:
        for name, rows in tables.items():
            assert len(getattr(loaded, name)) == len(rows)


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_file_content_is_handled(tmp_path_factory, text):
    folder = write_tables(tmp_path_factory.mktemp("raw"), TINY)
    (folder / "plans.csv").write_text(text, encoding="utf-8")
    try:
        load_tables(folder)
    except fnd.InvalidData as exc:
        assert isinstance(exc.findings, pd.DataFrame)
