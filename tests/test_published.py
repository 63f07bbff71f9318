"""The published paper, rendered once from canary data: content, no identifiers, accessible
HTML and PDF, byte-identical reruns, and verification against its manifest."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from helpers import axe_violations, check_tagged_pdf, print_word
from sendlib.cli import app
from sendlib.paper.sections import SECTIONS

MONTH = "2025-06"
ID_COLUMNS = {
    "person_id": "CANARYPERSON",
    "request_id": "CANARYREQ",
    "plan_id": "CANARYPLAN",
    "dispute_id": "CANARYDISPUTE",
    "upn": "CANARYUPN",
    "case_officer": "CanaryOfficer",
}


def canary_council(demo: Path, folder: Path) -> list[str]:
    """Demo data whose identifiers and names are unique marker strings; returns markers.

    One mapping per identifier across all files, so the links between files are kept."""
    shutil.copytree(demo, folder, dirs_exist_ok=True)
    frames = {
        csv: pd.read_csv(csv, dtype=str, keep_default_na=False)
        for csv in sorted(folder.glob("*.csv"))
    }
    markers = []
    for column, prefix in ID_COLUMNS.items():
        values = sorted({v for f in frames.values() if column in f for v in f[column] if v})
        mapping = {v: f"{prefix}{i:07d}Z" for i, v in enumerate(values)}
        for frame in frames.values():
            if column in frame:
                frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, ""))
        markers += list(mapping.values())[:50]
    for csv, frame in frames.items():
        frame.to_csv(csv, index=False)
    markers += frames[folder / "person.csv"]["birth_date"].head(20).tolist()
    return sorted(set(markers))


def render(data: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(
        app, ["run", "--month", MONTH, "--data", str(data), "--out", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    return out / MONTH


@pytest.fixture(scope="module")
def published(tmp_path_factory, demo_data):
    data = tmp_path_factory.mktemp("canary")
    markers = canary_council(demo_data, data)
    folder = render(data, tmp_path_factory.mktemp("out"))
    render(data, folder.parent, "--narrative-only", "--preview")  # .preview/ too
    return data, folder, markers


def readable(path: Path) -> str:
    """What a file says, whatever its format: tables as text, PDFs as their text, Word and
    Excel files opened (every part of the zip, as written and with its XML tags taken out,
    so that a word Word split into runs reads whole)."""
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        return frame.to_csv() + " ".join(map(str, frame.index.names))
    if path.suffix == ".pdf":
        return " ".join(p.extract_text() for p in PdfReader(path).pages)
    if zipfile.is_zipfile(path):
        text = unzipped(path)
        if path.suffix == ".xlsx":
            text += " ".join(
                str(c.value) for ws in load_workbook(path) for row in ws.iter_rows() for c in row
            )
        return text
    return path.read_bytes().decode("utf-8", errors="replace")


def unzipped(path: Path) -> str:
    """Every part of a zip (a .docx, an .xlsx) as text, and again without its XML tags."""
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", errors="replace")
            parts += [text, re.sub(r"<[^>]+>", "", text)]
    return " ".join(parts)


def test_a_word_file_is_read_inside_even_a_word_split_into_runs(tmp_path):
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("Officer: ")
    paragraph.add_run("CANA")
    paragraph.add_run("RYPERSON0000001Z").bold = True
    document.save(str(tmp_path / "paper.docx"))
    assert "CANARY" not in (tmp_path / "paper.docx").read_bytes().decode("utf-8", "replace")
    assert "CANARYPERSON0000001Z" in readable(tmp_path / "paper.docx")


@pytest.fixture(scope="module")
def pdf_text(published):
    _, folder, _ = published
    text = " ".join(page.extract_text() for page in PdfReader(folder / "paper.pdf").pages)
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_published_folder_holds_exactly_the_six_files(published):
    _, folder, _ = published
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        "paper.docx",
        "paper.html",
        "paper.pdf",
        "scorecard.csv",
        "scorecard.xlsx",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["outputs"]) == {p.name for p in folder.iterdir()} - {"manifest.json"}


@pytest.mark.slow
def test_the_manifest_records_the_projections_intervals_and_backtests(published, pdf_text):
    _, folder, _ = published
    figures = json.loads((folder / "manifest.json").read_text())["figures"]["looking_ahead"]
    caseload = figures["caseload"]
    end = caseload["projection"]["2026-06"]  # 12 months after the paper's month
    assert end["lo95"] <= end["lo80"] <= end["mean"] <= end["hi80"] <= end["hi95"]
    said = f"about {end['mean']:,.0f} EHC plans at the end of June 2026"
    assert said in pdf_text
    assert f"(80% interval {end['lo80']:,.0f} to {end['hi80']:,.0f})" in pdf_text
    backtest = caseload["backtest"]
    assert backtest["origins"] == 12
    assert f"A year ago this method projected {backtest['projected']:,.0f} plans" in pdf_text
    assert figures["plans_issued_20wk_pct"]["backtest"]["origins"] == 12
    assert figures["capacity"]["achievable_pct"]


def _cells(rows) -> list[list[str]]:
    return [[" ".join(c.split()) for c in row] for row in rows]


@pytest.mark.slow
def test_the_word_copy_has_the_papers_headings_tables_and_charts(published):
    # paper.docx for the clerk: Word headings, Word tables, pictures with alt text
    import docx
    from bs4 import BeautifulSoup

    _, folder, _ = published
    soup = BeautifulSoup((folder / "paper.html").read_text(encoding="utf-8"), "lxml")
    word = docx.Document(str(folder / "paper.docx"))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == len(soup.select("main h2")) - 1  # the paper's contents list: Word's
    sections = [s for s in SECTIONS if s.kind != "cover"]
    assert len(headings) == len(sections)
    assert [p.style.name for p in word.paragraphs].count("Heading 1") == 1
    # every table of the HTML is a Word table with the same cell text, header row repeating
    # (a glyph's words for a screen reader, hidden on screen, are not printed in Word)
    for words in soup.select('[aria-hidden="true"] + span.visually-hidden'):
        words.decompose()
    html_tables = [
        _cells([[c.get_text() for c in tr.find_all(["th", "td"])] for tr in t.find_all("tr")])
        for t in soup.select("main table")
    ]
    word_tables = [_cells([[c.text for c in r.cells] for r in t.rows]) for t in word.tables]
    # the headline tiles are a small table in Word: label over figure
    tiles = [
        " ".join(
            f"{t.select_one('.tile-label').get_text()}{t.select_one('.tile-value').get_text()}".split()
        )
        for t in soup.select("li.tile")
    ]
    tiled = [
        t
        for t in word_tables
        if [c.replace(" ", "") for r in t for c in r if c] == [x.replace(" ", "") for x in tiles]
    ]
    assert len(tiled) == 1 and tiles
    word_tables.remove(tiled[0])
    assert len(word_tables) == len(html_tables)
    for html_table, word_table in zip(html_tables, word_tables, strict=True):
        assert [r for r in word_table if any(r)] == [r for r in html_table if any(r)]
    repeated = [t for t in word.tables if t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")]
    assert len(repeated) >= len(word.tables) - 2  # the cover sheet and tiles have none
    # the numbered paragraphs keep their numbers
    assert any(re.match(r"2\.1\sThe number of EHCPs", p.text) for p in word.paragraphs)
    # every chart is an inline picture with the HTML's alt text
    alts = [img["alt"] for img in soup.select("main img")]
    pictures = [shape._inline.docPr.get("descr") for shape in word.inline_shapes]
    assert pictures == alts and all(alts)


@pytest.mark.slow
def test_the_word_copy_prints_on_a4_like_the_pdf_with_no_column_under_10mm(published, tmp_path):
    # printed through LibreOffice, as a clerk's agenda system does with Word files
    import subprocess

    import docx

    from sendlib.render.docx_layout import MIN_COLUMN_MM, TWIPS_PER_MM

    _, folder, _ = published
    printed = PdfReader(print_word(folder / "paper.docx", tmp_path))
    paper = PdfReader(folder / "paper.pdf")
    assert len(printed.pages) <= 1.5 * len(paper.pages)
    sizes = {
        tuple(sorted(round(float(x) / 72 * 25.4) for x in p.mediabox[2:])) for p in printed.pages
    }
    assert sizes == {(210, 297)}  # every page A4 (portrait or landscape)
    wide = [float(p.mediabox[2]) > float(p.mediabox[3]) for p in printed.pages]
    assert any(wide) and not wide[0]  # the scorecard appendix is printed landscape
    word = docx.Document(str(folder / "paper.docx"))
    narrowest = min(
        int(col.get(docx.oxml.ns.qn("w:w")))
        for table in word.tables
        for col in table._tbl.tblGrid.iterchildren(docx.oxml.ns.qn("w:gridCol"))
    )
    assert narrowest / TWIPS_PER_MM >= MIN_COLUMN_MM - 0.05
    # as many landscape pages as the PDF's, give or take
    paper_wide = sum(float(p.mediabox[2]) > float(p.mediabox[3]) for p in paper.pages)
    assert sum(wide) <= 1.5 * paper_wide
    section = word.sections[0]
    assert "Page" in section.footer.paragraphs[0].text
    assert "NUMPAGES" in section.footer._element.xml
    header = section.header.paragraphs[0].text
    title = re.search(r"<title>(.*?)</title>", (folder / "paper.html").read_text()).group(1)
    assert header.startswith(title.split(":")[0]) and "2025" in header
    # the footer's fields are worked out when printed: the last page says "N of N"
    last = subprocess.run(
        [
            "pdftotext",
            "-f",
            str(len(printed.pages)),
            "-l",
            str(len(printed.pages)),
            str(tmp_path / "paper.pdf"),
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Page {len(printed.pages)} of {len(printed.pages)}" in last


@pytest.mark.slow
def test_paper_has_every_section_the_cover_and_the_scorecards_figures(published, pdf_text):
    _, folder, _ = published
    for section in SECTIONS:
        if section.kind != "cover":  # the cover's heading is the paper's title
            assert section.title.split(" and ")[0] in pdf_text, section.title
    for field in (
        "Children's Services Overview and Scrutiny Committee",
        "8 July 2025",  # the first committee meeting after June 2025 ended
        "Public Report",
        "Report Authors",
        "Classification",
        "Council-wide",
    ):
        assert field in pdf_text, field
    card = pd.read_csv(folder / "scorecard.csv", keep_default_na=False)
    latest = card[card["period"] == MONTH].set_index("kpi_id")["display"]
    for kpi_id in (
        "ehcp_active",
        "plans_issued_20wk_pct",
        "reviews_overdue",
        "requests_received",
        "mediations_ytd",
    ):
        assert latest[kpi_id] in pdf_text, (kpi_id, latest[kpi_id])
    assert re.search(r"2\.1 The number of EHCPs (is|has|continues)", pdf_text)
    assert "[c]" in pdf_text  # small counts in breakdowns are withheld


@pytest.mark.slow
def test_no_identifier_reaches_any_published_file(published, pdf_text):
    _, folder, markers = published
    everything = {
        "paper.html": (folder / "paper.html").read_text(),
        "paper.pdf": pdf_text,
        "paper.docx": readable(folder / "paper.docx"),
        "scorecard.csv": (folder / "scorecard.csv").read_text(),
        "scorecard.xlsx": readable(folder / "scorecard.xlsx"),
        "manifest.json": (folder / "manifest.json").read_text(),
    }
    # the Word and Excel files are read inside, not as their compressed bytes
    assert "Children and young people with an EHCP" in everything["paper.docx"]
    assert "SEND scorecard" in everything["scorecard.xlsx"]
    for marker in markers:
        for name, text in everything.items():
            assert marker not in text, f"{marker} leaked into {name}"
    for generic in ("CANARY", "Canary"):
        for name, text in everything.items():
            assert generic not in text, f"an identifier leaked into {name}"


@pytest.mark.slow
def test_no_identifier_is_in_any_file_under_outputs_hidden_folders_included(published):
    _, folder, markers = published
    out = folder.parent
    files = [p for p in out.rglob("*") if p.is_file()]
    hidden = {p.relative_to(out).parts[0] for p in files if p.relative_to(out).parts[0][0] == "."}
    assert {".work", ".cache", ".preview", ".locks"} <= hidden  # the run's own folders
    assert any(p.suffix == ".parquet" for p in files)  # the paper data is looked at too
    for path in files:
        text = readable(path)
        for generic in ("CANARY", "Canary"):
            assert generic not in text, f"an identifier leaked into {path.relative_to(out)}"
        for marker in markers:
            assert marker not in text, f"{marker} leaked into {path.relative_to(out)}"


class Outline(HTMLParser):
    """Collects headings, tables, images and links of a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.links, self.tables = [], [], [], []
        self.th_without_scope, self.ids = 0, []
        self._in_table = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images.append(attrs.get("alt", ""))
        elif tag == "a":
            self.links.append(attrs.get("href", ""))
        elif tag == "table":
            self.tables.append(False)
        elif tag == "caption":
            self.tables[-1] = True
        elif tag == "th" and "scope" not in attrs:
            self.th_without_scope += 1


@pytest.mark.slow
def test_html_structure_is_accessible(published):
    _, folder, _ = published
    html = (folder / "paper.html").read_text()
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert re.search(r"<title>SEND Performance Update: June 2025</title>", html)
    page = Outline()
    page.feed(html)
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, "headings must not skip a level"
    assert page.tables and all(page.tables), "every table needs a caption"
    assert page.th_without_scope == 0
    assert page.images and all(len(alt) > 30 for alt in page.images)
    assert len(page.ids) == len(set(page.ids)), "ids must be unique"
    assert page.links[0] == "#main" and all(link.startswith("#") for link in page.links)
    assert (
        "<script" not in html
        and "https://" not in html
        and "http://" not in html.replace("http://www.w3.org", "")
    )


@pytest.mark.slow
def test_pdf_is_tagged_with_title_language_bookmarks_and_text(published, pdf_text):
    _, folder, _ = published
    reader = check_tagged_pdf(folder / "paper.pdf")  # tree, parents, links, page numbers
    assert reader.metadata.title == "SEND Performance Update: June 2025"
    root = reader.trailer["/Root"]
    assert str(root.get("/Lang")).startswith("en")
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root

    def flatten(items):
        for item in items:
            yield from flatten(item) if isinstance(item, list) else [item.title]

    titles = list(flatten(reader.outline))
    assert any("Summary" in t for t in titles) and any("Appendix 1" in t for t in titles)
    assert len(pdf_text) > 20_000 and "Number of EHCPs" in pdf_text
    figures = list(_figures(root["/StructTreeRoot"]))
    assert figures and all(
        str(f.get("/Alt", "")).startswith(("Line chart", "Bar chart")) for f in figures
    ), "every chart in the PDF needs its alt text"


def _figures(node, seen=None):
    """Figure elements of a tagged PDF's structure tree."""
    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict) and id(node) not in seen:
        seen.add(id(node))
        if node.get("/S") == "/Figure":
            yield node
        if node.get("/K") is not None:
            yield from _figures(node["/K"], seen)
    elif isinstance(node, list):
        for item in node:
            yield from _figures(item, seen)


@pytest.mark.slow
def test_rerender_is_byte_identical_and_verify_agrees(published, tmp_path):
    data, folder, _ = published
    again = render(data, tmp_path / "again")
    for name in ("paper.html", "scorecard.csv"):
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
    result = CliRunner().invoke(app, ["verify", str(again)])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "changed"
    shutil.copytree(data, copy)
    manifest = json.loads((again / "manifest.json").read_text())
    manifest["parameters"]["data_dir"] = str(copy)
    (again / "manifest.json").write_text(json.dumps(manifest))
    with (copy / "plans.csv").open("a") as handle:
        handle.write("\n")
    result = CliRunner().invoke(app, ["verify", str(again)])
    assert result.exit_code == 1 and "plans.csv" in result.output


@pytest.mark.slow
def test_axe_finds_no_wcag_violations_in_chromium(published, tmp_path):
    _, folder, _ = published
    shot = tmp_path / "first-screen.png"
    violations = axe_violations(folder / "paper.html", shot)
    assert not violations, violations


@pytest.mark.slow
def test_validate_the_data_quality_section_and_the_manifest_count_the_same_warnings(
    published, tmp_path
):
    # one gate: the warnings are found once, with the month's extract date, and every
    # output that counts them reads that count
    data, folder, _ = published
    result = CliRunner().invoke(
        app,
        ["validate", "--data", str(data), "--month", MONTH, "--findings", str(tmp_path / "f.csv")],
        terminal_width=250,
    )
    said = re.search(r"(\d[\d,]*) warning\(s\) for " + MONTH, result.output)
    assert said, result.output
    n = int(said.group(1).replace(",", ""))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sum(manifest["warnings"].values()) == n > 0
    assert f"The checks found {n:,} record" in (folder / "paper.html").read_text()
    tiles = {t["kpi_id"]: t for t in manifest["headlines"]}  # the archive shows these
    assert tiles["school_pop_ehcp_pct"]["period"]
