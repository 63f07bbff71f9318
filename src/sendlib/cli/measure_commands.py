"""``sendlib measures``: the measures sendlib computes, with their definitions."""

from __future__ import annotations

from typing import Annotated

import typer

from sendlib.cli.application import app


@app.command()
def measures(
    markdown: Annotated[
        bool,
        typer.Option(
            "--markdown",
            help="Print docs/measures.md (every family's measures as tables) instead.",
        ),
    ] = False,
) -> None:
    """List every measure a KPI's ``source`` can name: its id, its disclosure class and
    what it counts (as each family declares it, beside the code that computes it)."""
    from sendlib.measures import document

    if markdown:
        typer.echo(document.markdown(), nl=False)
        return
    for kpi, kind, definition in document.listing():
        typer.echo(f"{kpi}  [{kind}]\n    {definition}")
