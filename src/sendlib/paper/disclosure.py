"""Disclosure control: no published breakdown lets a reader identify a child.

Counts from 1 to the threshold (default 4, ``suppression_threshold`` in report.yaml)
are shown as ``[c]`` (GSS: confidential). Where a table publishes totals, a line (row or
column) may not keep a single suppressed cell, nor only cells known to lie in
1..threshold — either would let the value be worked out from the total — so the smallest
cell above the threshold in that line is suppressed too (secondary suppression), and the
rule is applied to rows and columns until nothing changes. A group of cells whose sum is
published elsewhere (a headline KPI that adds up some bands of a table) is protected in
the same way. Percentages of a suppressed count are suppressed with it. Totals and
headline KPIs are published as they are.

The threshold is explicit: a ``Disclosure`` object, made from ``report.yaml`` and carried
by the paper's context, is passed to every table and chart that publishes a breakdown
(``sendlib.paper.tables.Table.breakdown``, ``sendlib.paper.charts.bar_chart``), so no
section can forget it and nothing depends on process-wide state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 4


@dataclass(frozen=True)
class Disclosure:
    """Disclosure control at one threshold: counts 1..threshold are withheld."""

    threshold: int = DEFAULT_THRESHOLD

    def mask(
        self,
        counts: pd.DataFrame | np.ndarray,
        row_totals: bool = False,
        column_totals: bool = False,
        published_sums: Sequence[Sequence[tuple[int, int]]] = (),
    ) -> np.ndarray:
        """Which cells of a table of counts to withhold (see ``suppression_mask``)."""
        return suppression_mask(
            counts, row_totals, column_totals, limit=self.threshold, published_sums=published_sums
        )

    def protect(self, counts: pd.Series, with_total: bool = True) -> tuple[pd.Series, pd.Series]:
        """A breakdown with withheld counts as NaN, and the mask of what was withheld."""
        return protect_series(counts, with_total, limit=self.threshold)


def suppression_mask(
    counts: pd.DataFrame | np.ndarray,
    row_totals: bool = False,
    column_totals: bool = False,
    *,
    limit: int,
    published_sums: Sequence[Sequence[tuple[int, int]]] = (),
) -> np.ndarray:
    """Which cells to withhold: primary (1..limit) plus secondary cells protecting totals.

    ``published_sums`` are further groups of cells (row, column) whose sum is published
    elsewhere, e.g. a headline KPI that adds up some bands of the table: each group is
    protected like a line with a total.
    """
    values = np.asarray(counts, dtype=float)
    known = ~np.isnan(values)
    primary = known & (values >= 1) & (values <= limit)
    mask = primary.copy()
    if limit <= 0:
        return np.zeros_like(mask)
    rows, cols = values.shape
    lines = (  # published groups first: protected within the group where they can be
        [list(group) for group in published_sums]
        + ([[(i, j) for j in range(cols)] for i in range(rows)] if row_totals else [])
        + ([[(i, j) for i in range(rows)] for j in range(cols)] if column_totals else [])
    )
    groups = [frozenset(group) for group in published_sums]
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = tuple(np.array(line).T)
            line_mask, line_values = mask[cells], values[cells]
            hidden = int(line_mask.sum())
            if hidden == 0 or _only_published_groups(line, mask, groups):
                continue
            only_small = not np.any(line_mask & (line_values > limit))
            if hidden == 1 or only_small:
                pick = _secondary(line_values, line_mask, limit)
                if pick is None:
                    continue
                mask[line[pick]] = True
                changed = True
                break  # start again from the published groups
    return mask


def _only_published_groups(
    line: list[tuple[int, int]], mask: np.ndarray, groups: list[frozenset]
) -> bool:
    """Whether the line's withheld cells are exactly whole published groups: its total
    then tells a reader only those groups' sums, which are published anyway."""
    hidden = {cell for cell in line if mask[cell]}
    inside = [g for g in groups if g <= hidden]
    return bool(inside) and frozenset().union(*inside) == hidden


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
    counts: pd.Series, with_total: bool = True, *, limit: int
) -> tuple[pd.Series, pd.Series]:
    """A breakdown with withheld counts as NaN, and the boolean mask of what was withheld."""
    mask = suppression_mask(counts.to_frame(), column_totals=with_total, limit=limit)[:, 0]
    hidden = pd.Series(mask, index=counts.index)
    return counts.astype(float).mask(hidden), hidden
