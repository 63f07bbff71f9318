"""The ``sendlib`` command line (typer). Exit codes: 0 ok, 1 data errors, 2 usage/render failure."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from sendlib import findings as fnd
from sendlib.console import console, print_findings, print_summary
from sendlib.dates import last_complete_month, parse_month

app = typer.Typer(
    help="sendlib: the monthly SEND performance paper, scorecard and manifest.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DataOpt = Annotated[Path, typer.Option("--data", help="Folder of input CSVs (the data contract).")]


def month_option(value: str | None) -> pd.Period:
    """Parse --month, defaulting to the last complete month."""
    if value is None:
        return last_complete_month()
    try:
        return parse_month(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command()
def validate(
    data: DataOpt = Path("data/raw"),
    month: Annotated[
        str | None, typer.Option(help="Report month YYYY-MM (default: last complete month).")
    ] = None,
    findings_out: Annotated[
        Path | None, typer.Option("--findings", help="Also write every finding to this CSV.")
    ] = None,
) -> None:
    """Check the input files against the data contract; exit 1 if there are errors."""
    from sendlib.load import check_data
    from sendlib.quality import warnings

    report_month = month_option(month)
    tables, found = check_data(data)
    if tables is not None:
        found = fnd.combine([found, warnings(tables, report_month)])
    errors, warns = fnd.errors(found), fnd.warnings(found)
    if findings_out:
        found.to_csv(findings_out, index=False)
    if len(errors):
        print_findings(errors, f"{len(errors):,} error(s) in {data} — the run stops")
    if len(found):
        print_summary(found)
    console.print(
        f"{data}: {len(errors):,} error(s), {len(warns):,} warning(s) for {report_month}."
        + ("" if tables is None else " Warnings are listed in the paper's data-quality section.")
    )
    raise typer.Exit(1 if len(errors) else 0)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder to write the synthetic council into.")] = Path(
        "data/demo"
    ),
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives identical files.")
    ] = 42,
    scale: Annotated[
        str, typer.Option(help="la (one council) or national (England's size).")
    ] = "la",
    end: Annotated[
        str | None, typer.Option(help="Last month of data YYYY-MM (default: last complete month).")
    ] = None,
    councils: Annotated[
        int, typer.Option(min=0, help="Write this many councils (OUT/LA001 …) for batches.")
    ] = 0,
) -> None:
    """Generate a synthetic council's case history (no real people) in the data contract."""
    from sendlib.demo import SCALES, generate, generate_councils

    if councils:
        folders = generate_councils(out, councils, seed=seed, end=month_option(end))
        console.print(f"Wrote {len(folders)} synthetic councils to {out}/", soft_wrap=True)
        return
    if scale not in SCALES:
        raise typer.BadParameter(f"--scale must be one of {', '.join(SCALES)}")
    last = month_option(end)
    counts = generate(out, seed=seed, scale=scale, end=last)
    console.print(
        f"Wrote a synthetic council ({scale}, seed {seed}, Jan 2020 – {last}) to {out}: "
        + ", ".join(f"{name} {n:,}" for name, n in counts.items())
    )


def main() -> None:  # pragma: no cover - console entry point
    app()


@app.command()
def scorecard(
    month: Annotated[
        str | None, typer.Option(help="Report month YYYY-MM (default: last complete month).")
    ] = None,
    months: Annotated[
        int, typer.Option(min=1, max=60, help="Months in the scorecard window (seed 001 uses 14).")
    ] = 6,
    data: DataOpt = Path("data/raw"),
    params: Annotated[Path, typer.Option(help="Folder of report.yaml and kpis.yaml.")] = Path(
        "params"
    ),
    catalogue: Annotated[
        Path | None, typer.Option(help="KPI catalogue (default: PARAMS/kpis.yaml).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Outputs folder; files go to OUT/YYYY-MM/.")] = Path(
        "outputs"
    ),
) -> None:
    """Write scorecard.csv and scorecard.xlsx for a month (no paper)."""
    from sendlib.outputs import write_scorecard_files

    report_month = month_option(month)
    cat = _catalogue(catalogue or params / "kpis.yaml")
    tables = _tables(data, cat)
    folder = write_scorecard_files(tables, cat, report_month, months, out)
    console.print(
        f"Scorecard for {report_month} ({months} months): {folder}/scorecard.csv, "
        f"{folder}/scorecard.xlsx"
    )


def _catalogue(path: Path):
    from sendlib.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue(path)
    except CatalogueError as exc:
        console.print(f"[bold red]Catalogue error[/]\n{exc}")
        raise typer.Exit(1) from None


def _tables(data: Path, cat):
    """Validated tables for the catalogue, or exit 1 after printing every error."""
    from sendlib.load import check_data

    tables, found = check_data(data, needed=cat.files_needed())
    if tables is None:
        errors = fnd.errors(found)
        print_findings(errors, f"{len(errors):,} error(s) in {data} — the run stops")
        print_summary(errors)
        raise typer.Exit(1)
    return tables


@app.command()
def run(
    month: Annotated[
        str | None, typer.Option(help="Report month YYYY-MM (default: last complete month).")
    ] = None,
    data: DataOpt = Path("data/raw"),
    params: Annotated[
        Path, typer.Option(help="Folder of report.yaml, kpis.yaml and narrative/.")
    ] = Path("params"),
    catalogue: Annotated[
        Path | None, typer.Option(help="KPI catalogue (default: PARAMS/kpis.yaml).")
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Outputs folder; the paper goes to OUT/YYYY-MM/.")
    ] = Path("outputs"),
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
    from sendlib.render import RenderError
    from sendlib.runner import RunError

    if renderer not in ("nbconvert", "quarto"):
        raise typer.BadParameter("--renderer must be nbconvert or quarto")
    if from_month or to_month:
        first, last = month_option(from_month or to_month), month_option(to_month or from_month)
        if last < first:
            raise typer.BadParameter("--to is before --from")
        months = list(pd.period_range(first, last, freq="M"))
    else:
        months = [month_option(month)]
    teams = [team]
    if all_teams:
        from sendlib.load import load_tables
        from sendlib.teams import teams as team_names

        try:
            teams = team_names(load_tables(data, needed=["person"]))
        except fnd.InvalidData as exc:
            print_findings(fnd.errors(exc.findings), f"errors in {data}")
            raise typer.Exit(1) from None
    failures = 0
    worst = 0
    for report_month in months:
        for one_team in teams:
            try:
                _run_one(
                    report_month,
                    data,
                    params,
                    catalogue or params / "kpis.yaml",
                    out,
                    one_team,
                    renderer,
                    notebooks,
                    timeout,
                    narrative_only,
                    wait,
                    preview,
                )
            except RunError as exc:
                failures += 1
                worst = max(worst, exc.exit_code)
                if exc.findings is not None:
                    print_findings(
                        exc.findings, f"{len(exc.findings):,} error(s) in {data} — the run stops"
                    )
                which = f"{report_month}{' ' + one_team if one_team else ''}"
                console.print(f"\n[bold red]Run stopped ({which}):[/] {exc}", soft_wrap=True)
            except RenderError as exc:
                failures += 1
                worst = max(worst, 2)
                console.print(
                    f"\n[bold red]Rendering failed ({report_month}):[/] {exc}", soft_wrap=True
                )
    if len(months) * len(teams) > 1:
        console.print(
            f"{len(months) * len(teams) - failures} of {len(months) * len(teams)} "
            "paper(s) rendered.",
            soft_wrap=True,
        )
    if failures:
        raise typer.Exit(worst or 1)


def _run_one(
    report_month,
    data,
    params,
    catalogue,
    out,
    team,
    renderer,
    notebooks,
    timeout,
    narrative_only,
    wait,
    preview=False,
) -> None:
    from rich.live import Live
    from rich.table import Table as RichTable

    from sendlib.runner import run as run_paper

    states: dict[str, str] = {}
    marks = {"queued": "·", "running": "…", "done": "[green]✓[/]", "failed": "[red]✗[/]"}
    title = f"sendlib run {report_month}" + (f" – {team}" if team else "")

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

        result = run_paper(
            report_month,
            data,
            params,
            catalogue,
            out,
            team=team,
            renderer=renderer,
            notebooks_dir=notebooks,
            timeout=timeout,
            progress=progress,
            narrative_only=narrative_only,
            wait=wait,
            preview=preview,
        )
    executed = (
        f"{result.executed} notebook(s) executed"
        if result.executed
        else "narrative only: no notebook re-executed"
    )
    if preview:
        console.print(
            f"\nPreview of {report_month}: {result.folder}/paper.html "
            f"({result.timings.get('total', 0):.1f} s, {executed}; nothing published).",
            soft_wrap=True,
        )
        return
    console.print(
        f"\nPaper for {report_month}: {result.folder}/paper.html and paper.pdf "
        f"({result.timings.get('total', 0):.1f} s, {executed}, {result.warnings:,} "
        "data-quality warning(s) listed in the data-quality section).",
        soft_wrap=True,
    )
    for name in result.pending_review:
        console.print(
            f"[yellow]Narrative still marked for review:[/] "
            f"{params}/narrative/{report_month}/{name}",
            soft_wrap=True,
        )


@app.command()
def verify(
    folder: Annotated[Path, typer.Argument(help="A published month folder, e.g. outputs/2025-05.")],
) -> None:
    """Check a paper still matches its data, parameters, notebooks and files (exit 1 if not)."""
    from rich.table import Table as RichTable

    from sendlib.verify import verify as check

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

    from sendlib.batch import parse_months, run_batch

    try:
        periods = parse_months(months)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    started = time.perf_counter()
    try:
        outcomes = run_batch(data_root, periods, out, catalogue, scheduler, workers)
    except ValueError as exc:
        console.print(f"[bold red]Batch stopped:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
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


@app.command("new-month")
def new_month(
    month: Annotated[str, typer.Argument(help="The month to prepare, YYYY-MM.")],
    params: Annotated[Path, typer.Option(help="Folder holding narrative/.")] = Path("params"),
    data: Annotated[
        Path | None, typer.Option("--data", help="Draft this month's facts from this data.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Outputs folder (for the context cache).")] = Path(
        "outputs"
    ),
) -> None:
    """Prepare params/narrative/MONTH/: last month's text marked for review, plus drafted facts."""
    from sendlib.newmonth import prepare_month

    report_month = month_option(month)
    ctx = None
    if data is not None:
        from sendlib.paper import context

        try:
            ctx = context(
                str(report_month), str(data), str(params), str(params / "kpis.yaml"), str(out)
            )
        except fnd.InvalidData as exc:
            print_findings(fnd.errors(exc.findings), f"errors in {data}")
            raise typer.Exit(1) from None
        except Exception as exc:  # CatalogueError, ParamsError: their messages say it all
            console.print(f"[bold red]Cannot draft the facts:[/] {exc}", soft_wrap=True)
            raise typer.Exit(1) from None
    for path, what in prepare_month(report_month, params, ctx):
        console.print(f"{path}: {what}", soft_wrap=True)


@app.command()
def lab(
    month: Annotated[
        str | None, typer.Option(help="Month to open (default: last complete month).")
    ] = None,
    data: DataOpt = Path("data/raw"),
    params: Annotated[
        Path, typer.Option(help="Folder of report.yaml, kpis.yaml and narrative/.")
    ] = Path("params"),
    out: Annotated[Path, typer.Option(help="Outputs folder.")] = Path("outputs"),
    notebooks: Annotated[Path, typer.Option(help="Folder of the section notebooks.")] = Path(
        "notebooks"
    ),
) -> None:
    """Open JupyterLab on copies of the notebooks with this month's parameters filled in."""
    import shutil
    import subprocess

    import nbformat
    from papermill.parameterize import parameterize_notebook

    from sendlib.params import RunParams

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
