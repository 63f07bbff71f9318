"""Links between files: every foreign key must point at a row that exists."""

from __future__ import annotations

import pandas as pd

from sendlib import findings as fnd
from sendlib.columns import is_in
from sendlib.contract import Contract


def orphans(frames: dict[str, pd.DataFrame], contract: Contract) -> pd.DataFrame:
    """Error findings for references to rows that do not exist (e.g. a plan with no person)."""
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
                        spec.filename,
                        bad.index + 2,
                        column,
                        bad,
                        f"no row in {target_file}.csv has this {target_column}",
                    )
                )
    return fnd.combine(out)
