"""Many councils at once on Dask: the same catalogue for every (council, month) pair.

``sendlib batch`` submits one ``dask.distributed`` task per council — to a local cluster
sized to the machine, or to an existing cluster (``--scheduler tls://host:port``). A task
receives paths and returns counts, never a person row: it checks its council's data
through the same gate as ``sendlib run`` and ``validate`` (``sendlib.ops.preflight``: the
parameters, the data, impossible values, each month within the extract), computes every
measure once over all the months its scorecards read, and writes each month's folder
atomically (``OUT/<council>/<YYYY-MM>/``). A task that fails is retried once by Dask; a
council that still fails is reported for each of its months, a month past its extract
for that month, and the others complete.

The cluster is spoken to over TLS only (``sendlib.ops.cluster``).

With ``papers=True`` each task is a council's whole paper (``sendlib run`` for the
month, with the council's own ``params/`` when it has one): its notebooks run in
kernels the Dask worker starts, so local workers are not daemon processes (a remote
cluster's workers need ``DASK_DISTRIBUTED__WORKER__DAEMON=False``).
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sendlib.data import findings as fnd
from sendlib.data.coverage import month_problem
from sendlib.data.sources import is_data_folder
from sendlib.measures.cases import prepare
from sendlib.months import Month
from sendlib.ops.cluster import cluster_client, secrets_withheld
from sendlib.ops.staging import staged
from sendlib.scorecard.build import (
    comparator_periods,
    from_series,
    kpi_series,
    spc_history,
    write_csv,
)
from sendlib.scorecard.disclosure import Disclosure
from sendlib.scorecard.workbook import write_workbook


@dataclass(frozen=True)
class PairOutcome:
    """How one (council, month) pair of a batch ended."""

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
    errors = fnd.masked(fnd.errors(found))  # a batch's summary goes to logs and mail
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


def _attempt(out: str, line: str) -> None:
    """One line per attempt in OUT/.batch/attempts.log: shows Dask's retries."""
    attempts = Path(out) / ".batch" / "attempts.log"
    attempts.parent.mkdir(parents=True, exist_ok=True)
    with attempts.open("a") as handle:
        handle.write(line + "\n")


def council_task(
    council_dir: str,
    months: list[str],
    out: str,
    catalogue: str,
    params: str,
    window: int = 6,
) -> dict:
    """One council's scorecards for ``months``: its data through the run's gate once, every
    measure computed and every figure's disclosure decided once over all the months the
    scorecards read, each month's folder written atomically. Receives paths and returns
    counts (``{"months": {"YYYY-MM": {"rows": n, "seconds": s}}, "refused": {"YYYY-MM":
    why}}``): no person row travels between workers. Raises naming the first problem or
    data error."""
    from sendlib.ops.preflight import check

    council = Path(council_dir).name
    _attempt(out, f"{council} scorecards")
    periods = sorted(Month.parse(m).period for m in months)
    folder = Path(council_dir)
    found = check(
        periods[0],
        folder,
        council_params(folder, Path(params)),
        Path(catalogue),
        with_warnings=False,
    )
    if found.problems:
        raise ValueError(found.problems[0].splitlines()[0])
    if found.tables is None:
        raise ValueError(first_error(found.findings))
    tables, cat, report = found.tables, found.catalogue, found.report
    cases = prepare(tables)
    first = spc_history(tables, cat, periods[0], window, cases)[0]
    span = pd.period_range(first, periods[-1], freq="M")
    series = kpi_series(
        tables,
        cat,
        span,
        cases,
        disclosure=Disclosure(report.suppression_threshold),
        year_start=report.year_start_month,
    )
    done, refused = {}, {}
    for period in periods:
        beyond = month_problem(period, found.extract, council)  # as run refuses it
        if beyond:
            refused[str(period)] = beyond
            continue
        start = time.perf_counter()
        card = from_series(series, cat, period, window, tables.benchmarks)
        dated = comparator_periods(cat, tables.benchmarks, period)
        with staged(Path(out) / council / str(period)) as target:
            write_csv(card, target / "scorecard.csv")
            write_workbook(card, cat, period, target / "scorecard.xlsx", dated)
        done[str(period)] = {"rows": len(card), "seconds": round(time.perf_counter() - start, 2)}
    return {"months": done, "refused": refused}


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
        month=Month.parse(month),
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
    """How many times a task ran in this batch (from OUT/.batch/attempts.log): a council's
    scorecards (``what`` = 'scorecards', any month) or one month's paper."""
    log = Path(out) / ".batch" / "attempts.log"
    line = f"{council} scorecards" if what == "scorecards" else f"{council} {month} {what}"
    return sum(x == line for x in log.read_text().splitlines()) if log.exists() else 0


def run_batch(
    data_root: Path,
    months: list[Month],
    out: Path,
    catalogue: Path,
    scheduler: str | None = None,
    workers: int | None = None,
    papers: bool = False,
    params: Path = Path("params"),
    notebooks: Path = Path("notebooks"),
    secured=None,
) -> list[PairOutcome]:
    """Every council's scorecards as one Dask task, or with ``papers`` every (council,
    month) paper; returns one outcome per pair. ``secured``: the ``Security`` for an
    existing ``scheduler`` (see ``security``)."""
    from distributed import as_completed

    folders = councils(data_root)
    if not folders:
        raise ValueError(f"no council folders (with the contract's files) under {data_root}")
    (out / ".batch" / "attempts.log").unlink(missing_ok=True)
    with secrets_withheld():
        client, cluster = cluster_client(scheduler, workers, papers, secured)
    try:
        if papers:
            futures = _submit_papers(client, folders, months, out, params, notebooks, catalogue)
        else:
            futures = _submit_scorecards(client, folders, months, out, catalogue, params)
        outcomes = []
        for future in as_completed(futures):
            if papers:
                council, month = futures[future]
                outcomes.append(_paper_outcome(future, council, month, out))
            else:
                council = futures[future]
                outcomes += _council_outcomes(future, council, months, out)
        return sorted(outcomes, key=lambda o: (o.council, o.month))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _paper_outcome(future, council: str, month: str, out: Path) -> PairOutcome:
    tries = attempts(out, council, month, "paper")
    try:
        result = future.result()
    except PaperError as exc:
        notebook, cell, reason = exc.args
        return PairOutcome(council, month, "failed", 0.0, reason, notebook, cell, tries)
    except Exception as exc:  # reported per pair; the others complete
        return PairOutcome(council, month, "failed", 0.0, str(exc), attempts=tries)
    return PairOutcome(council, month, "ok", result["seconds"], result["folder"], attempts=tries)


def _council_outcomes(future, council: str, months, out: Path) -> list[PairOutcome]:
    """One outcome per month of a council's scorecards task."""
    tries = attempts(out, council, "", "scorecards")
    try:
        result = future.result()
    except Exception as exc:  # the council fails for each of its months; the others complete
        failed = [(str(m), str(exc)) for m in months]
        return [PairOutcome(council, m, "failed", 0.0, why, attempts=tries) for m, why in failed]
    return _outcomes(council, result, tries)


def _outcomes(council: str, result: dict, tries: int = 1) -> list[PairOutcome]:
    """One outcome per month of a council's scorecards: done, or refused (past the extract)."""
    done = [
        PairOutcome(council, m, "ok", r["seconds"], f"{r['rows']} rows", attempts=tries)
        for m, r in result["months"].items()
    ]
    refused = [
        PairOutcome(council, m, "failed", 0.0, why, attempts=tries)
        for m, why in result.get("refused", {}).items()
    ]
    return sorted(done + refused, key=lambda o: o.month)


def _once_retried(client, fn, *args, key: str):
    """A Dask task that is retried once when it fails."""
    return client.submit(fn, *args, key=key, retries=1, pure=False)


def _submit_scorecards(
    client, folders: list[Path], months, out: Path, catalogue: Path, params: Path
) -> dict:
    """One task per council, given only paths and month names."""
    where, cat, own = str(out.resolve()), str(catalogue.resolve()), str(params.resolve())
    names = [str(m) for m in months]
    return {
        _once_retried(
            client,
            council_task,
            str(folder.resolve()),
            names,
            where,
            cat,
            own,
            key=f"scorecards-{folder.name}",
        ): folder.name
        for folder in folders
    }


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
    months: list[Month],
    out: Path,
    catalogue: Path,
    papers: bool = False,
    params: Path = Path("params"),
    notebooks: Path = Path("notebooks"),
) -> list[PairOutcome]:
    """The same pairs one after another in this process (the benchmark's baseline)."""
    if papers:
        return [
            _sequential_paper(folder, month, out, params, notebooks, catalogue)
            for folder in councils(data_root)
            for month in months
        ]
    outcomes = []
    names = [str(m) for m in months]
    for folder in councils(data_root):
        try:
            result = council_task(str(folder), names, str(out), str(catalogue), str(params))
        except Exception as exc:
            outcomes += [PairOutcome(folder.name, m, "failed", 0.0, str(exc)) for m in names]
            continue
        outcomes += _outcomes(folder.name, result)
    return outcomes


def _sequential_paper(
    folder: Path, month: Month, out: Path, params: Path, notebooks: Path, catalogue: Path
) -> PairOutcome:
    try:
        result = paper_task(*_paper_args(folder, month, out, params, notebooks, catalogue))
    except PaperError as exc:
        return PairOutcome(folder.name, str(month), "failed", 0.0, exc.args[2], *exc.args[:2])
    return PairOutcome(folder.name, str(month), "ok", result["seconds"], result["folder"])
