"""``sendlib batch``: scorecards (or whole papers) for many councils and months on Dask."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.application import app
from sendlib.cli.console import console, plain, say
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
            help="An existing Dask scheduler, tls://host:8786 with the certificates below "
            "(default: a local cluster on this machine, over TLS)."
        ),
    ] = None,
    tls_ca_file: Annotated[
        Path | None, typer.Option(help="With --scheduler tls://…: the cluster's CA certificate.")
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option(help="With --scheduler tls://…: this client's certificate.")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="With --scheduler tls://…: this client's private key.")
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure",
            help="Allow --scheduler tcp://… (unencrypted: anyone who reaches the scheduler "
            "runs code on it) on a network only you can reach.",
        ),
    ] = False,
    workers: Annotated[
        int | None, typer.Option(help="Local cluster workers (default: one per core).")
    ] = None,
    papers: Annotated[
        bool,
        typer.Option(
            "--papers",
            help="Render each council's whole paper (HTML, PDF, scorecard, manifest), "
            "not only its scorecard.",
        ),
    ] = False,
    params: Annotated[
        Path,
        typer.Option(
            help="The parameters (report.yaml) of a council without its own "
            "<council>/params/ folder; checked as sendlib run checks them."
        ),
    ] = Path("params"),
    notebooks: Annotated[Path, typer.Option(help="With --papers: the section notebooks.")] = Path(
        "notebooks"
    ),
) -> None:
    """Scorecards (or with --papers whole papers) for every (council, month) pair on Dask;
    exit 1 if any pair failed."""
    from importlib.util import find_spec

    from rich.table import Table as RichTable

    if find_spec("distributed") is None:  # an optional part: a monthly paper needs no Dask
        say("sendlib batch needs Dask, which is not installed: pip install 'sendlib[batch]'")
        raise typer.Exit(EXIT_INPUT)
    from sendlib.months import parse_months
    from sendlib.ops.batch import run_batch
    from sendlib.ops.cluster import security

    try:
        periods = parse_months(months)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    started = time.perf_counter()
    try:
        if not data_root.is_dir():
            raise ValueError(f"{data_root} is not a folder")
        if papers and not (params / "report.yaml").exists() and not notebooks.is_dir():
            raise ValueError(f"no notebooks in {notebooks} and no {params / 'report.yaml'}")
        secured = (
            security(scheduler, tls_ca_file, tls_cert, tls_key, insecure) if scheduler else None
        )
        outcomes = run_batch(
            data_root,
            periods,
            out,
            catalogue,
            scheduler,
            workers,
            papers,
            params,
            notebooks,
            secured,
        )
    except ValueError as exc:
        say(f"Batch stopped: {exc}", "bold red")
        raise typer.Exit(EXIT_INPUT) from exc
    what = "paper" if papers else "scorecard"
    if plain():  # cron, a log file: one line per pair, never a table
        for o in outcomes:
            cell = f" cell {o.cell}" if o.cell else ""
            where = f" in {o.notebook}{cell}" if o.notebook else ""
            tries = f" after {o.attempts} attempts" if o.attempts > 1 else ""
            say(f"{o.council} {o.month} {what} {o.status}{tries}{where}: {o.detail}")
    else:
        table = RichTable(
            title=f"sendlib batch: {len(outcomes)} council-month {what}(s)", title_justify="left"
        )
        columns = ["council", "month", "status", "attempts", "seconds"]
        columns += ["notebook", "cell", "detail"] if papers else ["detail"]
        for column in columns:
            table.add_column(column, overflow="fold")
        for o in outcomes:
            style = "red" if o.status == "failed" else ""
            cells = [o.council, o.month, o.status, str(o.attempts), f"{o.seconds:.2f}"]
            cells += [o.notebook, o.cell, o.detail] if papers else [o.detail]
            table.add_row(*cells, style=style)
        console.print(table)
    failed = sum(o.status == "failed" for o in outcomes)
    console.print(
        f"{len(outcomes) - failed} ok, {failed} failed in "
        f"{time.perf_counter() - started:.1f} s; outputs in {out}/",
        soft_wrap=True,
    )
    raise typer.Exit(1 if failed else 0)
