"""Preparing a paper's data from its run parameters: the parameters files, the validated
input and the sections of the paper (or of a team's pack)."""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import pandas as pd

from sendlib.config import RunParams, load_month, load_report
from sendlib.data import findings as fnd
from sendlib.data.coverage import extract
from sendlib.data.load import Tables, check_data
from sendlib.data.quality import catalogue_checks, find_warnings
from sendlib.months import Month
from sendlib.paper.data import PaperData, build
from sendlib.paper.sections import Section, for_paper, headings
from sendlib.scorecard.catalogue import load_catalogue


def prepare_paper_data(
    run: RunParams,
    tables: Tables | None = None,
    sections: list[Section] | None = None,
    findings: pd.DataFrame | None = None,
    reach: dict | None = None,
    executor: Executor | None = None,
) -> PaperData:
    """The month's paper data (raises ``InvalidData``, ``ParamsError`` or
    ``CatalogueError`` on bad input); ``tables`` are the run's validated tables and
    ``findings`` what its checks found (``sendlib.ops.preflight``), when the caller has
    them, ``sections`` the sections of the paper (default: the registry's) and ``reach``
    how far the data reaches (``Extract.facts``: the cover's provisional stamp), and
    ``executor`` a worker for the sections' offloaded work (``paper.data.Offloaded``). Without
    them (a notebook opened on its own) the data are read and checked here, with the
    month's extract date as the run checks them."""
    month = Month.of(run.month).period
    report = load_report(Path(run.params_dir) / "report.yaml")
    own = load_month(run.params_dir, run.month)
    report = report.for_month(own)
    catalogue = load_catalogue(run.catalogue, report.year_start)
    if findings is None:  # checked here, as the run's preflight checks them
        read = fnd.empty()
        if tables is None:
            tables, read = check_data(run.data_dir, needed=catalogue.files_needed())
            if tables is None:
                raise fnd.InvalidData(read)
        found = extract(tables, own.extract_date if own else None)
        reach = reach or found.facts(month, provisional=False)
        findings = fnd.combine(
            [
                read,
                catalogue_checks(tables, catalogue.units(), catalogue.known_ids()),
                find_warnings(tables, month, found),
            ]
        )
    sections = for_paper(run.team) if sections is None else sections
    return build(
        tables,
        catalogue,
        report,
        month,
        headings(sections),
        [s.counts for s in sections if s.counts is not None],
        findings,
        team=run.team,
        meeting_date=report.meeting_for(month, own),
        extract=reach,
        executor=executor,
    )
