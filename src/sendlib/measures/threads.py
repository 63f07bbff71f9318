"""Independent pieces of work on shared arrays, run in threads.

numpy, pandas and Arrow release the GIL in their large loops (sorts, gathers, joins), so
on two cores the KPI families and ``prepare``'s joins overlap with other work. Every piece
is a pure function of read-only inputs: the results, and their order, are the same as one
after another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def cores() -> int:
    """Threads worth running at once: one per core."""
    return os.cpu_count() or 1


def in_threads(jobs: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """Each job's result by name, in the jobs' order; at most one thread per core."""
    workers = min(len(jobs), cores())
    if workers <= 1:
        return {name: job() for name, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sendlib-measures") as pool:
        running = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in running.items()}
