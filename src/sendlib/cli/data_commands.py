"""Commands on input data: ``validate`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.app import app
from sendlib.cli.console import console, print_findings, print_summary
from sendlib.cli.options import DataOpt, MonthOpt, month_option
from sendlib.data import findings as fnd


@app.command()
def validate(
    data: DataOpt = Path("data/raw"),
    month: MonthOpt = None,
    findings_out: Annotated[
        Path | None, typer.Option("--findings", help="Also write every finding to this CSV.")
    ] = None,
) -> None:
    """Check the input files against the data contract; exit 1 if there are errors."""
    from sendlib.data.load import check_data
    from sendlib.data.quality import warnings

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
    from sendlib.data.demo import SCALES, generate, generate_councils

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
