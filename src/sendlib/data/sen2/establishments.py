"""The DfE's "Get Information About Schools" establishments list (``--establishments``).

GIAS publishes every establishment in England as one CSV (Windows-1252, about 130
columns). Three columns are read: ``URN``, ``UKPRN`` and ``TypeOfEstablishment (name)``,
matched without regard to case, spaces or brackets; the type gives the contract setting
(``mapping.yaml``'s ``establishment_types``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sendlib.data.sen2.mapping import mapping
from sendlib.data.sen2.side_files import read_side_file
from sendlib.data.sen2.xml import Sen2Error

COLUMNS = {"urn": "URN", "ukprn": "UKPRN", "typeofestablishmentname": "TypeOfEstablishment (name)"}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass
class Establishments:
    """Establishments by URN and by UKPRN: their GIAS type and its setting."""

    file: str
    by_urn: dict[str, str]
    by_ukprn: dict[str, str]
    unknown_types: Counter = field(default_factory=Counter)

    def setting(self, urn: str, ukprn: str) -> tuple[str | None, str]:
        """The setting of a placement's URN (else UKPRN), or None and why not."""
        kind = self.by_urn.get(urn) if urn else None
        if kind is None and ukprn:
            kind = self.by_ukprn.get(ukprn)
        if kind is None:
            return None, f"a URN or UKPRN that is not in {self.file}"
        setting = mapping().establishment_setting(kind)
        if setting is None:
            self.unknown_types[kind] += 1
            return None, f"an establishment of a type sendlib does not know ('{kind}')"
        return setting, ""


def read_establishments(path: Path) -> Establishments:
    """Read the GIAS list; a file without the three columns is refused by name."""
    path = Path(path)
    table = read_side_file(path, "no such establishments file")
    found = {_key(h): h for h in table.frame.columns}
    missing = [label for key, label in COLUMNS.items() if key not in found]
    if missing:
        raise Sen2Error(
            path.name,
            1,
            "",
            f"has no column {' or '.join(missing)}: give the 'Get Information About "
            "Schools' establishments CSV (all establishment fields)",
        )
    frame = table.frame.rename(columns={found[k]: k for k in COLUMNS})
    kinds = frame["typeofestablishmentname"].str.strip()
    by_urn = dict(zip(frame["urn"].str.strip(), kinds, strict=True))
    with_ukprn = frame["ukprn"].str.strip() != ""
    by_ukprn = dict(zip(frame.loc[with_ukprn, "ukprn"].str.strip(), kinds[with_ukprn], strict=True))
    by_urn.pop("", None)
    return Establishments(path.name, by_urn, by_ukprn)
