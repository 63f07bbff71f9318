"""The sendlib command: the application with every command module registered on it."""

from __future__ import annotations

from sendlib.cli.application import app

# the commands, in the order ``sendlib --help`` lists them
# isort: off
from sendlib.cli import (  # noqa: F401
    data_commands,
    import_commands,
    check_commands,
    measure_commands,
    paper_commands,
    batch_commands,
)
# isort: on

__all__ = ["app"]
