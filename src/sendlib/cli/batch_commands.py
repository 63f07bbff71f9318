"""``sendlib batch``: scorecards for many councils and months on Dask."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.app import app
from sendlib.cli.console import console, say
from sendlib.ops.request import EXIT_INPUT


@app.command()
def batch(
    data_root: Annotated[
        Path, typer.Option("--data-root", help="Folder with one data folder per council.")
    ],
    months: Annotated[
        str, typer.Option(help="Months, e.g. 2024-01:2025-01 (inclusive) or 2025-01.")
    ],
    out: Annotated[Path, typer.Option(help="Outputs: OUT/<council>/<YYYY-MM>/.")] = Path(
        "outputs/batch"
    ),
    catalogue: Annotated[Path, typer.Option(help="KPI catalogue for every council.")] = Path(
        "params/kpis.yaml"
    ),
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="An existing Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Local cluster workers (default: one per core).")
    ] = None,
) -> None:
    """Scorecards for every (council, month) pair on Dask; exit 1 if any pair failed."""
    from rich.table import Table as RichTable

    from sendlib.ops.batch import parse_months, run_batch

    try:
        periods = parse_months(months)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    started = time.perf_counter()
    try:
        outcomes = run_batch(data_root, periods, out, catalogue, scheduler, workers)
    except ValueError as exc:
        say(f"Batch stopped: {exc}", "bold red")
        raise typer.Exit(EXIT_INPUT) from exc
    table = RichTable(
        title=f"sendlib batch: {len(outcomes)} council-month pair(s)", title_justify="left"
    )
    for column in ("council", "month", "status", "seconds", "detail"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        style = "red" if o.status == "failed" else ""
        table.add_row(o.council, o.month, o.status, f"{o.seconds:.2f}", o.detail, style=style)
    console.print(table)
    failed = sum(o.status == "failed" for o in outcomes)
    console.print(
        f"{len(outcomes) - failed} ok, {failed} failed in "
        f"{time.perf_counter() - started:.1f} s; outputs in {out}/",
        soft_wrap=True,
    )
    raise typer.Exit(1 if failed else 0)
