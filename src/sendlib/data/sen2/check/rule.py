"""A validation rule: its code, severity, message, the module whose elements it names, the
elements it reads, and one small function from the return's tables to the rows it finds.

Rules register themselves with ``@rule``; a collection year's pack (``packs``) chooses
among them. The DfE publishes each year's SEN2 validation rules as a spreadsheet for
COLLECT, but not their numbering or wording in a form sendlib can quote: every rule here
is sendlib's, with its own code (``SLnnnn``: 1 header, 2 person, 3 request, 4 assessment,
5 named plan, 6 active plans, 7 placements, 8 SEN need, 9 any element), and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sendlib.data.sen2.check.tables import ReturnTables

ERROR, QUERY = "error", "query"
NOT_PUBLIC = "COLLECT's wording of this rule is not public; the wording is sendlib's."


@dataclass
class Hits:
    """Rows of a module a rule found, the element each names (one for all, or one each)
    and, where it helps, a word on each (``detail``, appended to the message)."""

    module: str
    rows: np.ndarray
    field: str | list[str]
    detail: list[str] | None = None


Found = Hits | list[Hits] | pd.Series


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    message: str
    module: str
    fields: tuple[str, ...]
    check: Callable[[ReturnTables], Found]
    name: str

    def run(self, t: ReturnTables) -> list[Hits]:
        """The rule's hits (a boolean Series is the rows of its module where it is true,
        naming its first field)."""
        if self.module != "header" and self.module not in t.modules:
            return []
        found = self.check(t)
        if isinstance(found, pd.Series):
            rows = np.flatnonzero(found.to_numpy(dtype=bool))
            return [Hits(self.module, rows, self.fields[0].lower())] if len(rows) else []
        hits = found if isinstance(found, list) else [found]
        return [h for h in hits if len(h.rows)]


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, module: str, fields: tuple[str, ...] | str, message: str):
    """Register a rule function under its name (the rule's versions share a code)."""
    if severity not in (ERROR, QUERY):
        raise ValueError(severity)

    def register(function: Callable[[ReturnTables], Found]) -> Callable:
        names = (fields,) if isinstance(fields, str) else tuple(fields)
        found = Rule(code, severity, message, module, names, function, function.__name__)
        if function.__name__ in RULES:
            raise ValueError(f"two rules named {function.__name__}")
        RULES[function.__name__] = found
        return function

    return register


def rows(mask: pd.Series | np.ndarray) -> np.ndarray:
    """Row positions where ``mask`` is true."""
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def header_hit(t: ReturnTables, name: str, detail: str | None = None) -> Hits:
    """A finding on one header element (``rows`` [0] of the header)."""
    return Hits("header", np.array([0]), name, [detail] if detail else None)


def not_a_code(t: ReturnTables, module: str, element: str, codes) -> pd.Series:
    """Where ``element`` is given and is none of ``codes`` (compared in upper case)."""
    value = t.col(module, element).str.upper()
    return (value != "") & ~value.isin(codes)


def paired(t: ReturnTables, module: str, first: str, second: str) -> list[Hits]:
    """Two elements that come together: ``first`` without ``second`` (found at ``second``),
    or ``second`` without ``first`` (found at ``first``)."""
    has_first, has_second = t.given(module, first), t.given(module, second)
    return [
        Hits(module, rows(has_first & ~has_second), second),
        Hits(module, rows(has_second & ~has_first), first),
    ]
