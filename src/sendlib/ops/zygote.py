"""Kernels forked from a warm process: a fresh kernel per notebook without paying for
its imports each time.

A kernel spends about 2.5 s of CPU importing IPython, pandas, matplotlib, great_tables
and sendlib before its first cell; fourteen sections pay that fourteen times. The zygote
is a process started once per run that imports all of it (and nothing more: no
function runs, no cache fills, no thread starts) and then waits on a Unix socket. A
kernel is started by a tiny launcher (``sendlib.ops.kernel_launcher``) in its place:
the launcher asks the zygote for a kernel, the zygote forks a child that becomes a
brand-new IPython kernel with the launcher's arguments, environment and folder, and the
launcher stands in for it (signals passed on, its exit awaited). Each notebook still
gets a fresh kernel — a fork of a process that has only imported modules — so nothing
leaks between sections.

If the zygote is not there (not started, or gone), the launcher runs an ordinary
``ipykernel_launcher`` instead: slower, never wrong.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

#: the environment variable that tells kernel managers where the zygote listens
ENV = "SENDLIB_ZYGOTE"
#: what a section's kernel imports before its first cell (the notebooks' own imports)
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "IPython.display",
    "pandas",
    "pyarrow",
    "matplotlib",
    "matplotlib.pyplot",
    "great_tables",
    "sendlib.paper",
)
READY = b"ready\n"
START_TIMEOUT = 60.0  # seconds for the zygote to import everything


class Zygote:
    """A running zygote process and the socket it listens on."""

    def __init__(self, process: subprocess.Popen, path: Path):
        self.process, self.path = process, path

    def alive(self) -> bool:
        return self.process.poll() is None and self.path.exists()

    def stop(self) -> None:
        """Stop the zygote (kernels already forked carry on to their end)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class Starting:
    """A zygote importing its modules; ``ready()`` waits for it (None if it failed)."""

    def __init__(self, process: subprocess.Popen, path: Path):
        self.process, self.path = process, path
        self._zygote: Zygote | None = None
        self._waited = False

    def ready(self, timeout: float = START_TIMEOUT) -> Zygote | None:
        if self._waited:
            return self._zygote
        self._waited = True
        out = self.process.stdout
        assert out is not None
        ready, _, _ = select.select([out], [], [], timeout)
        if ready and out.readline() == READY:
            self._zygote = Zygote(self.process, self.path)
        else:
            self.process.kill()
            self.process.wait()
        out.close()
        return self._zygote

    def stop(self) -> None:
        """Stop the zygote, ready or not."""
        Zygote(self.process, self.path).stop()
        if self.process.stdout and not self.process.stdout.closed:
            self.process.stdout.close()


def spawn(extra: tuple[str, ...] = ()) -> Starting:
    """Start a zygote importing PRELOAD (and ``extra``) in the background."""
    from sendlib.ops.kernels import SOCKETS

    SOCKETS.mkdir(mode=0o700, exist_ok=True)
    path = SOCKETS / f"z-{uuid.uuid4().hex[:16]}"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    process = subprocess.Popen(
        [sys.executable, "-m", "sendlib.ops.zygote", str(path), str(os.getpid()), *extra],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    return Starting(process, path)


def start(extra: tuple[str, ...] = ()) -> Zygote | None:
    """Start a zygote and wait for it; None if it cannot start (kernels then start the
    ordinary way)."""
    return spawn(extra).ready()


# ---------------------------------------------------------------- the zygote process
def serve(path: Path, owner: int, extra: list[str]) -> None:
    """Import everything, listen on ``path`` and fork a kernel for each request, until
    the owner process ends or the zygote is told to stop."""
    import importlib

    for name in (*PRELOAD, *extra):
        importlib.import_module(name)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    os.chmod(path, 0o600)
    server.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: _leave(path))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    while True:
        _reap()
        if not _running(owner):
            _leave(path)
        ready, _, _ = select.select([server], [], [], 1.0)
        if not ready:
            continue
        connection, _ = server.accept()
        request = _receive(connection)
        pid = os.fork()
        if pid == 0:  # the child: becomes the kernel and never returns
            server.close()
            _become_kernel(connection, request)
        connection.close()


def _become_kernel(connection: socket.socket, request: dict) -> None:
    """In the forked child: take the launcher's folder, environment and arguments, tell
    it our pid, and run an IPython kernel to its end."""
    code = 1
    try:
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]
        sys.argv = [sys.executable, *request["argv"]]
        random.seed()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        connection.sendall(f"{os.getpid()}\n".encode())
        connection.close()
        _exit_with(request["launcher"])
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _exit_with(launcher: int) -> None:
    """End this kernel if its launcher ends (killed: jupyter_client only knows it)."""

    def watch() -> None:
        try:
            handle = os.pidfd_open(launcher)
        except (OSError, AttributeError):
            while _running(launcher):
                time.sleep(0.5)
        else:
            select.select([handle], [], [])
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="sendlib-launcher-watch").start()


def _receive(connection: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return json.loads(data)


def _reap() -> None:
    """Collect the exit status of finished kernels (no zombies)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leave(path: Path) -> None:
    path.unlink(missing_ok=True)
    os._exit(0)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
