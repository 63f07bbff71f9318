"""The portable path (Windows, macOS, or SENDLIB_PORTABLE=1): no fork, no Unix sockets, no
fcntl, no pidfd — spawned workers, plain kernels over TCP with the start retry, filelock
month locks. Run here on Linux, forced, down to a cold paper."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from helpers import notebook_dir, params_dir
from sendlib.ops.locks import Busy, month_lock
from sendlib.workers import fork_server, portable


@pytest.fixture
def forced(monkeypatch):
    monkeypatch.setenv("SENDLIB_PORTABLE", "1")


def test_portable_is_forced_by_the_environment_and_chosen_without_fork(monkeypatch):
    monkeypatch.delenv("SENDLIB_PORTABLE", raising=False)
    assert not portable()  # this Linux has all of it
    monkeypatch.delattr(os, "pidfd_open")
    assert portable()  # e.g. macOS: no pidfd


def test_on_the_portable_path_workers_are_spawned_and_kernels_use_tcp(forced):
    from sendlib.ops.engines import Engines
    from sendlib.ops.kernels import IpcKernelManager

    assert fork_server("notebooks").get_start_method() == "spawn"
    manager = IpcKernelManager(kernel_name="python3")
    assert manager.transport == "tcp" and manager.ip == "127.0.0.1"
    with Engines(1, notebooks=True, pdf=False) as engines:
        assert engines.runtime is None and engines._zygote is None  # no sockets, no fork


def test_the_portable_month_lock_excludes_the_default_one(tmp_path, monkeypatch):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from sendlib.ops.locks import month_lock\n"
            "with month_lock(Path(sys.argv[1]), '2025-06'):\n"
            "    print('held', flush=True); time.sleep(30)\n",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "SENDLIB_PORTABLE"},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("SENDLIB_PORTABLE", "1")
        with (
            pytest.raises(Busy, match="another run of 2025-06"),
            month_lock(tmp_path, "2025-06", wait=False),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    with month_lock(tmp_path, "2025-06", wait=True, timeout=10):
        pass  # released by the system when its holder died
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_a_cold_paper_on_the_portable_path(tmp_path, demo_data):
    # the default path renders papers throughout the suite; this one is forced portable
    books = notebook_dir(tmp_path, **{"00_cover": "00_cover", "02_caseload": "02_caseload"})
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "sendlib", "run", "--data", str(demo_data), "--out", str(out),
         "--notebooks", str(books), "--params", str(params_dir(tmp_path)), "--month", "2025-06"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "SENDLIB_PORTABLE": "1", "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    published = out / "2025-06"
    names = {p.name for p in published.iterdir()}
    assert {"paper.html", "paper.pdf", "paper.docx", "scorecard.csv", "manifest.json"} <= names
    assert "June 2025" in (published / "paper.html").read_text(encoding="utf-8")
    assert 'id="caseload"' in (published / "paper.html").read_text(encoding="utf-8")
    # no private socket folder was made: the kernels listened on TCP
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("sendlib-")]
