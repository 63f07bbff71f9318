"""Many councils at once on Dask: the same catalogue for every (council, month) pair.

``sendlib batch`` submits one ``dask.distributed`` task per pair — to a local cluster
sized to the machine, or to an existing cluster (``--scheduler tcp://host:port``). Each
council's data is checked and prepared once, by a task the council's month tasks
depend on — through the same gate as ``sendlib run`` and ``validate``
(``sendlib.ops.preflight``: the parameters, the data, the months within the extract,
impossible values) — and each month task builds the scorecard for its month and writes
its own folder atomically (``OUT/<council>/<YYYY-MM>/``). A task that fails is retried
once by Dask; a pair that still fails is reported and the others complete.

With ``papers=True`` each task is a council's whole paper (``sendlib run`` for the
month, with the council's own ``params/`` when it has one): its notebooks run in
kernels the Dask worker starts, so local workers are not daemon processes (a remote
cluster's workers need ``DASK_DISTRIBUTED__WORKER__DAEMON=False``).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sendlib.data import findings as fnd
from sendlib.data.coverage import Extract, month_problem
from sendlib.data.load import Tables
from sendlib.data.sources import is_data_folder
from sendlib.measures.cases import Cases, prepare
from sendlib.ops.staging import staged
from sendlib.scorecard.build import build, comparator_periods, write_csv
from sendlib.scorecard.catalogue import Catalogue
from sendlib.scorecard.disclosure import Disclosure
from sendlib.scorecard.workbook import write_workbook


@dataclass(frozen=True)
class Outcome:
    council: str
    month: str
    status: str  # ok / failed
    seconds: float
    detail: str
    notebook: str = ""  # for a paper that failed in a notebook: which, and its cell
    cell: str = ""
    attempts: int = 1


class PaperError(Exception):
    """A council's paper failed: ``(notebook, cell, reason)``, notebook and cell '' when
    the run stopped before or after the notebooks (data, parameters, render). Plain
    arguments only, so the error travels back from a Dask worker as it is."""

    def __init__(self, notebook: str, cell: str, reason: str):
        super().__init__(notebook, cell, reason)

    def __str__(self) -> str:
        return self.args[2]


def first_error(found: pd.DataFrame) -> str:
    """One line for a council's data errors: how many, and the first in full."""
    errors = fnd.errors(found)
    first = errors.iloc[0]
    row = first["row"]
    parts = [first["file"], f"row {int(row)}" if pd.notna(row) else None, first["column"]]
    where = " ".join(str(part) for part in parts if part is not None and pd.notna(part) and part)
    return f"{len(errors)} data error(s), first: {where}: {first['reason']}"


#: notebook processes per paper inside a batch (the cluster runs papers side by side)
PAPER_NOTEBOOK_WORKERS = 2


def councils(root: Path | str) -> list[Path]:
    """Council folders under a data root: every sub-folder holding a contract table."""
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and is_data_folder(p))


def parse_months(text: str) -> list[pd.Period]:
    """'2024-01:2025-01' (inclusive) or a single 'YYYY-MM'."""
    first, _, last = text.partition(":")
    start, end = pd.Period(first, freq="M"), pd.Period(last or first, freq="M")
    if end < start:
        raise ValueError(f"'{text}': the last month is before the first")
    return list(pd.period_range(start, end, freq="M"))


def _attempt(out: str, line: str) -> None:
    """One line per attempt in OUT/.batch/attempts.log: shows Dask's retries."""
    attempts = Path(out) / ".batch" / "attempts.log"
    attempts.parent.mkdir(parents=True, exist_ok=True)
    with attempts.open("a") as handle:
        handle.write(line + "\n")


@dataclass(frozen=True)
class Loaded:
    """One council's checked tables, prepared cases, catalogue (``{year}`` said for its
    reporting year), the calendar month its year starts in and its disclosure threshold,
    shared by its months."""

    tables: Tables
    cases: Cases
    catalogue: Catalogue
    year_start: int
    extract: Extract
    threshold: int = 4  # the council's suppression_threshold


def load_task(council_dir: str, out: str, catalogue: str, params: str, first: str) -> Loaded:
    """One council's data through the run's gate (``preflight.check`` for the batch's first
    month ``first``: parameters, data, month within the extract, impossible values),
    prepared once for its months' tasks. Raises naming the first problem or data error."""
    from sendlib.ops.preflight import check

    _attempt(out, f"{Path(council_dir).name} load")
    folder = Path(council_dir)
    found = check(
        pd.Period(first, freq="M"),
        folder,
        council_params(folder, Path(params)),
        Path(catalogue),
        with_warnings=False,
    )
    if found.problems:
        raise ValueError(found.problems[0].splitlines()[0])
    if found.tables is None:
        raise ValueError(first_error(found.findings))
    report = found.report
    return Loaded(
        found.tables,
        prepare(found.tables),
        found.catalogue,
        report.year_start_month,
        found.extract,
        report.suppression_threshold,
    )


def scorecard_task(
    loaded: Loaded,
    council: str,
    month: str,
    out: str,
    catalogue: str,
    months: int = 6,
) -> dict:
    """One (council, month): build the scorecard and write its folder atomically."""
    start = time.perf_counter()
    _attempt(out, f"{council} {month}")
    tables, cat = loaded.tables, loaded.catalogue
    period = pd.Period(month, freq="M")
    beyond = month_problem(period, loaded.extract, council)  # as run refuses it
    if beyond:
        raise ValueError(beyond)
    card = build(
        tables,
        cat,
        period,
        months,
        loaded.cases,
        disclosure=Disclosure(loaded.threshold),
        year_start=loaded.year_start,
    )
    dated = comparator_periods(cat, tables.benchmarks, period)
    with staged(Path(out) / council / month) as folder:
        write_csv(card, folder / "scorecard.csv")
        write_workbook(card, cat, period, folder / "scorecard.xlsx", dated)
    return {"seconds": round(time.perf_counter() - start, 2), "rows": len(card)}


def council_params(council_dir: Path, default: Path) -> Path:
    """A council's own parameters (``<council>/params/`` with a report.yaml), else ``default``."""
    own = Path(council_dir) / "params"
    return own if (own / "report.yaml").exists() else Path(default)


def paper_task(
    council_dir: str,
    params_dir: str,
    notebooks_dir: str,
    month: str,
    out: str,
    workers: int,
    catalogue: str | None = None,
) -> dict:
    """One council's paper for one month, published atomically in ``OUT/<council>/YYYY-MM/``
    exactly as ``sendlib run`` publishes it. Raises ``PaperError`` naming the notebook
    and cell, or the first data error."""
    from sendlib.ops.request import RunError, RunRequest
    from sendlib.ops.runner import run
    from sendlib.render.errors import RenderError

    council = Path(council_dir).name
    _attempt(out, f"{council} {month} paper")
    if multiprocessing.current_process().daemon:
        raise PaperError(
            "",
            "",
            "this Dask worker is a daemon process and cannot start notebook kernels: start "
            "the cluster's workers with DASK_DISTRIBUTED__WORKER__DAEMON=False",
        )
    request = RunRequest(
        month=pd.Period(month, freq="M"),
        data_dir=Path(council_dir),
        params_dir=Path(params_dir),
        catalogue=_catalogue(Path(params_dir), catalogue),
        out=Path(out) / council,
        notebooks_dir=Path(notebooks_dir),
        workers=workers,
    )
    start = time.perf_counter()
    try:
        result = run(request)
    except RunError as exc:
        if exc.notebooks:
            notebook, cell, reason = exc.notebooks[0]
            more = len(exc.notebooks) - 1
            raise PaperError(
                notebook, cell, reason + (f" (and {more} more notebook(s))" if more else "")
            ) from None
        if exc.findings is not None and len(exc.findings):
            raise PaperError("", "", first_error(exc.findings)) from None
        raise PaperError("", "", str(exc)) from None
    except RenderError as exc:
        raise PaperError("", "", f"rendering failed: {exc}") from None
    folder = Path(result.folder)
    return {"seconds": round(time.perf_counter() - start, 2), "folder": f"{council}/{folder.name}"}


def _catalogue(params: Path, default: str | None) -> Path | None:
    """The council's own kpis.yaml, else the batch's catalogue."""
    own = params / "kpis.yaml"
    return own if own.exists() or default is None else Path(default)


def attempts(out: Path, council: str, month: str, what: str) -> int:
    """How many times a pair's task ran in this batch (from OUT/.batch/attempts.log)."""
    log = Path(out) / ".batch" / "attempts.log"
    line = f"{council} {month}" + (f" {what}" if what else "")
    return sum(x == line for x in log.read_text().splitlines()) if log.exists() else 0


def _cluster(scheduler: str | None, workers: int | None, papers: bool):
    """A client on ``scheduler``, or on a local cluster of one worker process per core
    (not daemons when they run papers: a paper's kernels are their children)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    with dask.config.set({"distributed.worker.daemon": not papers}):
        cluster = LocalCluster(
            n_workers=workers or len(os.sched_getaffinity(0)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
    return Client(cluster), cluster


def run_batch(
    data_root: Path,
    months: list[pd.Period],
    out: Path,
    catalogue: Path,
    scheduler: str | None = None,
    workers: int | None = None,
    papers: bool = False,
    params: Path = Path("params"),
    notebooks: Path = Path("notebooks"),
) -> list[Outcome]:
    """Every (council, month) pair as a Dask task — a scorecard, or with ``papers`` the
    whole paper; returns one outcome per pair."""
    from distributed import as_completed

    folders = councils(data_root)
    if not folders:
        raise ValueError(f"no council folders (with the contract's files) under {data_root}")
    (out / ".batch" / "attempts.log").unlink(missing_ok=True)
    client, cluster = _cluster(scheduler, workers, papers)
    try:
        futures = (
            _submit_papers(client, folders, months, out, params, notebooks, catalogue)
            if papers
            else _submit_scorecards(client, folders, months, out, catalogue, params)
        )
        outcomes = []
        for future in as_completed(futures):
            council, month = futures[future]
            tries = attempts(out, council, month, "paper" if papers else "")
            try:
                result = future.result()
                detail = result["folder"] if papers else f"{result['rows']} rows"
                outcomes.append(
                    Outcome(council, month, "ok", result["seconds"], detail, attempts=tries)
                )
            except PaperError as exc:
                notebook, cell, reason = exc.args
                outcomes.append(
                    Outcome(council, month, "failed", 0.0, reason, notebook, cell, tries)
                )
            except Exception as exc:  # reported per pair; the others complete
                outcomes.append(Outcome(council, month, "failed", 0.0, str(exc), attempts=tries))
        return sorted(outcomes, key=lambda o: (o.council, o.month))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _once_retried(client, fn, *args, key: str):
    """A Dask task that is retried once when it fails."""
    return client.submit(fn, *args, key=key, retries=1, pure=False)


def _submit_scorecards(
    client, folders: list[Path], months, out: Path, catalogue: Path, params: Path
) -> dict:
    futures = {}
    where, cat = str(out.resolve()), str(catalogue.resolve())
    first = str(min(months))
    for folder in folders:
        # checked and loaded once per council (for its last month); its months' tasks
        # depend on it (a council that cannot be loaded fails each of its pairs with why)
        loaded = _once_retried(
            client,
            load_task,
            str(folder.resolve()),
            where,
            cat,
            str(params.resolve()),
            first,
            key=f"load-{folder.name}",
        )
        for month in months:
            future = _once_retried(
                client,
                scorecard_task,
                loaded,
                folder.name,
                str(month),
                where,
                cat,
                key=f"scorecard-{folder.name}-{month}",
            )
            futures[future] = (folder.name, str(month))
    return futures


def _paper_args(
    folder: Path, month, out: Path, params: Path, notebooks: Path, catalogue: Path
) -> tuple:
    """``paper_task``'s arguments for one council and month."""
    return (
        str(folder.resolve()),
        str(council_params(folder, params).resolve()),
        str(notebooks.resolve()),
        str(month),
        str(out.resolve()),
        PAPER_NOTEBOOK_WORKERS,
        str(catalogue.resolve()),
    )


def _submit_papers(
    client,
    folders: list[Path],
    months,
    out: Path,
    params: Path,
    notebooks: Path,
    catalogue: Path,
) -> dict:
    futures = {}
    for folder in folders:
        for month in months:
            args = _paper_args(folder, month, out, params, notebooks, catalogue)
            future = _once_retried(client, paper_task, *args, key=f"paper-{folder.name}-{month}")
            futures[future] = (folder.name, str(month))
    return futures


def run_sequential(
    data_root: Path,
    months: list[pd.Period],
    out: Path,
    catalogue: Path,
    papers: bool = False,
    params: Path = Path("params"),
    notebooks: Path = Path("notebooks"),
) -> list[Outcome]:
    """The same pairs one after another in this process (the benchmark's baseline)."""
    if papers:
        return [
            _sequential_paper(folder, month, out, params, notebooks, catalogue)
            for folder in councils(data_root)
            for month in months
        ]
    outcomes = []
    for folder in councils(data_root):
        try:
            loaded = load_task(str(folder), str(out), str(catalogue), str(params), str(min(months)))
        except Exception as exc:
            outcomes += [Outcome(folder.name, str(m), "failed", 0.0, str(exc)) for m in months]
            continue
        for month in months:
            try:
                result = scorecard_task(loaded, folder.name, str(month), str(out), str(catalogue))
                outcomes.append(Outcome(folder.name, str(month), "ok", result["seconds"], ""))
            except Exception as exc:
                outcomes.append(Outcome(folder.name, str(month), "failed", 0.0, str(exc)))
    return outcomes


def _sequential_paper(
    folder: Path, month: pd.Period, out: Path, params: Path, notebooks: Path, catalogue: Path
) -> Outcome:
    try:
        result = paper_task(*_paper_args(folder, month, out, params, notebooks, catalogue))
    except PaperError as exc:
        return Outcome(folder.name, str(month), "failed", 0.0, exc.args[2], *exc.args[:2])
    return Outcome(folder.name, str(month), "ok", result["seconds"], result["folder"])
