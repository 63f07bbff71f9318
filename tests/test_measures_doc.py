"""Each measure is declared once, with its definition, where it is computed; the list of
measures (docs/measures.md, ``sendlib measures``) and the catalogue check read the same
declarations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from typer.testing import CliRunner

from helpers import ROOT
from sendlib.cli import app
from sendlib.measures import document
from sendlib.measures.family import family, family_of
from sendlib.measures.registry import FAMILIES, MEASURES
from sendlib.scorecard.catalogue import CatalogueError, load_catalogue


def test_the_committed_list_of_measures_is_what_the_declarations_write():
    committed = (ROOT / document.DOCUMENT).read_text(encoding="utf-8")
    assert committed == document.markdown(), (
        "docs/measures.md is out of date: sendlib measures --markdown > docs/measures.md"
    )


def test_a_definition_changed_in_the_code_changes_the_list():
    first = FAMILIES[0]
    kpi = first.ids[0]
    changed = dataclasses.replace(first, definitions={**first.definitions, kpi: "Other."})
    written = document.markdown((changed, *FAMILIES[1:]))
    assert written != document.markdown()
    assert f"| `{kpi}` | Other. |" in written


def test_every_measure_has_a_definition_of_its_own_and_is_listed_once():
    listed = [kpi for kpi, _, _ in document.listing()]
    assert listed == [kpi for f in FAMILIES for kpi in f.ids]
    assert len(listed) == len(set(listed)) == len(MEASURES)
    definitions = [d for _, _, d in document.listing()]
    assert all(d.endswith(".") and len(d) < 300 for d in definitions)
    assert len(set(definitions)) == len(definitions)  # no two measures said alike


def test_a_measure_declared_without_a_definition_is_refused_where_it_is_declared():
    with pytest.raises(ValueError, match="'b_count' of family 'x'"):

        @family("x", {"a_count": "Things counted.", "b_count": ""}, ("person",))
        def x(cases, months):
            return {}

    @family("y", {"a_count": "Things counted."}, ("person",))
    def y(cases, months):
        return {"a_count": np.zeros(len(months))}

    assert family_of(y).ids == ("a_count",)
    assert family_of(y).definitions == {"a_count": "Things counted."}


def test_the_statutory_measures_cite_their_regulation():
    said = {kpi: d for kpi, _, d in document.listing()}
    assert "reg 5(1)" in said["request_decisions_6wk_pct"]
    assert "reg 13(2)" in said["plans_issued_20wk_pct"]
    assert "s44(1)" in said["reviews_in_12m_pct"]
    assert "reg 20(10)" in said["review_decisions_4wk_pct"]
    assert "reg 22(3)" in said["review_amended_8wk_pct"]
    assert "reg 18" in said["phase_transfers_on_time_pct"]


def test_the_catalogue_accepts_a_listed_measure_and_no_other(tmp_path):
    entry = (
        "kpis:\n  - {{id: k, ref: '1.01', title: K, section: S, unit: count, polarity: up, "
        "frequency: monthly, source: {source}}}\n"
    )
    listed = tmp_path / "listed.yaml"
    listed.write_text(entry.format(source=document.listing()[0][0]))
    assert [k.source for k in load_catalogue(listed).kpis] == [document.listing()[0][0]]
    unlisted = tmp_path / "unlisted.yaml"
    unlisted.write_text(entry.format(source="ehcp_activ"))
    with pytest.raises(CatalogueError, match="unknown source 'ehcp_activ'"):
        load_catalogue(unlisted)


def test_sendlib_measures_lists_each_measure_with_its_definition():
    result = CliRunner().invoke(app, ["measures"])
    assert result.exit_code == 0, result.output
    definition = MEASURES["reviews_overdue"].definitions["reviews_overdue"]
    assert f"reviews_overdue  [activity]\n    {definition}\n" in result.output
    assert CliRunner().invoke(app, ["measures", "--markdown"]).output == document.markdown()
