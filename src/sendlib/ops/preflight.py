"""Everything a run checks before it starts, in one place: the one gate ``sendlib
validate``, ``run``, ``scorecard`` and ``batch`` all pass through, so what validate
passes, the others do not reject.

The parameters files (report.yaml, the month's own file, the KPI catalogue, capacity.yaml
when there is one), the input data against the contract, that the report month is within
the extract, KPI ids in returns.csv and benchmarks.csv that the catalogue does not know,
values that cannot be right, and the data-quality warnings the paper will list — computed
once, with the month's extract date, so the data-quality section, the manifest and
``validate`` count the same warnings. Cautions about the parameters that do not stop a run
(the council among its own statistical neighbours, a KPI whose namesake DfE figure counts
something else, the shipped example settings used with a council's own data) are said
with their file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sendlib.config import (
    MonthParams,
    ParamsError,
    ReportParams,
    load_month,
    load_report,
    read_yaml,
)
from sendlib.data import findings as fnd
from sendlib.data.cache import TableCache, combined_key
from sendlib.data.coverage import Extract, extract, month_problem
from sendlib.data.load import Tables, check_data
from sendlib.data.origin import is_demo
from sendlib.data.quality import catalogue_checks, find_warnings
from sendlib.measures.capacity import load_capacity
from sendlib.scorecard.catalogue import Catalogue, CatalogueError, kpi_lines, load_catalogue


@dataclass
class Checked:
    """What the checks found: the parameters and tables when readable, the findings about
    the data (errors and warnings) and the problems with the parameters files."""

    month: pd.Period
    report: ReportParams | None = None
    own: MonthParams | None = None
    catalogue: Catalogue | None = None
    tables: Tables | None = None
    extract: Extract | None = None
    findings: pd.DataFrame = field(default_factory=fnd.empty)
    problems: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)  # about the parameters; the run goes on

    @property
    def errors(self) -> pd.DataFrame:
        return fnd.errors(self.findings)

    @property
    def ok(self) -> bool:
        """Nothing stops a run."""
        return not self.problems and not len(self.errors)

    @property
    def meeting_date(self) -> dt.date | None:
        return self.report.meeting_for(self.month, self.own) if self.report else None


def _warnings(data_dir: Path, tables: Tables, month: pd.Period, found: Extract) -> pd.DataFrame:
    """The data-quality warnings for the month, kept beside the data while no table has
    changed (``sendlib.data.cache``)."""
    store = TableCache(data_dir)
    key = combined_key("warnings", sorted(tables.keys.items()), str(month), repr(found))
    if tables.keys:
        kept = store.findings("warnings", key)
        if kept is not None:
            return kept
    result = find_warnings(tables, month, found)
    if tables.keys:
        store.put_findings("warnings", key, result)
    return result


def default_month(data_dir: Path, params_dir: Path) -> pd.Period:
    """The month a command given no ``--month`` reports: the last month the extract
    covers to its last day (the calendar's last complete month when the data cannot be
    read: the checks then say why)."""
    from sendlib.data.dates import last_complete_month

    tables, _ = check_data(data_dir, needed=(), cache=True)
    if tables is None:
        return last_complete_month()
    found = extract(tables)
    if found.last_month is None:
        return last_complete_month()
    later = found.last_month + 1  # an extract_date given for the next month may cover it
    try:
        own = load_month(params_dir, str(later))
    except ParamsError:
        own = None
    if own is not None and own.extract_date is not None:
        given = extract(tables, own.extract_date)
        if given.last_month is not None and given.last_month >= later:
            return later
    return found.last_month


def own_neighbour(report: ReportParams, path: Path) -> list[str]:
    """A council is never its own statistical neighbour: report.yaml's ``la_code`` among
    its ``statistical_neighbours`` is left out (``ReportParams.neighbours``), said here."""
    if not report.la_code or report.la_code not in report.statistical_neighbours:
        return []
    _, lines = read_yaml(path, ParamsError, "the report parameters")
    at = report.statistical_neighbours.index(report.la_code)
    line = lines.line(("statistical_neighbours", at))
    where = f"{path}, line {line}" if line else str(path)
    return [
        f"{where}: statistical_neighbours lists the council's own code {report.la_code} "
        "(la_code); it is left out — a council is never its own statistical neighbour"
    ]


def not_compared(catalogue: Catalogue, path: Path) -> list[str]:
    """KPIs named like a DfE figure that counts something else: no comparator is shown."""
    found = catalogue.not_compared()
    if not found:
        return []
    lines = kpi_lines(path)
    out = []
    for kpi, how in found:
        line = lines.get(kpi.id)
        where = f"{path}, line {line}" if line else str(path)
        out.append(
            f"{where}: KPI '{kpi.id}' is not compared with the DfE's figure of that name ("
            + "; ".join(how)
            + "): the scorecard shows no comparator for it — say so with benchmark: none"
        )
    return out


EXAMPLE_REPORT = "the council's name, committee, meeting dates and authors on the cover"
EXAMPLE_CATALOGUE = "the KPIs' targets and tolerances, which set every RAG status"
EXAMPLE_CAPACITY = "the staffing and scenarios of Looking ahead's capacity part"


def example_settings(marked: list[tuple[Path, object, str]], data_dir: Path) -> list[str]:
    """The parameters files still holding the example settings shipped with sendlib (the
    synthetic demo council's, ``example: true``), when the data are not the demo's: the
    paper would publish them as the council's own."""
    out = []
    for path, model, what in marked:
        if model is not None and getattr(model, "example", False):
            out.append(
                f"{path}: the example settings shipped with sendlib (example: true; {what}) "
                f"are used with {data_dir}, which is not the demo's data: the paper would "
                "publish them as the council's own. Write the council's own settings there "
                "and delete the line 'example: true'"
            )
    return out


def check(
    month: pd.Period,
    data_dir: Path,
    params_dir: Path,
    catalogue_path: Path,
    with_data: bool = True,
    with_warnings: bool = True,
    provisional: bool = False,
) -> Checked:
    """Run every check (the parameters files only, without ``with_data``); nothing raises
    for bad input (see ``Checked``). ``provisional``: a month the extract covers only in
    part may be rendered (stamped as provisional)."""
    found = Checked(month)
    try:
        found.report = load_report(params_dir / "report.yaml")
        found.own = load_month(params_dir, str(month))
        found.report = found.report.for_month(found.own)
        found.cautions += own_neighbour(found.report, params_dir / "report.yaml")
    except ParamsError as exc:
        found.problems.append(str(exc))
    try:
        start = found.report.year_start if found.report else "January"
        found.catalogue = load_catalogue(catalogue_path, start)
        found.cautions += not_compared(found.catalogue, catalogue_path)
    except CatalogueError as exc:
        found.problems.append(str(exc))
    plan = None
    try:
        plan = load_capacity(params_dir)
    except ParamsError as exc:
        found.problems.append(str(exc))
    if not with_data:
        return found
    if not is_demo(data_dir):
        marked = [
            (params_dir / "report.yaml", found.report, EXAMPLE_REPORT),
            (catalogue_path, found.catalogue, EXAMPLE_CATALOGUE),
            (params_dir / "capacity.yaml", plan, EXAMPLE_CAPACITY),
        ]
        found.cautions += example_settings(marked, data_dir)
    needed = found.catalogue.files_needed() if found.catalogue else None
    tables, data = check_data(data_dir, needed=needed, cache=True)
    parts = [data]
    if tables is not None:
        found.tables = tables
        given = found.own.extract_date if found.own else None
        found.extract = extract(tables, given)
        beyond = month_problem(month, found.extract, str(data_dir), provisional)
        if beyond:
            found.problems.append(beyond)
        if found.catalogue is not None:
            parts.append(
                catalogue_checks(tables, found.catalogue.units(), found.catalogue.known_ids())
            )
        if with_warnings:
            parts.append(_warnings(data_dir, tables, month, found.extract))
    found.findings = fnd.combine(parts)
    if fnd.errors(found.findings).shape[0]:
        found.tables = None  # typed tables are only for data without errors
    return found
