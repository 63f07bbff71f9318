"""Parameters: the paper's furniture (``params/report.yaml``) and one run's settings.

``RunParams`` is the one model the notebooks' ``parameters`` cells must match (checked
with ``papermill.inspect_notebook`` before anything runs).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

M = TypeVar("M", bound=BaseModel)


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    role: str = ""


class ReportParams(BaseModel):
    """The cover sheet and furniture of the committee paper (seed 001's table)."""

    model_config = ConfigDict(extra="forbid")
    council: str
    committee: str
    meeting_date: dt.date
    report_subject: str
    status: str = "Public Report"
    executive_summary: str
    recommendations: list[str]
    reason_for_recommendations: str
    portfolio_holders: list[str]
    corporate_director: str
    authors: list[Person]
    wards: str = "Council-wide"
    classification: str = "For Update"
    background_papers: list[str] = []
    appendices: list[str] = ["Appendix 1 – SEND Scorecard"]
    suppression_threshold: int = Field(default=4, ge=0, le=20)
    scorecard_months: int = Field(default=6, ge=1, le=24)


class RunParams(BaseModel):
    """One run of the paper; the notebooks' ``parameters`` cells hold exactly these names."""

    model_config = ConfigDict(extra="forbid")
    month: str
    data_dir: str = "data/raw"
    params_dir: str = "params"
    catalogue: str = "params/kpis.yaml"
    output_dir: str = "outputs"
    team: str = ""


class ParamsError(Exception):
    """A parameters file is missing or invalid; the message says where and why."""


def read_yaml(path: Path, error: type[Exception], what: str):
    """A YAML file's data, or ``error`` saying which file and why it cannot be read."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from None


#: names the entry a validation error is in: (data, loc) -> (label, rest of loc)
Locate = Callable[[object, list], tuple[str, list]]


def read_model(
    path: Path | str,
    model: type[M],
    error: type[Exception],
    what: str,
    locate: Locate | None = None,
) -> M:
    """A YAML file validated by a pydantic model, or ``error`` listing every problem with
    the file, the entry (``locate``) and the field."""
    path = Path(path)
    data = read_yaml(path, error, what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {exc.error_count()} problem(s) in {what}"]
        for problem in exc.errors():
            where, loc = locate(data, list(problem["loc"])) if locate else ("", problem["loc"])
            field = ".".join(str(x) for x in loc)
            message = re.sub(r"^Value error, ", "", problem["msg"])
            lines.append(
                f"  - {where}{': ' if where else ''}{field + ': ' if field else ''}{message}"
            )
        raise error("\n".join(lines)) from None


def load_report(path: Path | str) -> ReportParams:
    """Read and validate report.yaml."""
    return read_model(path, ReportParams, ParamsError, "the report parameters")
