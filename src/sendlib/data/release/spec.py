"""Which file and column of the DfE's release gives each KPI (``dfe_release.yaml``), and
sendlib's reduced copy of the release.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

ID_COLUMNS = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "breakdown_topic",
]
REDUCED = "ehcp-release-reduced.zip"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0: "
    "Department for Education, Education, health and care plans, reporting year 2025 "
    "(explore-education-statistics). Reduced by sendlib to the totals rows and the columns "
    "its comparators read."
)


class ReleaseError(Exception):
    """The release, the council or a neighbour cannot be used; the message says why."""


class FileRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    totals: str
    period: str  # calendar (time_period 2024 → 2024-12) or january (202425 → 2025-01)


class MeasureRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    column: str | None = None
    sum: list[str] = []
    of: str | None = None
    title: str
    sentence: str
    definition: str
    #: what the DfE counts, in words a KPI's measure is matched against (like for like)
    numerator: str
    denominator: str
    #: measures of one scale are one measure counted two ways (20-week timeliness with
    #: and without exceptions): the paper draws them on one y axis, like with like
    scale: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> MeasureRule:
        if bool(self.column) == bool(self.sum and self.of):
            raise ValueError("a measure is either a column, or a sum of columns 'of' another")
        return self

    @property
    def columns(self) -> list[str]:
        return [self.column] if self.column else [*self.sum, self.of]

    def source(self, release: str) -> str:
        if self.column:
            return f"{release}: {self.file}.csv {self.column}"
        return f"{release}: {self.file}.csv ({' + '.join(self.sum)}) / {self.of}"


class ReleaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    release: str
    regions: dict[str, str]
    files: dict[str, FileRule]
    measures: dict[str, MeasureRule]

    def period_kind(self, kpi_id: str) -> str:
        """``events`` (counted over calendar years) or ``snapshot`` (plans in January)."""
        rule = self.files[self.measures[kpi_id].file]
        return "events" if rule.period == "calendar" else "snapshot"


@cache
def release_spec() -> ReleaseSpec:
    """The mapping from the release to KPIs (``dfe_release.yaml``)."""
    text = resources.files("sendlib.data").joinpath("dfe_release.yaml").read_text("utf-8")
    return ReleaseSpec.model_validate(yaml.safe_load(text))


def reduced_release() -> Path:
    """sendlib's reduced copy of the release (every council and year, totals only)."""
    return Path(str(resources.files("sendlib.data").joinpath(REDUCED)))
