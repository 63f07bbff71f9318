"""Where sendlib's worker processes come from: a fork server, never a plain fork.

A process that has threads running (pyarrow's pools, a thread writing the workbook) must
not be forked: the child can inherit a lock held by a thread that does not exist in it,
and hang now and then. So notebook and PDF workers are forked from a fork server — a
fresh, single-threaded process started once per run — that has loaded what they need.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

#: what the fork server loads once, so that each worker starts with it
PRELOAD = ["sendlib", "weasyprint", "papermill", "sendlib.render.pdf", "sendlib.ops.kernels"]


def fork_server() -> ForkServerContext:
    """The multiprocessing context of sendlib's worker processes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context
