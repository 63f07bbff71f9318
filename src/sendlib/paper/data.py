"""The paper's data: every figure the sections show, aggregated, with no identifier in it.

The runner builds it once per paper (``build``) — validated tables → cases → measures →
the disclosure decision for every figure (``sendlib.scorecard.figures``) → scorecard,
series and the breakdowns each section declares — and writes it to a folder (``save``)
that each notebook reads (``load``). What is written holds counts by code, monthly values
and the scorecard, each as the disclosure decision leaves it (a withheld figure is blank,
with its status): never a person id, UPN, name or date of birth, and never a withheld
figure, so no notebook can print one. What was withheld, with its value, is kept apart
(``PaperData.withheld``) for ``sendlib audit`` to look for in the published files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.config import ReportParams
from sendlib.data import findings as fnd
from sendlib.data.load import Tables
from sendlib.data.teams import filter_team
from sendlib.files import atomic_output, atomic_write
from sendlib.measures.cases import Cases, prepare
from sendlib.measures.registry import CHARACTERISTIC
from sendlib.paper.withheld import public_pack, register
from sendlib.scorecard.build import (
    all_measures,
    comparator_periods,
    from_series,
    kpi_series,
    spc_history,
)
from sendlib.scorecard.catalogue import Catalogue
from sendlib.scorecard.disclosure import PRIMARY, PUBLISHED, Disclosure, Figures
from sendlib.scorecard.figures import SHOWN, WITHHELD_STATUSES, Decided, classes, decide_all

HISTORY_MONTHS = 25  # charts show two years and the month before
FORMAT_VERSION = 2
#: the frames every paper has (breakdowns come from the sections)
FRAMES = (
    "scorecard",
    "values",
    "status",
    "notes",
    "measures",
    "measure_status",
    "cells",
    "warnings",
    "comparators",
)


@dataclass(frozen=True)
class Characteristic:
    """A breakdown of children a section adds for the report month (its counts by group,
    codes) and the published measure its groups add up to: decided with the paper's other
    figures (secondary suppression within it), then read with ``Context.breakdown_cells``.
    A breakdown whose figures other tables show too belongs in ``measures.breakdowns``,
    where it is decided with them for every month."""

    counts: pd.Series
    total: str


@dataclass(frozen=True)
class Offloaded:
    """Work a section hands to another process: a pure function of small, picklable
    inputs that returns parts of the paper data by name. Given a worker (``build``'s
    ``executor``), it runs there — importing what it needs — while this process computes
    the rest; without one, here."""

    fn: Callable[..., dict[str, pd.DataFrame]]
    args: tuple = ()


Breakdowns = Callable[[Cases, pd.Period], dict[str, pd.Series | pd.DataFrame | Characteristic]]


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
    #: every figure withheld, with its value (``disclosure.register``): never saved with
    #: the paper data the notebooks read
    withheld: pd.DataFrame | None = None

    def disclosure_facts(self) -> dict:
        """What the manifest records of the disclosure decision and of what is not
        available (with the reason)."""
        return {
            "disclosure": {
                "threshold": self.meta["report"]["suppression_threshold"],
                "figures_withheld": 0 if self.withheld is None else len(self.withheld),
                "audit": "passed",
                "team_pack_public": self.meta.get("team_pack_public"),
            },
            "not_available": self.meta.get("not_held", {}),
            "provisional": bool(self.meta.get("extract", {}).get("provisional")),
            "data_to": self.meta.get("extract", {}).get("data_to"),
            "extract_date": self.meta.get("extract", {}).get("extract_date"),
        }

    def save(self, folder: Path) -> Path:
        """Write the data to ``folder`` (parquet files and meta.json)."""
        folder = Path(folder)
        (folder / "breakdowns").mkdir(parents=True, exist_ok=True)
        for name, frame in self.frames.items():
            with atomic_output(folder / f"{name}.parquet") as temp:
                frame.to_parquet(temp)
        for name, frame in self.breakdowns.items():
            with atomic_output(folder / "breakdowns" / f"{name}.parquet") as temp:
                frame.to_parquet(temp)
        text = json.dumps({**self.meta, "format": FORMAT_VERSION}, indent=1, sort_keys=True)
        atomic_write(folder / "meta.json", text + "\n")
        return folder


def _decided(
    name: str, part: Characteristic, measures: pd.DataFrame, month: pd.Period, disclosure
) -> pd.DataFrame:
    """A section's own breakdown of children, decided against its published total."""
    figures = Figures()
    total = float(measures.at[str(month), part.total])
    figures.add(part.total, total, characteristic=False)
    keys = [f"{name}|{row}|" for row in part.counts.index]
    for key, count in zip(keys, part.counts.to_numpy(dtype=float), strict=True):
        figures.add(key, count, characteristic=True)
    figures.relate(part.total, keys)
    decided = figures.decide(disclosure)[[figures.index[k] for k in keys]]
    status = np.select([decided == PUBLISHED, decided == PRIMARY], [SHOWN, "c"], "s")
    counts = part.counts.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "period": str(month),
            "breakdown": name,
            "row": [str(r) for r in part.counts.index],
            "column": "",
            "count": np.where(status == SHOWN, counts, np.nan),
            "status": status,
        }
    )


def _as_decided(
    parts: dict[str, pd.DataFrame],
    decided: Decided,
    cases: Cases,
    tables: Tables,
    catalogue: Catalogue,
    report: ReportParams,
    disclosure: Disclosure,
) -> dict[str, pd.DataFrame]:
    """A section's own frame of measure values by month (``kpi_id``, ``period``,
    ``value``; the council's rows only where it has a ``series``) as the disclosure
    decision leaves them: a characteristic figure the decision withholds is blank, with
    its ``status``. A month the scorecard does not show (an older January snapshot) is
    decided as every month is, from that month's data."""
    kinds = classes(catalogue.disclosure_overrides())
    out = dict(parts)
    for name, frame in parts.items():
        if not {"kpi_id", "period", "value"} <= set(frame.columns):
            continue
        ours = frame["series"].eq("council") if "series" in frame else pd.Series(True, frame.index)
        mine = ours & frame["kpi_id"].map(kinds).eq(CHARACTERISTIC)
        if not mine.any():
            continue
        status = decided.status
        extra = sorted(set(frame.loc[mine, "period"]) - set(status.index))
        if extra:
            months = pd.PeriodIndex(extra, freq="M")
            measures = all_measures(cases, months, report.year_start_month)
            more = decide_all(
                cases, tables.held, measures, months, disclosure, catalogue.disclosure_overrides()
            )
            status = pd.concat([status, more.status.reindex(columns=status.columns)])
        found = [
            str(status.at[p, k]) if p in status.index and k in status.columns else SHOWN
            for k, p in zip(frame["kpi_id"], frame["period"], strict=True)
        ]
        code = pd.Series(found, index=frame.index).where(mine, SHOWN)
        out[name] = frame.assign(
            value=frame["value"].where(~code.isin(WITHHELD_STATUSES)), status=code
        )
    return out


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
    extract: dict | None = None,
    executor: Executor | None = None,
) -> PaperData:
    """Compute everything the sections show for ``month`` (one team's cases with ``team``).

    The measure families run once, over the scorecard's whole history, and every figure's
    disclosure decision is made once for every month shown; the paper's series are the
    last ``HISTORY_MONTHS`` of them. ``findings`` are the run's checks
    (``sendlib.ops.preflight``, or ``month_warnings``): the data-quality section counts
    their warnings, the same ones ``sendlib validate`` lists and the manifest counts.
    ``extract``: how far the data reaches (for the cover); ``executor``: a worker for the
    sections' ``Offloaded`` work.
    """
    if team:
        tables = filter_team(tables, team)
    catalogue = catalogue.for_year(report.year_start)
    cases = prepare(tables)
    # the sections' own breakdowns first: work they offload runs meanwhile
    made = [(name, value) for make in breakdowns for name, value in make(cases, month).items()]
    offloaded = [
        executor.submit(value.fn, *value.args) if executor is not None else value
        for _, value in made
        if isinstance(value, Offloaded)
    ]
    disclosure = Disclosure(report.suppression_threshold)
    periods = spc_history(tables, catalogue, month, report.scorecard_months, cases)
    measures = all_measures(cases, periods, report.year_start_month)
    series = kpi_series(tables, catalogue, periods, cases, measures, disclosure)
    decided = series.decided
    card = from_series(series, catalogue, month, report.scorecard_months, tables.benchmarks)
    shown = list(periods.strftime("%Y-%m")[-HISTORY_MONTHS:])
    found = fnd.summary(fnd.warnings(findings))
    cells = decided.cells
    cells = cells[cells["period"].isin({str(month), str(month - 12)})]
    frames = {
        "scorecard": card,
        "values": series.values.loc[shown],
        "status": series.status.loc[shown].astype(object),
        "notes": series.notes.loc[shown].astype(object),
        "measures": decided.mask(measures).loc[shown],
        "measure_status": decided.status.loc[shown].astype(object),
        "cells": cells.assign(count=cells["count"].where(cells["status"] == SHOWN)).reset_index(
            drop=True
        ),
        "warnings": found.astype({"count": "int64"}),
        "comparators": comparator_periods(catalogue, tables.benchmarks, month),
    }
    parts: dict[str, pd.DataFrame] = {}
    added = []
    for name, value in made:
        if isinstance(value, Characteristic):
            added.append(_decided(name, value, frames["measures"], month, disclosure))
        elif not isinstance(value, Offloaded):
            parts[name] = value.to_frame() if isinstance(value, pd.Series) else value
    for work in offloaded:
        parts.update(work.result() if isinstance(work, Future) else work.fn(*work.args))
    parts = _as_decided(parts, decided, cases, tables, catalogue, report, disclosure)
    if added:
        frames["cells"] = pd.concat([frames["cells"], *added], ignore_index=True)
    meta = {
        "month": str(month),
        "team": team,
        "meeting_date": meeting_date.isoformat() if meeting_date else None,
        "report": report.model_dump(mode="json"),
        "catalogue": catalogue.model_dump(mode="json"),
        "sections": [h.__dict__ for h in headings],
        "not_held": decided.not_held,
        "extract": extract or {},
    }
    if team:
        meta["team_pack_public"] = public_pack(frames["measures"], parts, disclosure)
    withheld = register(decided, measures, series, catalogue, shown)
    return PaperData(meta, frames, parts, withheld)
