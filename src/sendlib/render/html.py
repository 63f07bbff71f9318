"""Render the stitched paper: one self-contained paper.html, and the same page split into
parts for the PDF (``sendlib.render.pdf``).

The body is the sections' HTML from nbconvert (``sendlib.render.body``); sendlib adds the
page shell: language, title, inline styles, a skip link, the table of contents and the
paper's numbering (sections 1, 2 … and paragraphs 1.1, 1.2 …). Sections are numbered one
after another, each from the numbering and ids of those before it, so a section's layout
can be kept between renders: after a narrative edit only that section is parsed again.
Every edit of the body is made on the parsed document (BeautifulSoup), never by matching
text. Nothing is fetched from the internet: the page opens offline.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup, Tag

from sendlib.render.body import prune, read_entry, section_bodies, write_entry
from sendlib.render.errors import RenderError, raised_by_renderer

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


def number_paper(soup: Tag) -> list[tuple[str, str, str]]:
    """Number sections and their paragraphs in place; return the contents entries."""
    _unique_ids(soup, {})
    contents, _ = _number(soup, ("", 0))
    return contents


def _number(root: Tag, state: tuple[str, int]) -> tuple[list[tuple[str, str, str]], tuple]:
    """``number_paper`` from a point in the paper: ``state`` is the section number and
    the paragraphs counted so far in it; returns the contents entries and the state after."""
    document = _document(root)
    contents = []
    section, paragraph = state
    for element in root.find_all(["h2", "p"]):
        if element.name == "h2":
            number = element.get("data-number", "")
            title = element.get_text()
            section, paragraph = (number if number.isdigit() else ""), 0
            if number:
                label = document.new_tag("span", attrs={"class": "sec-no"})
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
        label = document.new_tag("span", attrs={"class": "para-no"})
        label.string = f"{section}.{paragraph}"
        element.insert(0, label)
    return contents, (section, paragraph)


def _document(node: Tag) -> BeautifulSoup:
    """The parsed document a node belongs to (it makes new tags)."""
    while not isinstance(node, BeautifulSoup) and node.parent is not None:
        node = node.parent
    return node


def _unique_ids(soup: Tag, seen: dict[str, int]) -> None:
    """Make every id unique (a table shown twice gets -2): duplicate ids break links and
    assistive technology. ``seen`` counts the ids met so far (updated)."""
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
    return page_of(title, [body])


def page_of(
    title: str,
    chunks: list[str],
    cache: Path | None = None,
    code: str = "",
    prune_old: bool = True,
) -> Page:
    """``page`` of a body given in chunks (the sections' HTML). Each chunk is numbered on
    its own, from the numbering and the ids of the chunks before it; with ``cache`` the
    result is kept under all that (and ``code``): after a narrative edit only the edited
    section is parsed and numbered again."""
    seen: dict[str, int] = {}
    state: tuple[str, int] = ("", 0)
    nodes: list[_Node] = []
    contents: list[tuple[str, str, str]] = []
    keys = []
    for chunk in chunks:
        key = _digest(chunk, state, sorted(seen.items()), code)
        laid = _Laid.load(cache, key) if cache is not None else None
        if laid is None:
            laid = _lay(chunk, state, dict(seen))
            if cache is not None:
                laid.keep(cache, key)
        keys.append(key)
        for ident in laid.found:  # as _unique_ids counts them
            seen[ident] = seen.get(ident, 0) + 1
        state = tuple(laid.state)
        nodes += laid.nodes
        contents += laid.contents
    if cache is not None and prune_old:
        prune(cache, "json", keys)
    toc = _node(_fragment(contents_html([c for c in contents if c[0] != "cover"])).nav)
    covers = [i for i, n in enumerate(nodes) if n.cover]
    nodes.insert(covers[0] + 1 if covers else 0, toc)  # the contents follow the cover sheet
    parts = _parts(nodes)
    main = "\n" + "".join(part.body for part in parts)
    return Page(head_html(title) + main + TAIL, title, parts)


@dataclass(frozen=True)
class _Node:
    """A top-level node of the body, serialised, with what the parts need of it."""

    html: str
    starts: bool  # a section that starts a page (and a part)
    cover: bool
    slug: str
    ids: list[str]
    links: list[str]


@dataclass(frozen=True)
class _Laid:
    """A chunk of the body numbered: its nodes, contents entries, the ids it holds as
    written (in order) and the numbering state after it."""

    nodes: list[_Node]
    contents: list[tuple[str, str, str]]
    found: list[str]
    state: tuple[str, int]

    @classmethod
    def load(cls, cache: Path, key: str) -> _Laid | None:
        text = read_entry(cache, key, "json")
        if text is None:
            return None
        data = json.loads(text)
        return cls(
            [_Node(**n) for n in data["nodes"]],
            [tuple(c) for c in data["contents"]],
            data["found"],
            tuple(data["state"]),
        )

    def keep(self, cache: Path, key: str) -> None:
        write_entry(cache, key, json.dumps(asdict(self)), "json")


def _lay(chunk: str, state: tuple[str, int], seen: dict[str, int]) -> _Laid:
    root = _fragment(chunk)
    found = [e["id"] for e in root.find_all(id=True)]
    _unique_ids(root, seen)
    contents, state = _number(root, state)
    return _Laid([_node(n) for n in list(root.contents)], contents, found, state)


def _node(node) -> _Node:
    if not isinstance(node, Tag):
        return _Node(str(node), False, False, "", [], [])
    section = node.name == "section"
    classes = node.get("class", []) if section else []
    ids = [e["id"] for e in [node, *node.find_all(id=True)] if e.get("id")]
    links = [
        a["href"][1:]
        for a in [node, *node.find_all("a", href=True)]
        if str(a.get("href", "")).startswith("#")
    ]
    starts = section and "continues" not in classes
    slug = _slug_of(node) if starts else ""
    return _Node(str(node), starts, "section-cover" in classes, slug, ids, links)


def _digest(*items) -> str:
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def _fragment(markup: str) -> Tag:
    """An HTML fragment parsed (lxml: three times Python's parser), as the element
    holding its top-level nodes."""
    soup = BeautifulSoup(f"<body>{markup}</body>", "lxml")
    return soup.body


def _parts(nodes: list[_Node]) -> list[Part]:
    """The body's top-level nodes grouped into parts: a section that starts a page (one
    not marked ``continues``) starts a part; everything else joins the part before."""
    groups: list[tuple[str, list[_Node]]] = []
    for node in nodes:
        if node.starts or not groups:
            groups.append((node.slug if node.starts else "front", []))
        groups[-1][1].append(node)
    return [
        Part(
            name,
            "".join(n.html for n in group),
            frozenset(i for n in group for i in n.ids),
            frozenset(link for n in group for link in n.links),
        )
        for name, group in groups
    ]


def _slug_of(section: Tag) -> str:
    for cls in section.get("class", []):
        if cls.startswith("section-"):
            return cls.removeprefix("section-")
    return "section"


def render_page(
    paper: nbformat.NotebookNode,
    title: str,
    cache: Path | None = None,
    code: str = "",
    prune_old: bool = True,
) -> Page:
    """paper.html (and its PDF parts) for a stitched notebook; with ``cache`` (and
    ``code``, the renderer's), each section's HTML and layout is kept between renders
    (and what this render did not use dropped, unless ``prune_old`` is false)."""
    try:
        bodies = section_bodies(paper, cache, code, prune_old)
    except RenderError:
        raise
    except Exception as exc:  # nbconvert's template errors have no common base class
        if not raised_by_renderer(exc):
            raise  # a bug in sendlib, not a rendering failure
        raise RenderError(f"could not render the HTML paper: {exc}") from exc
    return page_of(title, bodies, cache, code, prune_old)
