"""The KPI catalogue: the shipped one is valid and complete; bad ones give clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendlib.data.demo import RETURN_PROFILES
from sendlib.scorecard.catalogue import CatalogueError, load_catalogue

CATALOGUE = Path(__file__).parents[1] / "params" / "kpis.yaml"
GOOD = (
    "kpis:\n  - {id: ehcp_active, ref: '1', title: EHCPs, section: A, unit: count,\n"
    "     polarity: neutral, frequency: monthly, source: ehcp_active}\n"
)


def _load(tmp_path, text):
    path = tmp_path / "kpis.yaml"
    path.write_text(text)
    return load_catalogue(path)


def test_shipped_catalogue_is_valid_and_covers_the_seeds():
    cat = load_catalogue(CATALOGUE)
    ids = {k.id for k in cat.kpis}
    assert {
        "ehcp_active",
        "plans_issued_20wk_pct",
        "reviews_overdue",
        "mediations_ytd",
        "placed_inmss_pct",
        "sendiass_open_l4",
        "ehco_vacancies_fte",
    } <= ids
    assert len(cat.sections) >= 10
    targets = {k.id: (k.target, k.tolerance) for k in cat.kpis if k.target is not None}
    assert targets["plans_issued_20wk_pct"] == (70, 10)
    assert targets["placed_inmss_pct"] == (5.0, 1.0)


def test_every_partner_kpi_has_demo_returns():
    cat = load_catalogue(CATALOGUE)
    assert {k.id for k in cat.kpis if k.source == "return"} == set(RETURN_PROFILES)


def test_a_kpi_is_added_by_editing_yaml(tmp_path):
    cat = _load(
        tmp_path,
        GOOD + "  - {id: my_new_kpi, ref: '2', title: New, section: B,\n"
        "     unit: percent, polarity: up, frequency: termly, source: return, target: 50}\n",
    )
    assert [k.id for k in cat.kpis] == ["ehcp_active", "my_new_kpi"]
    assert cat.files_needed() >= {"returns", "plans", "person"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("source: ehcp_active}", "source: ehcp_actives}"), "unknown source 'ehcp_actives'"),
        (("unit: count", "unit: pounds"), "unit"),
        (("polarity: neutral", "polarity: sideways"), "polarity"),
        (("frequency: monthly", "frequency: weekly"), "frequency"),
        (
            ("source: ehcp_active}", "source: ehcp_active, tolerance: 5}"),
            "tolerance given without a target",
        ),
        (("id: ehcp_active", "id: EHCP Active"), "id"),
        (("source: ehcp_active}", "source: ehcp_active, colour: red}"), "colour"),
    ],
)
def test_bad_catalogue_gives_a_message_naming_the_kpi(tmp_path, change, message):
    with pytest.raises(CatalogueError) as caught:
        _load(tmp_path, GOOD.replace(*change))
    text = str(caught.value)
    assert message in text
    assert "kpis.yaml" in text and re.search(r"line \d+, KPI '", text)


def test_duplicate_ids_are_rejected(tmp_path):
    with pytest.raises(CatalogueError, match="duplicate id 'ehcp_active'"):
        _load(tmp_path, GOOD + GOOD.split("\n", 1)[1].replace("ref: '1'", "ref: '2'"))


def test_unreadable_catalogue(tmp_path):
    with pytest.raises(CatalogueError, match="not valid YAML"):
        _load(tmp_path, "kpis: [\n")
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "missing.yaml")
