"""The PDF: laid out per section in worker processes, cached, merged into one tagged
PDF/UA whose structure, links, bookmarks and page numbers hold together; any failure is
a RenderError (exit code 2)."""

from __future__ import annotations

import os
import re
import time

import pikepdf
import pytest
from pypdf import PdfReader

from helpers import check_tagged_pdf
from sendlib.render.html import Page, page
from sendlib.render.pdf import PdfProcess, RenderError
from sendlib.render.pdfparts import owners


def plain(title: str = "A title") -> Page:
    """A page with no sections: one part."""
    return page(title, "<h1>Paper</h1><p>Text</p>")


def paper(words: str = "Demand stays high.") -> Page:
    """A small paper as the renderer makes it: cover, contents, summary, two sections."""
    body = (
        '<section class="section section-cover"><h1>SEND Update: June 2025</h1>'
        "<p>Cover</p></section>"
        '<section aria-labelledby="summary" class="section section-summary continues">'
        '<h2 data-number="1" id="summary">Summary</h2><p>Summary text.</p></section>'
        '<section aria-labelledby="caseload" class="section section-caseload">'
        f'<h2 data-number="2" id="caseload">Caseload</h2><p>{words}</p>'
        + "<p>More about plans.</p>"
        * 60
        + "</section>"
        '<section aria-labelledby="glossary" class="section section-glossary appendix">'
        '<h2 data-number="" id="glossary">Glossary</h2><p>EHCP: a plan.</p></section>'
    )
    return page("SEND Update: June 2025", body)


def test_a_paper_splits_at_sections_that_start_a_page():
    rendered = paper()
    parts = rendered.parts
    assert [p.name for p in parts] == ["cover", "caseload", "glossary"]  # summary continues
    assert "Contents" in parts[0].body and "Summary text." in parts[0].body
    assert owners(parts)["caseload"] == 1 and "caseload" in parts[0].links
    head, tail = rendered.shell()
    assert rendered.html == head + "\n" + "".join(p.body for p in parts) + tail


@pytest.mark.slow
def test_renders_merges_and_rerenders_only_the_edited_part(tmp_path):
    cache = tmp_path / "cache"
    with PdfProcess() as process:
        process.start(paper(), tmp_path / "one.pdf", cache)
        process.finish()
        assert process.rendered == 3
        reader = check_tagged_pdf(tmp_path / "one.pdf")
        assert reader.metadata.title == "SEND Update: June 2025"
        titles = [item.title for item in reader.outline if not isinstance(item, list)]
        assert any("Caseload" in t for t in titles) and any("Glossary" in t for t in titles)
        process.start(paper("Demand fell."), tmp_path / "two.pdf", cache)
        process.finish()
        assert process.rendered == 1  # only the edited section was laid out again
    text = " ".join(p.extract_text() for p in check_tagged_pdf(tmp_path / "two.pdf").pages)
    assert "Demand fell." in text and "Demand stays high." not in text
    # the contents link to the caseload section lands on the page that shows it
    with pikepdf.open(tmp_path / "two.pdf") as doc:
        names = list(doc.Root.Names.Dests.Names)
        target = dict(zip(map(str, names[0::2]), names[1::2], strict=True))["caseload"][0]
        shown = next(i for i, p in enumerate(doc.pages) if p.obj.objgen == target.objgen)
    assert re.search(r"2\.\s*Caseload", PdfReader(tmp_path / "two.pdf").pages[shown].extract_text())


@pytest.mark.slow
def test_a_part_that_grows_renumbers_the_pages_after_it(tmp_path):
    cache = tmp_path / "cache"
    with PdfProcess() as process:
        process.start(paper(), tmp_path / "one.pdf", cache)
        process.finish()
        longer = paper("Much more. " + "<p>Another paragraph.</p>" * 120)
        process.start(longer, tmp_path / "two.pdf", cache)
        process.finish()
    assert len(PdfReader(tmp_path / "two.pdf").pages) > len(PdfReader(tmp_path / "one.pdf").pages)
    check_tagged_pdf(tmp_path / "two.pdf")  # every footer says "Page i of n"


@pytest.mark.slow
def test_a_page_without_sections_renders_whole(tmp_path):
    with PdfProcess() as process:
        process.start(plain(), tmp_path / "paper.pdf", tmp_path / "cache")
        process.finish()
    reader = PdfReader(tmp_path / "paper.pdf")
    assert reader.metadata.title == "A title" and "Paper" in reader.pages[0].extract_text()


@pytest.mark.slow
def test_a_pdf_that_cannot_be_written_is_a_render_error(tmp_path):
    (tmp_path / "not-a-folder").write_text("a file where the folder should be")
    with PdfProcess() as process:
        process.start(plain(), tmp_path / "not-a-folder" / "paper.pdf", tmp_path / "c")
        with pytest.raises(RenderError, match="could not write the PDF paper"):
            process.finish()


def _crash(*args) -> None:
    os._exit(1)


@pytest.mark.slow
def test_a_crashed_renderer_is_a_render_error(tmp_path):
    with PdfProcess(warm=False, render=_crash) as process:
        process.start(plain(), tmp_path / "paper.pdf", tmp_path / "cache")
        with pytest.raises(RenderError, match="stopped unexpectedly"):
            process.finish()


def test_nothing_to_wait_for_without_a_pdf():
    with PdfProcess(warm=False) as process:
        started = time.perf_counter()
        process.finish()
        assert time.perf_counter() - started < 0.5  # waits for no worker
        assert process.rendered == 0
        assert not process._pool._processes  # and started none


@pytest.mark.slow
def test_footers_that_would_hide_the_page_are_refused(tmp_path):
    from weasyprint import HTML

    from sendlib.render import pdfmerge

    HTML(string=plain().html).write_pdf(tmp_path / "paper.pdf")
    opaque = "<html><head><style>html { background: white }</style></head><body></body></html>"
    HTML(string=opaque).write_pdf(tmp_path / "footers.pdf")
    with pikepdf.open(tmp_path / "paper.pdf") as paper, pytest.raises(ValueError, match="paint"):
        pdfmerge.add_footers(paper, tmp_path / "footers.pdf")
