"""The typer application every command module registers on (``sendlib.cli.commands``
imports the modules, so each command is registered once, in order)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="sendlib: the monthly SEND performance paper, scorecard and manifest.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # plain help: rich's panels show a "<bool>" value on flags that take none, and
    # wrap badly where there is no terminal
    rich_markup_mode=None,
)
