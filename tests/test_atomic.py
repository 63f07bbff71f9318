"""Nothing half-written: one atomic_write for every file, folders exchanged in one step,
and a publish killed (SIGKILL) at random points always leaves the old paper or the new."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sendlib.files import atomic_output, atomic_write, recover_folder, swap_folder


def test_atomic_write_replaces_the_file_and_keeps_its_mode(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_new_file_gets_the_mode_of_the_umask_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "b.txt", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "b.txt").stat().st_mode & 0o777 == 0o644


def test_a_writer_that_fails_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "scorecard.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as temp:
        temp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["scorecard.csv"]


def test_the_temporary_file_keeps_the_suffix_for_writers_that_go_by_it(tmp_path):
    with atomic_output(tmp_path / "paper.pdf") as temp:
        assert temp.suffix == ".pdf" and temp.parent == tmp_path
        temp.write_bytes(b"%PDF")
    assert (tmp_path / "paper.pdf").read_bytes() == b"%PDF"


def test_swap_folder_exchanges_old_and_new(tmp_path):
    target, new = tmp_path / "2025-06", tmp_path / ".2025-06.new"
    target.mkdir()
    (target / "paper.html").write_text("old")
    new.mkdir()
    (new / "paper.html").write_text("new")
    swap_folder(new, target)
    assert (target / "paper.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-06"]


def test_a_folder_moved_aside_by_a_killed_swap_is_put_back(tmp_path):
    # where there is no atomic exchange, a kill between the two renames leaves only
    # .2025-06.old: the next publish (or a reader) puts it back first
    old = tmp_path / ".2025-06.old"
    old.mkdir()
    (old / "paper.html").write_text("old")
    recover_folder(tmp_path / "2025-06")
    assert (tmp_path / "2025-06" / "paper.html").read_text() == "old"


# A publish as the runner does it: the paper's files written into a staged folder that
# replaces OUT/2025-06, each file carrying the version being published, over and over.
PUBLISHER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from sendlib.files import atomic_write
    from sendlib.ops.staging import staged

    out, first = Path(sys.argv[1]), int(sys.argv[2])
    for version in range(first, first + 10_000):
        with staged(out / "2025-06") as folder:
            for name in ("paper.html", "paper.pdf", "paper.docx", "scorecard.csv"):
                atomic_write(folder / name, f"{version}\\n".encode() + b"x" * 400_000)
            atomic_write(folder / "manifest.json", json.dumps({"version": version}))
        print(version, flush=True)
    """
)


def published(folder: Path) -> int:
    """The version a published folder holds; fails unless every file is of one version."""
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["manifest.json", "paper.docx", "paper.html", "paper.pdf", "scorecard.csv"]
    version = json.loads((folder / "manifest.json").read_text())["version"]
    for name in names[1:]:
        data = (folder / name).read_bytes()
        assert data.startswith(f"{version}\n".encode()) and len(data) == 400_001 + len(
            str(version)
        ), name
    return version


@pytest.mark.slow
def test_a_publish_killed_at_random_points_leaves_the_old_paper_or_the_new(tmp_path):
    script = tmp_path / "publish.py"
    script.write_text(PUBLISHER)
    out = tmp_path / "outputs"
    rng = random.Random(27)
    last, kills = -1, 0
    while kills < 20:
        child = subprocess.Popen(
            [sys.executable, str(script), str(out), str(last + 1)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        child.stdout.readline()  # one whole publish first: there is an old paper to keep
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        done = child.stdout.read().split()
        child.wait()
        kills += 1
        recover_folder(out / "2025-06")  # what the next publish does first
        found = published(out / "2025-06")
        finished = int(done[-1]) if done else last + 1
        assert found in (finished, finished + 1), (found, finished)  # old or new, never half
        last = found
    # what a killed publish may leave beside the folder is a hidden temporary folder
    leftovers = [p.name for p in out.iterdir() if p.name != "2025-06"]
    assert all(name.startswith(".2025-06.") for name in leftovers)


# An import as ``sendlib import sen2`` writes it: every table of the folder from one
# version of the returns, swapped in as one folder (``sen2.folder.write_folder``).
IMPORTER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import pandas as pd
    from sendlib.data.sen2.folder import Record, write_folder

    out, first = Path(sys.argv[1]), int(sys.argv[2])
    tables = ("person", "requests", "plans", "reviews", "placements")
    for version in range(first, first + 10_000):
        frames = {t: pd.DataFrame({"version": [str(version)] * 20_000}) for t in tables}
        write_folder(frames, out, Record(), tuple(f"{t}.csv" for t in tables))
        print(version, flush=True)
    """
)


def imported(folder: Path) -> int:
    """The version an imported folder holds; fails unless every table is of one version."""
    versions = set()
    for table in ("person", "requests", "plans", "reviews", "placements"):
        lines = (folder / f"{table}.csv").read_text().replace('"', "").splitlines()
        assert lines[0] == "version" and len(lines) == 20_001, table
        versions |= set(lines[1:])
    assert len(versions) == 1, versions
    return int(versions.pop())


@pytest.mark.slow
def test_an_import_killed_at_random_points_leaves_the_old_tables_or_the_new(tmp_path):
    script = tmp_path / "import.py"
    script.write_text(IMPORTER)
    out = tmp_path / "data"
    rng = random.Random(26)
    last, kills = -1, 0
    while kills < 20:
        child = subprocess.Popen(
            [sys.executable, str(script), str(out), str(last + 1)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        child.stdout.readline()  # one whole import first: there are old tables to keep
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        done = child.stdout.read().split()
        child.wait()
        kills += 1
        recover_folder(out)  # what the next import does first
        found = imported(out)
        finished = int(done[-1]) if done else last + 1
        assert found in (finished, finished + 1), (found, finished)  # old or new, never a mix
        last = found
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("data", "import.py")]
    assert all(name.startswith(".data") for name in leftovers), leftovers
