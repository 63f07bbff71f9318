"""The KPI catalogue: the shipped one is valid and complete; bad ones give clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendlib.demo import RETURN_PROFILES
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


# ---------------------------------------------------------------- comparators like for like
def _kpi(kpi_id: str, source: str, extra: str = "") -> str:
    return (
        f"  - {{id: {kpi_id}, ref: '{kpi_id}', title: T, section: A, unit: percent,\n"
        f"     polarity: up, frequency: monthly, source: {source}{extra}}}\n"
    )


def test_the_monthly_shares_of_decisions_carry_no_comparator_in_the_shipped_catalogue():
    cat = load_catalogue(CATALOGUE)
    monthly = {
        "request_assess_pct",
        "requests_refused_pct",
        "request_decisions_6wk_pct",
        "plan_after_assessment_pct",
    }
    assert {k.id for k in cat.kpis if k.benchmark == "none"} == monthly
    assert all(cat.get(i).comparator is None for i in monthly)
    assert cat.not_compared() == []  # each says so: no caution for the shipped catalogue
    # the like-for-like ones keep theirs: the same numerator and denominator as the DfE's
    for kpi_id in ("plans_issued_20wk_pct", "placed_mainstream_pct", "review_decisions_4wk_pct"):
        assert cat.get(kpi_id).comparator == kpi_id


def test_a_kpi_named_like_a_dfe_figure_of_another_definition_shows_none_and_says_why(tmp_path):
    cat = _load(tmp_path, "kpis:\n" + _kpi("request_assess_pct", "request_assess_pct"))
    kpi = cat.get("request_assess_pct")
    assert kpi.named_benchmark == "request_assess_pct" and kpi.comparator is None
    (only,) = cat.not_compared()
    assert only[0].id == "request_assess_pct"
    assert "decisions whether to assess made in the period" in only[1][0]
    assert "requests received in the period" in only[1][0]


def test_naming_a_dfe_figure_of_another_definition_is_an_error_with_its_line(tmp_path):
    text = "kpis:\n" + _kpi(
        "my_refusals", "requests_refused_pct", ", benchmark: requests_refused_pct"
    )
    with pytest.raises(CatalogueError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert "line 2, KPI 'my_refusals'" in message and "not like for like" in message
    assert "benchmark: none" in message


def test_a_kpi_may_name_a_like_for_like_dfe_figure_or_a_councils_own_row(tmp_path):
    text = "kpis:\n" + _kpi(
        "timeliness", "plans_issued_20wk_pct", ", benchmark: plans_issued_20wk_pct"
    )
    text += _kpi("ep_advice", "return", ", benchmark: ep_advice_national")
    cat = _load(tmp_path, text)
    assert cat.get("timeliness").comparator == "plans_issued_20wk_pct"
    assert cat.get("ep_advice").comparator == "ep_advice_national"  # typed in: as given
    assert {"plans_issued_20wk_pct", "ep_advice_national"} <= cat.known_ids()


@pytest.mark.parametrize(
    ("start", "title"),
    [
        ("January", "Total number of mediations (cumulative calendar year)"),
        ("April", "Total number of mediations (cumulative financial year)"),
        ("September", "Total number of mediations (cumulative academic year)"),
    ],
)
def test_year_to_date_titles_follow_the_year_start(start, title):
    kpi = load_catalogue(CATALOGUE, start).get("mediations_ytd")
    assert kpi.title == title
    assert "{year}" not in kpi.definition and "{year}" not in kpi.title


@pytest.mark.parametrize(
    ("spc", "message"),
    [
        ("{fix_after: 5}", "greater than or equal to 12"),
        ("{rebase: [2025-13]}", "there is no month 13"),
        ("{fix_after: 20, colour: red}", "unknown key 'colour'"),
    ],
)
def test_bad_spc_settings_are_named(tmp_path, spc, message):
    with pytest.raises(CatalogueError, match=re.escape(message)):
        _load(tmp_path, GOOD.replace("source: ehcp_active}", f"source: ehcp_active, spc: {spc}}}"))


def test_spc_settings_are_read(tmp_path):
    cat = _load(
        tmp_path,
        GOOD.replace(
            "source: ehcp_active}",
            "source: ehcp_active, spc: {fix_after: 18, rebase: [2025-04, 2024-01]}}",
        ),
    )
    rule = cat.get("ehcp_active").spc
    assert rule.fix_after == 18 and rule.rebase == ("2024-01", "2025-04")


def test_the_headline_tiles_are_kpis_of_the_catalogue(tmp_path):
    import pytest

    from sendlib.scorecard.catalogue import CatalogueError, load_catalogue

    path = tmp_path / "kpis.yaml"
    path.write_text(
        "headlines:\n  - {kpi: ehcp_active, label: EHCPs}\n  - {kpi: ehcp_gone, label: Gone}\n"
        "kpis:\n  - {id: ehcp_active, ref: '1', title: EHCPs, section: S, unit: count,\n"
        "     polarity: neutral, frequency: monthly, source: ehcp_active}\n"
    )
    with pytest.raises(CatalogueError, match="ehcp_gone"):
        load_catalogue(path)
    path.write_text(path.read_text().replace("  - {kpi: ehcp_gone, label: Gone}\n", ""))
    assert [(h.kpi, h.label) for h in load_catalogue(path).headlines] == [("ehcp_active", "EHCPs")]
