"""Stage 7, the ``sendlib`` command line (typer): one module per group of commands.

Exit codes (``sendlib.ops.request``): 0 done; 1 bad input (data, parameters, a failing
notebook); 2 the command line is wrong; 3 another run of the same month is in progress
(``--no-wait``); 4 rendering failed; 5 a bug in sendlib.
"""

from __future__ import annotations

import sys
import traceback

from sendlib.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """The ``sendlib`` command: a bug shows as one line, exit code 5, and its traceback
    (never mistaken for bad input)."""
    try:
        app(prog_name="sendlib")
    except Exception as exc:  # anything the commands did not turn into a message is a bug
        from sendlib.ops.request import EXIT_BUG

        traceback.print_exc()
        print(
            f"\nsendlib stopped on an internal error (a bug in sendlib, not your data): "
            f"{type(exc).__name__}: {exc}. Please report it with the traceback above.",
            file=sys.stderr,
        )
        sys.exit(EXIT_BUG)
