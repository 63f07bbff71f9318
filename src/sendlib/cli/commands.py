"""The typer application every command module registers on."""

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

# the commands, in the order ``sendlib --help`` lists them
from sendlib.cli import (  # noqa: E402,F401,I001
    data_commands,
    import_commands,
    check_commands,
    paper_commands,
    batch_commands,
)
