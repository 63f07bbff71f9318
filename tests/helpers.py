"""Test helpers: a tiny hand-built council, folders of data, notebooks and parameters,
the CLI, and a check of a tagged PDF's structure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

TINY: dict[str, list[dict[str, str]]] = {
    "person": [
        {
            "person_id": "P1",
            "upn": "Z00000000001",
            "birth_date": "2012-03-04",
            "sex": "M",
            "ethnicity": "WBRI",
            "team": "Pod: Secondary",
            "case_officer": "SEC-01",
            "social_care": "",
        },
        {
            "person_id": "P2",
            "upn": "Z00000000002",
            "birth_date": "2016-09-10",
            "sex": "F",
            "ethnicity": "MWBC",
            "team": "Pod: Early Years and Primary",
            "case_officer": "EYP-02",
            "social_care": "LAC",
        },
        {
            "person_id": "P3",
            "upn": "",
            "birth_date": "2021-01-15",
            "sex": "M",
            "ethnicity": "WBRI",
            "team": "Pod: Early Years and Primary",
            "case_officer": "EYP-01",
            "social_care": "",
        },
    ],
    "requests": [
        {
            "request_id": "R1",
            "person_id": "P1",
            "received_date": "2024-01-08",
            "transfer_in": "false",
            "request_source": "school",
            "request_outcome": "A",
            "request_outcome_date": "2024-02-19",
        },
        {
            "request_id": "R2",
            "person_id": "P2",
            "received_date": "2024-03-01",
            "transfer_in": "true",
            "request_source": "other_la",
            "request_outcome": "",
            "request_outcome_date": "",
        },
        {
            "request_id": "R3",
            "person_id": "P3",
            "received_date": "2024-04-02",
            "transfer_in": "false",
            "request_source": "parent",
            "request_outcome": "N",
            "request_outcome_date": "2024-05-10",
        },
    ],
    "assessments": [
        {
            "request_id": "R1",
            "assessment_outcome": "Y",
            "assessment_outcome_date": "2024-05-01",
            "week20_exception": "false",
            "no_plan_reason": "",
        },
    ],
    "plans": [
        {
            "plan_id": "E1",
            "person_id": "P1",
            "request_id": "R1",
            "start_date": "2024-05-27",
            "cease_date": "",
            "cease_reason": "",
            "primary_need": "ASD",
        },
        {
            "plan_id": "E2",
            "person_id": "P2",
            "request_id": "R2",
            "start_date": "2024-03-01",
            "cease_date": "",
            "cease_reason": "",
            "primary_need": "SLCN",
        },
    ],
    "reviews": [
        {
            "plan_id": "E1",
            "review_meeting_date": "2025-05-10",
            "review_decision": "M",
            "decision_date": "2025-05-31",
        },
    ],
    "placements": [
        {
            "person_id": "P1",
            "setting": "mainstream",
            "urn": "100001",
            "entry_date": "2024-05-27",
            "leaving_date": "",
        },
        {
            "person_id": "P2",
            "setting": "special_state",
            "urn": "100002",
            "entry_date": "2024-03-01",
            "leaving_date": "",
        },
    ],
    "disputes": [
        {
            "dispute_id": "D1",
            "person_id": "P3",
            "kind": "mediation",
            "registered_date": "2024-06-01",
            "outcome": "resolved",
            "outcome_date": "2024-07-01",
        },
    ],
    "returns": [
        {"kpi_id": "sendiass_open_l3", "period": "2025-05", "value": "188", "note": ""},
        {"kpi_id": "sendiass_open_l3", "period": "2025-06", "value": "", "note": "requested"},
    ],
    "benchmarks": [
        {
            "kpi_id": "requests_refused_pct",
            "comparator": "england",
            "period": "2023-12",
            "value": "25.2",
            "source": "DfE",
        },
    ],
    "population": [
        {"year": "2024", "population": "112000"},
        {"year": "2025", "population": "112500"},
    ],
}


def fresh_python(code: str) -> str:
    """What a new Python process running ``code`` prints (it must succeed): for what an
    import does to a process, seen from a process nothing else has touched."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def write_tables(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    """Write tables of text cells as contract CSVs."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        pd.DataFrame(rows, dtype=str).to_csv(folder / f"{name}.csv", index=False)
    return folder


def council_dir(folder: Path, **tables: list[dict[str, str]]) -> Path:
    """Write a council from a few rows per table (only the columns given); every other
    contract file is written with its header only, so the data is complete but empty."""
    from sendlib.data.contract import contract, files

    folder.mkdir(parents=True, exist_ok=True)
    for name in files():
        rows = tables.get(name, [])
        columns = list(contract().files[name].columns)
        frame = pd.DataFrame(rows, dtype=str).reindex(columns=columns).astype(object)
        frame = frame.where(frame.notna(), "")
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def measures(folder: Path, month: str, *ids: str) -> dict[str, float]:
    """Computed measures of a council folder for one month."""
    from sendlib.data.load import load_tables
    from sendlib.measures.cases import prepare
    from sendlib.measures.registry import compute

    frame = compute(prepare(load_tables(folder)), [pd.Period(month, freq="M")], ids or None)
    return dict(zip(frame["kpi_id"], frame["value"], strict=True))


def run_cli(data: Path, out: Path, notebooks: Path, *options: str, params: Path | None = None):
    """``sendlib run`` on these folders, with further options (e.g. ``--month``)."""
    from typer.testing import CliRunner

    from sendlib.cli import app

    folders = ["--data", str(data), "--out", str(out), "--notebooks", str(notebooks)]
    if params is not None:
        folders += ["--params", str(params)]
    return CliRunner().invoke(app, ["run", *folders, *options])


def check_tagged_pdf(path: Path):
    """The structure tree, marked-content parents, links and footers of a PDF agree."""
    import pikepdf
    from pypdf import PdfReader

    with pikepdf.open(path) as doc:
        pages = {p.obj.objgen for p in doc.pages}
        root = doc.Root.StructTreeRoot
        keys = [int(k) for k in list(root.ParentTree.Nums)[0::2]]
        assert len(keys) == len(set(keys)), "a ParentTree key is used twice"
        assert all(int(p.obj.StructParents) in keys for p in doc.pages)
        stack = list(root.K)
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                assert "/Pg" not in element or element.Pg.objgen in pages
                kids = element.get("/K")
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        names = list(doc.Root.Names.Dests.Names)
        dests = dict(zip(map(str, names[0::2]), names[1::2], strict=True))
        for p in doc.pages:
            for annot in p.obj.get("/Annots", []):
                if "/Dest" in annot:
                    assert dests[str(annot.Dest)][0].objgen in pages
    reader = PdfReader(path)
    n = len(reader.pages)
    for i, p in enumerate(reader.pages, start=1):
        assert f"Page {i} of {n}" in p.extract_text()
    return reader


ROOT = Path(__file__).parents[1]
FIXTURE_NOTEBOOKS = Path(__file__).parent / "notebooks"


def notebook_dir(tmp_path: Path, **books: str) -> Path:
    """A notebooks folder: section stem → fixture notebook (or a real section notebook)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for stem, source in books.items():
        origin = (
            FIXTURE_NOTEBOOKS / f"{source}.ipynb"
            if (FIXTURE_NOTEBOOKS / f"{source}.ipynb").exists()
            else ROOT / "notebooks" / f"{source}.ipynb"
        )
        shutil.copy(origin, folder / f"{stem}.ipynb")
    return folder


def params_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "params"
    shutil.copytree(ROOT / "params", folder, ignore=shutil.ignore_patterns("narrative"))
    return folder


CHROMIUM = Path("/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
# as the workplace's probe starts Chromium: no background networking on a closed network
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_chromium() -> None:
    """Skip (or in CI fail) when Debian's Chromium is missing."""
    import os

    import pytest

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (make test installs it)")


def axe_violations(page_path: Path, screenshot: Path | None = None) -> list:
    """axe-core's WCAG 2.2 AA violations of a page, opened in Debian's Chromium."""
    need_chromium()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        page = browser.new_page()
        page.goto(page_path.as_uri())
        if screenshot is not None:
            page.screenshot(path=str(screenshot))
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        browser.close()
    violations = result.response["violations"]
    print(
        f"axe-core {result.response['testEngine']['version']} on {page_path.name}: "
        f"{len(violations)} violations, {len(result.response['passes'])} rules passed"
    )
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]


def need_libreoffice() -> None:
    """Skip (or in CI fail) when Debian's LibreOffice Writer or poppler's tools are missing."""
    import os
    import shutil

    import pytest

    if not (shutil.which("libreoffice") and shutil.which("pdftoppm")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: `make test` installs it with apt-get")
        pytest.skip("Debian's libreoffice-writer-nogui is not installed (make test installs it)")


def print_word(docx_path: Path, folder: Path) -> Path:
    """paper.docx printed to PDF by LibreOffice headless, as an agenda system would."""
    import subprocess

    need_libreoffice()
    profile = folder / "profile"  # its own profile: two runs at once never share one
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / f"{docx_path.stem}.pdf"
