"""Starting kernels so that a run never fails by chance, and executing a notebook in one.

Kernels started side by side over TCP race for ports: jupyter_client picks free ports,
releases them, and the kernel binds them a moment later, by which time another kernel
may have taken one (papermill issue #511) — "Kernel died before replying to
kernel_info", one cold run in six on a 2-core machine. So kernels talk over Unix
sockets (IPC transport), each in a folder of its own name, where two cannot collide; and
whatever still kills a kernel before it is ready (a full disk, a killed process) is
retried with a fresh kernel, up to ``ATTEMPTS`` times, each retry written to the log.
A failure inside a cell is never retried: it is the notebook's, not the kernel's.

The sockets are made in the run's private folder (``ops.runtime``), never in a folder of
a fixed name that another account could have made first. On the portable path
(``sendlib.workers.portable``: no Unix sockets or fork) kernels are ordinary kernels on
127.0.0.1 over TCP, and the retry covers the race for ports.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from functools import partial
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from sendlib.ops import runtime
from sendlib.ops.zygote import ENV as ZYGOTE_ENV
from sendlib.workers import portable, without_secrets

KERNEL = "python3"
ATTEMPTS = 3


class IpcKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel listens on Unix sockets of its own name, in the run's
    private folder (TCP on 127.0.0.1 on the portable path)."""

    @default("transport")
    def _transport_default(self) -> str:
        return "tcp" if portable() or not runtime.unix_sockets() else "ipc"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel's command; an ordinary IPython kernel is forked from the run's zygote
        when there is one (``sendlib.ops.zygote``)."""
        cmd = super().format_kernel_cmd(extra_arguments)
        zygote = os.environ.get(ZYGOTE_ENV, "")
        if (
            zygote
            and not portable()
            and cmd[1:3] == ["-m", "ipykernel_launcher"]
            and Path(zygote).exists()
        ):
            return [cmd[0], "-m", "sendlib.ops.kernel_launcher", zygote, *cmd[3:]]
        return cmd

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        """Launch the kernel with an environment that holds no secret (the id key)."""
        kw["env"] = without_secrets(kw.get("env") or os.environ)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return "127.0.0.1"
        return str(runtime.current() / f"k-{uuid.uuid4().hex[:16]}")


class KernelStartError(RuntimeError):
    """A kernel died or timed out before it was ready, every time it was started."""


def execute(
    source: str,
    target: str,
    parameters: dict,
    cwd: str,
    timeout: int,
    log: str | None = None,
    kernel: str = KERNEL,
    attempts: int = ATTEMPTS,
) -> float:
    """Execute a notebook with papermill in a fresh kernel; returns the seconds it took.

    A kernel that dies before it is ready is replaced, up to ``attempts`` times (each
    retry logged to ``log``); an error in a cell is raised at once."""
    import papermill

    start = time.perf_counter()
    for attempt in range(1, attempts + 1):
        ready: list[bool] = []
        try:
            papermill.execute_notebook(
                source,
                target,
                parameters=parameters,
                kernel_name=kernel,
                execution_timeout=timeout,
                cwd=cwd,
                progress_bar=False,
                log_output=False,
                report_mode=True,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                kernel_manager_class=IpcKernelManager,
                on_notebook_start=partial(_mark, ready),
            )
            return time.perf_counter() - start
        except Exception as exc:  # any failure before the kernel was ready is the start's
            if ready:
                raise  # the kernel ran: the notebook failed, not the start
            name = Path(source).name
            _log(
                log,
                f"{name}: kernel died before it was ready (attempt {attempt} of {attempts}): "
                f"{type(exc).__name__}: {exc}",
            )
            if attempt == attempts:
                raise KernelStartError(
                    f"{name}: the kernel died before it was ready, {attempts} times; "
                    f"last: {type(exc).__name__}: {exc}"
                ) from exc
    raise AssertionError("unreachable")


def _mark(flags: list[bool], **_: object) -> None:
    """nbclient's hook once the kernel is ready: from here a failure is the notebook's."""
    flags.append(True)


def _log(path: str | None, line: str) -> None:
    if path is None:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{stamp} {line}\n")
