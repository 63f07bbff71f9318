"""The KPI catalogue (``params/kpis.yaml``): which KPIs the scorecard shows, and how.

Validated by pydantic: unknown source, unit, polarity or frequency, duplicate ids or refs,
a tolerance without a target all give a clear message naming the KPI. Adding a KPI is a
YAML edit: its ``source`` names a computed measure (``sendlib.measures.registry``) or says
``return`` to read the partner value from returns.csv.

``benchmark`` names the comparator rows (``kpi_id`` in benchmarks.csv) a KPI is set
beside: by default its own id, ``none`` for no comparator. A comparator from the DfE's
release is shown only when it counts what the KPI's measure counts (numerator,
denominator and kind of period: ``sendlib.measures.bases``); naming one that does not is
an error. Titles and definitions may say ``{year}``: the kind of reporting year
(``year_start`` in report.yaml), e.g. "cumulative {year}" → "cumulative academic year".
``spc`` fixes the SPC limits after a KPI's first N points, or recalculates them from
given months (as NHSRplotthedots' ``fix_after_n_points`` and ``rebase``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sendlib.config import read_model, read_yaml
from sendlib.data.contract import contract
from sendlib.data.dates import SCHEDULE
from sendlib.data.release import release_spec
from sendlib.measures import breakdowns
from sendlib.measures.bases import BASES, Basis, differences
from sendlib.measures.registry import (
    ACTIVITY,
    CHARACTERISTIC,
    MEASURES,
    count_behind,
    disclosure_class,
    files_needed,
)
from sendlib.months import Month
from sendlib.statutory import year_name

NO_BENCHMARK = "none"
YEAR = "{year}"  # in a title or definition: the kind of reporting year

Unit = Literal["count", "percent", "rate_per_10k", "days", "weeks", "fte", "currency", "rate"]
__all__ = ["SCHEDULE", "Catalogue", "CatalogueError", "Kpi", "load_catalogue"]
DECIMALS = {
    "count": 0,
    "percent": 1,
    "rate_per_10k": 1,
    "days": 0,
    "weeks": 0,
    "fte": 2,
    "currency": 0,
    "rate": 1,
}


class SpcRule(BaseModel):
    """How a KPI's SPC limits are set (NHS England's Making Data Count; NHSRplotthedots'
    ``fix_after_n_points`` and ``rebase``): from the first ``fix_after`` points of each
    phase and fixed from then on, and a new phase from each ``rebase`` month (after a
    change to the process: limits recalculated from that month's point)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fix_after: int | None = Field(default=None, ge=12, le=120)
    rebase: tuple[str, ...] = ()

    @field_validator("rebase")
    @classmethod
    def _months(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            Month.parse(text)  # ValueError: "month '2025-13' … there is no month 13"
        return tuple(sorted(set(value)))


def basis_of(comparator: str) -> Basis | None:
    """What a DfE release measure counts (None for a comparator not from the release)."""
    spec = release_spec()
    rule = spec.measures.get(comparator)
    if rule is None:
        return None
    return Basis(rule.numerator, rule.denominator, spec.period_kind(comparator))


def unlike(source: str, comparator: str) -> list[str]:
    """How a KPI's measure and a comparator from the DfE's release differ (empty: like
    for like). A partner's figure (``return``) or a comparator the council typed into
    benchmarks.csv is taken as given."""
    theirs = basis_of(comparator)
    if theirs is None or source == "return":
        return []
    mine = BASES.get(source)
    if mine is None:
        return [f"sendlib does not know what the measure '{source}' counts beside the DfE's"]
    return differences(mine, theirs)


class Kpi(BaseModel):
    """One KPI row of the scorecard."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    ref: str
    title: str
    section: str
    unit: Unit
    polarity: Literal["up", "down", "neutral"]
    frequency: Literal["monthly", "termly", "quarterly", "annual"]
    source: str
    target: float | None = None
    tolerance: float | None = Field(default=None, ge=0)
    definition: str = ""
    decimals: int | None = Field(default=None, ge=0, le=4)
    #: characteristic (children counted by a personal or care characteristic: small counts
    #: are withheld) or activity (events and process shares: published); default: the
    #: measure's own class, activity for a partner's figure
    disclosure: Literal["characteristic", "activity"] | None = None
    benchmark: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    spc: SpcRule | None = None

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value != "return" and value not in MEASURES:
            close = [m for m in MEASURES if m.split("_")[0] == value.split("_")[0]][:5]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"unknown source '{value}': use 'return' or a computed measure{hint}")
        return value

    @model_validator(mode="after")
    def _tolerance_needs_target(self) -> Kpi:
        if self.tolerance is not None and self.target is None:
            raise ValueError("tolerance given without a target")
        return self

    @model_validator(mode="after")
    def _characteristic_needs_a_count(self) -> Kpi:
        """A share can be withheld only with the count it is a share of."""
        if self.disclosure != CHARACTERISTIC or self.unit == "count":
            return self
        if self.source == "return":
            raise ValueError(
                "disclosure: characteristic needs a count: a partner's "
                f"{self.unit} carries no count to decide on (give the count as a KPI of its own)"
            )
        if disclosure_class(self.source) != CHARACTERISTIC and count_behind(self.source) is None:
            raise ValueError(
                f"disclosure: characteristic: sendlib knows no count behind '{self.source}' "
                "to decide on; use a count measure"
            )
        return self

    @model_validator(mode="after")
    def _like_for_like(self) -> Kpi:
        if self.benchmark in (None, NO_BENCHMARK):
            return self
        found = unlike(self.source, self.benchmark)
        if found:
            raise ValueError(
                f"benchmark '{self.benchmark}' is not like for like with this KPI ("
                + "; ".join(found)
                + f"): use benchmark: {NO_BENCHMARK} (the paper's 'How we compare' sets the "
                "council's figure on the DfE's definition beside the DfE's)"
            )
        return self

    @property
    def disclosure_class(self) -> str:
        """The KPI's disclosure class: as the catalogue says, else its measure's."""
        if self.disclosure is not None:
            return self.disclosure
        return ACTIVITY if self.source == "return" else disclosure_class(self.source)

    @property
    def named_benchmark(self) -> str | None:
        """The comparator id the KPI names (its own id by default; None for ``none``)."""
        if self.benchmark == NO_BENCHMARK:
            return None
        return self.benchmark or self.id

    @property
    def comparator(self) -> str | None:
        """The comparator rows the scorecard sets beside this KPI: those it names, when
        they count the same thing (a DfE figure of another definition is never shown)."""
        named = self.named_benchmark
        if named is None or unlike(self.source, named):
            return None
        return named

    def for_year(self, start: str) -> Kpi:
        """This KPI with ``{year}`` in its title and definition said for the reporting year
        (``year_start``: 'calendar year', 'financial year' or 'academic year')."""
        if YEAR not in self.title and YEAR not in self.definition:
            return self
        name = year_name(start)
        return self.model_copy(
            update={
                "title": self.title.replace(YEAR, name),
                "definition": self.definition.replace(YEAR, name),
            }
        )

    @property
    def places(self) -> int:
        """Decimal places shown (unit default unless ``decimals`` is set)."""
        return DECIMALS[self.unit] if self.decimals is None else self.decimals


class Headline(BaseModel):
    """A headline tile of the summary: a KPI of the catalogue and the words on it."""

    model_config = ConfigDict(extra="forbid")
    kpi: str
    label: str


class Catalogue(BaseModel):
    """All KPIs, in scorecard order; sections appear in order of first use; and the KPIs
    of the summary's headline tiles, in order."""

    model_config = ConfigDict(extra="forbid")
    #: the example settings shipped with sendlib (the synthetic demo council's): a run on
    #: any other council's data says they are not the council's own
    example: bool = False
    headlines: list[Headline] = []
    kpis: list[Kpi]

    @model_validator(mode="after")
    def _headlines_are_kpis(self) -> Catalogue:
        ids = {kpi.id for kpi in self.kpis}
        unknown = [h.kpi for h in self.headlines if h.kpi not in ids]
        if unknown:
            raise ValueError(f"headlines: no KPI {', '.join(map(repr, unknown))} in the catalogue")
        return self

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        for field in ("id", "ref"):
            seen: set[str] = set()
            for kpi in self.kpis:
                value = getattr(kpi, field)
                if value in seen:
                    raise ValueError(f"duplicate {field} '{value}'")
                seen.add(value)
        return self

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(k.section for k in self.kpis))

    def get(self, kpi_id: str) -> Kpi:
        for kpi in self.kpis:
            if kpi.id == kpi_id:
                return kpi
        raise KeyError(kpi_id)

    def disclosure_overrides(self) -> dict[str, str]:
        """Measures whose class a KPI of the catalogue sets: measure id → class."""
        return {k.source: k.disclosure for k in self.kpis if k.disclosure and k.source != "return"}

    def for_year(self, start: str) -> Catalogue:
        """The catalogue with every ``{year}`` said for the reporting year (``year_start``)."""
        return self.model_copy(update={"kpis": [k.for_year(start) for k in self.kpis]})

    def units(self) -> dict[str, str]:
        """Each KPI's unit, by id (and by the comparator rows it names)."""
        out = {k.id: k.unit for k in self.kpis}
        for k in self.kpis:
            if k.named_benchmark and k.named_benchmark not in out:
                out[k.named_benchmark] = k.unit
        return out

    def known_ids(self) -> set[str]:
        """The ids returns.csv and benchmarks.csv rows may name: the KPIs' own and the
        comparators they name."""
        return {k.id for k in self.kpis} | {
            k.named_benchmark for k in self.kpis if k.named_benchmark
        }

    def not_compared(self) -> list[tuple[Kpi, list[str]]]:
        """KPIs whose own id is a DfE figure of another definition (no ``benchmark:``
        given): no comparator is shown for them; each with how the two differ."""
        out = []
        for kpi in self.kpis:
            if kpi.benchmark is None and (found := unlike(kpi.source, kpi.id)):
                out.append((kpi, found))
        return out

    def files_needed(self) -> set[str]:
        """Input files the catalogue's KPIs need: those its computed measures read,
        returns.csv if any KPI is a partner's figure, benchmarks.csv if any KPI is shown
        beside a comparator, and the files the council may not hold that the paper's
        breakdowns read. An absent file the contract marks optional is a warning (its
        figures are not available, never 0); no other file is required."""
        files = files_needed(k.source for k in self.kpis)
        if any(k.source == "return" for k in self.kpis):
            files.add("returns")
        if any(k.comparator for k in self.kpis):
            files.add("benchmarks")
        spec = contract()
        return files | {f for f in breakdowns.files_read() if spec.files[f].optional}


class CatalogueError(Exception):
    """The catalogue file is not valid; the message lists every problem."""


def load_catalogue(path: Path | str, year_start: str = "January") -> Catalogue:
    """Read and validate a catalogue YAML file; ``{year}`` in titles and definitions is
    said for the reporting year starting in ``year_start`` (report.yaml's)."""
    found = read_model(path, Catalogue, CatalogueError, "the KPI catalogue", _kpi_entry)
    return found.for_year(year_start)


def kpi_lines(path: Path | str) -> dict[str, int]:
    """The line each KPI's entry starts on in a catalogue file, by id (for messages)."""
    data, lines = read_yaml(Path(path), CatalogueError, "the KPI catalogue")
    out = {}
    for i, kpi in enumerate(data.get("kpis", []) if isinstance(data, dict) else []):
        if isinstance(kpi, dict) and "id" in kpi:
            line = lines.line(("kpis", i))
            if line is not None:
                out[str(kpi["id"])] = line
    return out


def _kpi_entry(data: object, loc: list) -> tuple[str, list]:
    """A problem inside ``kpis[i]`` is named by the KPI's id (and its line, by the caller)."""
    if len(loc) >= 2 and loc[0] == "kpis" and isinstance(loc[1], int):
        try:
            kpi = data["kpis"][loc[1]]  # type: ignore[index]
            return f"KPI {kpi.get('id', '?')!r}", loc[2:]
        except (TypeError, KeyError, IndexError, AttributeError):
            return f"KPI number {loc[1] + 1}", loc[2:]
    return "", loc
