"""``python -m sendlib.ops.kernel_launcher ZYGOTE ARGS…``: start a kernel from the zygote.

Stands in for the kernel it asks the zygote (``sendlib.ops.zygote``) to fork: signals
sent to it are passed on, and it exits when the kernel does, so that jupyter_client
manages it exactly as it would the kernel. Without a zygote to answer, it becomes an
ordinary ``ipykernel_launcher`` with the same arguments. Imports nothing heavy: it must
start in a few milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)


def ask(path: str, args: list[str]) -> int:
    """The pid of a kernel the zygote at ``path`` forked for ``args``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(30)
        connection.connect(path)
        request = {
            "argv": args,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "launcher": os.getpid(),
        }
        connection.sendall(json.dumps(request).encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = connection.recv(64)
            if not chunk:
                raise OSError("the zygote closed the connection")
            answer += chunk
    return int(answer)


def wait_for(pid: int) -> None:
    """Pass signals on to ``pid`` until it ends."""
    for signum in FORWARDED:
        signal.signal(signum, lambda s, _f: _send(pid, s))
    try:
        handle = os.pidfd_open(pid)
    except OSError:  # already gone
        return
    select.select([handle], [], [])


def _send(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def main(argv: list[str]) -> None:
    path, args = argv[0], argv[1:]
    try:
        pid = ask(path, args)
    except (OSError, ValueError):
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *args])
    wait_for(pid)


if __name__ == "__main__":
    main(sys.argv[1:])
