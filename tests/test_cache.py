"""The cache of typed tables beside the data never changes a figure: a scorecard from a
cached load is byte-identical to one from a cold load; an edited file is read again (and
only that one); a damaged entry is read around; nothing is kept when it is turned off."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import ROOT
from sendlib.data import cache as data_cache
from sendlib.data import load
from sendlib.data.contract import files
from sendlib.data.load import check_data
from sendlib.ops.preflight import check
from sendlib.scorecard.build import build, write_csv
from sendlib.scorecard.catalogue import load_catalogue

MONTH = pd.Period("2025-06", freq="M")
CATALOGUE = load_catalogue(ROOT / "params" / "kpis.yaml")


@pytest.fixture
def data(tmp_path, demo_data):
    folder = tmp_path / "data"
    shutil.copytree(demo_data, folder, ignore=shutil.ignore_patterns(data_cache.FOLDER))
    return folder


def scorecard_bytes(tables, tmp_path, name: str) -> bytes:
    target = tmp_path / name
    write_csv(build(tables, CATALOGUE, MONTH, 6), target)
    return target.read_bytes()


def reads(monkeypatch) -> list[str]:
    """The tables read from their source files (not from the cache) from now on."""
    seen: list[str] = []
    original = load._read

    def counting(paths, name, *args):
        seen.append(name)
        return original(paths, name, *args)

    monkeypatch.setattr(load, "_read", counting)
    return seen


def test_a_cached_load_gives_the_same_tables_and_a_byte_identical_scorecard(
    data, tmp_path, monkeypatch
):
    cold, cold_found = check_data(data, cache=True)
    data_cache.flush()
    assert (data / data_cache.FOLDER).is_dir()
    seen = reads(monkeypatch)
    warm, warm_found = check_data(data, cache=True)
    assert seen == []  # every table came from the cache
    for name in cold:
        pd.testing.assert_frame_equal(cold.frames()[name], warm.frames()[name])
        assert (cold.rows[name] == warm.rows[name]).all() if name in cold.rows else True
    assert cold.sources == warm.sources
    pd.testing.assert_frame_equal(cold_found, warm_found)
    assert scorecard_bytes(cold, tmp_path, "cold.csv") == scorecard_bytes(
        warm, tmp_path, "warm.csv"
    )


def test_editing_one_file_reads_only_that_file_again(data, monkeypatch):
    before = check(MONTH, data, ROOT / "params", ROOT / "params" / "kpis.yaml")
    data_cache.flush()
    requests = pd.read_csv(data / "requests.csv", dtype=str, keep_default_na=False)
    # a decided request's outcome is changed: a new figure, a new entry for requests only
    decided = requests.index[requests["request_outcome"] == "A"][-1]
    requests.loc[decided, "request_outcome"] = "N"
    requests.to_csv(data / "requests.csv", index=False)
    seen = reads(monkeypatch)
    after = check(MONTH, data, ROOT / "params", ROOT / "params" / "kpis.yaml")
    assert seen == ["requests"]
    assert before.ok and after.ok
    assert not before.tables.requests.equals(after.tables.requests)
    # and the checks across tables were made again: the same as without a cache
    monkeypatch.setenv("SENDLIB_NO_CACHE", "1")
    fresh = check(MONTH, data, ROOT / "params", ROOT / "params" / "kpis.yaml")
    pd.testing.assert_frame_equal(after.findings, fresh.findings)


def test_a_damaged_entry_is_read_around(data, monkeypatch):
    check_data(data, cache=True)
    data_cache.flush()
    for entry in (data / data_cache.FOLDER).glob("plans-*.parquet"):
        entry.write_bytes(b"not parquet")
    seen = reads(monkeypatch)
    tables, _ = check_data(data, cache=True)
    assert tables is not None and seen == ["plans"]


def test_a_file_with_errors_is_never_kept(data):
    (data / "plans.csv").write_text("plan_id,person_id,start_date\nE1,P1,2024-02-30\n")
    tables, _ = check_data(data, cache=True)
    data_cache.flush()
    assert tables is None
    assert not list((data / data_cache.FOLDER).glob("plans-*"))


def test_turned_off_nothing_is_kept(data, monkeypatch):
    monkeypatch.setenv("SENDLIB_NO_CACHE", "1")
    check(MONTH, data, ROOT / "params", ROOT / "params" / "kpis.yaml")
    data_cache.flush()
    assert not (data / data_cache.FOLDER).exists()


def test_a_cache_that_cannot_be_written_is_simply_not_kept(data, monkeypatch):
    (data / data_cache.FOLDER).write_text("a file where the cache folder would go")
    tables, _ = check_data(data, cache=True)
    data_cache.flush()
    assert tables is not None
    assert (data / data_cache.FOLDER).read_text().startswith("a file")
    seen = reads(monkeypatch)
    assert check_data(data, cache=True)[0] is not None and len(seen) == len(files())


def test_a_cache_write_that_fails_by_a_bug_is_raised_at_the_join(tmp_path, monkeypatch):
    # an unwritable folder is simply not cached; any other error is not lost in a future
    def broken(frame):
        raise TypeError("cannot convert column")

    monkeypatch.setattr(data_cache, "_parquet", broken)
    cache = data_cache.TableCache(tmp_path)
    cache.enabled = True
    cache.put_findings("integrity", "k" * 32, pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="cannot convert column"):
        data_cache.flush()
    data_cache.flush()  # raised once, then forgotten


def test_the_writer_thread_starts_with_the_first_write_and_ends_with_flush(data):
    import subprocess
    import sys

    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import threading, sendlib.data.cache; print(threading.active_count())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "1"  # importing the cache starts no thread
    check_data(data, cache=True)
    import threading

    assert any(t.name.startswith("sendlib-cache") for t in threading.enumerate())
    data_cache.flush()
    assert not any(t.name.startswith("sendlib-cache") for t in threading.enumerate())
    assert (data / data_cache.FOLDER).is_dir()
