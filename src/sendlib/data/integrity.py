"""Links between files: every foreign key must point at a row that exists."""

from __future__ import annotations

import pandas as pd

from sendlib.data import findings as fnd
from sendlib.data.arrow import is_in_each
from sendlib.data.contract import Contract
from sendlib.data.sources import RawTable


def orphans(
    tables: dict[str, RawTable], contract: Contract, broken: dict[str, str] | None = None
) -> pd.DataFrame:
    """Error findings for references to rows that do not exist (e.g. a plan with no person).

    A reference into a table that could not be read whole (``broken``: table → file) is
    not a row-by-row finding — every row would be one — but one line saying how many rows
    depend on that file, so the cause stays on the first screen."""
    broken = broken or {}
    frames = {name: table.frame for name, table in tables.items()}
    out = []
    checked = []  # (table, column, target table, target column), in the contract's order
    for name, frame in frames.items():
        spec = contract.files[name]
        if name in broken:
            continue  # its own cause is reported; its references prove nothing
        for column, target in spec.references.items():
            target_file, _, target_column = target.partition(".")
            if column not in frame.columns:
                continue
            if target_file in broken:
                n = int((frame[column] != "").sum())
                if n:
                    reason = (
                        f"{n:,} rows refer to {broken[target_file]}, which could not be read "
                        "whole (see the error above); they are checked once it is fixed"
                    )
                    out.append(
                        fnd.make(
                            "error",
                            "depends_on_broken",
                            tables[name].file,
                            None,
                            column,
                            None,
                            reason,
                        )
                    )
                continue
            if target_file in frames:
                checked.append((name, column, target_file, target_column))
    found = {}
    for target in dict.fromkeys((file, column) for _, _, file, column in checked):
        pointing = [(name, column) for name, column, *key in checked if tuple(key) == target]
        hits = is_in_each([frames[n][c] for n, c in pointing], frames[target[0]][target[1]])
        found.update(zip(pointing, hits, strict=True))
    for name, column, target_file, target_column in checked:
        values = frames[name][column]
        bad = values[(values != "") & ~found[name, column]]
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
