"""Disclosure control: no published breakdown lets a reader identify a child.

Counts from 1 to the threshold (default 4, ``suppression_threshold`` in report.yaml)
are shown as ``[c]`` (GSS: confidential). Where a table publishes totals, a line (row or
column) may not keep a single suppressed cell, nor only cells known to lie in
1..threshold — either would let the value be worked out from the total — so the smallest
cell above the threshold in that line is suppressed too (secondary suppression), and the
rule is applied to rows and columns until nothing changes. Percentages of a suppressed
count are suppressed with it. Totals and headline KPIs are published as they are.

``sendlib.tables.Table`` applies this to every breakdown it renders and
``sendlib.charts`` never plots a suppressed value, so no section can forget it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 4
_threshold = DEFAULT_THRESHOLD


def set_threshold(threshold: int) -> None:
    """The threshold for this process (set from report.yaml when a paper's context loads)."""
    global _threshold
    _threshold = int(threshold)


def threshold() -> int:
    return _threshold


def suppression_mask(
    counts: pd.DataFrame | np.ndarray,
    row_totals: bool = False,
    column_totals: bool = False,
    limit: int | None = None,
) -> np.ndarray:
    """Which cells to withhold: primary (1..limit) plus secondary cells protecting totals."""
    limit = _threshold if limit is None else limit
    values = np.asarray(counts, dtype=float)
    known = ~np.isnan(values)
    primary = known & (values >= 1) & (values <= limit)
    mask = primary.copy()
    if limit <= 0:
        return np.zeros_like(mask)
    lines = ([("row", i) for i in range(values.shape[0])] if row_totals else []) + (
        [("col", j) for j in range(values.shape[1])] if column_totals else []
    )
    changed = True
    while changed:
        changed = False
        for axis, k in lines:
            line_mask = mask[k, :] if axis == "row" else mask[:, k]
            line_values = values[k, :] if axis == "row" else values[:, k]
            hidden = int(line_mask.sum())
            if hidden == 0:
                continue
            only_small = not np.any(line_mask & (line_values > limit))
            if hidden == 1 or only_small:
                pick = _secondary(line_values, line_mask, limit)
                if pick is None:
                    continue
                if axis == "row":
                    mask[k, pick] = True
                else:
                    mask[pick, k] = True
                changed = True
    return mask


def _secondary(values: np.ndarray, hidden: np.ndarray, limit: int) -> int | None:
    """The cell to withhold as well: the smallest above the threshold, else any other."""
    candidates = [
        (0 if v > limit else 1, v, i)
        for i, v in enumerate(values)
        if not hidden[i] and not np.isnan(v)
    ]
    if not candidates:
        return None
    return min(candidates)[2]


def protect_series(
    counts: pd.Series, with_total: bool = True, limit: int | None = None
) -> tuple[pd.Series, pd.Series]:
    """A breakdown with withheld counts as NaN, and the boolean mask of what was withheld."""
    mask = suppression_mask(counts.to_frame(), column_totals=with_total, limit=limit)[:, 0]
    hidden = pd.Series(mask, index=counts.index)
    return counts.astype(float).mask(hidden), hidden
