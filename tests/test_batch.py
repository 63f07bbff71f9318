"""Many councils on a real Dask cluster: one corrupt council fails alone, after one retry."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import notebook_dir
from sendlib.cli import app
from sendlib.demo import generate_councils
from sendlib.months import parse_months


def test_months_range_parses_inclusively():
    assert [str(m) for m in parse_months("2024-11:2025-01")] == ["2024-11", "2024-12", "2025-01"]
    assert [str(m) for m in parse_months("2025-01")] == ["2025-01"]
    with pytest.raises(ValueError, match="before the first"):
        parse_months("2025-02:2025-01")
    with pytest.raises(ValueError, match="not written YYYY-MM"):
        parse_months("2025-1:2025-03")  # never read as a guess (pandas takes it)


def _batch_with_a_corrupt_council(tmp_path, seed: int, corrupt: tuple[str, str, str], *args):
    """``sendlib batch ARGS`` over three demo councils on a local Dask cluster of 2 workers,
    one council's file replaced (``corrupt``: council, file, text); the result and OUT."""
    root = tmp_path / "councils"
    generate_councils(root, 3, seed=seed, end=pd.Period("2025-06", freq="M"))
    council, name, text = corrupt
    (root / council / name).write_text(text)
    out = tmp_path / "out"
    command = ["batch", *args, "--data-root", str(root), "--out", str(out), "--workers", "2"]
    return CliRunner().invoke(app, command, terminal_width=250), out


# the scorecards batch (one corrupt council, one retry) runs on a real TLS cluster in
# test_batch_tls.py; the papers batch below runs on a local cluster (also over TLS)


@pytest.mark.slow
def test_dask_batch_of_whole_papers_reports_the_corrupt_council_after_one_retry(tmp_path):
    # three councils' papers as Dask tasks on a local cluster whose workers start kernels
    # (papers of two sections: every step of a paper, in a third of the time)
    books = notebook_dir(tmp_path, **{"00_cover": "00_cover", "02_caseload": "02_caseload"})
    result, out = _batch_with_a_corrupt_council(
        tmp_path,
        11,
        ("LA003", "requests.csv", "request_id,person_id\nR1\n"),
        "--papers",
        "--months",
        "2025-06",
        "--notebooks",
        str(books),
    )
    assert result.exit_code == 1, result.output
    assert "2 ok, 1 failed" in result.output
    assert (
        "LA003 2025-06 paper failed after 2 attempts: 3 data error(s), first: requests.csv "
        "row 2: row has 1 fields but the header has 2"
    ) in result.output.splitlines()
    assert "LA001 2025-06 paper ok: LA001/2025-06" in result.output.splitlines()
    for council in ("LA001", "LA002"):
        paper = out / council / "2025-06"
        assert {"paper.html", "paper.pdf", "scorecard.csv", "scorecard.xlsx", "manifest.json"} <= {
            p.name for p in paper.iterdir()
        }
        assert "June 2025" in (paper / "paper.html").read_text(encoding="utf-8")
    assert not (out / "LA003" / "2025-06").exists()  # nothing half-written
    attempts = (out / ".batch" / "attempts.log").read_text().splitlines()
    assert attempts.count("LA003 2025-06 paper") == 2
    assert attempts.count("LA001 2025-06 paper") == 1


def test_a_failed_notebook_is_reported_by_notebook_and_cell(tmp_path, monkeypatch):
    from sendlib.ops import batch, runner
    from sendlib.ops.request import RunError

    def failing_run(request):
        error = RunError("1 notebook failed")
        error.notebooks = [("04_timeliness.ipynb", "7", "KeyError: 'week20'")]
        raise error

    monkeypatch.setattr(runner, "run", failing_run)
    with pytest.raises(batch.PaperError) as caught:
        council = str(tmp_path / "LA001")
        batch.paper_task(council, "params", "notebooks", "2025-06", str(tmp_path), 1)
    assert caught.value.args == ("04_timeliness.ipynb", "7", "KeyError: 'week20'")
    assert str(caught.value) == "KeyError: 'week20'"
    import pickle

    assert pickle.loads(pickle.dumps(caught.value)).args == caught.value.args  # crosses Dask


def test_batch_without_dask_says_which_extra_installs_it(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    command = ["batch", "--data-root", str(tmp_path), "--months", "2025-06"]
    result = CliRunner().invoke(app, command, terminal_width=250)
    assert result.exit_code == 1
    assert "pip install 'sendlib[batch]'" in result.output  # the brackets survive


@pytest.mark.slow  # a local cluster of real worker processes: ten seconds
def test_a_batchs_dask_workers_start_as_sendlibs_own_processes():
    # a Dask worker is not started by sendlib's command: the client registers a plugin
    # that makes the command's start-up changes (sendlib.startup) in every worker, and in
    # each that joins later; without it a worker imports rfc3987_syntax's grammars
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from sendlib.ops import cluster

    def hidden():
        import sys

        return sys.modules.get("rfc3987_syntax", "not hidden")

    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        ) as local,
        Client(local) as client,
    ):
        assert list(client.run(hidden).values()) == ["not hidden"]  # a worker as Dask starts it
        cluster._started(client)
        assert list(client.run(hidden).values()) == [None]
        local.scale(2)
        client.wait_for_workers(2, timeout=60)
        assert list(client.run(hidden).values()) == [None, None]  # one that joined later too
