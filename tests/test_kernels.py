"""Kernels never fail by chance: they talk over Unix sockets (no TCP port to race for),
and one that dies before it is ready is replaced, with the retry in the run's log."""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import as_completed
from pathlib import Path

import nbformat
import pytest

from helpers import notebook_dir, run_cli
from sendlib.ops.execute import worker_pool
from sendlib.ops.kernels import IpcKernelManager, KernelStartError, execute

# a kernel that dies the first time it is started (a marker file remembers), then works
FLAKY = """
import sys
from pathlib import Path
marker = Path(sys.argv.pop(1))
if not marker.exists():
    marker.write_text("died once")
    sys.exit(3)
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


def kernelspec(root: Path, name: str, marker: Path, code: str = FLAKY) -> Path:
    """A kernel spec under ``root`` (a JUPYTER_PATH) running ``code`` as its kernel."""
    script = root / f"{name}_kernel.py"
    script.write_text(code)
    spec = root / "kernels" / name
    spec.mkdir(parents=True)
    argv = [sys.executable, str(script), str(marker), "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": name, "language": "python"})
    )
    return root


def one_cell(folder: Path, name: str = "one.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7\nx")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_kernels_listen_on_unix_sockets_of_their_own():
    first, second = IpcKernelManager(kernel_name="python3"), IpcKernelManager(kernel_name="python3")
    assert first.transport == second.transport == "ipc"
    assert first.ip != second.ip and len(first.ip) < 80


@pytest.mark.slow
def test_a_kernel_that_dies_at_start_is_replaced_and_the_retry_logged(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec(tmp_path, "flaky", tmp_path / "marker")))
    log = tmp_path / "logs" / "kernels.log"
    source = one_cell(tmp_path)
    seconds = execute(
        str(source), str(tmp_path / "out.ipynb"), {}, str(tmp_path), 60, str(log), "flaky"
    )
    assert seconds > 0
    assert (
        nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0]["data"]["text/plain"] == "42"
    )
    assert "one.ipynb: kernel died before it was ready (attempt 1 of 3)" in log.read_text()


@pytest.mark.slow
def test_a_kernel_that_never_starts_is_one_clear_error(tmp_path, monkeypatch):
    dead = "import sys\nsys.exit(3)\n"
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec(tmp_path, "dead", tmp_path / "m", dead)))
    with pytest.raises(KernelStartError, match="died before it was ready, 3 times"):
        execute(
            str(one_cell(tmp_path)),
            str(tmp_path / "o.ipynb"),
            {},
            str(tmp_path),
            60,
            None,
            "dead",
            3,
        )


@pytest.mark.slow
def test_a_failing_cell_is_not_retried(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise ValueError('a real failure')")]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    log = tmp_path / "kernels.log"
    with pytest.raises(Exception, match="a real failure"):
        execute(
            str(tmp_path / "bad.ipynb"), str(tmp_path / "o.ipynb"), {}, str(tmp_path), 60, str(log)
        )
    assert not log.exists()


def forty_kernels(folder: Path, env: dict[str, str] | None = None) -> list[str]:
    """Execute a one-cell notebook in 40 kernels, 8 at a time; every failure, shown."""
    source = one_cell(folder)
    failures = []
    with worker_pool(8, env) as pool:
        jobs = [
            pool.submit(execute, str(source), str(folder / f"out-{i}.ipynb"), {}, str(folder), 120)
            for i in range(40)
        ]
        for job in as_completed(jobs):
            try:
                job.result()
            except Exception as exc:  # counted, then asserted: every failure is shown
                failures.append(repr(exc))
    return failures


@pytest.mark.slow
def test_forty_kernels_eight_at_a_time_all_start(tmp_path):
    assert forty_kernels(tmp_path) == []
    assert len(list(tmp_path.glob("out-*.ipynb"))) == 40


@pytest.mark.slow
def test_the_run_retries_a_kernel_that_dies_and_says_so_in_its_log(
    tmp_path, demo_data, monkeypatch
):
    # the python3 kernel spec, overridden for this run: its first start dies
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec(tmp_path, "python3", tmp_path / "marker")))
    books = notebook_dir(tmp_path, **{"00_cover": "ok", "01_summary": "ok"})
    out = tmp_path / "out"
    result = run_cli(demo_data, out, books, "--month", "2025-06")
    assert result.exit_code == 0, result.output
    log = (out / ".work" / "2025-06" / "logs" / "kernels.log").read_text()
    assert "kernel died before it was ready (attempt 1 of 3)" in log
    assert (out / "2025-06" / "paper.html").exists()


# ---------------------------------------------------------------- kernels from the zygote
def zygote_env(zygote) -> dict[str, str]:
    return zygote.environment()


@pytest.mark.slow
def test_forty_kernels_from_the_zygote_eight_at_a_time_all_start(tmp_path):
    from sendlib.ops import zygote as zy

    with zy.start() as zygote:
        failures = forty_kernels(tmp_path, zygote_env(zygote))
        assert zygote.alive()
    assert failures == []
    outputs = {
        nbformat.read(p, 4).cells[0].outputs[0]["data"]["text/plain"]
        for p in tmp_path.glob("out-*.ipynb")
    }
    assert outputs == {"42"} and len(list(tmp_path.glob("out-*.ipynb"))) == 40


@pytest.mark.slow
def test_a_kernel_from_the_zygote_is_fresh_and_in_the_run_folder(tmp_path, monkeypatch):
    from sendlib.ops import zygote as zy

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os, random, sys\n"
            "seen = 'leak' in globals()\n"
            "leak = 1\n"
            "print(seen, os.getcwd(), os.environ.get('SENDLIB_TEST_VAR'), "
            "'pandas' in sys.modules, random.random())"
        )
    ]
    nbformat.write(nb, tmp_path / "probe.ipynb")
    monkeypatch.setenv("SENDLIB_TEST_VAR", "from-the-run")
    with zy.start() as zygote:
        for name, value in zygote.environment().items():
            monkeypatch.setenv(name, value)
        lines = []
        for i in range(2):
            execute(
                str(tmp_path / "probe.ipynb"), str(tmp_path / f"o{i}.ipynb"), {}, str(tmp_path), 60
            )
            lines.append(nbformat.read(tmp_path / f"o{i}.ipynb", 4).cells[0].outputs[0]["text"])
    first, second = (line.split() for line in lines)
    # nothing leaks from one kernel to the next; each is in the run's folder and
    # environment, has the preloaded modules, and its own random numbers
    assert first[:4] == second[:4] == ["False", str(tmp_path), "from-the-run", "True"]
    assert first[4] != second[4]


@pytest.mark.slow
def test_without_its_zygote_the_launcher_starts_an_ordinary_kernel(tmp_path, monkeypatch):
    from sendlib.ops.zygote import ENV

    gone = tmp_path / "no-zygote-here"
    gone.touch()  # a socket path that exists but answers nobody
    monkeypatch.setenv(ENV, str(gone))
    source = one_cell(tmp_path)
    execute(str(source), str(tmp_path / "out.ipynb"), {}, str(tmp_path), 60)
    assert (
        nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0]["data"]["text/plain"] == "42"
    )


@pytest.mark.slow
def test_a_killed_launcher_takes_its_kernel_with_it(tmp_path):
    import signal
    import subprocess
    import time

    from sendlib.ops import zygote as zy

    with zy.start() as zygote:
        connection = tmp_path / "kernel.json"
        launcher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sendlib.ops.kernel_launcher",
                str(zygote.path),
                "-f",
                str(connection),
            ],
            cwd=tmp_path,
            env={**os.environ, **zygote.environment()},
        )
        deadline = time.monotonic() + 20
        kernel = None
        while kernel is None and time.monotonic() < deadline:
            time.sleep(0.1)
            kernel = _child_kernel(zygote.process.pid)
        assert kernel is not None, "the zygote forked no kernel"
        launcher.send_signal(signal.SIGKILL)
        launcher.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(kernel):
            time.sleep(0.1)
        assert not _alive(kernel), "the kernel outlived its launcher"


def _child_kernel(parent: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == parent:
                return int(entry.name)
    return None


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
