"""The sections of the paper, in order: the one place that says what a section is.

Each ``Section`` names its slug (the HTML id and the narrative file's name,
``params/narrative/YYYY-MM/<slug>.md``), its title, its notebook, the module function
drafting its facts (for ``sendlib new-month``), the counts it needs prepared, what it
records in the manifest, whether it is in a team pack, and how it is printed. Numbers
follow from the order: numbered sections 1, 2 …, appendices "Appendix 1" …; the cover and
the glossary have none.
Adding a section is an entry here, a notebook and a module of the same name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pathlib import Path

    from sendlib.paper.data import Breakdowns, Heading, PaperData
    from sendlib.paper.notebook_context import Context
    from sendlib.paper.paragraphs import Paragraphs

Kind = Literal["cover", "numbered", "appendix", "back"]


@dataclass(frozen=True)
class Section:
    """One section of the paper."""

    slug: str
    title: str
    notebook: str
    kind: Kind = "numbered"
    facts: Callable[[Context], Paragraphs] | None = None
    counts: Breakdowns | None = None
    #: figures the manifest records (intervals, backtests): (paper data, params folder) → dict
    manifest: Callable[[PaperData, Path], dict] | None = None
    team_pack: bool = False
    narrative: bool = True  # the notebook has a narrative slot for the analyst's words
    starts_page: bool = True  # printed from a new page
    landscape: bool = False
    legacy_names: tuple[str, ...] = ()  # older names of its narrative file (04_timeliness)
    #: modules the notebook workers import as the run starts, for work the section's
    #: ``counts`` hands them (``paper.data.Offloaded``)
    preload: tuple[str, ...] = ()


@dataclass(frozen=True)
class Later:
    """A function of a section's module (``sendlib.paper.<module>``), imported when it is
    first called: every run reads this registry, and the modules load the figures and
    pandas, which a narrative-only re-render never uses."""

    module: str
    name: str

    def resolve(self) -> Callable:
        return getattr(importlib.import_module(f"sendlib.paper.{self.module}"), self.name)

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)


def _drafted(
    stem: str, title: str, module: str, facts: bool = True, counts: bool = True, **more
) -> Section:
    """A section whose module (``sendlib.paper.<module>``) drafts its ``facts`` and names
    its ``counts`` (each where it has them): notebook ``<stem>.ipynb``, slug the stem without its
    number, and narrative files once named after the notebook (``04_timeliness.md``)
    still read."""
    return Section(
        stem[3:],
        title,
        f"{stem}.ipynb",
        facts=Later(module, "facts") if facts else None,
        counts=Later(module, "counts") if counts else None,
        legacy_names=more.pop("legacy_names", (stem,)),
        **more,
    )


SECTIONS: list[Section] = [
    Section("cover", "Cover sheet", "00_cover.ipynb", "cover", team_pack=True, narrative=False),
    Section(
        "summary",
        "Summary",
        "01_summary.ipynb",
        facts=Later("summary", "key_messages"),
        starts_page=False,
        legacy_names=("01_summary",),
    ),
    _drafted(
        "02_caseload",
        "Children and young people with an EHCP",
        "caseload",
        counts=False,  # its breakdowns are of children: decided with the paper's figures
        team_pack=True,
    ),
    _drafted(
        "03_requests", "Requests for assessment and decisions to assess", "requests", team_pack=True
    ),
    _drafted("04_timeliness", "Assessments and 20-week timeliness", "timeliness", team_pack=True),
    _drafted("05_reviews", "Annual reviews", "reviews", team_pack=True),
    _drafted(
        "06_placements", "Placements and sufficiency", "placements", counts=False, team_pack=True
    ),
    _drafted("07_disputes", "Mediation and tribunals", "disputes", counts=False),
    _drafted(
        "08_adulthood_partners",
        "Preparing for Adulthood and partner returns",
        "adulthood",
        counts=False,
    ),
    _drafted("09_compare", "How we compare", "compare", legacy_names=()),
    Section(
        "looking_ahead",
        "Looking ahead",
        "09b_looking_ahead.ipynb",
        facts=Later("looking_ahead", "facts"),
        counts=Later("looking_ahead", "counts"),
        manifest=Later("looking_ahead", "manifest"),
        # its projections are fitted in a notebook worker while the paper data are made
        preload=("sendlib.paper.looking_ahead", "statsmodels.tsa.exponential_smoothing.ets"),
    ),
    _drafted(
        "10_data_quality",
        "Data quality",
        "data_quality",
        facts=False,
        legacy_names=("09_data_quality",),
    ),
    Section(
        "appendix_scorecard",
        "SEND scorecard",
        "11_appendix_scorecard.ipynb",
        "appendix",
        narrative=False,
        landscape=True,
    ),
    Section(
        "operational_annex",
        "Operational annex",
        "12_operational_annex.ipynb",
        "appendix",
        counts=Later("annex", "counts"),
        team_pack=True,
        narrative=False,
    ),
    Section("glossary", "Glossary", "13_glossary.ipynb", "back", team_pack=True, narrative=False),
]


def numbers(sections: list[Section] | None = None) -> dict[str, str]:
    """Each section's number in the paper: '1' …, 'Appendix 1' …, '' for cover and back."""
    out, numbered, appendix = {}, 0, 0
    for section in SECTIONS if sections is None else sections:
        if section.kind == "numbered":
            numbered += 1
            out[section.slug] = str(numbered)
        elif section.kind == "appendix":
            appendix += 1
            out[section.slug] = f"Appendix {appendix}"
        else:
            out[section.slug] = ""
    return out


def headings(sections: list[Section] | None = None) -> list[Heading]:
    """The sections' headings as the notebooks show them."""
    from sendlib.paper.data import Heading

    sections = SECTIONS if sections is None else sections
    found = numbers(sections)
    return [Heading(s.slug, found[s.slug], s.title) for s in sections]


def for_paper(team: str = "") -> list[Section]:
    """The sections of a paper, or of a team's pack (the operational sections only: those
    marked ``team_pack``)."""
    return [s for s in SECTIONS if s.team_pack or not team]


def by_slug(slug: str) -> Section:
    for section in SECTIONS:
        if section.slug == slug:
            return section
    raise KeyError(f"no section '{slug}' (sections: {', '.join(s.slug for s in SECTIONS)})")


def by_notebook(name: str) -> Section | None:
    """The section whose notebook is called ``name`` (``04_timeliness.ipynb``), if any."""
    for section in SECTIONS:
        if section.notebook == name:
            return section
    return None
