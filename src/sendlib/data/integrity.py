"""Links between files: every foreign key must point at a row that exists."""

from __future__ import annotations

import pandas as pd

from sendlib.data import findings as fnd
from sendlib.data.arrow import is_in
from sendlib.data.contract import Contract
from sendlib.data.sources import RawTable


def orphans(tables: dict[str, RawTable], contract: Contract) -> pd.DataFrame:
    """Error findings for references to rows that do not exist (e.g. a plan with no person)."""
    frames = {name: table.frame for name, table in tables.items()}
    out = []
    for name, frame in frames.items():
        spec = contract.files[name]
        for column, target in spec.references.items():
            target_file, _, target_column = target.partition(".")
            if target_file not in frames or column not in frame.columns:
                continue
            known = frames[target_file][target_column]
            values = frame[column]
            bad = values[(values != "") & ~is_in(values, known)]
            if len(bad):
                out.append(
                    fnd.make(
                        "error",
                        "orphan_reference",
                        tables[name].file,
                        tables[name].rows[bad.index],
                        column,
                        bad,
                        f"no row in {tables[target_file].file} has this {target_column}",
                    )
                )
    return fnd.combine(out)
