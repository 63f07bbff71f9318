"""Reading an element's children as contract values: dates, codes, flags and text.

Each reader raises ``Sen2Error`` naming the file, line and element path of a value that
is not what the SEN2 guide allows. Values of identifying elements (UPN, names, birth date)
are never repeated in a message.
"""

from __future__ import annotations

import datetime as dt

from sendlib.data.contract import ColumnSpec, contract
from sendlib.data.sen2.mapping import mapping
from sendlib.data.sen2.xml import DATE, Node, Sen2Error

TRUE, FALSE = {"true", "1"}, {"false", "0"}


def mask_middle(value: object) -> str:
    """A personal value as a screen shows it: its first two and last characters only
    (``A8••••••••••9``; ``findings.mask`` keeps only a value's shape)."""
    value = str(value)
    if len(value) < 6:
        return "•" * len(value)
    return value[:2] + "•" * (len(value) - 3) + value[-1]


class Fields:
    """Typed reads of the children of elements of one return file."""

    def __init__(self, file: str):
        self.file = file
        self._codes = {name: mapping().codes(name) for name in contract().codes}
        self._private = mapping().private_elements()
        files = contract().files
        self._columns = {
            table: [(c, e.lower(), files[table].columns[c]) for c, e in t.columns.items()]
            for table, t in mapping().tables.items()
        }

    def fail(self, node: Node, reason: str) -> Sen2Error:
        return Sen2Error(self.file, node.line, node.path, reason)

    def _shown(self, node: Node) -> str:
        return "its value" if node.name in self._private else f"'{node.text}'"

    def date(self, parent: Node, name: str) -> str:
        """An ISO date (``YYYY-MM-DD``), or ``""`` when the element is absent or empty."""
        node = parent.first(name)
        if node is None or not node.text:
            return ""
        found = DATE.match(node.text)
        try:
            if found is None:
                raise ValueError
            return dt.date.fromisoformat(found.group(1)).isoformat()
        except ValueError:
            raise self.fail(node, f"{self._shown(node)} is not a date (YYYY-MM-DD)") from None

    def flag(self, parent: Node, name: str) -> str:
        """An XML Schema boolean as the contract's ``true``/``false`` (absent = false)."""
        node = parent.first(name)
        if node is None or not node.text:
            return "false"
        text = node.text.lower()
        if text in TRUE | FALSE:
            return "true" if text in TRUE else "false"
        raise self.fail(node, f"'{node.text}' is not true, false, 1 or 0")

    def code(self, parent: Node, name: str, code_set: str) -> str:
        """A code of the contract's ``code_set`` (or an alias of one), or ``""``."""
        node = parent.first(name)
        if node is None or not node.text:
            return ""
        accepted = self._codes[code_set]
        found = accepted.get(node.text.upper())
        if found is None:
            allowed = ", ".join(sorted(set(accepted)))
            raise self.fail(node, f"'{node.text}' is not a {code_set} code (one of {allowed})")
        return found

    def rank(self, parent: Node, name: str) -> int | None:
        """A rank (1, 2, …), or None when absent."""
        node = parent.first(name)
        if node is None or not node.text:
            return None
        if not node.text.isdigit() or int(node.text) < 1:
            raise self.fail(node, f"'{node.text}' is not a rank (1, 2, …)")
        return int(node.text)

    def text(self, parent: Node, name: str) -> str:
        return parent.value(name)

    def column(self, parent: Node, name: str, spec: ColumnSpec) -> str:
        """The value of ``name`` read as the contract column ``spec`` says."""
        if spec.type == "date":
            return self.date(parent, name)
        if spec.type == "bool":
            return self.flag(parent, name)
        if spec.type == "code" and spec.codes:
            return self.code(parent, name, spec.codes)
        return self.text(parent, name)

    def columns(self, parent: Node, table: str) -> dict[str, str]:
        """The contract columns of ``table`` that the mapping reads from ``parent``."""
        return {c: self.column(parent, e, spec) for c, e, spec in self._columns[table]}
