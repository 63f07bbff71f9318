"""The SEN2 mapping (``mapping.yaml``) as a validated object."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from sendlib.data.contract import contract

SETTINGS_CODES = "setting"


class TableMap(BaseModel):
    """Where one contract table's rows and columns come from in the return."""

    model_config = ConfigDict(extra="forbid")
    element: str
    columns: dict[str, str]
    derived: dict[str, str] = {}


class Sen2Mapping(BaseModel):
    """The whole mapping; checked against the contract when loaded."""

    model_config = ConfigDict(extra="forbid")
    tables: dict[str, TableMap]
    identifying: list[str]
    not_carried: dict[str, list[str]]
    aliases: dict[str, dict[str, str]]
    request_sources: dict[str, str]
    settings: dict[str, str]
    establishment_types: dict[str, str]

    @model_validator(mode="after")
    def _fits_contract(self) -> Sen2Mapping:
        spec = contract()
        settings = set(spec.codes[SETTINGS_CODES])
        for name, table in self.tables.items():
            unknown = set(table.columns) - set(spec.files[name].columns)
            if unknown:
                raise ValueError(f"{name}: no contract column {sorted(unknown)}")
        for code_set, aliases in self.aliases.items():
            bad = set(aliases.values()) - set(spec.codes[code_set])
            if bad:
                raise ValueError(f"aliases {code_set}: not contract codes {sorted(bad)}")
        groups = set(spec.request_sources)
        if set(self.request_sources.values()) - groups:
            raise ValueError(f"request_sources: not contract groups {sorted(groups)}")
        bad = (set(self.settings.values()) | set(self.establishment_types.values())) - settings
        if bad:
            raise ValueError(f"settings: not contract settings {sorted(bad)}")
        return self

    def private_elements(self) -> frozenset[str]:
        """The elements whose values are never repeated in a message (lower case): those
        of the contract's personal columns, and those read only to tell children apart."""
        files = contract().files
        personal = {
            element
            for name, table in self.tables.items()
            for column, element in table.columns.items()
            if files[name].columns[column].personal
        }
        return frozenset(e.lower() for e in (*personal, *self.identifying))

    def setting_code(self, code: str) -> str | None:
        """The contract setting of a SENSetting code, matched without regard to case."""
        return _upper(self.settings).get(code.upper())

    def codes(self, code_set: str) -> dict[str, str]:
        """Every spelling accepted for a contract code set (upper case) → contract code."""
        accepted = {c.upper(): c for c in contract().codes[code_set]}
        accepted.update({k.upper(): v for k, v in self.aliases.get(code_set, {}).items()})
        return accepted

    def establishment_setting(self, type_name: str) -> str | None:
        """The setting of a GIAS type of establishment, matched without regard to case."""
        return _spaced(self.establishment_types).get(" ".join(type_name.lower().split()))


def _upper(codes: dict[str, str]) -> dict[str, str]:
    return _frozen_upper(tuple(codes.items()))


@cache
def _frozen_upper(items: tuple) -> dict[str, str]:
    return {k.upper(): v for k, v in items}


def _spaced(types: dict[str, str]) -> dict[str, str]:
    return _frozen_spaced(tuple(types.items()))


@cache
def _frozen_spaced(items: tuple) -> dict[str, str]:
    return {" ".join(k.lower().split()): v for k, v in items}


@cache
def mapping() -> Sen2Mapping:
    """The packaged SEN2 mapping."""
    text = resources.files("sendlib.data.sen2").joinpath("mapping.yaml").read_text("utf-8")
    return Sen2Mapping.model_validate(yaml.safe_load(text))
