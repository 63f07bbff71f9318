"""The paper's page split into parts for the PDF: one per section that starts a page.

Each numbered section of the printed paper starts on a new page (``paper.css``), so the
PDF can be laid out part by part: in parallel, and, when an analyst edits one section's
narrative, only that part again (``sendlib.pdf``). A part is a whole HTML page with the
paper's head and no footers; the footers (title, ``Page 7 of 29``) are drawn on one
page of empty pages per paper page and laid over the merged paper as artifacts.
Links to another part's anchors are kept by giving the part an empty anchor of that
name; the merge (``sendlib.pdfmerge``) points each name at the part that owns it.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

MAIN_OPEN = '<main id="main">'
MAIN_CLOSE = "</main>"
#: an opening tag of a section of the paper (sendlib.stitch writes them)
SECTION = re.compile(r'<section\b[^>]*\bclass="section section-([a-z0-9_]+)[^"]*"[^>]*>')
#: sections printed on the page before them (the cover, contents and summary share)
SAME_PAGE = ("summary",)
ID = re.compile(r'\bid="([^"]+)"')
LINK = re.compile(r'\bhref="#([^"]+)"')


@dataclass(frozen=True)
class Part:
    """One part of the paper: its name, body (the inside of ``<main>``) and anchors."""

    name: str
    body: str
    ids: frozenset[str]
    links: frozenset[str]

    @property
    def digest(self) -> str:
        """Identifies the part's content (page numbers aside)."""
        return hashlib.sha256(self.body.encode()).hexdigest()[:24]


def split(page_html: str) -> tuple[str, list[Part], str]:
    """(head: the page up to ``<main>``, the parts, tail: from ``</main>``)."""
    start, end = page_html.find(MAIN_OPEN), page_html.rfind(MAIN_CLOSE)
    if start < 0 or end < 0:  # not a paper: one part, as it is
        return "", [_part("page", page_html)], ""
    head = page_html[: start + len(MAIN_OPEN)]
    main, tail = page_html[start + len(MAIN_OPEN) : end], page_html[end:]
    marks = [(m.start(), m.group(1)) for m in SECTION.finditer(main) if m.group(1) not in SAME_PAGE]
    if not marks or main[: marks[0][0]].strip():
        marks.insert(0, (0, "front"))
    else:
        marks[0] = (0, marks[0][1])
    ends = [at for at, _ in marks[1:]] + [len(main)]
    parts = []
    for (at, name), stop in zip(marks, ends, strict=True):
        parts.append(_part(name, main[at:stop]))
    return head, parts, tail


def _part(name: str, body: str) -> Part:
    return Part(name, body, frozenset(ID.findall(body)), frozenset(LINK.findall(body)))


def owners(parts: list[Part]) -> dict[str, int]:
    """Which part holds each anchor (the first, as in a browser)."""
    found: dict[str, int] = {}
    for i, part in enumerate(parts):
        for ident in part.ids:
            found.setdefault(ident, i)
    return found


def part_page(head: str, part: Part, tail: str) -> str:
    """A part as a page of its own, without footers (``footer_page`` draws them), and
    with an empty anchor for each link that points into another part."""
    elsewhere = sorted(part.links - part.ids)
    anchors = "".join(f'<div id="{html.escape(name)}"></div>' for name in elsewhere)
    no_footers = "@page { @bottom-right { content: none; } @bottom-left { content: none; } }"
    return _with_css(head, no_footers) + part.body + anchors + tail


def footer_page(head: str, tail: str, landscape: list[bool], title: str) -> str:
    """Empty pages, portrait or landscape like the paper's, with only its footers: the
    title and ``Page i of n``."""
    css_title = title.replace("\\", "\\\\").replace('"', '\\"')
    footers = (
        f'@page {{ @bottom-right {{ content: "Page " counter(page) " of {len(landscape)}"; }}'
        f' @bottom-left {{ content: "{css_title}"; }} }}'
        # transparent: these pages are laid over the paper's and must not hide it
        " html, body { background: none !important; }"
    )
    pages = "".join(
        f'<div style="{"break-before: page;" if i else ""}{"page: landscape;" if wide else ""}">'
        "</div>"
        for i, wide in enumerate(landscape)
    )
    return _with_css(head, footers) + pages + tail


def _with_css(head: str, css: str) -> str:
    if "</style>" in head:
        return head.replace("</style>", css + "\n</style>", 1)
    return head + f"<style>{css}</style>"
