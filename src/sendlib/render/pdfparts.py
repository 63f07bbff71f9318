"""The paper's parts as pages of their own, for the PDF.

Each section of the printed paper that starts a page is the start of a part
(``sendlib.render.html.Page.parts``), so the PDF can be laid out part by part: in
parallel, and, when an analyst edits one section's narrative, only that part again
(``sendlib.render.pdf``). A part is a whole HTML page with the paper's head and no
footers; the footers (title, ``Page 7 of 29``) are drawn on a page of empty pages, one
per paper page, and laid over the merged paper as artifacts. Links to another part's
anchors are kept by giving the part an empty anchor of that name; the merge
(``sendlib.render.pdfmerge``) points each name at the part that owns it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the PDF workers load this module: not the HTML renderer
    from sendlib.render.html import Page, Part


NO_FOOTERS = "@page { @bottom-right { content: none; } @bottom-left { content: none; } }"


def owners(parts: list[Part]) -> dict[str, int]:
    """Which part holds each anchor (the first, as in a browser)."""
    found: dict[str, int] = {}
    for i, part in enumerate(parts):
        for ident in part.ids:
            found.setdefault(ident, i)
    return found


def part_page(page: Page, part: Part) -> str:
    """A part as a page of its own, without footers (``footer_page`` draws them), and
    with an empty anchor for each link that points into another part."""
    head, tail = page.shell(NO_FOOTERS)
    elsewhere = sorted(part.links - part.ids)
    anchors = "".join(f'<div id="{html.escape(name)}"></div>' for name in elsewhere)
    return head + part.body + anchors + tail


def footer_shell(page: Page) -> tuple[str, str]:
    """The head and tail of the footers' page: the paper's, with only its footers, the
    title and ``Page i of n`` (n counted by WeasyPrint, so the shell is made before the
    paper's pages are known)."""
    css_title = page.title.replace("\\", "\\\\").replace('"', '\\"')
    footers = (
        '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); }'
        f' @bottom-left {{ content: "{css_title}"; }} }}'
        # transparent: these pages are laid over the paper's and must not hide it
        " html, body { background: none !important; }"
    )
    return page.shell(footers)


def footer_page(shell: tuple[str, str], landscape: list[bool]) -> str:
    """Empty pages, portrait or landscape like the paper's, in the footers' shell."""
    head, tail = shell
    pages = "".join(
        f'<div style="{"break-before: page;" if i else ""}{"page: landscape;" if wide else ""}">'
        "</div>"
        for i, wide in enumerate(landscape)
    )
    return head + pages + tail
