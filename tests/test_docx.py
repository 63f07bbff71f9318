"""paper.docx from a page: relative paths, charts as pictures, the same bytes twice."""

from __future__ import annotations

import base64

import pandas as pd

from sendlib.render.docx import render_docx, word_html

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40pt" height="20pt" viewBox="0 0 40 20">'
    '<rect width="40" height="20" fill="#12436D"/></svg>'
)
PAGE = (
    '<html lang="en-GB"><head><title>T</title></head><body><a class="skip-link" href="#m">'
    'Skip</a><main id="m"><h1>Title</h1><h2>1. Caseload</h2><p class="para">'
    '<span class="para-no">1.1</span>Some text.</p><figure class="chart"><img alt="A chart" '
    f'src="data:image/svg+xml;base64,{base64.b64encode(SVG.encode()).decode()}">'
    "<figcaption>Caption</figcaption><details><summary>Show the data</summary><table>"
    "<thead><tr><th>Month</th></tr></thead><tbody><tr><td>Jan</td></tr></tbody></table>"
    "</details></figure></main></body></html>"
)


def test_a_relative_target_is_written_where_asked_and_twice_the_same(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    for name in ("a.docx", "b.docx"):
        render_docx(
            PAGE, tmp_path.joinpath("out").relative_to(tmp_path) / name, pd.Period("2025-06", "M")
        )
    first, second = (tmp_path / "out" / n for n in ("a.docx", "b.docx"))
    assert first.stat().st_size > 1000 and first.read_bytes() == second.read_bytes()


def test_word_gets_pictures_plain_data_tables_and_no_skip_link(tmp_path):
    html = word_html(PAGE, tmp_path)
    (png,) = tmp_path.glob("*.png")
    assert f'src="{png.name}"' in html and "svg+xml" not in html
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "<details" not in html and "<summary" not in html and "<figure" not in html
    assert "Skip" not in html and "<table>" in html and 'alt="A chart"' in html
    assert "1.1\u00a0" in html  # the number and its paragraph stay apart


def test_word_made_part_by_part_is_the_word_of_the_whole_page_and_is_kept(tmp_path):
    from bs4 import BeautifulSoup

    from sendlib.render.docx import word_page
    from sendlib.render.html import page

    body = PAGE.split('<main id="m">')[1].split("</main>")[0]
    sections = (
        '<section class="section section-a" aria-labelledby="a"><h2 id="a" data-number="1">'
        f"A</h2>{body}</section>"
        '<section class="section section-b" aria-labelledby="b"><h2 id="b" data-number="2">'
        "B</h2><p>More text.</p></section>"
    )
    rendered = page("T", sections)
    assert len(rendered.parts) == 3  # the front (contents), A and B
    (tmp_path / "whole").mkdir()
    whole = word_html(rendered.html, tmp_path / "whole")
    cache = tmp_path / "cache"
    (tmp_path / "parts").mkdir()
    by_part = word_page(rendered, tmp_path / "parts", cache)
    assert str(BeautifulSoup(whole, "lxml").main) == str(BeautifulSoup(by_part, "lxml").main)
    assert BeautifulSoup(by_part, "lxml").title.string == "T"
    assert [p.name for p in (tmp_path / "parts").glob("*.png")] == [
        p.name for p in (tmp_path / "whole").glob("*.png")
    ]
    # made again from the cache: the same, with its picture; a part no longer in the
    # page is dropped from the cache
    (tmp_path / "again").mkdir()
    kept = sorted(p.name for p in cache.iterdir())
    assert word_page(rendered, tmp_path / "again", cache) == by_part
    assert len(list((tmp_path / "again").glob("*.png"))) == 1
    shorter = page("T", sections.split("</section>")[0] + "</section>")
    (tmp_path / "shorter").mkdir()
    word_page(shorter, tmp_path / "shorter", cache)
    assert len(list(cache.glob("*.json"))) == 2 and len(kept) == 4


def test_the_word_copy_from_kept_parts_reads_as_the_whole_pages_and_pandoc_reads_only_edits(
    tmp_path, monkeypatch
):
    import subprocess

    import pypandoc

    from sendlib.render import docx
    from sendlib.render.html import page

    def sections(words: str) -> str:
        return (
            '<section class="section section-a" aria-labelledby="a"><h2 id="a" '
            f'data-number="1">A</h2><p>{words}</p><table><thead><tr><th>Month</th></tr>'
            "</thead><tbody><tr><td>Jan</td></tr></tbody></table></section>"
            '<section class="section section-b" aria-labelledby="b"><h2 id="b" '
            'data-number="2">B</h2><p>Unchanged text.</p></section>'
        )

    month = pd.Period("2025-06", "M")
    cache = tmp_path / "cache"
    first = page("T", sections("First words."))
    render_docx(first.html, tmp_path / "whole.docx", month)
    docx._convert(first, tmp_path / "parts.docx", month, None, cache)

    def plain(path):
        command = [pypandoc.get_pandoc_path(), str(path), "--to=plain"]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    assert plain(tmp_path / "parts.docx") == plain(tmp_path / "whole.docx")
    assert "First words." in plain(tmp_path / "parts.docx")
    # an edit of section A: pandoc reads that part (and the title) only
    read = []
    real = docx._pandoc_read
    monkeypatch.setattr(docx, "_pandoc_read", lambda text: read.append(text) or real(text))
    edited = page("T", sections("Edited words."))
    docx._convert(edited, tmp_path / "edited.docx", month, None, cache)
    assert len(read) == 1 and "Edited words." in read[0] and "Unchanged text." not in read[0]
    assert "Edited words." in plain(tmp_path / "edited.docx")
    assert "Unchanged text." in plain(tmp_path / "edited.docx")


WIDE_PAGE = (
    '<html lang="en-GB"><head><title>SEND paper: June 2025</title></head><body><main>'
    '<section class="section section-cover"><h1>SEND paper: June 2025</h1></section>'
    '<section class="section section-summary continues"><h2>1. Summary</h2>'
    '<ul class="tiles"><li class="tile"><span class="tile-label">Number of EHCPs (Jun 2025)'
    '</span><span class="tile-value">5,151</span></li><li class="tile"><span class="tile-label">'
    'Requests (Jun 2025)</span><span class="tile-value">111</span></li></ul></section>'
    '<section class="section section-caseload"><h2>2. Caseload</h2><p>Words.</p></section>'
    '<section class="section section-appendix_scorecard appendix appendix-scorecard">'
    "<h2>Appendix 1: SEND scorecard</h2><table><thead><tr><th>Ref</th><th>Measure</th>"
    + "".join(f"<th>M{i}</th>" for i in range(14))
    + "</tr></thead><tbody><tr><td>1.01</td><td>Number of EHCPs with a long title that wraps</td>"
    + "".join(
        '<td>5,151&nbsp;<span aria-hidden="true">▲</span><span class="visually-hidden">'
        " (up)</span></td>"
        for _ in range(14)
    )
    + "</tr></tbody></table></section>"
    '<section class="section section-glossary appendix"><h2>Glossary</h2><p>EHCP</p></section>'
    "</main></body></html>"
)


def test_the_word_copy_is_a4_with_a_landscape_scorecard_and_columns_from_their_content(tmp_path):
    import docx
    from docx.oxml.ns import qn

    from sendlib.render.docx_layout import MIN_COLUMN_MM, TWIPS_PER_MM

    render_docx(WIDE_PAGE, tmp_path / "paper.docx", pd.Period("2025-06", "M"))
    word = docx.Document(str(tmp_path / "paper.docx"))
    sizes = [(round(s.page_width.mm), round(s.page_height.mm)) for s in word.sections]
    assert sizes == [(210, 297), (297, 210), (210, 297)]  # before, the appendix, after
    margins = [(round(s.top_margin.mm), round(s.left_margin.mm)) for s in word.sections]
    assert margins == [(18, 16), (12, 10), (18, 16)]  # paper.css's @page rules
    assert word.sections[0].header.paragraphs[0].text == "SEND paper: June 2025"
    assert "NUMPAGES" in word.sections[0].footer._element.xml
    tiles, card = word.tables
    assert [c.text for c in tiles.rows[0].cells] == [
        "Number of EHCPs (Jun 2025)\n5,151",
        "Requests (Jun 2025)\n111",
    ]
    grid = [int(c.get(qn("w:w"))) / TWIPS_PER_MM for c in card._tbl.tblGrid]
    assert len(grid) == 16 and min(grid) >= MIN_COLUMN_MM - 0.05
    assert grid[1] == max(grid)  # the measure's title is the widest column
    assert round(sum(grid)) == 297 - 20  # the landscape page's text width
    assert card.rows[1].cells[2].text == "5,151\u00a0▲"  # the screen reader's words: not printed
    # each section starting a page in the PDF starts one in Word
    breaks = [p.text for p in word.paragraphs if p._p.xpath("./w:pPr/w:pageBreakBefore")]
    assert breaks == ["2. Caseload"]


def test_columns_are_never_narrower_than_10mm_and_share_the_width_by_content():
    from sendlib.render.docx_layout import column_widths

    widths = column_widths([["Month", "Number"], ["Nov 2026", "5,151"]], 178, 9)
    assert round(sum(widths), 6) == 178 and widths[0] > widths[1] >= 10
    many = column_widths([["a"] * 30], 277, 7.5)  # more columns than fit at 10 mm
    assert round(sum(many), 6) == 277
    crowded = column_widths([["x" * 40, *["Sep 26"] * 15]], 277, 7.5)
    assert min(crowded) >= 10 and round(sum(crowded), 6) == 277


def test_a_pictures_own_description_in_word_is_its_alt_text_not_a_file_name(tmp_path):
    import zipfile

    target = tmp_path / "paper.docx"
    render_docx(PAGE, target, pd.Period("2025-06", "M"))
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    assert '<wp:docPr descr="A chart"' in xml  # what Word shows as Alt Text
    assert '<pic:cNvPr descr="A chart"' in xml  # and the picture's own description
    assert ".png" not in xml and "base64" not in xml
