"""Parameters: the paper's furniture (``params/report.yaml``) and one run's settings.

``RunParams`` is the one model the notebooks' ``parameters`` cells must match (checked
with ``papermill.inspect_notebook`` before anything runs).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


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


def load_report(path: Path | str) -> ReportParams:
    """Read and validate report.yaml."""
    path = Path(path)
    data = read_yaml(path, ParamsError, "the report parameters")
    try:
        return ReportParams.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {exc.error_count()} problem(s)"]
        for error in exc.errors():
            field = ".".join(str(x) for x in error["loc"]) or "(file)"
            lines.append(f"  - {field}: {error['msg']}")
        raise ParamsError("\n".join(lines)) from None
