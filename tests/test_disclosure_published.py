"""A small council's paper, rendered once: no count of 1 to 4 children with a characteristic
(nor a share that reveals one) in any output, activity counts published, one decision per
figure; ``sendlib audit`` names a withheld figure written into each kind of output; the
run refuses to publish one; the month the extract covers."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from helpers import measures, notebook_dir, params_dir
from sendlib.cli import app
from sendlib.ops.audit import audit
from sendlib.scorecard.catalogue import load_catalogue

SMALL = Path(__file__).parent / "data" / "small-council"
MONTH = "2026-10"
WITHHELD_LAC = (
    "The figure for looked after children with an EHCP is withheld to protect the "
    "confidentiality of the children concerned."
)


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The hand-written council (18 children) rendered for its default month, and the
    West team's provisional pack for the month after: (data, params, out)."""
    root = tmp_path_factory.mktemp("small")
    data = root / "data"
    shutil.copytree(SMALL, data)
    params = params_dir(root)
    out = root / "outputs"
    common = ["--data", str(data), "--params", str(params), "--out", str(out)]
    result = cli("run", *common)  # no --month: the last month the extract covers whole
    assert result.exit_code == 0, result.output
    assert f"Paper for {MONTH}" in result.output
    # the West team's pack, for November, which the extract covers only to the 9th
    result = cli("run", *common, "--month", "2026-11", "--provisional", "--team", "West")
    assert result.exit_code == 0, result.output
    return data, params, out


def texts(folder: Path) -> dict[str, str]:
    """What a reader can read in each published file."""
    soup = BeautifulSoup((folder / "paper.html").read_text(), "lxml")
    alts = " ".join(img.get("alt", "") for img in soup.find_all("img"))
    with zipfile.ZipFile(folder / "paper.docx") as docx:
        word = re.sub(r"<[^>]+>", " ", docx.read("word/document.xml").decode())
    pdf = " ".join(page.extract_text() for page in PdfReader(folder / "paper.pdf").pages)
    return {"html": soup.get_text(" "), "alt": alts, "docx": word, "pdf": pdf}


@pytest.mark.slow
def test_no_small_count_of_children_with_a_characteristic_is_published(small):
    data, params, out = small
    folder = out / MONTH
    catalogue = load_catalogue(params / "kpis.yaml")
    card = pd.read_csv(folder / "scorecard.csv", dtype={"value": float, "display": str})
    from sendlib.measures.registry import count_behind

    characteristic = [k for k in catalogue.kpis if k.disclosure_class == "characteristic"]
    sources = {k.source: count_behind(k.source) or k.source for k in characteristic}
    checked = 0
    for period in sorted(card["period"].unique()):
        truth = measures(data, period, *sources.values())  # counted here, independently
        for kpi in characteristic:
            count = truth[sources[kpi.source]]
            row = card[(card["kpi_id"] == kpi.id) & (card["period"] == period)].iloc[0]
            if 1 <= count <= 4:
                checked += 1
                assert pd.isna(row["value"]) and row["display"] == "[c]", (kpi.id, period)
    assert checked > 30  # looked after, child in need, INMSS, AP, EOTAS … every month
    book = load_workbook(folder / "scorecard.xlsx", data_only=True)
    header = [c.value for c in book["Scorecard"][2]]
    for row in book["Scorecard"].iter_rows(min_row=3, values_only=True):
        if row[1] and "Looked After" in str(row[1]):
            assert row[header.index("Oct 26")] == "[c]"
    seen = texts(folder)
    for where, text in seen.items():
        low = text.lower()
        assert "1 looked after child" not in low, where
        assert not re.search(r"(?<![\d.])5\.56?%", text), where  # 1 of the 18
        assert "1 child with an ehcp is in alternative provision" not in low, where
    assert WITHHELD_LAC in seen["html"]
    assert "fewer than 5 looked after" not in seen["html"].lower()  # not told apart
    soup = BeautifulSoup((folder / "paper.html").read_text(), "lxml")
    setting = soup.find("caption", string=re.compile("EHCPs by type of setting")).parent
    cells = {tr.th.get_text(): tr.td.get_text() for tr in setting.find_all("tr") if tr.th and tr.td}
    assert cells["Independent / non-maintained special"] == "[c]"
    assert cells["EOTAS (s61)"] == "[c]" and cells["Alternative provision / PRU"] == "[c]"
    assert cells["Mainstream school"] == "10" and cells["Total"] == "18"
    assert audit(folder) == []


@pytest.mark.slow
def test_activity_counts_are_published_and_one_figure_has_one_decision(small):
    _, _, out = small
    folder = out / MONTH
    html = (folder / "paper.html").read_text()
    assert "1 appeal to the SEND Tribunal" in html  # a count of events: published
    card = pd.read_csv(folder / "scorecard.csv", dtype={"display": str})
    row = card[(card["kpi_id"] == "transfers_in") & (card["period"] == "2026-05")].iloc[0]
    assert row["value"] == 1 and row["display"] == "1"
    soup = BeautifulSoup(html, "lxml")
    table = soup.find("caption", string=re.compile("Completed decisions by month")).parent
    transfer = next(tr for tr in table.find_all("tr") if "Transfer in" in tr.get_text())
    assert [td.get_text() for td in transfer.find_all("td")][4] == "1"  # May, as the scorecard


@pytest.mark.slow
def test_a_teams_pack_is_audited_and_not_for_publication_when_small(small):
    import json

    _, _, out = small
    pack = out / "teams" / "west" / "2026-11"
    html = (pack / "paper.html").read_text()
    assert "Not for publication: for use within the council" in html
    assert "Public Report" not in html
    assert audit(pack) == []
    # a month the extract covers only in part: stamped on the cover and in the manifest
    assert "Provisional: data to 9 November 2026" in html
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["provisional"] is True and manifest["data_to"] == "9 November 2026"
    book = load_workbook(pack / "scorecard.xlsx", read_only=True)
    title = next(book["Scorecard"].iter_rows(max_row=1, values_only=True))[0]
    assert title.endswith("Provisional: data to 9 November 2026"), title


def _seeded(small, tmp_path: Path, name: str, change) -> Path:
    """A published month holding only its manifest, its scorecard and ``name`` changed
    (the run's register beside it)."""
    _, _, out = small
    copy = tmp_path / "outputs"
    (copy / MONTH).mkdir(parents=True)
    for kept in {"manifest.json", "scorecard.csv", name} - {"index.html"}:
        shutil.copy(out / MONTH / kept, copy / MONTH / kept)
    shutil.copytree(out / ".work" / MONTH, copy / ".work" / MONTH, ignore=_only_register)
    shutil.copy(out / "index.html", copy / "index.html")
    change(copy / MONTH / name if name != "index.html" else copy / name)
    return copy / MONTH


def _only_register(folder, names):
    return [n for n in names if n != "withheld.json"]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sentence", "alt text", "csv", "xlsx", "docx", "index"])
def test_the_audit_names_a_withheld_figure_written_into_each_kind_of_output(small, tmp_path, kind):
    def sentence(path):
        _replace(
            path,
            WITHHELD_LAC,
            "1 looked after child has an EHCP.",
        )

    def alt(path):
        _replace(
            path,
            'alt="Line chart: Education otherwise than at school',
            'alt="EOTAS (section 61): 5.56% in October 2026. Line chart: Education otherwise '
            "than at school",
        )

    def csv(path):
        card = pd.read_csv(path, dtype=str, keep_default_na=False)
        at = (card["kpi_id"] == "ehcp_looked_after") & (card["period"] == MONTH)
        card.loc[at, ["value", "display"]] = ["1", "1"]
        card.to_csv(path, index=False)

    def xlsx(path):
        book = load_workbook(path)
        sheet = book["Scorecard"]
        header = [c.value for c in sheet[2]]
        for row in sheet.iter_rows(min_row=3):
            if row[1].value and "Looked After" in str(row[1].value):
                row[header.index("Oct 26")].value = 1
        book.save(path)

    def docx(path):
        with zipfile.ZipFile(path) as old:
            parts = {n: old.read(n) for n in old.namelist()}
        body = parts["word/document.xml"].decode()
        old = "The figure for looked after children with an EHCP is withheld"
        assert old in body
        parts["word/document.xml"] = body.replace(
            old, "1 looked after child has an EHCP", 1
        ).encode()
        with zipfile.ZipFile(path, "w") as new:
            for name, content in parts.items():
                new.writestr(name, content)

    def index(path):
        soup = BeautifulSoup(path.read_text(), "lxml")
        row = soup.find("th", string="October 2026").parent
        cells = row.find_all("td")
        header = [th.get_text() for th in soup.find("thead").find_all("th")]
        cells[header.index("Looked After Children with an EHCP") - 1].string = "1"
        path.write_text(str(soup))

    seeds = {
        "sentence": ("paper.html", sentence),
        "alt text": ("paper.html", alt),
        "csv": ("scorecard.csv", csv),
        "xlsx": ("scorecard.xlsx", xlsx),
        "docx": ("paper.docx", docx),
        "index": ("index.html", index),
    }
    name, change = seeds[kind]
    folder = _seeded(small, tmp_path, name, change)
    breaches = audit(folder)
    assert breaches, kind
    assert {b.file for b in breaches} == {name}, breaches
    result = cli("audit", str(folder))
    assert result.exit_code == 1 and name in result.output


@pytest.mark.slow
def test_the_run_refuses_to_publish_a_withheld_figure_the_analyst_wrote(small, tmp_path):
    data, params, _ = small
    words = params / "narrative" / MONTH / "caseload.md"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text("Our 1 looked after child with a plan is doing well.\n")
    out = tmp_path / "outputs"
    books = notebook_dir(tmp_path, **{s: s for s in ("00_cover", "02_caseload")})
    try:
        result = cli(
            "run",
            "--data",
            str(data),
            "--params",
            str(params),
            "--out",
            str(out),
            "--notebooks",
            str(books),
            "--month",
            MONTH,
        )
    finally:
        words.unlink()
    assert result.exit_code == 1, result.output
    assert "disclosure rule" in result.output and "looked after" in result.output.lower()
    assert not (out / MONTH).exists()


def test_an_extract_ending_on_9_november_reports_october_and_november_only_provisionally(
    tmp_path,
):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    params = params_dir(tmp_path)
    result = cli("validate", "--data", str(data), "--params", str(params))
    assert result.exit_code == 0 and f"for {MONTH};" in result.output
    result = cli("validate", "--data", str(data), "--params", str(params), "--month", "2026-11")
    assert result.exit_code == 1
    assert "covered only in part" in result.output and "--provisional" in result.output
    result = cli(
        "validate",
        "--data",
        str(data),
        "--params",
        str(params),
        "--month",
        "2026-11",
        "--provisional",
    )
    assert result.exit_code == 0, result.output
    result = cli("validate", "--data", str(data), "--params", str(params), "--month", "2026-12")
    assert result.exit_code == 1 and "after the end of the data" in result.output


def test_a_sen2_import_shows_social_care_as_not_available(tmp_path, monkeypatch):
    monkeypatch.setenv("SENDLIB_ID_KEY", "a-test-key-of-sixteen-or-more")
    sen2 = Path(__file__).parent / "data" / "sen2"
    data = tmp_path / "data"
    result = cli(
        "import",
        "sen2",
        str(sen2 / "hand-written.xml"),
        "--out",
        str(data),
        "--establishments",
        str(sen2 / "establishments.csv"),
    )
    assert result.exit_code == 0, result.output
    (data / "disputes.csv").write_text("dispute_id,person_id,kind,registered_date\n")
    (data / "returns.csv").write_text("kpi_id,period,value,note\n")
    (data / "population.csv").write_text("year,population\n2024,50000\n")
    params = params_dir(tmp_path)
    out = tmp_path / "outputs"
    result = cli(
        "scorecard",
        "--data",
        str(data),
        "--params",
        str(params),
        "--out",
        str(out),
        "--month",
        "2024-12",
    )
    assert result.exit_code == 0, result.output
    card = pd.read_csv(out / "2024-12" / "scorecard.csv", dtype={"display": str})
    december = card[card["period"] == "2024-12"].set_index("kpi_id")
    for kpi in ("ehcp_looked_after", "ehcp_child_in_need", "mediations_ytd", "appeals_ytd"):
        assert pd.isna(december.at[kpi, "value"]) and december.at[kpi, "display"] == "[x]", kpi
    assert december.at["ehcp_active", "display"] != "[x]"
