"""Render the stitched paper: nbconvert → one self-contained paper.html, and the same page
split into parts for the PDF (``sendlib.render.pdf``).

The HTML body comes from nbconvert with sendlib's ``paper`` template (outputs only, no
code, prompts or scripts); sendlib adds the page shell: language, title, inline styles,
a skip link, the table of contents and the paper's numbering (sections 1, 2 … and
paragraphs 1.1, 1.2 …). Every edit of the body is made on the parsed document
(BeautifulSoup), never by matching text. Nothing is fetched from the internet: the page
opens offline.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup, Tag

from sendlib.render.errors import RenderError

TEMPLATES = Path(__file__).parent / "templates"
NOT_NUMBERED = ("table", "figure", "details", "header", "nav", "li", "dd", "dt", "blockquote")
LANG = "en-GB"


@dataclass(frozen=True)
class Part:
    """One part of the paper for the PDF: a run of sections that starts a page, its
    anchors and the anchors it links to."""

    name: str
    body: str
    ids: frozenset[str]
    links: frozenset[str]

    @property
    def digest(self) -> str:
        """Identifies the part's content (page numbers aside)."""
        return hashlib.sha256(self.body.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Page:
    """The rendered paper: the page's text, its title and its parts for the PDF."""

    html: str
    title: str
    parts: list[Part]

    def shell(self, extra_css: str = "") -> tuple[str, str]:
        """The page around the body (head and tail), with more CSS when asked."""
        return head_html(self.title, extra_css), TAIL


def body_html(paper: nbformat.NotebookNode) -> str:
    """The paper's body from nbconvert (sendlib's template: outputs only)."""
    from nbconvert import HTMLExporter  # loaded when a paper is rendered

    exporter = HTMLExporter(
        template_name="paper",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(paper)
    return body


def number_paper(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    """Number sections and their paragraphs in place; return the contents entries."""
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
    return contents


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


TAIL = "\n</main>\n</body>\n</html>\n"


def head_html(title: str, extra_css: str = "", lang: str = LANG) -> str:
    """The page up to ``<main>``: language, title, the paper's styles and the skip link."""
    css = resources.files("sendlib.render").joinpath("paper.css").read_text(encoding="utf-8")
    if extra_css:
        css += extra_css + "\n"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        f'<a class="skip-link" href="#main">Skip to main content</a>\n'
        f'<main id="main">'
    )


def page(title: str, body: str) -> Page:
    """The whole self-contained page: head, styles, skip link, contents and the body."""
    soup = BeautifulSoup(body, "html.parser")
    contents = number_paper(soup)
    toc = BeautifulSoup(contents_html([c for c in contents if c[0] != "cover"]), "html.parser")
    cover = soup.find("section", class_="section-cover")
    if cover is not None:  # the contents follow the cover sheet
        cover.insert_after(toc)
    else:
        soup.insert(0, toc)
    parts = _parts(soup)
    main = "\n" + "".join(part.body for part in parts)
    return Page(head_html(title) + main + TAIL, title, parts)


def _parts(soup: BeautifulSoup) -> list[Part]:
    """The body's top-level nodes grouped into parts: a section that starts a page (one
    not marked ``continues``) starts a part; everything else joins the part before."""
    groups: list[tuple[str, list]] = []
    for node in list(soup.contents):
        starts = (
            isinstance(node, Tag)
            and node.name == "section"
            and "continues" not in node.get("class", [])
        )
        if starts or not groups:
            groups.append((_slug_of(node) if starts else "front", []))
        groups[-1][1].append(node)
    parts = []
    for name, nodes in groups:
        tags = [n for n in nodes if isinstance(n, Tag)]
        ids = {e["id"] for t in tags for e in [t, *t.find_all(id=True)] if e.get("id")}
        links = {
            a["href"][1:]
            for t in tags
            for a in [t, *t.find_all("a", href=True)]
            if str(a.get("href", "")).startswith("#")
        }
        parts.append(Part(name, "".join(str(n) for n in nodes), frozenset(ids), frozenset(links)))
    return parts


def _slug_of(section: Tag) -> str:
    for cls in section.get("class", []):
        if cls.startswith("section-"):
            return cls.removeprefix("section-")
    return "section"


def render_page(paper: nbformat.NotebookNode, title: str) -> Page:
    """paper.html (and its PDF parts) for a stitched notebook."""
    try:
        body = body_html(paper)
    except Exception as exc:  # nbconvert's template errors have no common base class
        raise RenderError(f"could not render the HTML paper: {exc}") from exc
    return page(title, body)
