"""Options shared by several commands, and how they are read."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sendlib.months import Month, months_between
from sendlib.ops.request import EXIT_INPUT

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DATA = Path("data/raw")


def data_option(value: Path) -> Path:
    """--data as given; when it is left at data/raw and that folder holds no input file
    (as in a fresh clone), say where the council's files go and where the demo is, before
    the command's own message."""
    if value == DEFAULT_DATA and value.is_dir():
        inputs = [p for p in value.iterdir() if p.suffix.lower() in (".csv", ".xlsx")]
        if not [p for p in inputs if p.name != "validation.csv"]:
            from sendlib.cli.console import say

            say(
                f"{value} holds no input files yet: put the council's files there, or use "
                "the demo council with --data data/demo (make demo writes it)."
            )
    return value


DataOpt = Annotated[
    Path,
    typer.Option("--data", help="Folder of input files (the data contract).", callback=data_option),
]
ParamsOpt = Annotated[Path, typer.Option(help="Folder of report.yaml, kpis.yaml and narrative/.")]
CatalogueOpt = Annotated[
    Path | None, typer.Option(help="KPI catalogue (default: PARAMS/kpis.yaml).")
]
OutOpt = Annotated[Path, typer.Option(help="Outputs folder; the paper goes to OUT/YYYY-MM/.")]
MonthOpt = Annotated[
    str | None,
    typer.Option(
        help="Report month YYYY-MM (default: the last month the extract covers to its last day)."
    ),
]
ProvisionalOpt = Annotated[
    bool,
    typer.Option(
        "--provisional",
        help="Allow a month the extract covers only in part (the paper says "
        "'Provisional: data to …' on its cover and in its manifest).",
    ),
]


def report_month(value: str | None, data: Path | None = None, params: Path | None = None) -> Month:
    """Parse --month; without one, the last month the extract in ``data`` covers to its
    last day (the last complete calendar month when no data folder is given)."""
    if value is None:
        if data is None:
            return Month.last_complete()
        from sendlib.ops.preflight import default_month

        return Month.of(default_month(data, params or Path("params")))
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def month_option(
    value: str | None, data: Path | None = None, params: Path | None = None
) -> pd.Period:
    """--month as the figures use it (a pandas monthly ``Period``; see ``report_month``)."""
    return report_month(value, data, params).period


def optional_report(params: Path):
    """PARAMS/report.yaml when there is one (None when not); a file that does not validate
    stops the command with its message (exit 1)."""
    from sendlib.cli.console import say
    from sendlib.config import ParamsError, load_report

    if not (params / "report.yaml").exists():
        return None
    try:
        return load_report(params / "report.yaml")
    except ParamsError as exc:
        say(str(exc), "bold red")
        raise typer.Exit(1) from exc


def report_months(
    month: str | None,
    from_month: str | None,
    to_month: str | None,
    data: Path,
    params: Path,
) -> list[Month]:
    """The months to render: --month (default: the last the extract covers whole), or
    --from … --to (both, and not with --month)."""
    if from_month or to_month:
        if month:
            raise typer.BadParameter("give either --month or --from/--to, not both")
        if not (from_month and to_month):
            raise typer.BadParameter(
                "a backfill needs both --from and --to (the first and last month to render)"
            )
        first, last = report_month(from_month), report_month(to_month)
        if last < first:
            raise typer.BadParameter(f"--to {last} is before --from {first}")
        return months_between(first, last)
    return [report_month(month, data, params)]


def report_teams(data: Path, team: str, all_teams: bool) -> list[str]:
    """The teams to render packs for, checked against the data before anything runs."""
    if not team and not all_teams:
        return [""]
    from sendlib.cli.console import say
    from sendlib.data.teams import team_names

    names = team_names(data)
    if names is None:
        say(f"Cannot list the teams: {data} has no readable person file.", "bold red")
        raise typer.Exit(EXIT_INPUT)
    if all_teams:
        return names
    if team not in names:
        close = difflib.get_close_matches(team, names, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        say(
            f"No team '{team}' in {data}: the teams are {', '.join(repr(n) for n in names)}."
            + hint,
            "bold red",
        )
        raise typer.Exit(EXIT_INPUT)
    return [team]
