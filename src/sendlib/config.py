"""Configuration files: YAML validated by pydantic, with messages a person can act on.

Every parameters file (``params/report.yaml``, the KPI catalogue) is read here, so every
one of them reports a problem the same way: the file, the line, the entry and what is
wrong ("unknown key 'tagret' — did you mean 'target'?"), never PyYAML's or pydantic's
raw text. ``RunParams`` is the one model the notebooks' ``parameters`` cells must match
(checked with ``papermill.inspect_notebook`` before anything runs). This module is the
bottom layer of the package: every stage may read configuration.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sendlib.months import Month
from sendlib.statutory import YEAR_STARTS, YearStart

if TYPE_CHECKING:
    import pandas as pd

M = TypeVar("M", bound=BaseModel)


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    role: str = ""


class MonthParams(BaseModel):
    """What belongs to one month's paper (``params/months/YYYY-MM.yaml``): the meeting it
    goes to when that is not the next one in ``meeting_dates``, the date of the extract it
    was made from, and cover-sheet text that differs from ``report.yaml``."""

    model_config = ConfigDict(extra="forbid")
    meeting_date: dt.date | None = None
    extract_date: dt.date | None = None
    status: str | None = None
    executive_summary: str | None = None
    recommendations: list[str] | None = None


#: counts of children from 1 to this are withheld, unless report.yaml says otherwise
#: (``suppression_threshold``); every default of the disclosure decision reads it
SUPPRESSION_THRESHOLD = 4


class ReportParams(BaseModel):
    """The cover sheet and furniture of the committee paper: the table a committee report
    opens with (meeting, date, status, summary, recommendations, authors, wards…)."""

    model_config = ConfigDict(extra="forbid")
    #: the example settings shipped with sendlib (the synthetic demo council's): a run on
    #: any other council's data says they are not the council's own
    example: bool = False
    council: str
    committee: str
    meeting_dates: list[dt.date] = []
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
    suppression_threshold: int = Field(default=SUPPRESSION_THRESHOLD, ge=0, le=20)
    scorecard_months: int = Field(default=6, ge=1, le=24)
    # when the reporting year starts, for every year-to-date figure (mediations, appeals):
    # January (calendar year), April (financial year) or September (academic year)
    year_start: YearStart = "January"
    # the council in the DfE's releases (new code E06000058 or old 839); a council not in
    # them (the demo) gives its region instead; neighbours are LA codes
    la_code: str | None = Field(default=None, pattern=r"^(E\d{8}|\d{3})$")
    region_code: str | None = Field(default=None, pattern=r"^E12\d{6}$")
    statistical_neighbours: list[str] = []

    @property
    def neighbours(self) -> list[str]:
        """The statistical neighbours, never the council itself: a council is not its own
        neighbour, so its code in ``statistical_neighbours`` is dropped."""
        return [code for code in self.statistical_neighbours if code != self.la_code]

    @property
    def year_start_month(self) -> int:
        """The calendar month (1, 4 or 9) the reporting year starts in."""
        return YEAR_STARTS[self.year_start]

    def for_month(self, month: MonthParams | None) -> ReportParams:
        """These parameters with one month's cover-sheet text (status …) laid over."""
        if month is None:
            return self
        cover = {"status", "executive_summary", "recommendations"}
        changes = {k: v for k, v in month.model_dump().items() if k in cover and v is not None}
        return self.model_copy(update=changes)

    def meeting_for(
        self, month: Month | pd.Period, own: MonthParams | None = None
    ) -> dt.date | None:
        """The committee meeting a month's paper goes to: the month's own ``meeting_date``,
        else the first of ``meeting_dates`` after the month has ended."""
        if own is not None and own.meeting_date is not None:
            return own.meeting_date
        end = Month.of(month).end
        later = sorted(d for d in self.meeting_dates if d > end)
        return later[0] if later else None


class RunParams(BaseModel):
    """One run of the paper; the notebooks' ``parameters`` cells hold exactly these names.

    ``paper_data`` is the folder of the month's prepared figures (``sendlib.paper.data``);
    left blank, a notebook prepares them itself from ``data_dir`` (slower, same result).
    """

    model_config = ConfigDict(extra="forbid")
    month: str
    data_dir: str = "data/raw"
    params_dir: str = "params"
    catalogue: str = "params/kpis.yaml"
    output_dir: str = "outputs"
    team: str = ""
    paper_data: str = ""


class ParamsError(Exception):
    """A parameters file is missing or invalid; the message says where and why."""


# ---------------------------------------------------------------- reading YAML
#: libyaml's safe loader where PyYAML was built with it (ten times faster), else PyYAML's
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLines:
    """Line numbers of a YAML document's nodes, by their path (keys and list positions)."""

    def __init__(self, node: yaml.Node | None):
        self.lines: dict[tuple, int] = {}
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self.lines[(*path, key.value)] = key.start_mark.line + 1
                self._walk(value, (*path, key.value))
                self.lines[(*path, key.value)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, i))

    def line(self, path: tuple | list) -> int | None:
        """The line of the deepest node on ``path`` that the document has."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)


def read_yaml(path: Path, error: type[Exception], what: str) -> tuple[object, YamlLines]:
    """A YAML file's data and its line numbers, or ``error`` in one line: the file, the
    line and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: {what} is not UTF-8 text (byte {exc.start})") from exc
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = (exc.problem or exc.context or "not valid YAML").strip()
        hint = (
            " (check the indentation there)" if "indent" in problem or "mapping" in problem else ""
        )
        raise error(f"{path}{where}: not valid YAML ({problem}){hint}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # a value YAML reads but cannot make
        raise error(_unreadable_value(path, node, exc)) from exc
    return data, YamlLines(node)


def _unreadable_value(path: Path, node: yaml.Node | None, exc: Exception) -> str:
    """Which value YAML could not make (a date that is no date, 2026-11-31), with its line."""
    for scalar in _scalars(node):
        if scalar.tag.endswith(":timestamp"):
            try:
                yaml.load(scalar.value, Loader=_LOADER)
            except (ValueError, TypeError, OverflowError) as bad:
                return (
                    f"{path}, line {scalar.start_mark.line + 1}: '{scalar.value}' is not a date "
                    f"({bad}); write a real date as YYYY-MM-DD"
                )
    return f"{path}: a value cannot be read ({exc})"


def _scalars(node: yaml.Node | None):
    """Every scalar node of a YAML document, in order."""
    if node is None:
        return
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)


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
    the file, its line, the entry (``locate``) and the field."""
    path = Path(path)
    data, lines = read_yaml(path, error, what)
    if data is None:
        raise error(f"{path}: {what} is empty")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [describe(problem, data, lines, model, locate) for problem in exc.errors()]
        head = f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in {what}"
        raise error("\n".join([head, *(f"  - {p}" for p in problems)])) from exc


def describe(
    problem: dict, data: object, lines: YamlLines, model: type[BaseModel], locate: Locate | None
) -> str:
    """One validation problem in words: 'line 12, KPI 'x': unknown key 'tagret' …'."""
    loc = list(problem["loc"])
    line = lines.line(loc)
    where, rest = locate(data, loc) if locate else ("", loc)
    if problem["type"] == "extra_forbidden":
        key = str(rest[-1]) if rest else "?"
        known = _field_names(model, loc)
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f" — did you mean '{close[0]}'?" if close else f" (known keys: {', '.join(known)})"
        message = f"unknown key '{key}'{hint}"
        rest = rest[:-1]
    elif problem["type"] == "missing":
        message = f"'{rest[-1]}' is required but missing" if rest else "a value is missing"
        rest = rest[:-1]
    elif problem["type"] == "literal_error":
        allowed = problem.get("ctx", {}).get("expected", "").replace("'", "")
        message = f"'{problem['input']}' is not one of: {allowed.replace(' or ', ', ')}"
    else:
        message = re.sub(r"^Value error, ", "", problem["msg"])
    field = ".".join(str(x) for x in rest)
    parts = [f"line {line}" if line else "", where, field]
    prefix = ", ".join(p for p in parts if p)
    return f"{prefix}: {message}" if prefix else message


def _field_names(model: type[BaseModel], loc: list) -> list[str]:
    """Field names of the model (or nested model) a location points into."""
    current: type[BaseModel] = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            break
        inner = _model_in(field.annotation)
        if inner is None:
            break
        current = inner
    return list(current.model_fields)


def _model_in(annotation) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Kpi]`` or ``Person``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def load_report(path: Path | str) -> ReportParams:
    """Read and validate report.yaml."""
    return read_model(path, ReportParams, ParamsError, "the report parameters")


def load_month(params_dir: Path | str, month: str) -> MonthParams | None:
    """A month's own values (``params/months/YYYY-MM.yaml``), or None when there are none."""
    path = Path(params_dir) / "months" / f"{month}.yaml"
    if not path.exists():
        return None
    return read_model(path, MonthParams, ParamsError, f"the parameters for {month}")
