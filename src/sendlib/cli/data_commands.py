"""Commands on input data: ``validate`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.application import app
from sendlib.cli.console import print_findings, print_summary, say
from sendlib.cli.options import (
    CatalogueOpt,
    DataOpt,
    MonthOpt,
    ParamsOpt,
    ProvisionalOpt,
    month_option,
    optional_report,
)


@app.command()
def validate(
    data: DataOpt = Path("data/raw"),
    month: MonthOpt = None,
    params: ParamsOpt = Path("params"),
    catalogue: CatalogueOpt = None,
    provisional: ProvisionalOpt = False,
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
    from sendlib.data import findings as fnd
    from sendlib.ops.preflight import check

    report_month = month_option(month, data, params)
    found = check(
        report_month, data, params, catalogue or params / "kpis.yaml", provisional=provisional
    )
    for note in fnd.notes(found.findings):
        say(f"Read: {note}")
    for caution in found.cautions:
        say(caution, "yellow")
    for problem in found.problems:
        say(problem, "bold red")
    errors, warns = fnd.errors(found.findings), fnd.warnings(found.findings)
    target = findings_out or data / "validation.csv"
    if len(found.findings) and data.is_dir():
        from sendlib.files import atomic_output

        with atomic_output(target) as temp:
            found.findings.to_csv(temp, index=False)
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
        f"{len(found.problems)} problem(s) with the parameters or the month.{tail}"
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
    like_release: Annotated[
        bool,
        typer.Option(
            "--like-release",
            help="With --councils: give each council the size and yearly rates of a real "
            "council in the DfE's release, and its own params/ folder.",
        ),
    ] = False,
    release: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="With --like-release: the DfE release (default: sendlib's reduced copy).",
        ),
    ] = None,
    params: ParamsOpt = Path("params"),
    sen2: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Also write the council as SEN2 returns (one per January census, made-up "
            "names) and a synthetic establishments list into DIR, for `sendlib import sen2`.",
        ),
    ] = None,
) -> None:
    """Generate a synthetic council's case history (no real people) in the data contract;
    its comparators come from the DfE release for the region and statistical neighbours in
    PARAMS/report.yaml."""
    from sendlib.demo import SCALES, generate, generate_councils
    from sendlib.demo.calibration import NEIGHBOURS, REGION

    region, neighbours = REGION, NEIGHBOURS
    report = optional_report(params)
    if report is not None:
        region = report.region_code or region
        neighbours = tuple(report.statistical_neighbours) or neighbours
    if councils and sen2 is not None:
        raise typer.BadParameter("--sen2 writes one council's returns: not with --councils")
    if (like_release or release) and not councils:
        raise typer.BadParameter("--like-release makes a batch of councils: give --councils N")
    if councils and like_release:
        _like_release(out, councils, seed, month_option(end), params, release)
        return
    if councils:
        folders = generate_councils(out, councils, seed=seed, end=month_option(end))
        say(f"Wrote {len(folders)} synthetic councils to {out}/")
        return
    if scale not in SCALES:
        raise typer.BadParameter(f"--scale must be one of {', '.join(SCALES)}")
    last = month_option(end)
    counts = generate(
        out, seed=seed, scale=scale, end=last, region=region, neighbours=neighbours, sen2=sen2
    )
    say(
        f"Wrote a synthetic council ({scale}, seed {seed}, Jan 2020 – {last}) to {out}: "
        + ", ".join(f"{name} {n:,}" for name, n in counts.items())
    )
    if sen2 is not None:
        written = sorted(p.name for p in sen2.glob("sen2-*.xml"))
        say(
            f"Wrote its SEN2 returns to {sen2}: {', '.join(written)}, establishments.csv "
            "and disputes-log.csv (to try sendlib import sen2, then import disputes)"
        )


def _like_release(
    out: Path, councils: int, seed: int, end, params: Path, release: Path | None
) -> None:
    from sendlib.data.release import ReleaseError
    from sendlib.demo.like_release import generate_like_release

    try:
        written = generate_like_release(out, councils, seed, end, params, release)
    except ReleaseError as exc:
        say(str(exc), "bold red")
        raise typer.Exit(1) from exc
    say(f"Wrote {len(written)} synthetic councils to {out}/, each like a council in the release:")
    for folder, profile in written:
        say(
            f"  {folder.name}: {profile.name} ({profile.code}), {profile.plans:,.0f} plans in "
            f"January 2025; own parameters in {folder / 'params'}"
        )


@app.command()
def benchmarks(
    release: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="The DfE's 'Education, health and care plans' release: the zip as "
            "downloaded or its folder (default: sendlib's reduced copy of the 2025 release).",
        ),
    ] = None,
    la: Annotated[
        str | None,
        typer.Option(
            metavar="CODE",
            help="The council: new code (E06000058), old code (839) or exact name "
            "(default: la_code in PARAMS/report.yaml).",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            metavar="CODE",
            help="The region (E12000009), for a council not in the release "
            "(default: region_code in PARAMS/report.yaml).",
        ),
    ] = None,
    neighbours: Annotated[
        str | None,
        typer.Option(
            metavar="CODES",
            help="Statistical neighbours' LA codes, comma-separated "
            "(default: statistical_neighbours in PARAMS/report.yaml).",
        ),
    ] = None,
    data: DataOpt = Path("data/raw"),
    params: ParamsOpt = Path("params"),
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Where to write (default: DATA/benchmarks.csv)."),
    ] = None,
) -> None:
    """Write benchmarks.csv from the DfE's release: England, the region, statistical
    neighbours and the council's own published figures, for every year it covers."""
    from sendlib.data.release import (
        ReleaseError,
        benchmark_rows,
        find_council,
        read_release,
        reduced_release,
        update_benchmarks,
        without_council,
    )
    from sendlib.files import atomic_write

    report = optional_report(params)
    la = la or (report.la_code if report else None)
    region = region or (report.region_code if report else None)
    codes = (
        [c.strip() for c in neighbours.split(",") if c.strip()]
        if neighbours is not None
        else list(report.statistical_neighbours if report else [])
    )
    if not la and not region:
        raise typer.BadParameter(
            "give --la (the council's code or name), or --region for a council not in the "
            "release, or set la_code / region_code in params/report.yaml"
        )
    source = release or reduced_release()
    target = out or data / "benchmarks.csv"
    try:
        found = read_release(source)
        council = find_council(found, la) if la else None
        codes, dropped = without_council(council, codes)
        if dropped:
            say(
                f"Warning: the neighbours given include {', '.join(dropped)}, the council "
                f"itself ({council.name}): left out — a council is never its own statistical "
                f"neighbour. Averaging the other {len(codes)}.",
                "yellow",
            )
        rows = benchmark_rows(found, council, region, codes)
        existing = None
        if target.exists():
            import pandas as pd

            existing = pd.read_csv(target, dtype=str, keep_default_na=False)
        merged = update_benchmarks(existing, rows)
    except ReleaseError as exc:
        say(str(exc), "bold red")
        raise typer.Exit(1) from exc
    atomic_write(target, merged.to_csv(index=False, lineterminator="\n"))
    who = f"{council.name} ({council.new_code}, {council.region_name})" if council else region
    counts = rows["comparator"].value_counts().to_dict()
    say(
        f"{target}: {len(rows):,} rows from {source.name} for {who} — "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; {len(merged) - len(rows):,} other rows kept."
    )
