"""paper.docx: the paper as a Word document, for clerks whose agenda system takes Word.

Made from the same page as paper.html by pandoc (``pypandoc-binary``: the pandoc binary
comes in the wheel, nothing is downloaded): headings become Word heading styles (the
navigation pane and the contents field at the top work), numbered paragraphs keep their
numbers, every table is a Word table whose header row repeats on each page, the cover
sheet is its table, and charts are pictures with their alt text. SVG charts are turned
into PNG here (``resvg-py``) so any version of Word shows them. A council's own styles
come from ``params/reference.docx`` when it exists (pandoc's ``--reference-doc``).
Timestamps come from the month, so a rerun gives the same bytes.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Tag

from sendlib.files import atomic_output, atomic_write
from sendlib.months import Month
from sendlib.render.docx_layout import (
    LANDSCAPE_END,
    LANDSCAPE_START,
    PAGE_BREAK,
    lay_out,
    marker,
)
from sendlib.render.errors import RenderError
from sendlib.render.html import LANG, Page
from sendlib.workers import in_background

if TYPE_CHECKING:
    import pandas as pd

_PART = "sendlib-word-part-"
#: identifies this module's Word edits: a part kept by other code is made again
_CODE = hashlib.sha256(
    Path(__file__).read_bytes() + Path(__file__).with_name("docx_layout.py").read_bytes()
).hexdigest()[:12]

SVG_URI = "data:image/svg+xml;base64,"
CHART_DPI = 192.0  # twice the screen's 96: sharp when printed (the charts' sizes are in pt)


def word_html(page_html: str, images: Path, cache: Path | None = None) -> str:
    """The page as Word should have it: no skip link or contents list (Word makes its
    own contents), each chart's data table shown (Word has no folding), charts as PNG
    files in ``images`` named by the chart's hash (pandoc, run in that folder, reads files
    far faster than inline data); drawn once and kept in ``cache``, so a narrative-only
    re-render draws none again."""
    soup = BeautifulSoup(page_html, "lxml")
    for name in _for_word(soup, cache or images):
        _place(name, cache or images, images)
    return str(soup)


def word_page(page: Page, images: Path, cache: Path) -> str:
    """``word_html`` of a rendered page, made part by part: each part's Word HTML (and the
    pictures it names) is kept in ``cache`` (one per paper) under the part's content, so
    after a narrative edit only the edited part is made again."""
    entries = _word_parts(page, images, cache)
    head = (
        f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(page.title)}</title>\n</head>\n<body>\n"
    )
    pieces = "".join(entry["html"] for entry, _ in entries)
    return f'{head}<main id="main">\n{pieces}\n</main>\n</body>\n</html>\n'


def word_document(page: Page, images: Path, cache: Path) -> str:
    """The paper as pandoc's own document (JSON) for the Word writer: each part's Word
    HTML read by pandoc once and its blocks kept with it in ``cache``, so after a narrative
    edit pandoc reads only the edited part (reading the HTML is half of pandoc's time).
    Parts not yet read are read in one call, each wrapped in a division named after it."""
    entries = _word_parts(page, images, cache)
    missing = [i for i, (entry, _) in enumerate(entries) if "blocks" not in entry]
    wrapped = "".join(f'<div id="{_PART}{i}">{entries[i][0]["html"]}</div>' for i in missing)
    read = _pandoc_read(
        f"<html><head><title>{html.escape(page.title)}</title></head><body>{wrapped}</body></html>"
    )
    found = {}
    for block in _walk_divs(read["blocks"]):
        ident = block["c"][0][0]
        if ident.startswith(_PART):
            found[int(ident[len(_PART) :])] = block["c"][1]
    for i in missing:
        entry, kept = entries[i]
        if i not in found:
            raise RenderError(f"paper.docx: pandoc lost part {page.parts[i].name} of the paper")
        entry["blocks"] = found[i]
        _write(kept, json.dumps(entry).encode("utf-8"))
    blocks = [block for entry, _ in entries for block in entry["blocks"]]
    document = {"pandoc-api-version": read["pandoc-api-version"], "meta": read["meta"]}
    return json.dumps({**document, "blocks": blocks})


def _word_parts(page: Page, images: Path, cache: Path) -> list[tuple[dict, Path]]:
    """Each part's Word entry (its HTML, the pictures it names and, once pandoc has read
    it, its blocks) and the file it is kept in; the pictures are put in ``images``, and
    entries and pictures of earlier drafts are dropped from ``cache``."""
    entries, used = [], set()
    for part in page.parts:
        kept = Path(cache) / f"{part.digest}-{_CODE}.json"
        try:
            entry = json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            soup = BeautifulSoup(f"<body>{part.body}</body>", "lxml")
            names = _for_word(soup, cache)
            body = "".join(str(node) for node in soup.body.contents)
            entry = {"html": body, "pictures": names}
            _write(kept, json.dumps(entry).encode("utf-8"))
        for name in entry["pictures"]:
            _place(name, cache, images)
        entries.append((entry, kept))
        used |= {kept.name, *entry["pictures"]}
    for old in Path(cache).iterdir():  # parts and pictures of earlier drafts
        if old.suffix in (".json", ".png") and old.name not in used:
            old.unlink(missing_ok=True)
    return entries


def _walk_divs(blocks: list) -> list[dict]:
    """The divisions among pandoc blocks, outer ones first (not inside the ones found)."""
    found = []
    for block in blocks:
        if isinstance(block, dict) and block.get("t") == "Div":
            if str(block["c"][0][0]).startswith(_PART):
                found.append(block)
            else:
                found += _walk_divs(block["c"][1])
    return found


def _pandoc_read(page_html: str) -> dict:
    """pandoc's reading of an HTML page (its JSON document)."""
    import pypandoc

    command = [pypandoc.get_pandoc_path(), "--sandbox", "--from=html", "--to=json"]
    done = _pandoc(command, input=page_html)
    if done.returncode:
        raise RenderError(f"paper.docx: pandoc could not read the paper: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _for_word(root: Tag, pictures: Path) -> list[str]:
    """Make the Word edits in place (see ``word_html``); the charts are drawn as PNG into
    ``pictures`` (unless there). Returns the pictures' file names."""
    for node in root.select("a.skip-link, nav.toc, details > summary"):
        node.decompose()
    for words in root.select("span.visually-hidden"):  # a glyph's words for a screen
        glyph = words.find_previous_sibling()  # reader; Word would print them beside it
        if glyph is not None and glyph.get("aria-hidden") == "true":
            words.decompose()
    for link in root.select(".narrative a[href]"):  # printed Word shows no address
        href = str(link["href"])
        if not href.startswith("#") and "bare-link" not in link.get("class", []):
            link.insert_after(f" ({href})")
    _mark_breaks(root)
    for tiles in root.select("ul.tiles"):
        tiles.replace_with(_tiles_table(tiles))
    for details in root.find_all("details"):  # a chart's data: a plain table in Word
        details.unwrap()
    for number in root.select("span.para-no"):  # the screen's margin: a space in Word
        number.append("\u00a0")
    for figure in root.find_all("figure"):  # pandoc lays a figure holding a table out as
        for caption in figure.find_all("figcaption"):  # a table: picture, caption, data
            caption.name = "p"
        figure.unwrap()
    names = []
    for img in root.find_all("img", src=True):
        if img["src"].startswith(SVG_URI):
            svg = base64.b64decode(img["src"][len(SVG_URI) :])
            name = f"{hashlib.sha256(svg).hexdigest()[:32]}.png"
            _png(svg, Path(pictures) / name)
            img["src"] = name  # relative: the same bytes whichever folder pandoc ran in
            names.append(name)
    return names


def _mark_breaks(root: Tag) -> None:
    """Where the PDF starts a page, a marker for ``docx_layout``: each section that starts
    a page (the cover excepted), and the landscape appendix as a section of its own."""
    for section in root.select("section.section"):
        classes = section.get("class", [])
        if "appendix-scorecard" in classes:
            section.insert(0, _fragment(marker(LANDSCAPE_START)))
            section.append(_fragment(marker(LANDSCAPE_END)))
        elif "continues" not in classes and "section-cover" not in classes:
            section.insert(0, _fragment(marker(PAGE_BREAK)))


def _fragment(markup: str) -> Tag:
    return BeautifulSoup(markup, "html.parser").contents[0]


def _tiles_table(tiles: Tag, across: int = 3) -> Tag:
    """The headline tiles as a small table, three to a row: label over figure (Word
    sets a list's items one under another, and the tiles' label and figure would run
    together)."""
    items = tiles.select("li.tile")
    rows = []
    for start in range(0, len(items), across):
        cells = []
        for item in items[start : start + across]:
            label = item.select_one(".tile-label")
            value = item.select_one(".tile-value")
            cells.append(
                f"<td><p>{html.escape(label.get_text()) if label else ''}</p>"
                f"<p><strong>{html.escape(value.get_text()) if value else ''}</strong></p></td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return BeautifulSoup(
        f'<table class="tiles"><tbody>{"".join(rows)}</tbody></table>', "html.parser"
    ).table


def _place(name: str, pictures: Path, images: Path) -> None:
    """Put a drawn picture in the folder pandoc runs in."""
    source, target = Path(pictures).resolve() / name, Path(images).resolve() / name
    if source != target:
        shutil.copyfile(source, target)


def _write(path: Path, data: bytes) -> None:
    """Write a file in one move (never half written)."""
    atomic_write(path, data)


def _png(svg: bytes, path: Path) -> Path:
    """The chart as the PNG file ``path`` (drawn unless it is there)."""
    import resvg_py

    path = Path(path).resolve()
    if path.exists():
        return path
    try:
        png = bytes(
            resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), dpi=CHART_DPI, background="#fff")
        )
    except ValueError as exc:
        raise RenderError(f"paper.docx: a chart could not be drawn as a picture ({exc})") from exc
    _write(path, png)
    return path


class DocxJob:
    """``render_docx`` started in a thread, so the page is prepared and pandoc runs while
    the PDF is laid out: ``job = DocxJob(page, target, month, reference, cache)`` …
    ``job.finish()``. With a rendered ``Page`` and a ``cache``, the Word copy is made part
    by part (``word_document``)."""

    def __init__(
        self,
        page: Page | str,
        target: Path,
        month: Month | pd.Period,
        reference: Path | None = None,
        cache: Path | None = None,
    ):
        self._pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sendlib-docx", initializer=in_background
        )
        self._done = self._pool.submit(_convert, page, target, month, reference, cache)

    def finish(self) -> None:
        """Wait for the Word copy; raises ``RenderError`` when it could not be made."""
        try:
            self._done.result()
        finally:
            self._pool.shutdown()

    def settle(self) -> None:
        """Let pandoc end, its outcome dropped (a run that stopped waits for it before
        removing the folder it writes into)."""
        with contextlib.suppress(Exception):
            self._done.result()
        self._pool.shutdown()


def _convert(
    page: Page | str,
    target: Path,
    month: Month | pd.Period,
    reference: Path | None,
    cache: Path | None,
) -> None:
    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(page, Page) and cache is not None:
            source, reader = Path(tmp) / "paper.json", "json"
            text = _pictures_as_data_json(word_document(page, Path(tmp), cache), Path(tmp))
        else:
            source, reader = Path(tmp) / "paper.html", "html"
            html_text = word_html(page.html if isinstance(page, Page) else page, Path(tmp), cache)
            text = _pictures_as_data_html(html_text, Path(tmp))
        source.write_text(text, encoding="utf-8")
        written = Path(tmp) / "paper.docx"
        command = [
            pypandoc.get_pandoc_path(),
            "--sandbox",  # reads only the files named here: no image, include or address
            str(source),
            f"--from={reader}",
            "--to=docx",
            "--toc",
            "--toc-depth=2",
            f"--output={written}",
        ]
        if reference is not None and reference.exists():
            command.append(f"--reference-doc={Path(reference).resolve()}")
        stamp = calendar.timegm(Month.of(month).end.timetuple())
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(stamp)}  # the month, not the clock
        done = _pandoc(command, env=env, cwd=tmp)
        if done.returncode:
            raise RenderError(f"paper.docx: pandoc failed: {done.stderr.strip()[-2000:]}")
        title = page.title if isinstance(page, Page) else _title_of(page)
        lay_out(written, title, Month.of(month).strftime("%B %Y"))
        with atomic_output(target) as temp:
            _name_pictures(written, temp, Month.of(month))


def _title_of(page_html: str) -> str:
    found = BeautifulSoup(page_html, "lxml").title
    return found.get_text().strip() if found else ""


#: seconds pandoc may take (the whole national paper takes a few): a hang would hold the
#: month's lock for ever
PANDOC_TIMEOUT = 300


def _pandoc(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=PANDOC_TIMEOUT, **kwargs
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"paper.docx: pandoc did not finish in {PANDOC_TIMEOUT} s and was stopped"
        ) from exc


_DATA_NAME = re.compile(rb'descr="data:image/[a-z+.-]+;base64,([A-Za-z0-9+/=]+)"')
_DRAWING = re.compile(rb"<w:drawing>.*?</w:drawing>", re.S)
_ALT = re.compile(rb'<wp:docPr [^>]*?descr="([^"]*)"')


def _name_pictures(source: Path, target: Path, month: Month) -> None:
    """Copy the Word file pandoc wrote, each picture's own description holding its alt
    text — as the drawing's does, which Word shows as Alt Text — instead of the picture
    itself (pandoc puts an image's address there, and the pictures went in as data; one
    without alt text gets a short name), every file in it dated the month's end: the
    same bytes each time, half the size."""
    import zipfile

    end = month.end
    stamp = (end.year, end.month, end.day, 0, 0, 0)

    def described(drawing: re.Match) -> bytes:
        alt = _ALT.search(drawing.group(0))

        def text(match: re.Match) -> bytes:
            if alt and alt.group(1):
                return b'descr="' + alt.group(1) + b'"'
            return f'descr="{hashlib.sha256(match.group(1)).hexdigest()[:32]}.png"'.encode()

        return _DATA_NAME.sub(text, drawing.group(0))

    with zipfile.ZipFile(source) as read, zipfile.ZipFile(target, "w") as out:
        for info in read.infolist():
            data = read.read(info)
            if info.filename == "word/document.xml":
                data = _DRAWING.sub(described, data)
            info.date_time = stamp
            out.writestr(info, data, compress_type=info.compress_type)


def _data_uri(picture: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(picture.read_bytes()).decode("ascii")


def _pictures_as_data_json(document: str, folder: Path) -> str:
    """pandoc runs sandboxed (it reads no file but its input): the charts' pictures, files
    in ``folder`` named by the document, go in as data. Any other image stays as it is,
    and the sandbox fetches nothing for it."""
    tree = json.loads(document)

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("t") == "Image":
                target = node["c"][2]
                name = target[0]
                if _is_picture(name, folder):
                    target[0] = _data_uri(folder / name)
            for value in node.values():
                walk(value)

    walk(tree.get("blocks", []))
    return json.dumps(tree)


def _pictures_as_data_html(page_html: str, folder: Path) -> str:
    soup = BeautifulSoup(page_html, "lxml")
    for img in soup.find_all("img", src=True):
        if _is_picture(img["src"], folder):
            img["src"] = _data_uri(folder / img["src"])
    return str(soup)


def _is_picture(name: str, folder: Path) -> bool:
    """A chart's picture drawn by ``_for_word``: a bare file name in ``folder``."""
    return "/" not in name and name.endswith(".png") and (folder / name).is_file()


def render_docx(
    page_html: str,
    target: Path,
    month: Month | pd.Period,
    reference: Path | None = None,
    cache: Path | None = None,
) -> None:
    """Write ``target`` (paper.docx) from the paper's page."""
    _convert(page_html, target, month, reference, cache)
