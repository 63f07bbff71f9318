"""The input data contract: which tables exist, their columns, keys, codes and links.

The contract itself is data (``contract.yaml``); this module only types it. Everything
else that lists tables, code lists or comparators derives them from here.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

ColumnType = Literal["id", "text", "date", "bool", "number", "integer", "period", "code"]


class ColumnSpec(BaseModel):
    """One column of an input file."""

    model_config = ConfigDict(extra="forbid")
    type: ColumnType
    required: bool = False
    codes: str | None = None
    min: float | None = None
    max: float | None = None
    personal: bool = False  # identifies a person: masked wherever findings are printed
    #: a date on which something happened (what, in words): the extract reaches its latest
    event: str | None = None
    #: the column of the same row whose event this one never precedes (SEN2's order)
    after: str | None = None
    #: a date something is due by: it may lie after the extract
    deadline: bool = False

    @model_validator(mode="after")
    def _date_role(self) -> ColumnSpec:
        if (self.event or self.after or self.deadline) and self.type != "date":
            raise ValueError("event, after and deadline are for date columns")
        if self.event and self.deadline:
            raise ValueError("a date is an event or a deadline, not both")
        if self.after and not self.event:
            raise ValueError("after needs the event the date records")
        return self


class FileSpec(BaseModel):
    """One input file: what a row is, its columns, primary key and foreign keys."""

    model_config = ConfigDict(extra="forbid")
    name: str
    row_is: str
    #: case: a council's case-management export; aggregate: partners' and the DfE's figures
    level: Literal["case", "aggregate"]
    key: list[str]
    columns: dict[str, ColumnSpec]
    references: dict[str, str] = {}
    #: never needed: without it, the measures that read it are not available
    optional: bool = False

    @property
    def filename(self) -> str:
        """The file's name in the contract's own format (``person.csv``)."""
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> list[str]:
        return [c for c, spec in self.columns.items() if spec.required]

    def columns_of_type(self, *types: ColumnType) -> list[str]:
        return [c for c, spec in self.columns.items() if spec.type in types]

    @property
    def event_dates(self) -> list[str]:
        """The columns dating an event (not birth dates, not deadlines), in column order."""
        return [c for c, spec in self.columns.items() if spec.event]

    @property
    def deadlines(self) -> list[str]:
        """The date columns that say when something is due (they may lie ahead)."""
        return [c for c, spec in self.columns.items() if spec.deadline]

    def date_order(self) -> list[tuple[str, str, str]]:
        """``(earlier column, later column, what the later date is)`` for each event that
        never comes before another of the same row, in column order."""
        return [(spec.after, c, spec.event) for c, spec in self.columns.items() if spec.after]


class Contract(BaseModel):
    """All input files and the code lists they use."""

    model_config = ConfigDict(extra="forbid")
    codes: dict[str, list[str]]
    files: dict[str, FileSpec]
    shown_comparators: list[str]
    dispute_outcomes: dict[str, list[str]] = {}
    request_sources: dict[str, list[str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _name_files(cls, data: dict) -> dict:
        for name, spec in data.get("files", {}).items():
            spec.setdefault("name", name)
        return data

    @model_validator(mode="after")
    def _check_links(self) -> Contract:
        unknown = set(self.shown_comparators) - set(self.codes.get("comparator", []))
        if unknown:
            raise ValueError(f"shown_comparators: not in the comparator codes {sorted(unknown)}")
        for spec in self.files.values():
            for column, col in spec.columns.items():
                if col.type == "code" and col.codes not in self.codes:
                    raise ValueError(f"{spec.filename}: column {column} uses unknown code list")
            for column, col in spec.columns.items():
                earlier = spec.columns.get(col.after) if col.after else None
                if col.after and (earlier is None or not earlier.event):
                    raise ValueError(f"{spec.filename}: {column} is after {col.after}, no event")
            for column in spec.key + list(spec.references):
                if column not in spec.columns:
                    raise ValueError(f"{spec.filename}: key or reference {column} is no column")
            for column, target in spec.references.items():
                file, _, target_column = target.partition(".")
                if file not in self.files or target_column not in self.files[file].columns:
                    raise ValueError(f"{spec.filename}: {column} references unknown {target}")
        return self

    def codes_for(self, file: str, column: str) -> list[str]:
        """The allowed codes of a code column."""
        list_name = self.files[file].columns[column].codes
        return self.codes[list_name] if list_name else []


@cache
def contract() -> Contract:
    """The package's data contract (read once)."""
    text = resources.files("sendlib.data").joinpath("contract.yaml").read_text(encoding="utf-8")
    return Contract.model_validate(yaml.safe_load(text))


def personal_columns() -> frozenset[str]:
    """The columns marked ``personal: true`` in any file (ids, UPN, birth date, names)."""
    return frozenset(
        name
        for spec in contract().files.values()
        for name, col in spec.columns.items()
        if col.personal
    )


def request_source_group(word: str) -> str:
    """The SEN2 RequestSource group of a request's source word (``other`` when it is in
    no group of ``request_sources``)."""
    return _source_groups().get(" ".join(str(word).lower().split()), "other")


@cache
def _source_groups() -> dict[str, str]:
    return {w: g for g, words in contract().request_sources.items() for w in words}


def files() -> tuple[str, ...]:
    """The contract's tables, in the contract's order."""
    return tuple(contract().files)


def case_tables() -> tuple[str, ...]:
    """The case-level tables (``level: case``): what a council's own export holds."""
    return tuple(name for name, spec in contract().files.items() if spec.level == "case")


def comparators() -> tuple[str, ...]:
    """The comparators benchmarks.csv may hold (england, statistical_neighbours, region,
    and published: the council's own figure as the DfE published it)."""
    return tuple(contract().codes["comparator"])


def shown_comparators() -> tuple[str, ...]:
    """The comparators shown beside a KPI, in order: scorecard.csv's comparator columns
    (not ``published``, which is for reconciliation)."""
    return tuple(contract().shown_comparators)


# ---------------------------------------------------------------- where a table's file is
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def find_sources(folder: Path, name: str) -> list[Path]:
    """The files in a data folder that hold table ``name`` (``person.csv``,
    ``Person.xlsx``): more than one is for the caller to refuse."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.stem.lower() == name
        and p.suffix.lower() in TEXT_SUFFIXES + EXCEL_SUFFIXES
    )


def find_source(folder: Path, name: str) -> Path | None:
    """The file holding table ``name`` in a data folder, if there is exactly one."""
    found = find_sources(folder, name)
    return found[0] if len(found) == 1 else None
