"""Kernels forked from a warm process: a fresh kernel per notebook without paying for
its imports each time.

A kernel spends about 2.5 s of CPU importing IPython, pandas, matplotlib and
sendlib before its first cell; fourteen sections pay that fourteen times. The zygote
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

The zygote runs code for whoever may ask it, so only its own run may: it listens in the
run's private folder (``ops.runtime``: made by the run, mode 0700, checked), its socket
is bound under umask 077 (no moment when it is open to others), and every request must
carry the run's token (given to the zygote on its standard input and to the run's
workers in their environment, never on a command line) and come from this account.
Anything else is refused without a fork. A fork is made only of a single-threaded
zygote (``workers.assert_single_threaded``); if it had threads the launcher is told to
start an ordinary kernel.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import random
import re
import secrets
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from sendlib.ops import runtime
from sendlib.ops.processes import alive
from sendlib.workers import (
    FORK_SAFE_ENV,
    ThreadedFork,
    assert_single_threaded,
    without_secrets,
)

#: the environment variable that tells kernel managers where the zygote listens
ENV = "SENDLIB_ZYGOTE"
#: … and the run's token, which the launcher sends with each request
TOKEN_ENV = "SENDLIB_ZYGOTE_TOKEN"
#: what no kernel inherits: the zygote's address and token, and the secrets
PRIVATE = (ENV, TOKEN_ENV)
MAX_REQUEST = 1 << 20  # bytes: a kernel's argv, folder and environment
REQUEST_TIMEOUT = 3.0  # seconds a client may take to send its request (a launcher sends at
# once; one that does not is dropped, and a slow launcher starts an ordinary kernel)
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
    # the charts' theme: seaborn brings scipy and statsmodels with it, a second or more
    # of CPU that every section with a chart would otherwise pay in its own kernel
    "seaborn",
    "sendlib.paper",
)
READY = b"ready\n"
START_TIMEOUT = 60.0  # seconds for the zygote to import everything


class Zygote:
    """A running zygote process, the socket it listens on and the token it wants."""

    def __init__(self, process: subprocess.Popen, path: Path, token: str = ""):
        self.process, self.path, self.token = process, path, token

    def environment(self) -> dict[str, str]:
        """What the run's workers need to start kernels from it."""
        return {ENV: str(self.path), TOKEN_ENV: self.token}

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

    def __init__(self, process: subprocess.Popen, path: Path, token: str):
        self.process, self.path, self.token = process, path, token
        self._zygote: Zygote | None = None
        self._waited = False

    def environment(self) -> dict[str, str]:
        """What the run's workers need to start kernels from it (once it is ready)."""
        return {ENV: str(self.path), TOKEN_ENV: self.token}

    def ready(self, timeout: float = START_TIMEOUT) -> Zygote | None:
        if self._waited:
            return self._zygote
        self._waited = True
        out = self.process.stdout
        assert out is not None
        ready, _, _ = select.select([out], [], [], timeout)
        if ready and out.readline() == READY:
            self._zygote = Zygote(self.process, self.path, self.token)
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


#: ``from sendlib.x import y`` / ``import sendlib.x`` at the start of a line of a cell
NOTEBOOK_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(sendlib(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)"
    r"|import[ \t]+(sendlib(?:\.\w+)*))",
    re.MULTILINE,
)


def notebook_imports(notebooks: Iterable[Path]) -> tuple[str, ...]:
    """The sendlib modules the notebooks' code cells import, for the zygote to import once
    for every kernel (``from sendlib.paper import caseload`` may name the module
    ``sendlib.paper.caseload``: the zygote tries it and goes on if it is not one). Only
    sendlib's own modules, which start no thread when imported; a notebook that cannot be
    read adds nothing (its run says why)."""
    found: dict[str, None] = {}
    for path in notebooks:
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for cell in cells:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            for package, names, module in NOTEBOOK_IMPORT.findall(source):
                if module:
                    found[module] = None
                    continue
                found[package] = None
                for name in names.strip("()").split(","):
                    if name.split():
                        found[f"{package}.{name.split()[0]}"] = None
    return tuple(name for name in found if name not in PRELOAD)


def _import_if_there(name: str) -> None:
    """Import a module a notebook names; one that is not a module (a function imported
    from a package) or that fails is left to the kernel, whose cell then says why."""
    import importlib

    try:
        importlib.import_module(name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit too: the notebook's own cell reports it
        sys.modules.pop(name, None)
        print(f"sendlib zygote: {name} not preloaded: {type(exc).__name__}", file=sys.stderr)


def spawn(folder: Path | None = None, extra: tuple[str, ...] = ()) -> Starting:
    """Start a zygote importing PRELOAD (and ``extra``) in the background, listening in the
    private ``folder`` (default: this process's own, ``runtime.current()``)."""
    folder = runtime.check_private(folder or runtime.current())
    path = folder / f"z-{secrets.token_hex(8)}"  # a process may run more than one
    token = secrets.token_hex(32)
    env = {**without_secrets(os.environ), **FORK_SAFE_ENV}
    for name in PRIVATE:
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "sendlib.ops.zygote", str(path), str(os.getpid()), *extra],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert process.stdin is not None
    try:  # the token on a pipe: a command line is visible to every account
        process.stdin.write(token.encode() + b"\n")
        process.stdin.close()
    except OSError:  # the zygote died at once: ready() says so
        pass
    return Starting(process, path, token)


def start(folder: Path | None = None, extra: tuple[str, ...] = ()) -> Zygote | None:
    """Start a zygote and wait for it; None if it cannot start (kernels then start the
    ordinary way)."""
    return spawn(folder, extra).ready()


# ---------------------------------------------------------------- the zygote process
def serve(path: Path, owner: int, extra: list[str]) -> None:
    """Import everything, listen on ``path`` and fork a kernel for each request that
    carries the token, until the owner process ends or the zygote is told to stop."""
    import importlib

    token = sys.stdin.readline().strip()
    runtime.check_private(path.parent)
    if len(token) < 32:
        raise SystemExit("sendlib zygote: no token on standard input")
    for name in PRELOAD:
        importlib.import_module(name)
    for name in extra:
        _import_if_there(name)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o077)  # the socket is made closed: no moment when others may connect
    try:
        server.bind(str(path))
    finally:
        os.umask(umask)
    server.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: _leave(path))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    while True:
        _reap()
        if not alive(owner):
            _leave(path)
        ready, _, _ = select.select([server], [], [], 1.0)
        if not ready:
            continue
        connection, _ = server.accept()
        request = _admit(connection, token)
        if request is None:
            connection.close()
            continue
        try:
            assert_single_threaded("the kernels' zygote")
        except ThreadedFork as exc:  # never fork it: the launcher starts a kernel itself
            _refuse(connection, str(exc))
            continue
        pid = os.fork()
        if pid == 0:  # the child: becomes the kernel and never returns
            server.close()
            _become_kernel(connection, request)
        connection.close()


def _admit(connection: socket.socket, token: str) -> dict | None:
    """The request on ``connection`` if it comes from this account and carries the run's
    token; None (after saying why, to the client) otherwise."""
    uid = _peer_uid(connection)
    if uid is not None and uid != os.getuid():
        _refuse(connection, f"refused: uid {uid} is not the run's")
        return None
    try:
        connection.settimeout(REQUEST_TIMEOUT)
        request = _receive(connection)
        connection.settimeout(None)
    except (OSError, ValueError):
        _refuse(connection, "refused: not a request")
        return None
    if not isinstance(request, dict) or not hmac.compare_digest(
        str(request.get("token", "")).encode(), token.encode()
    ):
        _refuse(connection, "refused: not this run's token")
        return None
    if not (
        isinstance(request.get("argv"), list)
        and all(isinstance(a, str) for a in request["argv"])
        and isinstance(request.get("cwd"), str)
        and isinstance(request.get("env"), dict)
        and isinstance(request.get("launcher"), int)
    ):
        _refuse(connection, "refused: not a kernel request")
        return None
    return request


def _peer_uid(connection: socket.socket) -> int | None:
    """The account of the process at the other end (Linux), None where unknown."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        creds = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    return struct.unpack("3i", creds)[1]


def _refuse(connection: socket.socket, why: str) -> None:
    with contextlib.suppress(OSError):
        connection.sendall(f"error {why}\n".encode())
    connection.close()


def _become_kernel(connection: socket.socket, request: dict) -> None:
    """In the forked child: take the launcher's folder, environment and arguments, tell
    it our pid, and run an IPython kernel to its end."""
    code = 1
    try:
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(without_secrets(request["env"]))
        for name in PRIVATE:
            os.environ.pop(name, None)
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
            while alive(launcher):
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
        if len(data) > MAX_REQUEST:
            raise ValueError("request too long")
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


def _leave(path: Path) -> None:
    path.unlink(missing_ok=True)
    os._exit(0)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
