"""``sendlib check``: files checked before they go anywhere (the SEN2 return, before
COLLECT)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sendlib.cli.application import app
from sendlib.cli.console import say

SHOWN = 50  # findings printed; every one is in the findings file

check_app = typer.Typer(
    help="Check files before they go anywhere (the SEN2 return before COLLECT).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(check_app, name="check")


@check_app.command("sen2")
def sen2(
    source: Annotated[
        Path, typer.Argument(metavar="RETURN.xml", help="A SEN2 person-level return.")
    ],
    year: Annotated[
        int | None,
        typer.Option(
            metavar="YYYY",
            help="The collection year whose rules to use (default: the return's own, "
            "from its header).",
        ),
    ] = None,
    findings: Annotated[
        Path | None,
        typer.Option(
            metavar="F.csv",
            help="Where to write every finding, values in full (default: beside the "
            "return, RETURN.findings.csv). Names and postcodes are never in it.",
        ),
    ] = None,
) -> None:
    """Check a SEN2 return rule by rule, as COLLECT will: header and LA, mandatory items
    by year, code lists, UPNs and ULNs, the order of dates, ages, placements, and the
    readiness for 2026's newly mandatory items. Each finding names its rule, line, element
    and value (a child's values masked). Exit 0 when there is no error (queries alone
    are listed), 1 on errors."""
    from sendlib.data.sen2.check import check_return, shown

    if not source.is_file():
        say(f"{source}: no such file", "bold red")
        raise typer.Exit(1)
    done = check_return(source, year)
    pack = done.pack
    say(
        f"Checked {source.name} ({done.children:,} children) with the {pack.year} rules "
        f"({len(pack.rules)} rules)."
    )
    if done.note:
        say(f"Note: {done.note}.", "yellow")
    frame = done.findings
    for finding in frame.head(SHOWN).itertuples(index=False):
        say(shown(finding), "red" if finding.severity == "error" else "yellow")
    if len(frame) > SHOWN:
        say(f"… and {len(frame) - SHOWN:,} more.")
    if len(frame):
        target = findings or source.with_name(f"{source.stem}.findings.csv")
        frame.to_csv(target, index=False)
        say("By rule:")
        for row in done.by_rule().itertuples(index=False):
            say(f"  {row.rule} {row.severity:5} {row.count:>7,}  {row.message}")
        say(f"Every finding, values in full, is in {target} (keep it with the return).")
    if done.readiness is not None:
        say("Ready for 2026 (the items mandatory from the 2026 collection):")
        for row in done.readiness.itertuples(index=False):
            state = "ready" if not row.lacking else f"{row.lacking:,} lack it"
            say(f"  {row.element}: {row.records:,} {row.applies_to}, {state}")
    if done.errors:
        say(
            f"{done.errors:,} error(s) and {done.queries:,} quer(ies): fix the errors "
            "before the return goes to COLLECT.",
            "bold red",
        )
        raise typer.Exit(1)
    if done.queries:
        say(f"No errors; {done.queries:,} quer(ies) to look at before COLLECT asks.", "yellow")
    else:
        say("No errors and no queries.")
