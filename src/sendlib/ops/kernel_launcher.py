"""``python -m sendlib.ops.kernel_launcher ZYGOTE ARGS…``: start a kernel from the zygote.

Stands in for the kernel it asks the zygote (``sendlib.ops.zygote``) to fork: signals
sent to it are passed on, and it exits when the kernel does, so that jupyter_client
manages it exactly as it would the kernel. Without a zygote to answer, it becomes an
ordinary ``ipykernel_launcher`` with the same arguments. Imports nothing heavy: it must
start in a few milliseconds.

It takes the run's zygote token from its environment and sends it with the request; the
kernel's environment is its own without the token, the zygote's address or the id key.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys

from sendlib.ops.processes import alive

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)
#: never in a kernel's environment (the names are sendlib.ops.zygote's and
#: sendlib.workers.SECRETS; not imported: this module starts in milliseconds)
HIDDEN = ("SENDLIB_ZYGOTE", "SENDLIB_ZYGOTE_TOKEN", "SENDLIB_ID_KEY")


def kernel_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in HIDDEN}


def ask(path: str, args: list[str], token: str) -> int:
    """The pid of a kernel the zygote at ``path`` forked for ``args``; OSError when it
    refused (or is not there)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(30)
        connection.connect(path)
        request = {
            "argv": args,
            "cwd": os.getcwd(),
            "env": kernel_environment(),
            "launcher": os.getpid(),
            "token": token,
        }
        connection.sendall(json.dumps(request).encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = connection.recv(4096)
            if not chunk:
                raise OSError("the zygote closed the connection")
            answer += chunk
    if answer.startswith(b"error"):
        raise OSError(f"the zygote said: {answer.decode(errors='replace').strip()}")
    return int(answer)


def wait_for(pid: int) -> None:
    """Pass signals on to ``pid`` until it ends."""
    for signum in FORWARDED:
        signal.signal(signum, lambda s, _f: _send(pid, s))
    try:
        handle = os.pidfd_open(pid)
    except OSError:  # already gone
        return
    except AttributeError:  # no pidfd on this system: ask now and then
        import time

        while alive(pid):
            time.sleep(0.2)
        return
    select.select([handle], [], [])


def _send(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def main(argv: list[str]) -> None:
    path, args = argv[0], argv[1:]
    token = os.environ.get("SENDLIB_ZYGOTE_TOKEN", "")
    try:
        pid = ask(path, args, token)
    except (OSError, ValueError):
        command = [sys.executable, "-m", "ipykernel_launcher", *args]
        os.execve(sys.executable, command, kernel_environment())
    wait_for(pid)


if __name__ == "__main__":
    main(sys.argv[1:])
