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
