"""Several papers one after another (a backfill of months, a council's team packs): each
ends on its own, and the command reports each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from sendlib.ops.request import EXIT_OK, EXIT_RENDER, RunError, RunRequest, RunResult
from sendlib.ops.runner import Progress, run
from sendlib.render.errors import RenderError


@dataclass
class RunOutcome:
    """How one paper of several ended."""

    request: RunRequest
    result: RunResult | None = None
    error: RunError | RenderError | None = None

    @property
    def exit_code(self) -> int:
        if self.error is None:
            return EXIT_OK
        return self.error.exit_code if isinstance(self.error, RunError) else EXIT_RENDER


def run_many(
    requests: Iterable[RunRequest],
    watch: Callable[[RunRequest], AbstractContextManager[Progress]] | None = None,
) -> list[RunOutcome]:
    """Several papers one after another (a backfill, team packs): each ends on its own;
    ``watch`` gives each run a progress callback for as long as it runs."""
    outcomes = []
    for request in requests:
        with watch(request) if watch else nullcontext(None) as say:
            try:
                outcomes.append(RunOutcome(request, run(request, say)))
            except (RunError, RenderError) as exc:
                outcomes.append(RunOutcome(request, error=exc))
    return outcomes
