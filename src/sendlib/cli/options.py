"""Options shared by several commands, and how they are read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from sendlib.data.dates import last_complete_month, parse_month

DataOpt = Annotated[Path, typer.Option("--data", help="Folder of input files (the data contract).")]
ParamsOpt = Annotated[Path, typer.Option(help="Folder of report.yaml, kpis.yaml and narrative/.")]
CatalogueOpt = Annotated[
    Path | None, typer.Option(help="KPI catalogue (default: PARAMS/kpis.yaml).")
]
OutOpt = Annotated[Path, typer.Option(help="Outputs folder; the paper goes to OUT/YYYY-MM/.")]
MonthOpt = Annotated[
    str | None, typer.Option(help="Report month YYYY-MM (default: last complete month).")
]


def month_option(value: str | None) -> pd.Period:
    """Parse --month, defaulting to the last complete month."""
    if value is None:
        return last_complete_month()
    try:
        return parse_month(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
