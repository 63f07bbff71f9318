"""What a section notebook holds: the month's context, read from the paper data.

A notebook cell is one or two lines, e.g. ``ctx = sp.context(month, …, paper_data)`` then
``sp.heading(ctx, "caseload")`` or ``caseload.trend(ctx)``. The context is read from the
paper data the runner prepared (``sendlib.paper.data``); a notebook opened on its own,
with no paper data, prepares it in memory from the input folder (slower, same figures).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sendlib.config import ReportParams, RunParams
from sendlib.data.dates import parse_month
from sendlib.paper.data import HISTORY_MONTHS, Heading, PaperData, load
from sendlib.scorecard.catalogue import Catalogue, Kpi
from sendlib.scorecard.disclosure import Disclosure


class Html(str):
    """HTML that a notebook displays as itself (and nbconvert keeps as HTML)."""

    def _repr_html_(self) -> str:
        return str(self)


class Group:
    """Several items shown as one output (tables, charts), rendered when displayed."""

    def __init__(self, *items):
        self.items = [i for i in items if i is not None]

    def to_html(self) -> str:
        return "".join(i.to_html() if hasattr(i, "to_html") else str(i) for i in self.items)

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass
class Context:
    """Everything a section shows for one month (and one team, for a team pack)."""

    month: pd.Period
    team: str
    meeting_date: dt.date | None
    report: ReportParams
    catalogue: Catalogue
    disclosure: Disclosure
    scorecard: pd.DataFrame
    values: pd.DataFrame  # catalogue KPIs: period × kpi id, the last 25 months
    notes: pd.DataFrame
    measures: pd.DataFrame  # every computed measure: period × id, the last 25 months
    warnings: pd.DataFrame  # data-quality findings counted by rule
    breakdowns: dict[str, pd.DataFrame]
    comparators: pd.DataFrame  # each KPI's comparators in the month, with their periods
    headings: dict[str, Heading]
    #: each value's disclosure status ('' shown, c/s withheld, x not available): period ×
    #: kpi id (``status``) and period × measure id (``measure_status``)
    status: pd.DataFrame = field(default_factory=pd.DataFrame)
    measure_status: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the breakdowns of children as decided (period, breakdown, row, column, count, status)
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    not_held: dict[str, str] = field(default_factory=dict)  # measure or breakdown → why
    extract: dict = field(default_factory=dict)
    team_pack_public: dict | None = None

    @classmethod
    def from_data(cls, data: PaperData) -> Context:
        meta = data.meta
        report = ReportParams.model_validate(meta["report"])
        return cls(
            month=parse_month(meta["month"]),
            team=meta["team"],
            meeting_date=dt.date.fromisoformat(meta["meeting_date"])
            if meta.get("meeting_date")
            else None,
            report=report,
            catalogue=Catalogue.model_validate(meta["catalogue"]),
            disclosure=Disclosure(report.suppression_threshold),
            scorecard=data.frames["scorecard"],
            values=data.frames["values"],
            notes=data.frames["notes"],
            measures=data.frames["measures"],
            warnings=data.frames["warnings"],
            breakdowns=data.breakdowns,
            headings={h["slug"]: Heading(**h) for h in meta["sections"]},
            comparators=data.frames["comparators"],
            status=data.frames["status"],
            measure_status=data.frames["measure_status"],
            cells=data.frames["cells"],
            not_held=meta.get("not_held", {}),
            extract=meta.get("extract", {}),
            team_pack_public=meta.get("team_pack_public"),
        )

    def _frame(self, kpi_id: str) -> pd.DataFrame:
        return self.values if kpi_id in self.values.columns else self.measures

    def kpi(self, kpi_id: str) -> Kpi | None:
        """The catalogue's KPI of this id, or None when the catalogue does not have it."""
        try:
            return self.catalogue.get(kpi_id)
        except KeyError:
            return None

    def value(self, kpi_id: str, period: pd.Period | str | None = None) -> float:
        """A KPI's (or measure's) value in a month (default the report month); NaN if missing."""
        label = str(period or self.month)
        try:
            return float(self._frame(kpi_id).at[label, kpi_id])
        except KeyError:
            return float("nan")

    def status_of(self, kpi_id: str, period: pd.Period | str | None = None) -> str:
        """A value's disclosure status: '' shown, ``c`` withheld (a count of 1 to the
        threshold), ``s`` withheld to protect another, ``x`` not available."""
        label = str(period or self.month)
        frame = self.status if kpi_id in self.values.columns else self.measure_status
        try:
            return str(frame.at[label, kpi_id])
        except KeyError:
            return ""

    def withheld(self, kpi_id: str, period: pd.Period | str | None = None) -> bool:
        """Whether disclosure control withholds the value (it is blank in the paper data)."""
        return self.status_of(kpi_id, period) in ("c", "s")

    def breakdown_cells(
        self, name: str, period: pd.Period | str | None = None, column: str = ""
    ) -> tuple[pd.Series, pd.Series]:
        """A decided breakdown of children for a month: its counts by group (withheld ones
        blank) and which are withheld."""
        label = str(period or self.month)
        cells = self.cells
        if cells.empty:
            empty = pd.Series(dtype=float)
            return empty, empty.astype(bool)
        rows = cells[
            (cells["breakdown"] == name) & (cells["period"] == label) & (cells["column"] == column)
        ]
        counts = pd.Series(rows["count"].to_numpy(dtype=float), index=rows["row"].to_numpy())
        hidden = pd.Series(rows["status"].isin(["c", "s"]).to_numpy(), index=counts.index)
        return counts, hidden

    def england(self, kpi_id: str) -> float:
        """The England benchmark of a KPI for the report month; NaN if there is none."""
        card = self.scorecard
        row = card[(card["kpi_id"] == kpi_id) & (card["period"] == self.month.strftime("%Y-%m"))]
        return float(row["england"].iloc[0]) if len(row) else float("nan")

    def comparator(self, kpi_id: str, comparator: str = "england") -> tuple[float, str]:
        """A KPI's comparator in the report month as the scorecard shows it, and the period
        it is for as a reader writes it ('2024', 'Jan 2025'); (NaN, '') if none."""
        from sendlib.scorecard.formats import comparator_period

        frame = self.comparators
        row = frame[(frame["kpi_id"] == kpi_id) & (frame["comparator"] == comparator)]
        if not len(row):
            return float("nan"), ""
        return float(row["value"].iloc[0]), comparator_period(row["period"].iloc[0])

    def history(self, kpi_id: str, months: int = 13, ending: pd.Period | None = None) -> pd.Series:
        """The KPI's ``months`` monthly values up to the report month (or ``ending``)."""
        series = self._frame(kpi_id)[kpi_id]
        if ending is not None:
            series = series.loc[: str(ending)]
        return series.iloc[-months:]

    def breakdown(self, name: str) -> pd.DataFrame:
        """A breakdown the sections declared (counts by code)."""
        return self.breakdowns[name]

    def counts(self, name: str) -> pd.Series:
        """A one-column breakdown as a series of counts."""
        frame = self.breakdowns[name]
        return frame[frame.columns[0]]

    @property
    def month_name(self) -> str:
        return self.month.strftime("%B %Y")


def context(
    month: str,
    data_dir: str = "data/raw",
    params_dir: str = "params",
    catalogue: str = "params/kpis.yaml",
    output_dir: str = "outputs",
    team: str = "",
    paper_data: str = "",
) -> Context:
    """The month's context: from the prepared paper data, or prepared here when there is
    none (a notebook opened on its own)."""
    if paper_data and Path(paper_data, "meta.json").exists():
        return Context.from_data(load(paper_data))
    from sendlib.paper.prepare import prepare_paper_data  # the whole pipeline, only here

    run = RunParams(
        month=month,
        data_dir=data_dir,
        params_dir=params_dir,
        catalogue=catalogue,
        output_dir=output_dir,
        team=team,
    )
    return Context.from_data(prepare_paper_data(run))


def heading(ctx: Context, slug: str) -> Html:
    """The section's heading (numbered when the paper is stitched); the cover has the h1."""
    found = ctx.headings.get(slug)
    if found is None:
        known = ", ".join(ctx.headings)
        raise KeyError(f"no section '{slug}' in this paper (sections: {known})")
    if not found.number and slug == "cover":
        return Html("")
    return Html(
        f'<h2 id="{html.escape(slug)}" data-number="{html.escape(found.number)}">'
        f"{html.escape(found.title)}</h2>"
    )


__all__ = ["HISTORY_MONTHS", "Context", "Group", "Html", "context", "heading"]
