"""Stage 7, the ``sendlib`` command line (typer): one module per group of commands.

Exit codes (``sendlib.ops.request``): 0 done; 1 bad input (data, parameters, a failing
notebook); 2 the command line is wrong; 3 another run of the same month is in progress
(``--no-wait``); 4 rendering failed; 5 a bug in sendlib.

This module imports nothing heavy: the ``sendlib`` script imports it, and so does every
worker process a run starts (multiprocessing loads the main script in each); the
commands load when ``main`` runs (``app`` is there on first use).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import traceback

__all__ = ["app", "main"]


def main() -> None:
    """The ``sendlib`` command: a bug shows as one line, exit code 5, and its traceback
    (never mistaken for bad input)."""
    from sendlib.startup import as_sendlib_process

    as_sendlib_process()  # rfc3987_syntax skipped: seconds in each command reading a notebook
    ending = _Ending()
    atexit.register(ending.leave)  # skips the interpreter's tear-down: see _Ending
    _start_workers_early(sys.argv[1:])
    from sendlib.cli.commands import app

    try:
        try:
            app(prog_name="sendlib")
        finally:
            _join_background_writes()
    except SystemExit as done:
        ending.end_with(done.code)
        raise
    except Exception as exc:  # anything the commands did not turn into a message is a bug
        from sendlib.ops.request import EXIT_BUG

        traceback.print_exc()
        print(
            f"\nsendlib stopped on an internal error (a bug in sendlib, not your data): "
            f"{type(exc).__name__}: {exc}. Please report it with the traceback above.",
            file=sys.stderr,
        )
        ending.end_with(EXIT_BUG)
        sys.exit(EXIT_BUG)


class _Ending:
    """The process's end without the interpreter's tear-down (a third of a second with
    pandas, pyarrow and nbformat loaded, on every command). ``leave`` runs at exit after
    everything else Python does there — threads joined, pools' pending work finished,
    every other exit handler run — then flushes the output and ends the process with the
    command's exit code. What it skips is only freeing memory the process gives back.
    A command stopped another way (Ctrl-C) ends as Python ends it."""

    code: int | None = None  # set when the command ended with an exit code

    def end_with(self, code: object) -> None:
        if code is None:
            self.code = 0
        elif isinstance(code, int):
            self.code = code
        else:  # sys.exit("message"): Python prints the message, the exit code is 1
            self.code = 1

    def leave(self) -> None:
        if self.code is None:
            return
        if "logging" in sys.modules:
            sys.modules["logging"].shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
                stream.flush()
        os._exit(self.code)


def _join_background_writes() -> None:
    """Wait for the typed-table cache's writes, raising any error one met (a bug: it
    then ends the command with exit code 5, never lost in a thread)."""
    cache = sys.modules.get("sendlib.data.cache")  # loaded only by commands that read data
    if cache is not None:
        cache.flush()


def _start_workers_early(args: list[str]) -> None:
    """``sendlib run`` lays out its PDF in workers forked from a fork server that loads
    WeasyPrint (a second of imports). Started here, before the command line's own
    imports, that second overlaps with them: a narrative-only re-render is a second
    sooner. Nothing else depends on it (the run starts the server itself otherwise)."""
    if args[:1] != ["run"] or {"--help", "--preview"} & set(args):
        return
    from sendlib.workers import start_fork_server

    start_fork_server(*(["pdf"] if "--narrative-only" in args else []))


def __getattr__(name: str):
    if name == "app":  # the typer application, with every command registered
        from sendlib.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
