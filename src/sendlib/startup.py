"""What a process of sendlib's own changes about itself, called only where such a process
starts (the command line's ``main``, the fork server and its workers, a Dask worker that
runs a batch's tasks, a command, the tests' conftest): process-wide changes are never made
on import, where a notebook server, someone else's Dask worker or anyone's program
importing sendlib would be changed too. ``as_sendlib_process`` makes them all, so every
such process starts alike.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator


def as_sendlib_process() -> None:
    """Every process-wide change a process of sendlib's own makes where it starts (today
    one: ``skip_rfc3987_syntax``); the context managers below are for one block only."""
    skip_rfc3987_syntax()


def skip_rfc3987_syntax() -> None:
    """jsonschema imports rfc3987_syntax when it is installed (JupyterLab brings it) and
    compiles some 35 Lark grammars: seconds in every process that validates a notebook
    (nbformat), for an "iri" format no notebook schema uses
    (python-jsonschema/jsonschema#1428). Marked absent, jsonschema skips it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """No cycle collection while the block builds hundreds of thousands of objects that
    make no cycles (a SEN2 return's rows): the collector would scan them again and again,
    a fifth of an import. Process-wide, so only for a command run in its own process; the
    collector runs again afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
