"""Stage 7, the ``sendlib`` command line (typer): one module per group of commands.

Exit codes: 0 done; 1 bad input (data, parameters, a failing notebook); 2 rendering
failed; 3 another run of the same month is in progress (``--no-wait``).
"""

from sendlib.cli.app import app

__all__ = ["app"]
