"""The paper's data: every figure the sections show, aggregated, with no identifier in it.

The runner builds it once per paper (``build``) — validated tables → cases → measures →
scorecard, series and the breakdowns each section declares — and writes it to a folder
(``save``) that each notebook reads (``load``). What is written holds counts by code,
monthly values and the scorecard: never a person id, UPN, name or date of birth, so the
outputs folder a council copies to a web server cannot leak a child's record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sendlib.config import ReportParams
from sendlib.data import findings as fnd
from sendlib.data.load import Tables
from sendlib.data.teams import filter_team
from sendlib.measures.cases import Cases, prepare
from sendlib.scorecard.build import (
    all_measures,
    comparator_periods,
    from_series,
    kpi_series,
    spc_history,
)
from sendlib.scorecard.catalogue import Catalogue

HISTORY_MONTHS = 25  # charts show two years and the month before
FORMAT_VERSION = 2
#: the frames every paper has (breakdowns come from the sections)
FRAMES = ("scorecard", "values", "notes", "measures", "warnings", "comparators")

Breakdowns = Callable[[Cases, pd.Period], dict[str, pd.Series | pd.DataFrame]]


@dataclass
class Heading:
    """How a section is headed in this paper: its slug, number and title."""

    slug: str
    number: str
    title: str


@dataclass
class PaperData:
    """What the notebooks read: run facts (``meta``), the standard frames and breakdowns."""

    meta: dict
    frames: dict[str, pd.DataFrame]
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)

    def save(self, folder: Path) -> Path:
        """Write the data to ``folder`` (parquet files and meta.json)."""
        folder = Path(folder)
        (folder / "breakdowns").mkdir(parents=True, exist_ok=True)
        for name, frame in self.frames.items():
            frame.to_parquet(folder / f"{name}.parquet")
        for name, frame in self.breakdowns.items():
            frame.to_parquet(folder / "breakdowns" / f"{name}.parquet")
        text = json.dumps({**self.meta, "format": FORMAT_VERSION}, indent=1, sort_keys=True)
        (folder / "meta.json").write_text(text + "\n", encoding="utf-8")
        return folder


def load(folder: Path | str) -> PaperData:
    """Read paper data written by ``PaperData.save``."""
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"{folder}: paper data of another sendlib version; run it again")
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    breakdowns = {
        path.stem: pd.read_parquet(path)
        for path in sorted((folder / "breakdowns").glob("*.parquet"))
    }
    return PaperData(meta, frames, breakdowns)


def build(
    tables: Tables,
    catalogue: Catalogue,
    report: ReportParams,
    month: pd.Period,
    headings: Iterable[Heading],
    breakdowns: Iterable[Breakdowns],
    findings: pd.DataFrame,
    team: str = "",
    meeting_date: dt.date | None = None,
) -> PaperData:
    """Compute everything the sections show for ``month`` (one team's cases with ``team``).

    The measure families run once, over the scorecard's whole history; the paper's
    series are the last ``HISTORY_MONTHS`` of them. ``findings`` are the run's checks
    (``sendlib.ops.preflight``, or ``month_warnings``): the data-quality section counts
    their warnings, the same ones ``sendlib validate`` lists and the manifest counts.
    """
    if team:
        tables = filter_team(tables, team)
    catalogue = catalogue.for_year(report.year_start)
    cases = prepare(tables)
    periods = spc_history(tables, catalogue, month, report.scorecard_months, cases)
    measures = all_measures(cases, periods, report.year_start_month)
    series = kpi_series(tables, catalogue, periods, cases, measures)
    card = from_series(series, catalogue, month, report.scorecard_months, tables.benchmarks)
    shown = list(periods.strftime("%Y-%m")[-HISTORY_MONTHS:])
    found = fnd.summary(fnd.warnings(findings))
    frames = {
        "scorecard": card,
        "values": series.values.loc[shown],
        "notes": series.notes.loc[shown].astype(object),
        "measures": measures.loc[shown],
        "warnings": found.astype({"count": "int64"}),
        "comparators": comparator_periods(catalogue, tables.benchmarks, month),
    }
    parts: dict[str, pd.DataFrame] = {}
    for make in breakdowns:
        for name, value in make(cases, month).items():
            parts[name] = value.to_frame() if isinstance(value, pd.Series) else value
    meta = {
        "month": str(month),
        "team": team,
        "meeting_date": meeting_date.isoformat() if meeting_date else None,
        "report": report.model_dump(mode="json"),
        "catalogue": catalogue.model_dump(mode="json"),
        "sections": [h.__dict__ for h in headings],
    }
    return PaperData(meta, frames, parts)
