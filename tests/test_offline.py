"""The paper is rendered offline: a narrative image is a picture under params/ put in as
data, or refused with a clear message; WeasyPrint fetches only data: and sendlib's own
files; pandoc runs sandboxed. A local server stands in for the network and is never hit."""

from __future__ import annotations

import base64
import http.server
import threading
from pathlib import Path

import pandas as pd
import pytest

from helpers import notebook_dir, params_dir, run_cli
from sendlib.paper.narrative import NarrativeError, markdown_html

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def server():
    """A local web server that counts every request it gets."""
    hits: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def narrative(params: Path, text: str) -> Path:
    path = params / "narrative" / "2025-06" / "summary.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_picture_under_params_goes_into_the_paper_as_data(tmp_path):
    params = tmp_path / "params"
    (params / "images").mkdir(parents=True)
    (params / "images" / "waiting list.png").write_bytes(PNG)
    path = narrative(params, "See ![the waiting list](../../images/waiting%20list.png).")
    html = markdown_html(path.read_text(), path, params)
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in html
    assert 'alt="the waiting list"' in html


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        ("{server}/chart.png", "is not a file: the paper fetches nothing"),
        ("//127.0.0.1/chart.png", "is not a file"),
        ("../../../../../../etc/hostname", "is outside"),
        ("file:///etc/hostname", "is not a file"),
        ("../../notes.txt", "is not a PNG, JPEG or GIF"),
        ("../../images/missing.png", "does not exist"),
    ],
)
def test_a_narrative_image_from_elsewhere_is_refused_clearly(tmp_path, server, src, reason):
    url, hits = server
    params = tmp_path / "params"
    (params / "notes.txt").parent.mkdir(parents=True, exist_ok=True)
    (params / "notes.txt").write_text("x")
    path = narrative(params, f"Words.\n\n![a chart]({src.format(server=url)})\n")
    with pytest.raises(NarrativeError, match=reason) as found:
        markdown_html(path.read_text(), path, params)
    assert str(path) in str(found.value) and "params/" in str(found.value)
    assert hits == []


def test_a_run_with_a_remote_or_outside_image_stops_before_anything_runs(
    tmp_path, demo_data, server
):
    url, hits = server
    params = params_dir(tmp_path)
    books = notebook_dir(tmp_path, **{"00_cover": "ok", "01_summary": "ok"})
    for image in (f"{url}/chart.png", "../../../../../../../../etc/hostname"):
        narrative(params, f"The month in a picture: ![chart]({image})\n")
        result = run_cli(demo_data, tmp_path / "out", books, "--month", "2025-06", params=params)
        assert result.exit_code == 1, result.output
        assert "summary.md: image" in result.output and "Traceback" not in result.output
    assert hits == []
    assert not (tmp_path / "out" / "2025-06").exists()


PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
<link rel="stylesheet" href="{url}/style.css">
<style>@import url("{url}/import.css"); body {{ background: url("{url}/bg.png"); }}
@font-face {{ font-family: x; src: url("{url}/font.woff"); }}</style></head>
<body><main id="main"><h1>Paper</h1>
<p>A <a href="{url}/page">link</a>.</p>
<img src="{url}/remote.png" alt="remote"><img src="file:///etc/hostname" alt="local">
<img src="../../../etc/hostname" alt="relative"><object data="{url}/object"></object>
</main></body></html>"""


def test_weasyprint_fetches_nothing_but_data_and_sendlibs_own_files(tmp_path, server):
    from sendlib.render.pdf import render_pdf

    url, hits = server
    assert render_pdf(PAGE.format(url=url), tmp_path / "paper.pdf", "t") >= 1
    assert hits == []


def test_the_printed_link_shows_its_address(tmp_path):
    import pdfplumber

    from sendlib.render.pdf import render_pdf

    css = (Path(__file__).parents[1] / "src/sendlib/render/paper.css").read_text()
    page = (
        f"<html><head><style>{css}</style></head><body><div class='narrative analyst'>"
        "<p>See <a href='https://www.gov.uk/send'>the guidance</a>.</p></div></body></html>"
    )
    render_pdf(page, tmp_path / "link.pdf", "t")
    with pdfplumber.open(tmp_path / "link.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "the guidance (https://www.gov.uk/send)" in text


def test_pandoc_is_sandboxed_and_fetches_nothing(tmp_path, server):
    from sendlib.render.docx import render_docx

    url, hits = server
    render_docx(PAGE.format(url=url), tmp_path / "paper.docx", pd.Period("2025-06", freq="M"))
    assert (tmp_path / "paper.docx").stat().st_size > 0
    assert hits == []


def test_a_javascript_link_is_refused_and_an_address_is_kept():
    with pytest.raises(NarrativeError, match="link 'javascript:alert"):
        markdown_html("[click](javascript:alert(1))")
    assert 'href="https://www.gov.uk/send"' in markdown_html("[guidance](https://www.gov.uk/send)")
