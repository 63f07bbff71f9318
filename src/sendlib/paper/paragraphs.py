"""Drafted sentences as the paper prints them: one numbered paragraph each.

Below the section registry and the narrative that both name it (``sections.Section.facts``
returns one; ``narrative`` drafts the sentences).
"""

from __future__ import annotations

import html


class Paragraphs:
    """Drafted sentences, one numbered paragraph each (empty sentences dropped); shown in
    a notebook as HTML, read as sentences by ``sendlib new-month``."""

    def __init__(self, sentences: list[str]):
        self.sentences = [s for s in sentences if s]

    def to_html(self) -> str:
        body = "".join(f'<p class="para">{html.escape(s)}</p>' for s in self.sentences)
        return f'<div class="narrative drafted">{body}</div>' if body else ""

    def _repr_html_(self) -> str:
        return self.to_html()


def paragraphs(sentences: list[str]) -> Paragraphs:
    """Drafted sentences as numbered paragraphs (see ``Paragraphs``)."""
    return Paragraphs(sentences)
