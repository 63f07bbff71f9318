"""The KPI catalogue (``params/kpis.yaml``): which KPIs the scorecard shows, and how.

Validated by pydantic: unknown source, unit, polarity or frequency, duplicate ids or refs,
a tolerance without a target all give a clear message naming the KPI. Adding a KPI is a
YAML edit: its ``source`` names a computed measure (``sendlib.measures.registry``) or says
``return`` to read the partner value from returns.csv.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sendlib.config import read_model
from sendlib.data.dates import SCHEDULE
from sendlib.measures.registry import (
    ACTIVITY,
    CHARACTERISTIC,
    MEASURES,
    count_behind,
    disclosure_class,
    files_needed,
)

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

    @property
    def disclosure_class(self) -> str:
        """The KPI's disclosure class: as the catalogue says, else its measure's."""
        if self.disclosure is not None:
            return self.disclosure
        return ACTIVITY if self.source == "return" else disclosure_class(self.source)

    @property
    def places(self) -> int:
        """Decimal places shown (unit default unless ``decimals`` is set)."""
        return DECIMALS[self.unit] if self.decimals is None else self.decimals


class Catalogue(BaseModel):
    """All KPIs, in scorecard order; sections appear in order of first use."""

    model_config = ConfigDict(extra="forbid")
    kpis: list[Kpi]

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

    def files_needed(self) -> set[str]:
        """Input files the catalogue's KPIs need: those its computed measures read, and
        returns.csv if any KPI is a partner's figure. No other file is required."""
        files = files_needed(k.source for k in self.kpis)
        if any(k.source == "return" for k in self.kpis):
            files.add("returns")
        return files


class CatalogueError(Exception):
    """The catalogue file is not valid; the message lists every problem."""


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and validate a catalogue YAML file."""
    return read_model(path, Catalogue, CatalogueError, "the KPI catalogue", _kpi_entry)


def _kpi_entry(data: object, loc: list) -> tuple[str, list]:
    """A problem inside ``kpis[i]`` is named by the KPI's id (and its line, by the caller)."""
    if len(loc) >= 2 and loc[0] == "kpis" and isinstance(loc[1], int):
        try:
            kpi = data["kpis"][loc[1]]  # type: ignore[index]
            return f"KPI {kpi.get('id', '?')!r}", loc[2:]
        except (TypeError, KeyError, IndexError, AttributeError):
            return f"KPI number {loc[1] + 1}", loc[2:]
    return "", loc
