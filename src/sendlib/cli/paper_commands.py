"""Commands that make or check the paper: ``run``, ``scorecard``, ``new-month``, ``lab``
and ``verify``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sendlib.cli.application import app
from sendlib.cli.console import print_findings, print_summary, progress, say
from sendlib.cli.options import (
    CatalogueOpt,
    DataOpt,
    MonthOpt,
    OutOpt,
    ParamsOpt,
    ProvisionalOpt,
    month_option,
    report_months,
    report_teams,
)
from sendlib.ops.request import EXIT_INPUT

if TYPE_CHECKING:
    import pandas as pd


def _checked(
    month: pd.Period, data: Path, params: Path, catalogue: Path | None, provisional: bool = False
):
    """The run's checks (parameters, data, month within the extract), or exit 1 after
    printing what is wrong."""
    from sendlib.ops.preflight import check

    found = check(
        month,
        data,
        params,
        catalogue or params / "kpis.yaml",
        with_warnings=False,
        provisional=provisional,
    )
    for caution in found.cautions:
        say(caution, "yellow")
    for problem in found.problems:
        say(problem, "bold red")
    if len(found.errors):
        errors = found.errors
        print_findings(
            errors,
            f"{len(errors):,} error(s) in {data} — the run stops",
            f"the output of sendlib validate --data {data}",
        )
        print_summary(errors)
    if not found.ok:
        raise typer.Exit(EXIT_INPUT)
    return found


@app.command()
def scorecard(
    month: MonthOpt = None,
    months: Annotated[
        int,
        typer.Option(
            min=1,
            max=60,
            help="Months in the scorecard window (14: this month and the same month last year).",
        ),
    ] = 6,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    out: OutOpt = Path("outputs"),
    provisional: ProvisionalOpt = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the scorecard of a published paper (its manifest then no longer "
            "verifies).",
        ),
    ] = False,
) -> None:
    """Write scorecard.csv and scorecard.xlsx for a month (no paper)."""
    from sendlib.ops.staging import write_scorecard_files

    report_month = month_option(month, data, params)
    target = out / str(report_month)
    if (target / "manifest.json").exists() and not force:
        say(
            f"{target} holds a published paper, whose scorecard is part of it: write this "
            f"one elsewhere with --out, or replace the paper's with --force.",
            "bold red",
        )
        raise typer.Exit(EXIT_INPUT)
    found = _checked(report_month, data, params, catalogue, provisional)
    folder = write_scorecard_files(
        found.tables,
        found.catalogue,
        report_month,
        months,
        out,
        found.report.suppression_threshold,
        found.report.year_start_month,
    )
    say(
        f"Scorecard for {report_month} ({months} months): {folder}/scorecard.csv, "
        f"{folder}/scorecard.xlsx"
    )


@app.command()
def run(
    month: MonthOpt = None,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    out: OutOpt = Path("outputs"),
    team: Annotated[
        str,
        typer.Option(
            metavar="NAME", help="Render one team's pack (operational sections, its cases only)."
        ),
    ] = "",
    all_teams: Annotated[
        bool, typer.Option("--all-teams", help="Render every team's pack.")
    ] = False,
    from_month: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM", help="Backfill from this month … (needs --to)"),
    ] = None,
    to_month: Annotated[
        str | None,
        typer.Option("--to", metavar="YYYY-MM", help="… to this month, inclusive."),
    ] = None,
    narrative_only: Annotated[
        bool,
        typer.Option(
            "--narrative-only",
            help="Re-use the last run's executed notebooks when inputs, params and code "
            "are unchanged; only re-stitch and re-render.",
        ),
    ] = False,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="Write only paper.html to OUT/.preview/ (nothing published): with "
            "--narrative-only, an analyst sees a text edit in seconds.",
        ),
    ] = False,
    provisional: ProvisionalOpt = False,
    allow_draft: Annotated[
        bool,
        typer.Option(
            "--allow-draft",
            help="Publish narrative still marked for review (by default the run refuses).",
        ),
    ] = False,
    allow_unused_narrative: Annotated[
        bool,
        typer.Option(
            "--allow-unused-narrative",
            help="Publish although a narrative file names no section (by default the run "
            "refuses, suggesting the section it was meant for).",
        ),
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait/--no-wait",
            help="If another run of the month is in progress, wait for it (default) "
            "or stop at once (exit code 3).",
        ),
    ] = True,
    renderer: Annotated[
        str, typer.Option(metavar="NAME", help="nbconvert (default) or quarto.")
    ] = "nbconvert",
    notebooks: Annotated[
        Path, typer.Option(metavar="DIR", help="Folder of the section notebooks.")
    ] = Path("notebooks"),
    timeout: Annotated[int, typer.Option(help="Seconds allowed per notebook cell.")] = 600,
) -> None:
    """Render the monthly paper (HTML, PDF), scorecard and manifest.

    Exit codes: 0 done; 1 bad data, parameters or a failing notebook; 2 the command line
    is wrong; 3 another run of the same month is in progress (with --no-wait); 4
    rendering failed; 5 a bug in sendlib.
    """
    from sendlib.ops.papers import run_many
    from sendlib.ops.request import RunRequest

    if renderer not in ("nbconvert", "quarto"):
        raise typer.BadParameter("--renderer must be nbconvert or quarto")
    months = report_months(month, from_month, to_month, data, params)
    base = RunRequest(
        month=months[0],
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
        allow_draft=allow_draft,
        allow_unused_narrative=allow_unused_narrative,
        provisional=provisional,
    )
    requests = [
        base.for_month(m).for_team(t) for m in months for t in report_teams(data, team, all_teams)
    ]
    outcomes = run_many(
        requests,
        lambda r: progress(f"sendlib run {r.month}" + (f" – {r.team}" if r.team else "")),
    )
    for outcome in outcomes:
        if outcome.error is not None:
            _report_failure(outcome)
        else:
            _report_success(outcome.request, outcome.result, params)
    failures = [o for o in outcomes if o.error is not None]
    if len(outcomes) > 1:
        say(f"{len(outcomes) - len(failures)} of {len(outcomes)} paper(s) rendered.")
    if failures:
        raise typer.Exit(max(o.exit_code for o in failures))


def _report_failure(outcome) -> None:
    from sendlib.ops.request import RunError

    error, request = outcome.error, outcome.request
    which = f"{request.month}{' ' + request.team if request.team else ''}"
    if isinstance(error, RunError) and error.findings is not None:
        print_findings(
            error.findings,
            f"{len(error.findings):,} error(s) in {request.data_dir} — the run stops",
            f"the output of sendlib validate --data {request.data_dir}",
        )
    kind = "Run stopped" if isinstance(error, RunError) else "Rendering failed"
    say(f"{kind} ({which}):", "bold red")
    say(str(error))
    for note in getattr(error, "notes", []):
        say(f"Note: {note}", "yellow")


def _report_success(request, result, params: Path) -> None:
    executed = (
        f"{result.executed} notebook(s) executed"
        if result.executed
        else "narrative only: no notebook re-executed"
    )
    seconds = result.timings.get("total", 0)
    for note in result.notes:
        say(f"Note: {note}", "yellow")
    for name in result.pending_review:
        say(
            f"Narrative still marked for review: {params}/narrative/{request.month}/{name}",
            "yellow",
        )
    if request.preview:
        say(
            f"Preview of {request.month}: {result.folder}/paper.html "
            f"({seconds:.1f} s, {executed}; nothing published)."
        )
        return
    warnings = (
        ""
        if request.team
        else f", {result.warnings:,} data-quality warning(s) listed in the data-quality section"
    )
    made = [n for n in ("paper.html", "paper.pdf", "paper.docx") if (result.folder / n).exists()]
    names = ", ".join(made[:-1]) + f" and {made[-1]}" if len(made) > 1 else "".join(made)
    say(
        f"Paper for {request.month}: {result.folder}/{names} "
        f"({seconds:.1f} s, {executed}{warnings})."
    )


@app.command()
def verify(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="A published month folder, e.g. outputs/2025-05.")
    ],
) -> None:
    """Check a paper still matches its data, parameters, notebooks and files (exit 1 if not)."""
    from sendlib.ops.verify import verify as check

    problems = check(folder)
    if not problems:
        say(f"{folder}: the paper matches its inputs (every hash in manifest.json agrees).")
        return
    say(f"{folder}: {len(problems)} difference(s)", "bold red")
    for what, file, problem in problems:
        say(f"  {what}: {file}: {problem}")
    raise typer.Exit(EXIT_INPUT)


@app.command()
def audit(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="A published month folder, e.g. outputs/2025-05.")
    ],
) -> None:
    """Check that no published file states a figure the paper withholds: paper.html (text,
    alt text), paper.pdf, paper.docx, scorecard.csv, scorecard.xlsx and OUT/index.html
    (exit 1 on any breach)."""
    from sendlib.ops.audit import AuditError
    from sendlib.ops.audit import audit as check

    try:
        breaches = check(folder)
    except AuditError as exc:
        say(str(exc), "bold red")
        raise typer.Exit(EXIT_INPUT) from exc
    if not breaches:
        say(f"{folder}: no withheld figure is stated in any published file.")
        return
    say(f"{folder}: {len(breaches)} breach(es) of the disclosure rule", "bold red")
    for breach in breaches:
        say(f"  {breach}")
    raise typer.Exit(EXIT_INPUT)


@app.command("new-month")
def new_month(
    month: Annotated[str, typer.Argument(metavar="YYYY-MM", help="The month to prepare.")],
    params: ParamsOpt = Path("params"),
    data: DataOpt = Path("data/raw"),
    catalogue: CatalogueOpt = None,
    facts: Annotated[
        bool,
        typer.Option("--facts/--no-facts", help="Draft the month's facts from the data (default)."),
    ] = True,
) -> None:
    """Prepare params/narrative/MONTH/: last month's text marked for review, plus the
    facts sendlib drafts from the month's figures (as comments to draw on)."""
    from sendlib.config import RunParams
    from sendlib.paper.newmonth import prepare_month
    from sendlib.paper.notebook_context import Context
    from sendlib.paper.prepare import prepare_paper_data

    report_month = month_option(month)
    ctx = None
    if facts and not data.is_dir():
        say(f"No data in {data}: preparing the narrative without drafted facts.", "yellow")
    elif facts:
        found = _checked(report_month, data, params, catalogue)
        run = RunParams(
            month=str(report_month),
            data_dir=str(data),
            params_dir=str(params),
            catalogue=str(catalogue or params / "kpis.yaml"),
        )
        ctx = Context.from_data(prepare_paper_data(run, found.tables))
    for path, what in prepare_month(report_month, params, ctx):
        say(f"{path}: {what}")


@app.command()
def lab(
    month: MonthOpt = None,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    out: OutOpt = Path("outputs"),
    notebooks: Annotated[
        Path, typer.Option(metavar="DIR", help="Folder of the section notebooks.")
    ] = Path("notebooks"),
) -> None:
    """Open JupyterLab on the month's notebooks (parameters filled in, figures prepared)."""
    import shutil

    from sendlib.ops.lab import lab_command as jupyter_lab
    from sendlib.ops.lab import prepare_lab, serve
    from sendlib.ops.request import RunError, RunRequest

    request = RunRequest(
        month=month_option(month, data, params),
        data_dir=data,
        params_dir=params,
        catalogue=catalogue,
        out=out,
        notebooks_dir=notebooks,
    )
    try:
        folder = prepare_lab(request)
    except RunError as exc:
        if exc.findings is not None:
            print_findings(exc.findings, f"{len(exc.findings):,} error(s) in {data}")
        say(str(exc), "bold red")
        raise typer.Exit(EXIT_INPUT) from exc
    say(
        f"Notebooks for {request.month} in {folder}. Write each section's commentary in its "
        f"narrative cell: saving the notebook saves it to {params}/narrative/{request.month}/"
        "<section>.md (the file stays the source: `sendlib run` reads it)."
    )
    lab_command = shutil.which("jupyter-lab") or str(Path(sys.executable).parent / "jupyter-lab")
    if not Path(lab_command).exists():
        say("JupyterLab is not installed: `make lab` installs it (pip install 'sendlib[lab]').")
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(
        serve(jupyter_lab(lab_command, folder, request.params_dir, str(request.month)))
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
        say(f"{old} → {new.name}: {what}")
    if not done:
        say(f"{params}/narrative: nothing to migrate; every file has its slug name.")
