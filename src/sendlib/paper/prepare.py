"""Preparing a paper's data from its run parameters: the parameters files, the validated
input and the sections of the paper (or of a team's pack)."""

from __future__ import annotations

from pathlib import Path

from sendlib.config import RunParams, load_month, load_report
from sendlib.data.dates import parse_month
from sendlib.data.load import Tables, load_tables
from sendlib.paper.data import PaperData, build
from sendlib.paper.sections import Section, for_paper, headings
from sendlib.scorecard.catalogue import load_catalogue


def prepare_paper_data(
    run: RunParams,
    tables: Tables | None = None,
    sections: list[Section] | None = None,
    extract: dict | None = None,
) -> PaperData:
    """The month's paper data (raises ``InvalidData``, ``ParamsError`` or
    ``CatalogueError`` on bad input); ``tables`` are the run's validated tables, when the
    caller has them, and ``sections`` the sections of the paper (default: the registry's)."""
    month = parse_month(run.month)
    catalogue = load_catalogue(run.catalogue)
    report = load_report(Path(run.params_dir) / "report.yaml")
    own = load_month(run.params_dir, run.month)
    report = report.for_month(own)
    if tables is None:
        tables = load_tables(run.data_dir, needed=catalogue.files_needed())
    sections = for_paper(run.team) if sections is None else sections
    return build(
        tables,
        catalogue,
        report,
        month,
        headings(sections),
        [s.counts for s in sections if s.counts is not None],
        team=run.team,
        meeting_date=report.meeting_for(month, own),
        extract=extract,
    )
