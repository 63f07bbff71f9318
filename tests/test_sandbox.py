"""Safe on a shared server: a run's sockets live in a private folder of its own, the
zygote forks kernels only for its own run, no kernel or worker sees the id key, and
nothing forks a process that has threads."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from sendlib.ops import runtime
from sendlib.ops import zygote as zy
from sendlib.ops.kernels import IpcKernelManager, execute
from sendlib.workers import ThreadedFork, assert_single_threaded

NOBODY = 65534


@pytest.fixture(scope="module")
def zygote():
    with zy.start() as started:
        assert started is not None
        yield started


def test_another_accounts_folder_is_refused(tmp_path):
    # the old fixed folder, made first by another account, open to all
    theirs = tmp_path / "sendlib-kernels"
    theirs.mkdir()
    theirs.chmod(0o777)
    with pytest.raises(runtime.UnsafeFolder, match="open to other accounts"):
        runtime.check_private(theirs)
    if os.geteuid() == 0:  # as root the test can make it someone else's
        theirs.chmod(0o700)
        os.chown(theirs, NOBODY, NOBODY)
        with pytest.raises(runtime.UnsafeFolder, match="belongs to another account"):
            runtime.check_private(theirs)
    link = tmp_path / "link"
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    link.symlink_to(mine)
    with pytest.raises(runtime.UnsafeFolder, match="not a folder"):
        runtime.check_private(link)


def test_kernels_never_use_a_pre_created_shared_folder(monkeypatch):
    # another account made the folder of the old fixed name in the temporary folder
    import shutil
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(dir="/tmp"))  # short: the system's temporary folder
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.delenv(runtime.ENV, raising=False)
    monkeypatch.setattr(runtime, "_own", None)
    shared = tmp_path / "sendlib-kernels"
    shared.mkdir(mode=0o777)
    if os.geteuid() == 0:
        os.chown(shared, NOBODY, NOBODY)
    ip = Path(IpcKernelManager(kernel_name="python3").ip)
    folder = ip.parent
    assert folder != shared and folder.parent == tmp_path
    found = folder.lstat()
    assert found.st_uid == os.getuid() and stat.S_IMODE(found.st_mode) == 0o700
    assert list(shared.iterdir()) == []
    shutil.rmtree(tmp_path)


def test_a_folder_named_by_the_environment_is_checked_too(tmp_path, monkeypatch):
    open_folder = tmp_path / "open"
    open_folder.mkdir(mode=0o755)
    open_folder.chmod(0o755)
    monkeypatch.setenv(runtime.ENV, str(open_folder))
    with pytest.raises(runtime.UnsafeFolder):
        runtime.current()


def test_the_zygote_socket_is_closed_to_others_from_the_start(zygote):
    assert stat.S_IMODE(zygote.path.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(zygote.path.parent.stat().st_mode) == 0o700
    assert zygote.path.parent.name.startswith(runtime.PREFIX)


def _ask(path: Path, request: dict | bytes) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(20)
        client.connect(str(path))
        data = request if isinstance(request, bytes) else json.dumps(request).encode() + b"\n"
        client.sendall(data)
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = client.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.decode()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def test_a_client_without_the_token_gets_no_kernel(zygote, tmp_path):
    marker = tmp_path / "ran"
    request = {
        "argv": ["-c", f"open({str(marker)!r}, 'w')"],
        "cwd": str(tmp_path),
        "env": {"PATH": os.environ["PATH"]},
        "launcher": os.getpid(),
    }
    before = _children(zygote.process.pid)
    for bad in ({**request}, {**request, "token": "0" * 64}, b"not json\n"):
        assert _ask(zygote.path, bad).startswith("error refused")
    time.sleep(0.3)
    assert _children(zygote.process.pid) == before
    assert not marker.exists() and zygote.alive()


def test_a_client_that_sends_nothing_does_not_stop_the_zygote(zygote, tmp_path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as idle:
        idle.connect(str(zygote.path))  # and says nothing: the zygote times it out
        probe = tmp_path / "probe.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("6 * 7")]
        nbformat.write(nb, probe)
        env = zygote.environment()
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            execute(str(probe), str(tmp_path / "out.ipynb"), {}, str(tmp_path), 60)
        finally:
            for k, v in saved.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0]["data"]["text/plain"] == (
        "42"
    )


def test_kernels_see_no_id_key_and_no_zygote_token(zygote, tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os, sys\n"
            "print([k for k in os.environ if k.startswith('SENDLIB_')], 'pandas' in sys.modules)"
        )
    ]
    nbformat.write(nb, tmp_path / "env.ipynb")
    monkeypatch.setenv("SENDLIB_ID_KEY", "a-secret-of-sixteen-or-more")
    for name, value in zygote.environment().items():
        monkeypatch.setenv(name, value)
    execute(str(tmp_path / "env.ipynb"), str(tmp_path / "o.ipynb"), {}, str(tmp_path), 60)
    printed = nbformat.read(tmp_path / "o.ipynb", 4).cells[0].outputs[0]["text"]
    assert printed.strip() == "[] True"  # forked from the zygote, and told no secret
    monkeypatch.delenv(zy.ENV)  # an ordinary kernel, started without the zygote
    execute(str(tmp_path / "env.ipynb"), str(tmp_path / "p.ipynb"), {}, str(tmp_path), 60)
    printed = nbformat.read(tmp_path / "p.ipynb", 4).cells[0].outputs[0]["text"]
    assert "SENDLIB_ID_KEY" not in printed


def test_workers_see_no_id_key(monkeypatch):
    from sendlib.ops.execute import worker_pool

    monkeypatch.setenv("SENDLIB_ID_KEY", "a-secret-of-sixteen-or-more")
    with worker_pool(1, pdf=False) as pool:
        assert pool.submit(os.getenv, "SENDLIB_ID_KEY").result() is None


# ---------------------------------------------------------------- no fork with threads
def test_a_fork_of_a_threaded_process_is_refused():
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        with pytest.raises(ThreadedFork, match="threads"):
            assert_single_threaded("a test")
    finally:
        stop.set()
        helper.join()


def _threads(pid: int) -> list[str]:
    return [
        (Path(f"/proc/{pid}/task/{t}/comm")).read_text().strip()
        for t in os.listdir(f"/proc/{pid}/task")
    ]


def test_the_zygote_has_one_thread_when_it_forks(zygote):
    # pyarrow's jemalloc would start a background thread, OpenBLAS a pool: both are off
    assert _threads(zygote.process.pid) == ["python"]


def test_the_fork_server_has_one_thread_and_checks_before_each_fork():
    code = (
        "import os, multiprocessing.forkserver as fs\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from sendlib.workers import fork_server\n"
        "with ProcessPoolExecutor(1, mp_context=fork_server('notebooks', 'pdf')) as pool:\n"
        "    print(pool.submit(eval, '__import__(\"os\").fork.__name__').result())\n"
        "    print(len(os.listdir(f'/proc/{fs._forkserver._forkserver_pid}/task')))\n"
        "print(os.fork.__name__, os.environ.get('JE_ARROW_MALLOC_CONF'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # the worker was forked by the checking fork; the fork server had one thread; the
    # run's own process is left as it was
    assert done.stdout.split() == ["checked_fork", "1", "fork", "None"]


def test_a_workers_own_private_folder_goes_with_the_worker():
    import shutil
    import tempfile

    from sendlib.ops.execute import worker_pool

    short = Path(tempfile.mkdtemp(dir="/tmp"))
    probe = "str(__import__('sendlib.ops.runtime', fromlist=['current']).current())"
    with worker_pool(2, {"TMPDIR": str(short)}, pdf=False) as pool:
        made = {pool.submit(eval, probe).result() for _ in range(4)}
    assert made and all(Path(m).parent == short for m in made)
    assert list(short.iterdir()) == []
    shutil.rmtree(short)
