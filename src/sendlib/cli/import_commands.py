"""``sendlib import``: case data from what councils already produce (the SEN2 return)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.application import app
from sendlib.cli.console import say
from sendlib.cli.options import ParamsOpt, optional_report

# the contract's other files, which a SEN2 return cannot give
STILL_NEEDED = {
    "disputes": "mediations and appeals: sendlib import disputes LOG --out DIR",
    "returns": "partners' figures",
    "population": "ONS mid-year estimates aged 0-25",
    "benchmarks": "sendlib benchmarks --data DIR",
}

import_app = typer.Typer(
    help="Import case data from the files councils already have.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")


@import_app.command("sen2")
def sen2(
    returns: Annotated[
        list[Path],
        typer.Argument(metavar="RETURN.xml...", help="One or more SEN2 person-level returns."),
    ],
    out: Annotated[
        Path,
        typer.Option(metavar="DIR", help="Folder to write the case tables into (data contract)."),
    ],
    establishments: Annotated[
        Path | None,
        typer.Option(
            metavar="GIAS.csv",
            help="The DfE's 'Get Information About Schools' establishments CSV, to classify "
            "placements by URN (without it they are written as 'other').",
        ),
    ] = None,
    id_key_file: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A file holding the secret key for ids (default: the SENDLIB_ID_KEY "
            "environment variable). Keep it outside the project.",
        ),
    ] = None,
    la_code: Annotated[
        str | None,
        typer.Option(
            metavar="CODE",
            help="The council the returns must be from: 839 or E06000058 (default: la_code "
            "in PARAMS/report.yaml, when there is one).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace case tables in DIR that sendlib import did not write (a council's "
            "own export), or that another id key made.",
        ),
    ] = False,
    params: ParamsOpt = Path("params"),
) -> None:
    """Write person, requests, assessments, plans, reviews, phase transfers and placements
    (CSV) from SEN2 returns, merged by person and census into one history (a later return
    replaces what it covers of the children it holds). Names and postcodes are never
    written; ids and UPNs are keyed hashes. Nothing is written unless every return
    imports, and then the folder is replaced in one step."""
    from sendlib.data import sen2 as s2
    from sendlib.data.sen2.importer import old_la_code
    from sendlib.startup import no_cycle_collection

    la = _council(la_code, params)
    key = _key(id_key_file, params)
    expected = None
    if la:
        expected = old_la_code(la)
        if expected is None:
            say(f"{la}: not in the DfE release sendlib knows, so the returns' LEA is not checked")
    try:
        gias = s2.read_establishments(establishments) if establishments else None
        with no_cycle_collection():  # the returns' rows make no cycles: a fifth of an import
            summary = s2.import_returns(list(returns), out, key, gias, expected, force)
    except s2.Sen2Error as exc:
        say(f"{exc} — nothing was written", "bold red")
        raise typer.Exit(1) from exc
    _print_summary(summary)


def _key(id_key_file: Path | None, params: Path):
    """The id key, or exit 2 saying how to give one."""
    from sendlib.data import sen2 as s2

    try:
        project = params.resolve().parent if params.is_dir() else None
        return s2.load_key(id_key_file, project)
    except s2.IdKeyError as exc:
        say(str(exc), "bold red")
        raise typer.Exit(2) from exc


@import_app.command("disputes")
def disputes(
    log: Annotated[
        Path,
        typer.Argument(
            metavar="LOG",
            help="The disputes log (CSV or XLSX): one row per "
            "mediation or appeal, with dispute_id, kind, registered_date, outcome, "
            "outcome_date and the child's upn (or uln, or person_id).",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(metavar="DIR", help="The folder the SEN2 returns were imported into."),
    ],
    lookup: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="For a log naming children by the council's own person_id: the case "
            "system's person_id and upn of each child (CSV or XLSX).",
        ),
    ] = None,
    findings: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Where to write the rows that join no child, with their full values "
            "(default: LOG.findings.csv beside the log).",
        ),
    ] = None,
    id_key_file: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="The id key file the SEN2 import used."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a disputes.csv sendlib import did not write."),
    ] = False,
    params: ParamsOpt = Path("params"),
) -> None:
    """Write DIR/disputes.csv from the council's disputes log, its children joined to those
    the SEN2 import wrote by the same keyed hash. Rows that join no child are listed (their
    values masked) and kept out; exit 1 when there are any."""
    from sendlib.data.sen2 import Sen2Error
    from sendlib.data.sen2.disputes_log import import_log
    from sendlib.data.sen2.fields import mask_middle

    key = _key(id_key_file, params)
    try:
        done = import_log(log, out, key, lookup, force)
    except Sen2Error as exc:
        say(f"{exc} — nothing was written", "bold red")
        raise typer.Exit(1) from exc
    say(
        f"Joined {done.joined:,} of {done.rows:,} rows of {log.name} to the children in "
        f"{out} (by {done.by}); wrote {out / 'disputes.csv'}."
    )
    if not len(done.findings):
        return
    target = findings or log.with_name(f"{log.stem}.findings.csv")
    done.findings.to_csv(target, index=False)
    for row in done.findings.head(20).itertuples(index=False):
        shown = mask_middle(row.value)
        say(f"{row.file}, row {row.row}, {row.column}: '{shown}' — {row.reason}", "yellow")
    if len(done.findings) > 20:
        say(f"… and {len(done.findings) - 20:,} more.", "yellow")
    say(
        f"{len(done.findings):,} row(s) joined no child and are not in disputes.csv; all of "
        f"them, with their values, are in {target} (keep it with the log).",
        "bold red",
    )
    raise typer.Exit(1)


def _council(la_code: str | None, params: Path) -> str | None:
    """The council to check the returns against: --la-code, else report.yaml's la_code."""
    if la_code:
        return la_code
    report = optional_report(params)
    return report.la_code if report is not None else None


def _print_summary(summary) -> None:
    from sendlib.data.contract import find_sources
    from sendlib.data.sen2.importer import OUTCOMES, coverage, not_carried

    first = summary.returns[0].header
    say(f"Imported {len(summary.returns)} SEN2 return(s) of LA {first.la} into {summary.out}:")
    for r, merged in zip(summary.returns, summary.merged, strict=True):
        say(f"  {r.path.name}: census {r.header.reference_date}, {r.persons:,} children")
        for table, count in merged.items():
            parts = ", ".join(f"{count[o]:,} {o}" for o in OUTCOMES if count[o])
            say(f"      {table}: {parts or 'none'}")
    say("Rows written: " + ", ".join(f"{t} {n:,}" for t, n in summary.rows.items()))
    if summary.replaced:
        say(f"Replaced: {', '.join(summary.replaced)} (the other files in {summary.out} kept)")
    start, end = coverage(summary)
    say(
        f"Covered: {start} to {end}, the calendar years the returns describe. Each return "
        "carries one review per plan (its latest of the year), so review measures are "
        "complete for December months; run months up to "
        f"{end}: sendlib validate --data {summary.out} --month {end}"
    )
    carried = "; ".join(f"{t}: {', '.join(c)}" for t, c in not_carried().items())
    say(f"Not in the return (left blank): {carried}.")
    missing = [n for n, why in STILL_NEEDED.items() if not find_sources(summary.out, n)]
    if missing:
        say(
            f"Still to add to {summary.out} before a paper: "
            + "; ".join(f"{n}.csv ({STILL_NEEDED[n]})" for n in missing)
            + ". See 'Input data' in the README."
        )
    for what, n in sorted(summary.counts.items()):  # a phrase and its count: never "1 persons"
        say(f"{what[:1].upper()}{what[1:]}: {n:,}.")
    if summary.shared_upns:
        say(
            "UPNs given to two children with different birth dates in one return (told "
            f"apart by birth date; validate reports the shared UPN): {summary.shared_upns:,}."
        )
    for warning in summary.warnings[:20]:
        say(warning, "yellow")
    if len(summary.warnings) > 20:
        say(f"… and {len(summary.warnings) - 20:,} more like these.", "yellow")
