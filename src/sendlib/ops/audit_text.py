"""The audit in running text: a withheld figure stated in a sentence, alt text or line
that names it, or a table's row printed as a line (the PDF's text)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from sendlib.months import Month
from sendlib.ops.audit_figures import Breach, Figure, count_forms, numbers_in


def _context(figure: Figure, month: Month) -> bool:
    """The months a sentence talks about: this month, last month and a year ago."""
    return figure.period in (month, month - 1, month - 12)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+|\n+", text) if s.strip()]


#: a number as a table's cell prints it: 12, 1,234, 40.0%, [c]
CELL = re.compile(r"^(?:\d[\d,]*(?:\.\d+)?%?|\[[a-z]\])$")
#: a word that ends a sentence or a clause: a line holding (part of) running text
SENTENCE_END = re.compile(r"[A-Za-z0-9%)\]][.;:!?](?:\s|$)")


def _running_text(line: str) -> bool:
    """A line of a page that holds running text, not a table's row: it has a sentence's
    punctuation and does not end in a row's cells ('School, college or early years setting
    1 3' is a row of the requests-by-source table, not a sentence about early years)."""
    tokens = line.split()
    trailing = 0
    while trailing < len(tokens) and CELL.match(tokens[-1 - trailing]):
        trailing += 1
    return trailing < 2 and bool(SENTENCE_END.search(line))


def in_text(
    file: str,
    units: Iterable[tuple[str, str]],
    figures: list[Figure],
    month,
    published,
    lines: bool = False,
) -> list[Breach]:
    """Breaches in sentences, alt text and lines (``units``: place, text). ``lines``: the
    units are a page's lines (the PDF's text), where a table's row is a line too: a table
    group is looked for only in the lines of running text (``in_lines`` reads the rows,
    and the HTML and Word copies hold the same sentences whole)."""
    out = []
    wanted = [
        f
        for f in figures
        if f.phrases and (_context(f, month) if f.kind != "cell" else f.period == month)
    ]
    # the KPI before its measure, this month before last month and last year: one breach
    # is named by the figure a reader would take it for
    wanted.sort(key=lambda f: (f.kind != "kpi", f.period != month, f.period > month))
    for place, text in units:
        for sentence in _sentences(text):
            numbers = numbers_in(sentence)
            if not numbers:
                continue
            for figure in wanted:
                hit = figure.forms & numbers
                if figure.kind == "cell":  # a group named in a sentence, not a table's line
                    if len(sentence.split()) < 5 or (lines and not _running_text(sentence)):
                        continue
                    hit &= set(count_forms(figure.value))
                if not hit or not figure.named_in(sentence):
                    continue
                hit -= published.get(figure.id, set())
                numbers -= hit  # each number stated is one breach
                if hit:
                    out.append(
                        Breach(
                            file,
                            f"{place}: “{sentence.strip()[:160]}”",
                            figure.name,
                            sorted(hit)[0],
                        )
                    )
    return out


def in_lines(file: str, lines: list[tuple[str, str]], figures: list[Figure], month) -> list[Breach]:
    """A table row printed as a line: a withheld cell's group followed by its number, under
    its table's caption."""
    out = []
    caption = ""
    cells = [f for f in figures if f.kind == "cell" and f.period == month and not f.column]
    for place, line in lines:
        text = line.strip()
        low = text.lower()
        if any(low.startswith(c) for f in cells for c in f.captions):
            caption = low
            continue
        for figure in cells:
            if not any(caption.startswith(c) for c in figure.captions):
                continue
            label = figure.label.lower()
            if low.startswith(label + " "):
                first = text[len(label) :].strip().split(" ")[0]
                if first in figure.forms:
                    out.append(Breach(file, f"{place}: “{text[:120]}”", figure.name, first))
    return out


def plain_text(markup: str) -> str:
    """The text of an HTML fragment (the analysts' narrative as the paper prints it)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))
