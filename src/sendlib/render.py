"""Render the stitched paper: nbconvert → one self-contained paper.html (``sendlib.pdf``
turns it into paper.pdf).

The HTML body comes from nbconvert with sendlib's ``paper`` template (outputs only, no
code, prompts or scripts); sendlib adds the page shell: language, title, inline styles,
a skip link, the table of contents and the paper's numbering (sections 1, 2 … and
paragraphs 1.1, 1.2 …). Nothing is fetched from the internet: the page opens offline.
Quarto is an optional renderer for councils that have it (``--renderer quarto``).
"""

from __future__ import annotations

import html
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from sendlib.pdf import RenderError

TEMPLATES = Path(__file__).parent / "templates"
NOT_NUMBERED = ("table", "figure", "details", "header", "nav", "li", "dd", "dt", "blockquote")


def body_html(paper: nbformat.NotebookNode) -> str:
    """The paper's body from nbconvert (sendlib's template: outputs only)."""
    exporter = HTMLExporter(
        template_name="paper",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(paper)
    return body


def number_paper(body: str) -> tuple[str, list[tuple[str, str, str]]]:
    """Number sections and their paragraphs; return the body and the contents entries."""
    soup = BeautifulSoup(body, "html.parser")
    _unique_ids(soup)
    contents = []
    section, paragraph = "", 0
    for element in soup.find_all(["h2", "p"]):
        if element.name == "h2":
            number = element.get("data-number", "")
            title = element.get_text()
            section, paragraph = (number if number.isdigit() else ""), 0
            if number:
                label = soup.new_tag("span", attrs={"class": "sec-no"})
                label.string = f"{number}. " if number.isdigit() else f"{number}: "
                element.insert(0, label)
            if element.get("id"):
                contents.append((element["id"], number, title))
            continue
        if not section or element.find_parent(NOT_NUMBERED):
            continue
        if set(element.get("class", [])) & {"table-note", "key", "source"}:
            continue
        paragraph += 1
        label = soup.new_tag("span", attrs={"class": "para-no"})
        label.string = f"{section}.{paragraph}"
        element.insert(0, label)
    return str(soup), contents


def _unique_ids(soup: BeautifulSoup) -> None:
    """Make every id unique (a table shown twice gets -2): duplicate ids break links and
    assistive technology."""
    seen: dict[str, int] = {}
    for element in soup.find_all(id=True):
        ident = element["id"]
        if ident in seen:
            seen[ident] += 1
            element["id"] = f"{ident}-{seen[ident]}"
        else:
            seen[ident] = 1


def contents_html(contents: list[tuple[str, str, str]]) -> str:
    """The table of contents as a navigation list of links."""
    items = "".join(
        f'<li><a href="#{html.escape(anchor)}">'
        f"{html.escape((number + ('. ' if number.isdigit() else ': ')) if number else '')}"
        f"{html.escape(title)}</a></li>"
        for anchor, number, title in contents
    )
    return (
        f'<nav class="toc" aria-labelledby="contents-title"><h2 id="contents-title">'
        f"Contents</h2><ul>{items}</ul></nav>"
    )


def page(title: str, body: str, lang: str = "en-GB") -> str:
    """The whole self-contained page: head, styles, skip link, contents and the body."""
    css = resources.files("sendlib").joinpath("paper.css").read_text(encoding="utf-8")
    numbered, contents = number_paper(body)
    toc = contents_html([c for c in contents if c[0] != "cover"])
    # the contents follow the cover sheet
    marker = "</section>"
    first = numbered.find(marker)
    if first >= 0:
        numbered = numbered[: first + len(marker)] + toc + numbered[first + len(marker) :]
    else:
        numbered = toc + numbered
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        f'<a class="skip-link" href="#main">Skip to main content</a>\n'
        f'<main id="main">\n{numbered}\n</main>\n</body>\n</html>\n'
    )


def render_html(paper: nbformat.NotebookNode, title: str) -> str:
    """paper.html text for a stitched notebook."""
    try:
        return page(title, body_html(paper))
    except Exception as exc:  # nbconvert / template errors are render failures
        raise RenderError(f"could not render the HTML paper: {exc}") from exc


# ---------------------------------------------------------------- optional: Quarto
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


def render_quarto(notebook: Path, out_dir: Path) -> None:
    """Render with a Quarto installation on PATH, or say clearly that there is none."""
    if shutil.which("quarto") is None:
        raise RenderError(
            "--renderer quarto needs the 'quarto' command on PATH "
            "(install Quarto, or pip install 'sendlib[quarto]' where the "
            "internet is reachable); the default renderer needs nothing else"
        )
    for command in quarto_commands(notebook, out_dir):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            last = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise RenderError(f"{' '.join(command[:4])} failed: {' '.join(last)}")
    stem = notebook.stem
    for produced, wanted in ((f"{stem}.html", "paper.html"), (f"{stem}.pdf", "paper.pdf")):
        if (out_dir / produced).exists():
            (out_dir / produced).replace(out_dir / wanted)
