"""Narrative: the analysts' words and the facts sendlib drafts from the KPIs.

Analysts write each section's commentary in ``params/narrative/YYYY-MM/<slug>.md``
(plain markdown; one file per section, any number of paragraphs). A re-render only reads
these files, so it can never overwrite them. Alongside, each section gets sentences
drafted from the figures in the register of a council's monthly report ("The number of
EHCPs continues to rise, now 2,695, 9.6% higher than a year ago."): thousands separators,
up/down/unchanged compared at the precision shown, pluralisation, and no claim the
numbers do not support (a "continues to rise" needs two rises in a row).
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from sendlib.scorecard import formats as fmt

if TYPE_CHECKING:
    from sendlib.paper.sections import Section

#: GitHub-flavoured markdown as analysts write it: tables, bare addresses as links
_md = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(
    ["table", "strikethrough", "linkify"]
)
_safe_link = _md.validateLink
_md.validateLink = lambda url: True  # every link and image is checked below, with a message
#: notes to the analyst in narrative files (<!-- … -->) never reach the paper
REVIEW_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
REVIEW_MARKER = "sendlib: review"


def narrative_path(params_dir: Path | str, month: str, slug: str) -> Path:
    """Where an analyst writes a section's commentary for a month (keyed by the section's
    slug: ``params/narrative/2026-10/timeliness.md``)."""
    return Path(params_dir) / "narrative" / month / f"{slug}.md"


def find_narrative(
    params_dir: Path | str, month: str, slug: str, legacy: tuple[str, ...] = ()
) -> Path | None:
    """The section's narrative file for the month: by slug, else under an older name (the
    notebook stem, ``04_timeliness.md``, used before sections had slugs)."""
    for name in (slug, *legacy):
        path = narrative_path(params_dir, month, name)
        if path.exists():
            return path
    return None


def analyst_html(
    params_dir: Path | str, month: str, slug: str, legacy: tuple[str, ...] = ()
) -> str:
    """The analyst's commentary as HTML paragraphs (numbered later), or '' if none.
    Raises ``NarrativeError`` for an image that is not a picture file under ``params/``."""
    path = find_narrative(params_dir, month, slug, legacy)
    if path is None:
        return ""
    return markdown_html(path.read_text(encoding="utf-8"), path, Path(params_dir))


class NarrativeError(ValueError):
    """A narrative file asks for something the paper does not take (a remote image, a
    file outside ``params/``); the message names the file and what to do."""


#: pictures a narrative may show, by suffix (SVG is not among them: it can name files
#: and addresses of its own)
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}
MAX_IMAGE_BYTES = 10_000_000


def image_data(src: str, source: Path | None, root: Path | None) -> str:
    """A narrative image as a ``data:`` URI, so the paper opens offline and nothing is
    fetched when it is rendered: only a picture file under ``root`` (``params/``), named
    relative to the narrative file. Anything else raises ``NarrativeError``."""
    from urllib.parse import unquote, urlsplit

    where = f"{source}: " if source is not None else ""
    allowed = "save the picture under params/ (e.g. params/images/) and name it from there"
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("//"):
        raise NarrativeError(
            f"{where}image '{src}' is not a file: the paper fetches nothing from the network "
            f"or elsewhere; {allowed}"
        )
    if source is None or root is None:
        raise NarrativeError(f"{where}image '{src}': images are only taken from params/")
    path = (source.parent / unquote(parts.path)).resolve()
    if not path.is_relative_to(Path(root).resolve()):
        raise NarrativeError(f"{where}image '{src}' is outside {root}/; {allowed}")
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None:
        raise NarrativeError(
            f"{where}image '{src}' is not a PNG, JPEG or GIF picture (by its name)"
        )
    if not path.is_file():
        raise NarrativeError(f"{where}image '{src}' does not exist ({path})")
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise NarrativeError(f"{where}image '{src}' is larger than 10 MB")
    import base64

    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def markdown_html(text: str, source: Path | None = None, root: Path | None = None) -> str:
    """Narrative markdown as the paper's paragraphs; notes to the analyst are dropped and
    raw HTML is not allowed through. Images are put in as data (``image_data``; the
    narrative file ``source`` is read from ``root``, the parameters folder)."""
    text = REVIEW_COMMENT.sub("", text).strip()
    if not text:
        return ""
    tokens = _md.parse(text)
    where = f"{source}: " if source is not None else ""
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                child.attrSet("src", image_data(child.attrGet("src") or "", source, root))
            elif child.type == "link_open" and not _safe_link(child.attrGet("href") or ""):
                raise NarrativeError(
                    f"{where}link '{child.attrGet('href')}' is not allowed in the paper "
                    "(javascript:, vbscript:, file: and data: links are refused)"
                )
            elif child.type == "link_open" and child.markup == "linkify":
                child.attrSet("class", "bare-link")  # its text is its address: printed once
        if token.type == "table_open":
            token.attrSet("class", "data narrative-table")
        elif token.type == "th_open":
            token.attrSet("scope", "col")
    return _md.renderer.render(tokens, _md.options, {}).replace("<p>", '<p class="para">')


def narrative_block(slug: str, body: str) -> str:
    """The analyst's block in the paper (the stitcher puts it in the section's slot)."""
    return f'<div class="narrative analyst" data-narrative="{html.escape(slug)}">{body}</div>'


def pending_review(params_dir: Path | str, month: str) -> list[Path]:
    """Narrative files still marked for review (carried over by ``sendlib new-month``)."""
    folder = Path(params_dir) / "narrative" / month
    return sorted(p for p in folder.glob("*.md") if REVIEW_MARKER in p.read_text(encoding="utf-8"))


def number(value: float, places: int = 0) -> str:
    """4,712 / 21.4 — thousands separators, fixed decimals."""
    return f"{value:,.{places}f}"


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """'1 plan', '2 plans', '0 plans', '1 mediation case'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def agree(count: float, singular: str, plural_form: str) -> str:
    """The verb that agrees with a count: agree(1, "is", "are") → "is"."""
    return singular if count == 1 else plural_form


def were(count: float) -> str:
    return agree(count, "was", "were")


def missing(*values: float | None) -> bool:
    return any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)


#: what a change is on, in the words a sentence ends with
AGAINST = {
    "last_month": "last month",
    "last_year": "a year ago",
    "this_point_last_year": "at this point last year",
}


def compared(
    now: float,
    before: float,
    against: str = "last_month",
    unit: str = "count",
    places: int = 0,
    relative: bool = False,
) -> str:
    """The one phrase for a change, compared at display precision so it never contradicts
    the printed figures: 'up from 84 last month', 'down from 4.8% a year ago', 'unchanged
    on last month', 'the same as a year ago'; with ``relative``, '5.9% higher than a year
    ago' (a change on zero is said as a change from it). '' when either is missing."""
    if missing(now, before):
        return ""
    when = AGAINST[against]
    direction = fmt.direction(now, before, places)
    if direction == "same":
        return f"unchanged on {when}" if against == "last_month" else f"the same as {when}"
    if relative and before:
        pct = 100.0 * (now - before) / before
        if round(abs(pct), 1) == 0:
            return f"less than 0.1% {'higher' if pct > 0 else 'lower'} than {when}"
        return f"{abs(pct):.1f}% {'higher' if pct > 0 else 'lower'} than {when}"
    return f"{direction} from {fmt.format_value(before, unit, places)} {when}"


def movement(series: list[float], places: int = 0) -> str:
    """How the latest value moved: 'continues to rise', 'has risen', 'has fallen', …"""
    values = [v for v in series[-3:]]
    if len(values) < 2 or missing(values[-1], values[-2]):
        return "is"
    last = fmt.direction(values[-1], values[-2], places)
    before = (
        fmt.direction(values[-2], values[-3], places)
        if len(values) == 3 and not missing(values[-3])
        else ""
    )
    if last == "up":
        return "continues to rise" if before == "up" else "has risen"
    if last == "down":
        return "continues to fall" if before == "down" else "has fallen"
    return "is unchanged"


def narrative_files(
    params_dir: Path, month: str, sections: list[Section]
) -> tuple[list[Path], list[Path]]:
    """The month's narrative files the paper uses (one per section, by slug or old name)
    and those it does not (a misspelt name, a section not in this paper)."""
    used = [
        path
        for s in sections
        if s.narrative
        and (path := find_narrative(params_dir, month, s.slug, s.legacy_names)) is not None
    ]
    folder = Path(params_dir) / "narrative" / month
    present = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return used, [p for p in present if p not in used]


def unused_reason(path: Path, sections: list[Section]) -> str:
    """Why a narrative file is not used, with the section it was most likely meant for:
    'timelines.md names no section of this paper: did you mean timeliness.md?'."""
    import difflib

    slugs = [s.slug for s in sections if s.narrative]
    names = {name: s.slug for s in sections if s.narrative for name in (s.slug, *s.legacy_names)}
    close = difflib.get_close_matches(path.stem, list(names), n=1, cutoff=0.6)
    hint = f": did you mean {names[close[0]]}.md?" if close else ""
    return (
        f"{path} names no section of this paper{hint} (narrative files are named "
        f"{', '.join(slugs)})"
    )
