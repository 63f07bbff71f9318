"""Rendering with Quarto, for councils that have it (``sendlib run --renderer quarto``):
HTML, and PDF through Typst, from the stitched paper notebook."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from sendlib.render.errors import RenderError


def available() -> bool:
    """Whether the ``quarto`` command is on PATH."""
    return shutil.which("quarto") is not None


MISSING = (
    "--renderer quarto needs the 'quarto' command on PATH (install Quarto from "
    "quarto.org, or pip install quarto-cli where the internet is reachable); the "
    "default renderer needs nothing else"
)


def quarto_commands(notebook: Path, out_dir: Path) -> list[list[str]]:
    """The ``quarto render`` commands for HTML and (via Typst) PDF."""
    return [
        [
            "quarto",
            "render",
            str(notebook),
            "--to",
            "html",
            "--output-dir",
            str(out_dir),
            "-M",
            "embed-resources:true",
            "-M",
            "lang:en-GB",
        ],
        [
            "quarto",
            "render",
            str(notebook),
            "--to",
            "typst",
            "--output-dir",
            str(out_dir),
            "-M",
            "lang:en-GB",
        ],
    ]


#: seconds one ``quarto render`` may take: a hang would hold the month's lock for ever
TIMEOUT = 900


def render_quarto(notebook: Path, out_dir: Path) -> None:
    """Render with a Quarto installation on PATH, or say clearly that there is none."""
    if not available():
        raise RenderError(MISSING)
    for command in quarto_commands(notebook, out_dir):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise RenderError(
                f"{' '.join(command[:4])} did not finish in {TIMEOUT} s and was stopped"
            ) from exc
        if done.returncode:
            last = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise RenderError(f"{' '.join(command[:4])} failed: {' '.join(last)}")
    stem = notebook.stem
    for produced, wanted in ((f"{stem}.html", "paper.html"), (f"{stem}.pdf", "paper.pdf")):
        if (out_dir / produced).exists():
            (out_dir / produced).replace(out_dir / wanted)
