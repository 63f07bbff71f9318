"""Many councils at once on Dask: the same catalogue for every (council, month) pair.

``sendlib batch`` submits one ``dask.distributed`` task per pair — to a local cluster
sized to the machine, or to an existing cluster (``--scheduler tcp://host:port``). Each
council's data is validated and prepared once, by a task the council's month tasks
depend on; each month task builds the scorecard for its month and writes its own folder
atomically (``OUT/<council>/<YYYY-MM>/``). A task that fails is retried once by Dask; a
pair that still fails is reported and the others complete.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sendlib.data import findings as fnd
from sendlib.data.load import Tables, check_data
from sendlib.data.sources import is_data_folder
from sendlib.measures.cases import Cases, prepare
from sendlib.ops.staging import staged
from sendlib.scorecard.build import build, write_csv
from sendlib.scorecard.catalogue import load_catalogue
from sendlib.scorecard.workbook import write_workbook


@dataclass(frozen=True)
class Outcome:
    council: str
    month: str
    status: str  # ok / failed
    seconds: float
    detail: str


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


def load_task(council_dir: str, out: str, catalogue: str) -> tuple[Tables, Cases]:
    """One council's validated tables and prepared cases (shared by its months' tasks).
    Raises on bad data, naming the first error."""
    _attempt(out, f"{Path(council_dir).name} load")
    cat = load_catalogue(catalogue)
    tables, found = check_data(council_dir, needed=cat.files_needed())
    if tables is None:
        errors = fnd.errors(found)
        first = errors.iloc[0]
        raise ValueError(
            f"{len(errors)} data error(s), first: {first['file']} row "
            f"{first['row']} {first['column'] or ''}: {first['reason']}"
        )
    return tables, prepare(tables)


def scorecard_task(
    loaded: tuple[Tables, Cases],
    council: str,
    month: str,
    out: str,
    catalogue: str,
    months: int = 6,
) -> dict:
    """One (council, month): build the scorecard and write its folder atomically."""
    start = time.perf_counter()
    _attempt(out, f"{council} {month}")
    tables, cases = loaded
    cat = load_catalogue(catalogue)
    period = pd.Period(month, freq="M")
    card = build(tables, cat, period, months, cases)
    with staged(Path(out) / council / month) as folder:
        write_csv(card, folder / "scorecard.csv")
        write_workbook(card, cat, period, folder / "scorecard.xlsx")
    return {"seconds": round(time.perf_counter() - start, 2), "rows": len(card)}


def run_batch(
    data_root: Path,
    months: list[pd.Period],
    out: Path,
    catalogue: Path,
    scheduler: str | None = None,
    workers: int | None = None,
) -> list[Outcome]:
    """Every (council, month) pair as a Dask task; returns one outcome per pair."""
    from distributed import Client, LocalCluster, as_completed

    folders = councils(data_root)
    if not folders:
        raise ValueError(f"no council folders (with the contract's files) under {data_root}")
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=workers or len(os.sched_getaffinity(0)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(cluster)
    try:
        futures = {}
        for folder in folders:
            # loaded once per council; its months' tasks depend on it (a council that
            # cannot be loaded fails each of its pairs with the reason)
            loaded = client.submit(
                load_task,
                str(folder.resolve()),
                str(out.resolve()),
                str(catalogue.resolve()),
                key=f"load-{folder.name}",
                retries=1,
                pure=False,
            )
            for month in months:
                future = client.submit(
                    scorecard_task,
                    loaded,
                    folder.name,
                    str(month),
                    str(out.resolve()),
                    str(catalogue.resolve()),
                    key=f"scorecard-{folder.name}-{month}",
                    retries=1,
                    pure=False,
                )
                futures[future] = (folder.name, str(month))
        outcomes = []
        for future in as_completed(futures):
            council, month = futures[future]
            try:
                result = future.result()
                outcomes.append(
                    Outcome(council, month, "ok", result["seconds"], f"{result['rows']} rows")
                )
            except Exception as exc:  # reported per pair; the others complete
                outcomes.append(Outcome(council, month, "failed", 0.0, str(exc)))
        return sorted(outcomes, key=lambda o: (o.council, o.month))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_sequential(
    data_root: Path, months: list[pd.Period], out: Path, catalogue: Path
) -> list[Outcome]:
    """The same pairs one after another in this process (the benchmark's baseline)."""
    outcomes = []
    for folder in councils(data_root):
        try:
            loaded = load_task(str(folder), str(out), str(catalogue))
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
