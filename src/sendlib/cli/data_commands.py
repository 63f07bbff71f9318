"""Commands on input data: ``validate`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.app import app
from sendlib.cli.console import print_findings, print_summary, say
from sendlib.cli.options import CatalogueOpt, DataOpt, MonthOpt, ParamsOpt, month_option
from sendlib.data import findings as fnd


@app.command()
def validate(
    data: DataOpt = Path("data/raw"),
    month: MonthOpt = None,
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    findings_out: Annotated[
        Path | None,
        typer.Option(
            "--findings",
            "--report",
            metavar="FILE",
            help="Where to write every finding as CSV (default: validation.csv in the data "
            "folder, when there are findings).",
        ),
    ] = None,
) -> None:
    """Check the data, report.yaml and the KPI catalogue as `sendlib run` would; exit 1 if
    the run would stop. A few findings of each kind are printed; all are written to CSV."""
    from sendlib.ops.preflight import check

    report_month = month_option(month)
    found = check(report_month, data, params, catalogue or params / "kpis.yaml")
    for note in fnd.notes(found.findings):
        say(f"Read: {note}")
    for problem in found.problems:
        say(problem, "bold red")
    errors, warns = fnd.errors(found.findings), fnd.warnings(found.findings)
    target = findings_out or data / "validation.csv"
    if len(found.findings) and data.is_dir():
        found.findings.to_csv(target, index=False)
    if len(errors):
        print_findings(errors, f"{len(errors):,} error(s) in {data} — the run stops", str(target))
    if len(warns):
        print_findings(warns, f"{len(warns):,} warning(s) in {data}", str(target))
    if len(found.findings):
        print_summary(found.findings)
    stops = bool(len(errors) or found.problems)
    tail = (
        " The run would stop."
        if stops
        else " Warnings are listed in the paper's data-quality section."
    )
    say(
        f"{data}: {len(errors):,} error(s), {len(warns):,} warning(s) for {report_month}; "
        f"{len(found.problems)} problem(s) in the parameters files.{tail}"
        + (f" Every finding: {target}" if len(found.findings) and data.is_dir() else "")
    )
    raise typer.Exit(1 if stops else 0)


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="Folder to write the synthetic council into.")
    ] = Path("data/demo"),
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives identical files.")
    ] = 42,
    scale: Annotated[
        str, typer.Option(help="la (one council) or national (England's size).")
    ] = "la",
    end: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM", help="Last month of data (default: last complete month)."),
    ] = None,
    councils: Annotated[
        int, typer.Option(min=0, help="Write this many councils (OUT/LA001 …) for batches.")
    ] = 0,
) -> None:
    """Generate a synthetic council's case history (no real people) in the data contract."""
    from sendlib.data.demo import SCALES, generate, generate_councils

    if councils:
        folders = generate_councils(out, councils, seed=seed, end=month_option(end))
        say(f"Wrote {len(folders)} synthetic councils to {out}/")
        return
    if scale not in SCALES:
        raise typer.BadParameter(f"--scale must be one of {', '.join(SCALES)}")
    last = month_option(end)
    counts = generate(out, seed=seed, scale=scale, end=last)
    say(
        f"Wrote a synthetic council ({scale}, seed {seed}, Jan 2020 – {last}) to {out}: "
        + ", ".join(f"{name} {n:,}" for name, n in counts.items())
    )
