"""Section 1: the summary — headline tiles (``headlines`` in kpis.yaml) and the month's key
messages."""

from __future__ import annotations

import html

from sendlib.paper import caseload, disputes, requests, reviews, timeliness
from sendlib.paper.notebook_context import Context, Html
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.scorecard.build import headline_tiles


def tiles(ctx: Context) -> Html:
    """The headline tiles: the catalogue's headline figures with their months."""
    cells = []
    for tile in headline_tiles(
        ctx.scorecard, ctx.month, ctx.catalogue.headlines, ctx.values, ctx.catalogue, ctx.status
    ):
        when = f" ({tile['period']})" if tile["period"] else ""
        cells.append(
            f'<li class="tile"><span class="tile-label">{html.escape(tile["label"])}'
            f"{html.escape(when)}</span>"
            f'<span class="tile-value">{html.escape(tile["value"])}</span></li>'
        )
    return Html(f'<ul class="tiles" aria-label="Headline figures">{"".join(cells)}</ul>')


def key_messages(ctx: Context) -> Paragraphs:
    """The headline facts of the month, one numbered paragraph each."""
    return paragraphs(
        [
            caseload.headline(ctx),
            requests.headline(ctx),
            timeliness.headline(ctx),
            reviews.headline(ctx),
            disputes.headline(ctx),
        ]
    )
