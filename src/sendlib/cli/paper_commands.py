"""Commands that make or check the paper: ``run``, ``scorecard``, ``new-month``, ``lab``
and ``verify``."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from sendlib.cli.app import app
from sendlib.cli.console import console, print_findings, print_summary
from sendlib.cli.options import (
    CatalogueOpt,
    DataOpt,
    MonthOpt,
    OutOpt,
    ParamsOpt,
    month_option,
)
from sendlib.data import findings as fnd


def _catalogue(path: Path):
    from sendlib.scorecard.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue(path)
    except CatalogueError as exc:
        console.print("[bold red]Catalogue error[/]")
        console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc


def _tables(data: Path, cat):
    """Validated tables for the catalogue, or exit 1 after printing every error."""
    from sendlib.data.load import check_data

    tables, found = check_data(data, needed=cat.files_needed())
    if tables is None:
        errors = fnd.errors(found)
        print_findings(errors, f"{len(errors):,} error(s) in {data} — the run stops")
        print_summary(errors)
        raise typer.Exit(1)
    return tables


@app.command()
def scorecard(
    month: MonthOpt = None,
    months: Annotated[
        int, typer.Option(min=1, max=60, help="Months in the scorecard window (seed 001 uses 14).")
    ] = 6,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    out: OutOpt = Path("outputs"),
) -> None:
    """Write scorecard.csv and scorecard.xlsx for a month (no paper)."""
    from sendlib.ops.staging import write_scorecard_files

    report_month = month_option(month)
    cat = _catalogue(catalogue or params / "kpis.yaml")
    tables = _tables(data, cat)
    folder = write_scorecard_files(tables, cat, report_month, months, out)
    console.print(
        f"Scorecard for {report_month} ({months} months): {folder}/scorecard.csv, "
        f"{folder}/scorecard.xlsx",
        soft_wrap=True,
    )


def _months(month: str | None, from_month: str | None, to_month: str | None) -> list[pd.Period]:
    if from_month or to_month:
        first, last = month_option(from_month or to_month), month_option(to_month or from_month)
        if last < first:
            raise typer.BadParameter("--to is before --from")
        return list(pd.period_range(first, last, freq="M"))
    return [month_option(month)]


def _teams(data: Path, team: str, all_teams: bool) -> list[str]:
    if not all_teams:
        return [team]
    from sendlib.data.load import load_tables
    from sendlib.data.teams import teams as team_names

    try:
        return team_names(load_tables(data, needed=["person"]))
    except fnd.InvalidData as exc:
        print_findings(fnd.errors(exc.findings), f"errors in {data}")
        raise typer.Exit(1) from exc


@app.command()
def run(
    month: MonthOpt = None,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    out: OutOpt = Path("outputs"),
    team: Annotated[
        str, typer.Option(help="Render one team's pack (operational sections, its cases only).")
    ] = "",
    all_teams: Annotated[
        bool, typer.Option("--all-teams", help="Render every team's pack.")
    ] = False,
    from_month: Annotated[
        str | None, typer.Option("--from", help="Backfill from this month YYYY-MM …")
    ] = None,
    to_month: Annotated[
        str | None, typer.Option("--to", help="… to this month YYYY-MM (inclusive).")
    ] = None,
    narrative_only: Annotated[
        bool,
        typer.Option(
            "--narrative-only",
            help="Re-use the last run's executed notebooks when inputs, params and code "
            "are unchanged; only re-stitch and re-render.",
        ),
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait/--no-wait",
            help="If another run of the month is in progress, wait for it (default) "
            "or stop at once.",
        ),
    ] = True,
    renderer: Annotated[str, typer.Option(help="nbconvert (default) or quarto.")] = "nbconvert",
    notebooks: Annotated[Path, typer.Option(help="Folder of the section notebooks.")] = Path(
        "notebooks"
    ),
    timeout: Annotated[int, typer.Option(help="Seconds allowed per notebook cell.")] = 600,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="Write only paper.html to OUT/.preview/ (nothing published): with "
            "--narrative-only, an analyst sees a text edit in seconds.",
        ),
    ] = False,
) -> None:
    """Render the monthly paper (HTML, PDF), scorecard and manifest.

    Exit codes: 0 done; 1 bad data, parameters or a failing notebook; 2 rendering failed;
    3 another run of the same month is in progress (with --no-wait).
    """
    from sendlib.ops.request import RunRequest
    from sendlib.ops.runner import run_many

    if renderer not in ("nbconvert", "quarto"):
        raise typer.BadParameter("--renderer must be nbconvert or quarto")
    base = RunRequest(
        month=month_option(None if from_month or to_month else month),
        data_dir=data,
        params_dir=params,
        catalogue=catalogue,
        out=out,
        renderer=renderer,
        notebooks_dir=notebooks,
        timeout=timeout,
        narrative_only=narrative_only,
        preview=preview,
        wait=wait,
    )
    requests = [
        base.for_month(m).for_team(t)
        for m in _months(month, from_month, to_month)
        for t in _teams(data, team, all_teams)
    ]
    outcomes = run_many(requests, _progress_table)
    for outcome in outcomes:
        if outcome.error is not None:
            _report_failure(outcome)
        else:
            _report_success(outcome.request, outcome.result, params)
    failures = [o for o in outcomes if o.error is not None]
    if len(outcomes) > 1:
        console.print(
            f"{len(outcomes) - len(failures)} of {len(outcomes)} paper(s) rendered.",
            soft_wrap=True,
        )
    if failures:
        raise typer.Exit(max(o.exit_code for o in failures))


@contextmanager
def _progress_table(request):
    """A live table of the run's steps (one per notebook), updated as they finish."""
    from rich.live import Live
    from rich.table import Table as RichTable

    states: dict[str, str] = {}
    marks = {"queued": "·", "running": "…", "done": "[green]✓[/]", "failed": "[red]✗[/]"}
    title = f"sendlib run {request.month}" + (f" – {request.team}" if request.team else "")

    def table() -> RichTable:
        view = RichTable(title=title, title_justify="left")
        view.add_column("step")
        view.add_column("state")
        for stage, state in states.items():
            view.add_row(stage, marks.get(state, state))
        return view

    with Live(table(), console=console, transient=False, auto_refresh=False) as live:

        def progress(stage: str, state: str) -> None:
            states[stage] = state
            live.update(table(), refresh=True)

        yield progress


def _report_failure(outcome) -> None:
    from sendlib.ops.request import RunError

    error, request = outcome.error, outcome.request
    which = f"{request.month}{' ' + request.team if request.team else ''}"
    if isinstance(error, RunError):
        if error.findings is not None:
            print_findings(
                error.findings,
                f"{len(error.findings):,} error(s) in {request.data_dir} — the run stops",
            )
        console.print(f"\n[bold red]Run stopped ({which}):[/]", soft_wrap=True)
    else:
        console.print(f"\n[bold red]Rendering failed ({which}):[/]", soft_wrap=True)
    console.print(str(error), markup=False, soft_wrap=True)


def _report_success(request, result, params: Path) -> None:
    executed = (
        f"{result.executed} notebook(s) executed"
        if result.executed
        else "narrative only: no notebook re-executed"
    )
    for note in result.notes:
        console.print(f"[yellow]Note:[/] {note}", soft_wrap=True)
    if request.preview:
        console.print(
            f"\nPreview of {request.month}: {result.folder}/paper.html "
            f"({result.timings.get('total', 0):.1f} s, {executed}; nothing published).",
            soft_wrap=True,
        )
        return
    console.print(
        f"\nPaper for {request.month}: {result.folder}/paper.html and paper.pdf "
        f"({result.timings.get('total', 0):.1f} s, {executed}, {result.warnings:,} "
        "data-quality warning(s) listed in the data-quality section).",
        soft_wrap=True,
    )
    for name in result.pending_review:
        console.print(
            f"[yellow]Narrative still marked for review:[/] "
            f"{params}/narrative/{request.month}/{name}",
            soft_wrap=True,
        )


@app.command()
def verify(
    folder: Annotated[Path, typer.Argument(help="A published month folder, e.g. outputs/2025-05.")],
) -> None:
    """Check a paper still matches its data, parameters, notebooks and files (exit 1 if not)."""
    from rich.table import Table as RichTable

    from sendlib.ops.verify import verify as check

    problems = check(folder)
    if not problems:
        console.print(
            f"{folder}: the paper matches its inputs (every hash in manifest.json agrees)."
        )
        return
    table = RichTable(title=f"{folder}: {len(problems)} difference(s)", title_justify="left")
    for column in ("what", "file", "problem"):
        table.add_column(column, overflow="fold")
    for row in problems:
        table.add_row(*row)
    console.print(table)
    raise typer.Exit(1)


@app.command("new-month")
def new_month(
    month: Annotated[str, typer.Argument(help="The month to prepare, YYYY-MM.")],
    params: Annotated[Path, typer.Option(help="Folder holding narrative/.")] = Path("params"),
    data: Annotated[
        Path | None, typer.Option("--data", help="Draft this month's facts from this data.")
    ] = None,
    out: OutOpt = Path("outputs"),
) -> None:
    """Prepare params/narrative/MONTH/: last month's text marked for review, plus drafted facts."""
    from sendlib.config import ParamsError, RunParams
    from sendlib.paper.context import Context
    from sendlib.paper.newmonth import prepare_month
    from sendlib.paper.prepare import prepare_paper_data
    from sendlib.scorecard.catalogue import CatalogueError

    report_month = month_option(month)
    ctx = None
    if data is not None:
        run = RunParams(
            month=str(report_month),
            data_dir=str(data),
            params_dir=str(params),
            catalogue=str(params / "kpis.yaml"),
            output_dir=str(out),
        )
        try:
            ctx = Context.from_data(prepare_paper_data(run))
        except fnd.InvalidData as exc:
            print_findings(fnd.errors(exc.findings), f"errors in {data}")
            raise typer.Exit(1) from exc
        except (CatalogueError, ParamsError) as exc:
            console.print("[bold red]Cannot draft the facts:[/]")
            console.print(str(exc), markup=False, soft_wrap=True)
            raise typer.Exit(1) from exc
    for path, what in prepare_month(report_month, params, ctx):
        console.print(f"{path}: {what}", soft_wrap=True)


@app.command()
def lab(
    month: Annotated[
        str | None, typer.Option(help="Month to open (default: last complete month).")
    ] = None,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    out: OutOpt = Path("outputs"),
    notebooks: Annotated[Path, typer.Option(help="Folder of the section notebooks.")] = Path(
        "notebooks"
    ),
) -> None:
    """Open JupyterLab on copies of the notebooks with this month's parameters filled in."""
    import shutil
    import subprocess

    import nbformat
    from papermill.parameterize import parameterize_notebook

    from sendlib.config import RunParams

    report_month = month_option(month)
    folder = out / ".lab" / str(report_month)
    folder.mkdir(parents=True, exist_ok=True)
    values = RunParams(
        month=str(report_month),
        data_dir=str(data.resolve()),
        params_dir=str(params.resolve()),
        catalogue=str((params / "kpis.yaml").resolve()),
        output_dir=str(out.resolve()),
    ).model_dump()
    for source in sorted(notebooks.glob("*.ipynb")):
        nb = parameterize_notebook(nbformat.read(source, as_version=4), values)
        nbformat.write(nb, folder / source.name)
    console.print(
        f"Notebooks for {report_month} in {folder}; write commentary in "
        f"{params}/narrative/{report_month}/ (sendlib new-month prepares it).",
        soft_wrap=True,
    )
    if (
        shutil.which("jupyter-lab") is None
        and not (Path(sys.executable).parent / "jupyter-lab").exists()
    ):
        console.print(
            "JupyterLab is not installed: `make lab` installs it (pip install jupyterlab)."
        )
        raise typer.Exit(1)
    raise typer.Exit(
        subprocess.call(
            [str(Path(sys.executable).parent / "jupyter-lab"), f"--notebook-dir={folder}"]
        )
    )


narrative_app = typer.Typer(help="Manage the analysts' narrative files (params/narrative/).")
app.add_typer(narrative_app, name="narrative")


@narrative_app.command("migrate")
def narrative_migrate(
    params: Annotated[Path, typer.Option(help="Folder holding narrative/.")] = Path("params"),
) -> None:
    """Rename narrative files from their old names (04_timeliness.md) to the section's
    slug (timeliness.md) in every month; files are never overwritten."""
    from sendlib.paper.newmonth import migrate

    done = migrate(params)
    for old, new, what in done:
        console.print(f"{old} → {new.name}: {what}", soft_wrap=True, markup=False)
    if not done:
        console.print(f"{params}/narrative: nothing to migrate; every file has its slug name.")
