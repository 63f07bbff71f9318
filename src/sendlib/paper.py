"""What the section notebooks call: the run's context and the paper's furniture.

A notebook cell is one or two lines, e.g. ``sp.heading(ctx, "02_caseload")`` or
``views.caseload_trend(ctx)``; everything it shows is built here or in ``views``.
"""

from __future__ import annotations

import html
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sendlib import display as fmt
from sendlib import findings as fnd
from sendlib.cases import Cases, prepare
from sendlib.catalogue import Catalogue, load_catalogue
from sendlib.dates import parse_month
from sendlib.disclosure import set_threshold
from sendlib.kpis import compute, wide
from sendlib.load import Tables, load_tables
from sendlib.manifest import code_hash, combined_hash, file_hashes
from sendlib.narrative import analyst_html, narrative_block
from sendlib.params import ReportParams, RunParams, load_report
from sendlib.quality import warnings
from sendlib.scorecard import Series, build, headline_tiles, kpi_series
from sendlib.teams import filter_team

#: notebook stem → (number in the paper, title). Appendices and glossary are lettered.
SECTIONS: dict[str, tuple[str, str]] = {
    "00_cover": ("", "Cover sheet"),
    "01_summary": ("1", "Summary"),
    "02_caseload": ("2", "Children and young people with an EHCP"),
    "03_requests": ("3", "Requests for assessment and decisions to assess"),
    "04_timeliness": ("4", "Assessments and 20-week timeliness"),
    "05_reviews": ("5", "Annual reviews"),
    "06_placements": ("6", "Placements and sufficiency"),
    "07_disputes": ("7", "Mediation and tribunals"),
    "08_adulthood_partners": ("8", "Preparing for Adulthood and partner returns"),
    "09_data_quality": ("9", "Data quality"),
    "10_appendix_scorecard": ("Appendix 1", "SEND scorecard"),
    "11_operational_annex": ("Appendix 2", "Operational annex"),
    "12_glossary": ("", "Glossary"),
}
HISTORY_MONTHS = 25  # charts show two years and the month before


class Html(str):
    """HTML that a notebook displays as itself (and nbconvert keeps as HTML)."""

    def _repr_html_(self) -> str:
        return str(self)


@dataclass
class Context:
    """Everything a section needs for one month."""

    run: RunParams
    month: pd.Period
    report: ReportParams
    catalogue: Catalogue
    tables: Tables
    cases: Cases
    scorecard: pd.DataFrame
    series: Series
    measures: pd.DataFrame  # every computed measure (period × id), catalogue or not
    warnings: pd.DataFrame

    def _frame(self, kpi_id: str) -> pd.DataFrame:
        return self.series.values if kpi_id in self.series.values.columns else self.measures

    def value(self, kpi_id: str, period: pd.Period | str | None = None) -> float:
        """A KPI's (or measure's) value in a month (default the report month); NaN if missing."""
        label = str(period or self.month)
        try:
            return float(self._frame(kpi_id).at[label, kpi_id])
        except KeyError:
            return float("nan")

    def england(self, kpi_id: str) -> float:
        """The England benchmark of a KPI for the report month; NaN if there is none."""
        card = self.scorecard
        row = card[(card["kpi_id"] == kpi_id) & (card["period"] == self.month.strftime("%Y-%m"))]
        return float(row["england"].iloc[0]) if len(row) else float("nan")

    def history(self, kpi_id: str, months: int = 13) -> pd.Series:
        """The KPI's last ``months`` monthly values up to the report month."""
        return self._frame(kpi_id)[kpi_id].iloc[-months:]


def cache_key(run: RunParams) -> str:
    """Identifies a context: run parameters, input and parameter files, and sendlib's code."""
    return combined_hash(
        run.model_dump_json(),
        file_hashes(run.data_dir),
        file_hashes(run.params_dir, "*.yaml"),
        code_hash(),
    )


def build_context(run: RunParams, tables: Tables | None = None) -> Context:
    """Load, validate and compute everything the sections show (raises InvalidData);
    ``tables`` are the run's already validated tables, when the caller has them."""
    month = parse_month(run.month)
    catalogue = load_catalogue(run.catalogue)
    report = load_report(Path(run.params_dir) / "report.yaml")
    if tables is None:
        tables = load_tables(run.data_dir, needed=catalogue.files_needed())
    if run.team:
        tables = filter_team(tables, run.team)
    cases = prepare(tables)
    card = build(tables, catalogue, month, report.scorecard_months, cases)
    history = pd.period_range(end=month, periods=HISTORY_MONTHS, freq="M")
    series = kpi_series(tables, catalogue, history, cases)
    measures = wide(compute(cases, history)).reindex(history.strftime("%Y-%m"))
    return Context(
        run,
        month,
        report,
        catalogue,
        tables,
        cases,
        card,
        series,
        measures,
        warnings(tables, month),
    )


def context(
    month: str,
    data_dir: str = "data/raw",
    params_dir: str = "params",
    catalogue: str = "params/kpis.yaml",
    output_dir: str = "outputs",
    team: str = "",
    *,
    tables: Tables | None = None,
) -> Context:
    """The month's context, computed once per inputs and shared by every notebook."""
    run = RunParams(
        month=month,
        data_dir=data_dir,
        params_dir=params_dir,
        catalogue=catalogue,
        output_dir=output_dir,
        team=team,
    )
    path = Path(output_dir) / ".cache" / f"context-{cache_key(run)}.pkl"
    if path.exists():
        try:
            with path.open("rb") as handle:
                ctx = pickle.load(handle)
            set_threshold(ctx.report.suppression_threshold)
            return ctx
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            path.unlink(missing_ok=True)
    ctx = build_context(run, tables)
    set_threshold(ctx.report.suppression_threshold)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(ctx, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return ctx


# ---------------------------------------------------------------- furniture
def heading(ctx: Context, section: str) -> Html:
    """The section's heading (numbered when the paper is stitched); the cover has the h1."""
    number, title = SECTIONS[section]
    if not number and section == "00_cover":
        return Html("")
    return Html(
        f'<h2 id="{section[3:]}" data-number="{html.escape(number)}">{html.escape(title)}</h2>'
    )


def narrative(ctx: Context, section: str) -> Html:
    """The analyst's commentary for this section and month (refreshed when stitched)."""
    return Html(narrative_block(section, analyst_html(ctx.run.params_dir, str(ctx.month), section)))


def month_name(ctx: Context) -> str:
    return ctx.month.strftime("%B %Y")


def cover(ctx: Context) -> Html:
    """Title block and the cover-sheet table of seed 001."""
    r = ctx.report
    rows = [
        ("Report subject", r.report_subject),
        ("Meeting date", f"{r.meeting_date.day} {r.meeting_date:%B %Y}"),
        ("Status", r.status),
        ("Executive summary", r.executive_summary),
        (
            "Recommendations",
            "It is RECOMMENDED that: "
            + " ".join(f"({i}) {text}" for i, text in enumerate(r.recommendations, start=1)),
        ),
        ("Reason for recommendations", r.reason_for_recommendations),
        ("Portfolio Holder(s)", "; ".join(r.portfolio_holders)),
        ("Corporate Director", r.corporate_director),
        (
            "Report Authors",
            "; ".join(a.name + (f", {a.role}" if a.role else "") for a in r.authors),
        ),
        ("Wards", r.wards),
        ("Classification", r.classification),
    ]
    team = f" – {html.escape(ctx.run.team)}" if ctx.run.team else ""
    body = "".join(
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>' for k, v in rows
    )
    return Html(
        f'<header class="cover"><p class="council">{html.escape(r.council)}</p>'
        f"<h1>{html.escape(r.report_subject)}: {month_name(ctx)}{team}</h1>"
        f'<p class="committee">{html.escape(r.committee)}</p></header>'
        f'<table class="cover-sheet"><caption>Report details</caption><tbody>{body}</tbody>'
        f"</table>"
    )


def tiles(ctx: Context) -> Html:
    """Seed 003's headline tiles: five figures with their months."""
    cells = []
    for tile in headline_tiles(ctx.scorecard, ctx.month):
        when = f" ({tile['period']})" if tile["period"] else ""
        cells.append(
            f'<li class="tile"><span class="tile-label">{html.escape(tile["label"])}'
            f"{html.escape(when)}</span>"
            f'<span class="tile-value">{html.escape(tile["value"])}</span></li>'
        )
    return Html(f'<ul class="tiles" aria-label="Headline figures">{"".join(cells)}</ul>')


def data_quality(ctx: Context) -> Html:
    """Counts of data-quality warnings by rule (seed 004's Data Quality Summary)."""
    summary = fnd.summary(ctx.warnings)
    n = int(summary["count"].sum()) if len(summary) else 0
    from sendlib.tables import Table

    intro = (
        f'<p class="para">The checks found {n:,} record{"s" if n != 1 else ""} to review '
        f"in the case-management system this month. None stops the figures being "
        f"produced; each is listed for the service to correct at source.</p>"
        if n
        else '<p class="para">The checks found no records to review this month.</p>'
    )
    if not n:
        return Html(intro)
    frame = summary[["description", "count"]].rename(
        columns={"description": "Check", "count": "Records"}
    )
    table = (
        Table(frame, "Data-quality checks: records to review").row_header("Check").number("Records")
    )
    return Html(intro + table.to_html())


def glossary(ctx: Context) -> Html:
    """Terms used in the paper."""
    terms = [
        ("AP", "Alternative provision, including pupil referral units."),
        (
            "EHCP",
            "Education, Health and Care Plan: the legal document describing a child or "
            "young person's special educational needs and the support to meet them.",
        ),
        ("EHCNA", "Education, Health and Care needs assessment."),
        ("EHE", "Elective home education."),
        (
            "EOTAS (section 61)",
            "Education otherwise than at school arranged by the local "
            "authority under section 61 of the Children and Families Act 2014.",
        ),
        (
            "Section 19",
            "Alternative education the local authority arranges under section 19 of "
            "the Education Act 1996.",
        ),
        ("INMSS", "Independent or non-maintained special school."),
        ("NEET", "Not in education, employment or training."),
        ("PfA", "Preparing for Adulthood."),
        ("RAG", "Red, amber, green: off target, near target (within tolerance), on target."),
        ("SENDIASS", "The SEND Information, Advice and Support Service."),
        (
            "SPC",
            "Statistical process control: whether a change is more than the usual "
            "variation (NHS England, Making Data Count).",
        ),
        (
            "6 weeks / 20 weeks",
            "The legal time limits from a request to the decision whether "
            "to assess (42 days) and to the final plan (140 days).",
        ),
        ("[x]", "Not available. [c]: withheld to protect confidentiality."),
    ]
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in terms)
    papers = (
        "".join(f"<li>{html.escape(p)}</li>" for p in ctx.report.background_papers)
        or "<li>None</li>"
    )
    appendices = "".join(f"<li>{html.escape(a)}</li>" for a in ctx.report.appendices)
    return Html(
        f'<dl class="glossary">{items}</dl><h3>Background papers</h3><ul>{papers}</ul>'
        f"<h3>Appendices</h3><ul>{appendices}</ul>"
    )


def symbol_key() -> Html:
    """How to read the scorecard's symbols."""
    return Html(
        '<p class="key">▲ up, ▼ down, ► unchanged on the previous period (as shown). '
        "Status: on target, near target (within tolerance), off target. "
        f"{fmt.NOT_AVAILABLE} not available; a partner's note is shown where one was given. "
        "Variation and assurance follow NHS England's Making Data Count (last 24 points).</p>"
    )
