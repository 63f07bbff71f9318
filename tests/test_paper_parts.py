"""The paper's parts: stitching, numbering, tables (golden HTML), charts, wording, params."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from bs4 import BeautifulSoup

from sendlib.config import ParamsError, load_report
from sendlib.paper import narrative as nv
from sendlib.paper.charts.bars import bar_chart
from sendlib.paper.charts.lines import line_chart
from sendlib.paper.paragraphs import paragraphs
from sendlib.paper.sections import by_slug
from sendlib.paper.tables import Table, counts_table
from sendlib.render.html import number_paper, page
from sendlib.render.stitch import stitch
from sendlib.scorecard.disclosure import Disclosure

FOUR = Disclosure(4)

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SENDLIB_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed; rerun with SENDLIB_UPDATE_GOLDEN=1"


# ---------------------------------------------------------------- tables
def test_counts_table_html_snapshot():
    counts = pd.Series({"Pod: Secondary": 2049, "Pod: Post 16 & over": 1335, "Pod: Primary": 3})
    _, hidden = FOUR.protect(counts)  # as the paper's decision leaves them
    check_golden(
        "table_counts.html",
        counts_table(
            counts.where(~hidden), hidden, "EHCPs by team, June 2025", "Team", 3387
        ).to_html(),
    )


def test_table_with_formats_and_note_snapshot():
    frame = pd.DataFrame(
        {
            "Measure": ["Including exceptions", "Excluding exceptions"],
            "Jun 2025": [64.6153, 66.66],
            "Jun 2024": [float("nan"), 58.2],
        }
    )
    table = (
        Table(frame, "Plans issued within 20 weeks")
        .row_header("Measure")
        .percent("Jun 2025", "Jun 2024")
        .note("Day 140 counts as within 20 weeks.")
    )
    check_golden("table_formats.html", table.to_html())


def test_tables_have_caption_and_scoped_headers():
    html = counts_table(pd.Series({"A": 5}), pd.Series({"A": False}), "Caption <here>", "Group")
    html = html.to_html()
    assert "<caption>Caption &lt;here&gt;</caption>" in html
    assert '<th scope="col">Group</th>' in html and '<th scope="row">A</th>' in html


# ---------------------------------------------------------------- charts
def test_line_chart_alt_text_says_what_and_the_key_figure():
    frame = pd.DataFrame(
        {"EHCPs": [4378.0, 4399.0, 4712.0]}, index=["2025-01", "2025-02", "2025-03"]
    )
    chart = line_chart(frame, "Number of EHCPs", "Number")
    assert chart.alt == (
        "Line chart: Number of EHCPs, January 2025 to March 2025. EHCPs: 4,712 "
        "in March 2025, up from 4,378 at the start."
    )
    html = chart.to_html()
    assert 'alt="Line chart: Number of EHCPs' in html and "<figcaption>" in html
    assert "<caption>Data for the chart: Number of EHCPs</caption>" in html
    assert "Source: council SEND case records" in html


def test_charts_are_byte_identical_for_the_same_data():
    series = pd.Series({"Mainstream": 1973.0, "Special": 1030.0})
    shown = pd.Series(False, index=series.index)
    first = bar_chart(series, "Settings", "Number", "Setting", shown)
    second = bar_chart(series, "Settings", "Number", "Setting", shown)
    assert first.svg == second.svg
    assert "Largest first: Mainstream 1,973; Special 1,030" in first.alt


# ---------------------------------------------------------------- wording
def test_plurals_and_separators():
    assert nv.plural(1, "plan") == "1 plan"
    assert nv.plural(2695, "plan") == "2,695 plans"
    assert nv.plural(0, "appeal") == "0 appeals"
    assert nv.plural(3, "child", "children") == "3 children"
    assert nv.were(1) == "was" and nv.were(2) == "were"
    assert nv.agree(1, "falls", "fall") == "falls" and nv.agree(936, "falls", "fall") == "fall"


def test_continues_to_rise_needs_two_rises():
    assert nv.movement([1, 2, 3]) == "continues to rise"
    assert nv.movement([3, 2, 3]) == "has risen"
    assert nv.movement([3, 2, 1]) == "continues to fall"
    assert nv.movement([2, 2]) == "is unchanged"
    assert nv.movement([5]) == "is"


def test_drafted_paragraphs_are_escaped_and_numbered_later():
    drafted = paragraphs(["Team A & B grew.", ""])
    assert drafted.sentences == ["Team A & B grew."]
    assert (
        drafted.to_html()
        == '<div class="narrative drafted"><p class="para">Team A &amp; B grew.</p></div>'
    )


def test_analyst_narrative_comes_from_the_months_file(tmp_path):
    assert nv.analyst_html(tmp_path, "2025-06", "caseload") == ""
    path = nv.narrative_path(tmp_path, "2025-06", "caseload")
    assert path == tmp_path / "narrative" / "2025-06" / "caseload.md"
    path.parent.mkdir(parents=True)
    path.write_text("First **point**.\n\nSecond point.")
    html = nv.analyst_html(tmp_path, "2025-06", "caseload")
    assert html.count('<p class="para">') == 2 and "<strong>point</strong>" in html


def test_narrative_under_its_old_name_is_still_found(tmp_path):
    old = tmp_path / "narrative" / "2025-06" / "02_caseload.md"
    old.parent.mkdir(parents=True)
    old.write_text("Written before sections had slugs.")
    section = by_slug("caseload")
    html = nv.analyst_html(tmp_path, "2025-06", section.slug, section.legacy_names)
    assert "Written before sections had slugs." in html


# ---------------------------------------------------------------- stitch and render
@pytest.fixture(scope="module")
def executed(tmp_path_factory):  # a real kernel: the tests using it are slow
    folder = tmp_path_factory.mktemp("executed")
    out = folder / "01_summary.ipynb"
    papermill.execute_notebook(
        str(Path(__file__).parent / "notebooks" / "ok.ipynb"),
        str(out),
        parameters={"month": "2025-06"},
        kernel_name="python3",
        progress_bar=False,
    )
    return out


@pytest.mark.slow
def test_stitch_drops_parameters_code_and_streams(executed):
    paper = stitch([(by_slug("summary"), executed)], "Paper", lambda section: "<p>words</p>")
    sources = [c.source for c in paper.cells if c.cell_type == "code"]
    assert all(s == "" for s in sources)
    assert not any("parameters" in c.metadata.get("tags", []) for c in paper.cells)
    outputs = [o for c in paper.cells if c.cell_type == "code" for o in c.outputs]
    assert [list(o.data) for o in outputs] == [["text/html"]]
    ids = [c.id for c in paper.cells]
    assert len(ids) == len(set(ids)) and ids[0] == "summary-open"
    nbformat.validate(paper)


def test_the_narrative_slot_is_filled_when_stitched(tmp_path):
    notebook = nbformat.v4.new_notebook()
    slot = nbformat.v4.new_markdown_cell("<!-- narrative goes here -->")
    slot.metadata["tags"] = ["narrative"]
    notebook.cells = [nbformat.v4.new_markdown_cell("Intro."), slot]
    nbformat.write(notebook, tmp_path / "02_caseload.ipynb")
    paper = stitch(
        [(by_slug("caseload"), tmp_path / "02_caseload.ipynb")],
        "Paper",
        lambda section: f'<p class="para">The {section.slug} words.</p>',
    )
    raw = [c.source for c in paper.cells if c.cell_type == "raw"]
    assert '<div class="narrative analyst" data-narrative="caseload">' in raw[1]
    assert "The caseload words." in raw[1]
    assert not any("narrative goes here" in c.source for c in paper.cells)


def test_paragraphs_and_sections_are_numbered():
    soup = BeautifulSoup(
        '<h2 id="a" data-number="3">Three</h2><p class="para">x</p>'
        "<table><caption>t</caption><tr><td><p>no</p></td></tr></table>"
        '<p>y</p><h2 id="b" data-number="Appendix 1">Scorecard</h2>'
        '<p class="para">z</p>',
        "html.parser",
    )
    contents = number_paper(soup)
    html = str(soup)
    assert [c[0] for c in contents] == ["a", "b"]
    assert '<span class="para-no">3.1</span>x' in html
    assert '<span class="para-no">3.2</span>y' in html
    assert "<p>no</p>" in html and ">z</p>" in html and "3.3" not in html


def test_page_has_language_title_skip_link_and_contents():
    html = page(
        "SEND Performance Update: June 2025",
        '<section class="section"><p>cover</p></section>'
        '<h2 id="summary" data-number="1">Summary</h2><table id="t"></table>'
        '<table id="t"></table>',
    ).html
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<title>SEND Performance Update: June 2025</title>" in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main">' in html
    assert '<a href="#summary">1. Summary</a>' in html
    assert 'id="t"' in html and 'id="t-2"' in html
    assert "<script" not in html


# ---------------------------------------------------------------- report params
def test_shipped_report_params_are_valid():
    report = load_report(ROOT / "params" / "report.yaml")
    assert report.committee and report.recommendations and report.suppression_threshold == 4


def test_bad_report_params_say_which_field(tmp_path):
    path = tmp_path / "report.yaml"
    path.write_text("council: X\ncommittee: Y\nmeeting_date: soon\n")
    with pytest.raises(ParamsError) as caught:
        load_report(path)
    text = str(caught.value)
    assert "meeting_date" in text and "report_subject" in text and "report.yaml" in text


def test_migrate_renames_old_narrative_files_and_never_overwrites(tmp_path):
    from sendlib.paper.newmonth import migrate

    folder = tmp_path / "narrative" / "2025-06"
    folder.mkdir(parents=True)
    (folder / "04_timeliness.md").write_text("old timeliness")
    (folder / "02_caseload.md").write_text("old caseload")
    (folder / "caseload.md").write_text("new caseload")
    done = {(old.name, what) for old, _, what in migrate(tmp_path)}
    assert done == {
        ("04_timeliness.md", "renamed"),
        ("02_caseload.md", "left as it is: the new name is taken"),
    }
    assert (folder / "timeliness.md").read_text() == "old timeliness"
    assert (folder / "caseload.md").read_text() == "new caseload"
    assert migrate(tmp_path) == [
        (folder / "02_caseload.md", folder / "caseload.md", "left as it is: the new name is taken")
    ]


def test_requests_chart_compares_each_month_with_the_same_month_a_year_before():
    from sendlib.paper.requests import chart

    periods = pd.period_range("2023-06", "2025-06", freq="M")
    values = pd.DataFrame(
        {"requests_received": [float(p.year * 100 + p.month) for p in periods]},
        index=periods.strftime("%Y-%m"),
    )

    class Ctx:
        month = pd.Period("2025-06", freq="M")

        def history(self, kpi_id, months=13, ending=None):
            series = values[kpi_id]
            if ending is not None:
                series = series.loc[: str(ending)]
            return series.iloc[-months:]

    data = chart(Ctx()).data.set_index("Month")
    assert data.loc["Jun", "12 months to Jun 2025"] == 202506
    assert data.loc["Jun", "Previous 12 months"] == 202406
    assert data.loc["Jul", "Previous 12 months"] == 202307


def _two_sections(tmp_path, words: str) -> nbformat.NotebookNode:
    """A stitched paper of two sections with outputs, markdown and a narrative slot."""
    executed = []
    for slug in ("caseload", "requests"):
        notebook = nbformat.v4.new_notebook()
        slot = nbformat.v4.new_markdown_cell("<!-- narrative goes here -->")
        slot.metadata["tags"] = ["narrative"]
        code = nbformat.v4.new_code_cell("")
        code.outputs = [
            nbformat.v4.new_output(
                "display_data", {"text/html": f'<h2 id="{slug}" data-number="2">{slug}</h2>'}
            ),
            nbformat.v4.new_output("display_data", {"text/markdown": "Some *figures*: 1 < 2."}),
        ]
        notebook.cells = [code, nbformat.v4.new_markdown_cell("Intro & **more**."), slot]
        nbformat.write(notebook, tmp_path / f"{slug}.ipynb")
        executed.append((by_slug(slug), tmp_path / f"{slug}.ipynb"))
    return stitch(executed, "Paper", lambda s: f'<p class="para">{words} <em>{s.slug}</em></p>')


def test_the_body_made_section_by_section_and_from_the_cache_is_nbconverts_whole(
    tmp_path, monkeypatch
):
    from sendlib.render import body as rhtml

    paper = _two_sections(tmp_path, "Caseload rose & fell")
    whole, _ = rhtml._exporter().from_notebook_node(paper)
    cache = tmp_path / "cache"
    assert rhtml.body_html(paper) == whole
    assert rhtml.body_html(paper, cache, "code") == whole
    assert len(list(cache.glob("*.html"))) == 2
    # a narrative edit: the sections come from the cache, nbconvert is not used at all
    edited = _two_sections(tmp_path, "Caseload <b>held</b>")
    expected, _ = rhtml._exporter().from_notebook_node(edited)

    def no_nbconvert():
        raise AssertionError("a section was converted again")

    monkeypatch.setattr(rhtml, "_exporter", no_nbconvert)
    assert rhtml.body_html(edited, cache, "code") == expected
    # other code: converted again (and the old entries dropped)
    monkeypatch.undo()
    assert rhtml.body_html(edited, cache, "other code") == expected
    assert len(list(cache.glob("*.html"))) == 2
    # a preview adds to the cache and drops nothing
    assert "".join(rhtml.section_bodies(edited, cache, "preview's", prune_old=False)) == expected
    assert len(list(cache.glob("*.html"))) == 4


def test_a_page_laid_out_section_by_section_and_from_the_cache_is_the_whole_pages(
    tmp_path, monkeypatch
):
    from sendlib.render import html as rhtml

    sections = [
        '<section class="section section-cover"><header><h1>T</h1></header></section>',
        '<section class="section section-a" aria-labelledby="a"><h2 id="a" data-number="1">'
        'A</h2><p>One.</p><table id="t"><caption>c</caption></table><p>Two.</p></section>',
        # no heading of its own: its paragraphs go on with section 1's numbers
        '<section class="section section-a2 continues"><p>Three, <a href="#b">see B</a>.'
        '</p><table id="t"><caption>again</caption></table></section>',
        '<section class="section section-b" aria-labelledby="b"><h2 id="b" data-number="2">'
        'B</h2><p>Four.</p><table id="t"><caption>third</caption></table></section>',
    ]
    whole = page("Paper", "".join(sections))
    cache = tmp_path / "cache"
    for _ in range(2):  # laid out, then read from the cache
        by_section = rhtml.page_of("Paper", sections, cache, "code")
        assert by_section == whole
    assert 'id="t-2"' in whole.html and 'id="t-3"' in whole.html
    assert '<span class="para-no">1.3</span>Three' in whole.html
    assert [p.name for p in whole.parts] == ["cover", "a", "b"]
    # an edit to one section lays out that one again, and nothing else
    edited = [*sections[:3], sections[3].replace("Four.", "Four, edited.")]
    expected = page("Paper", "".join(edited))
    laid = []
    real = rhtml._lay
    monkeypatch.setattr(rhtml, "_lay", lambda *a: laid.append(a[0]) or real(*a))
    assert rhtml.page_of("Paper", edited, cache, "code") == expected
    assert laid == [edited[3]]
    assert len(list(cache.glob("*.json"))) == 4


def test_a_table_with_no_rows_is_a_sentence_not_headers_over_nothing():
    frame = pd.DataFrame({"Reason": [], "2025": []})
    table = Table(frame, "Reasons a plan was not issued").row_header("Reason")
    html = table.when_empty("none in these years").to_html()
    assert html.startswith('<p class="table-note empty"')
    assert "Reasons a plan was not issued: none in these years." in html
    assert "<table" not in html and "<th" not in html


def test_narrative_tables_and_links_are_rendered_in_html_pdf_and_word(tmp_path):
    import docx

    from sendlib.paper.narrative import markdown_html
    from sendlib.render.docx import render_docx

    text = (
        "| Need | Number |\n|---|--:|\n| Autistic spectrum disorder | 12 |\n\n"
        "See [the DfE's release](https://www.gov.uk/ehcp) or https://www.gov.uk/send."
    )
    body = markdown_html(text)
    assert '<table class="data narrative-table">' in body and "|" not in body
    assert '<th scope="col">Need</th>' in body
    assert '<a href="https://www.gov.uk/ehcp">the DfE\'s release</a>' in body
    assert '<a href="https://www.gov.uk/send" class="bare-link">' in body
    # the PDF prints a link's address after its text (once for a bare address)
    css = (ROOT / "src" / "sendlib" / "render" / "paper.css").read_text()
    assert '.narrative a[href]:not([href^="#"]):not(.bare-link)::after' in css
    page = (
        '<html lang="en-GB"><head><title>T</title></head><body><main>'
        f'<div class="narrative analyst">{body}</div></main></body></html>'
    )
    render_docx(page, tmp_path / "paper.docx", pd.Period("2025-06", "M"))
    word = docx.Document(str(tmp_path / "paper.docx"))
    (table,) = word.tables
    assert [c.text for c in table.rows[1].cells] == ["Autistic spectrum disorder", "12"]
    said = " ".join(p.text for p in word.paragraphs)
    assert "the DfE's release (https://www.gov.uk/ehcp)" in said
    assert "https://www.gov.uk/send (https://www.gov.uk/send)" not in said


def test_how_we_compare_says_no_comparators_are_shown_when_benchmarks_are_not_held(tmp_path):
    from types import SimpleNamespace

    from helpers import council_dir
    from sendlib.data.load import load_tables
    from sendlib.measures.cases import prepare
    from sendlib.paper import appendix, compare
    from sendlib.scorecard.catalogue import load_catalogue

    d = council_dir(
        tmp_path,
        person=[{"person_id": "P1", "birth_date": "2012-01-01"}],
        plans=[{"plan_id": "E1", "person_id": "P1", "start_date": "2025-01-10"}],
    )
    (d / "benchmarks.csv").unlink()  # the council has not written its comparators
    parts = compare.counts(prepare(load_tables(d)), pd.Period("2025-06", freq="M"))
    ctx = SimpleNamespace(breakdowns=parts, breakdown=parts.__getitem__)
    text = BeautifulSoup(compare.introduction(ctx), "html.parser").get_text()
    assert "No comparators are shown" in text and "benchmarks.csv) is not held" in text
    assert "sendlib benchmarks" in text
    assert "Each measure is shown beside England" not in text
    assert not compare.charts(ctx).items  # and no chart follows
    ctx.catalogue = load_catalogue(ROOT / "params" / "kpis.yaml")
    table = compare.definitions(ctx).to_html()
    assert "with these comparators when benchmarks.csv is held" in table
    notes = appendix.comparator_notes(ctx)  # the scorecard appendix says it too
    assert "No comparators are shown: the benchmarks file (benchmarks.csv) is not held" in notes
