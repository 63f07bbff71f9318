"""Disclosure control: nothing published lets a reader identify a child.

Two kinds of figure (``disclosure:`` of a KPI in the catalogue, defaulted from its
measure, ``sendlib.measures.registry``): a *characteristic* figure counts children by a
personal or care characteristic (social-care status, age group, sex, ethnicity, need,
setting, team) or is a share of such a count; an *activity* figure counts events or is a
process share (requests, decisions, plans issued, reviews, mediations, appeals,
timeliness). Councils publish small activity counts ("3 appeals were registered"); they
must not publish that one looked-after child has a plan.

A characteristic count from 1 to the threshold (default 4, ``suppression_threshold`` in
report.yaml) is withheld — ``[c]``, GSS: confidential — and so is a share of a withheld
count. Where figures add up to a published total (a table's total row, a headline KPI
that is the sum of some of a table's cells, the same count in two tables), a withheld
figure could be worked out from the others, so a further figure is withheld too
(secondary suppression) until none can: no relation keeps a single withheld figure, nor
only figures known to lie in 1..threshold beside a published total. ``Figures`` holds one
month's figures and how they add up; ``decide`` makes the decision once for each figure,
and every output reads it. Activity figures are published as they are.

The threshold is explicit: a ``Disclosure`` object, made from ``report.yaml``, carries it
wherever a decision is made, so nothing depends on process-wide state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 4
PUBLISHED, PRIMARY, SECONDARY = 0, 1, 2  # a figure's decision


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
    """Which cells of a table of counts of children to withhold (``decide``), the table's
    row and column totals published; ``published_sums`` are further groups of cells
    (row, column) whose sum is published elsewhere (a headline KPI that adds up some bands
    of the table), protected like a line with a total."""
    values = np.asarray(counts, dtype=float)
    rows, cols = values.shape
    figures = Figures()
    cell = {(i, j): f"{i}|{j}" for i in range(rows) for j in range(cols)}
    for (i, j), key in cell.items():
        figures.add(key, values[i, j], characteristic=True)

    def total(name: str, members: list[tuple[int, int]]) -> None:
        figures.add(name, np.nansum([values[m] for m in members]), characteristic=False)
        figures.relate(name, [cell[m] for m in members])

    for n, group in enumerate(published_sums):
        total(f"sum {n}", [tuple(m) for m in group])
    if row_totals:
        for i in range(rows):
            total(f"row {i}", [(i, j) for j in range(cols)])
    if column_totals:
        for j in range(cols):
            total(f"column {j}", [(i, j) for i in range(rows)])
    decided = decide(figures, limit)
    mask = np.zeros((rows, cols), dtype=bool)
    for (i, j), key in cell.items():
        mask[i, j] = decided[figures.index[key]] != PUBLISHED
    return mask


def protect_series(
    counts: pd.Series, with_total: bool = True, *, limit: int
) -> tuple[pd.Series, pd.Series]:
    """A breakdown with withheld counts as NaN, and the boolean mask of what was withheld."""
    mask = suppression_mask(counts.to_frame(), column_totals=with_total, limit=limit)[:, 0]
    hidden = pd.Series(mask, index=counts.index)
    return counts.astype(float).mask(hidden), hidden


class Figures:
    """One month's figures about children and how they add up (see the module docstring).

    A figure is named by a key (a measure id, or ``breakdown|row|column`` for a table
    cell); adding the same key twice is the same figure, so two tables that show it share
    one decision. ``relate(total, parts)`` says that the parts add up to the total.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.values: list[float] = []
        self.characteristic: list[bool] = []
        self.index: dict[str, int] = {}
        self.relations: list[tuple[int, tuple[int, ...]]] = []
        self.same: set[int] = set()  # figures that are their relation's total itself

    def add(self, key: str, value: float, characteristic: bool) -> int:
        """The figure's position; a figure added again must have the same value."""
        value = float(value)
        if key in self.index:
            i = self.index[key]
            known = self.values[i]
            if not (np.isnan(known) and np.isnan(value)) and known != value:
                raise ValueError(f"figure {key!r} is {known} in one place and {value} in another")
            self.characteristic[i] = self.characteristic[i] or characteristic
            return i
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.values.append(value)
        self.characteristic.append(characteristic)
        return self.index[key]

    def relate(self, total: str, parts: Sequence[str], same: bool = False) -> None:
        """The figures ``parts`` add up to the figure ``total`` (all added already).

        ``same``: a single part that is the total itself under another name (the only
        team of a team's pack: its plans are the pack's plans), so it is published as the
        total is. A single group that merely holds every child (all of them girls) is not
        the same figure: stating it says something of each child, and it is decided as a
        count of children."""
        members = tuple(self.index[p] for p in parts)
        if members:
            self.relations.append((self.index[total], members))
            if same and len(members) == 1:
                self.same.add(members[0])

    def decide(self, disclosure: Disclosure) -> np.ndarray:
        """Each figure's decision: ``PUBLISHED``, ``PRIMARY`` or ``SECONDARY``."""
        return decide(self, disclosure.threshold)


def decide(figures: Figures, limit: int) -> np.ndarray:
    """Primary suppression of characteristic figures in 1..limit, then secondary
    suppression until no relation gives a withheld figure away (module docstring).

    Activity figures are never withheld, nor is a part related as the same figure as a
    published total (``Figures.relate(same=True)``). A relation whose unknown figures
    (withheld, or not available) are one alone, or only small ones beside a published
    total, needs one more: the smallest characteristic part above the limit, else any
    other part, else the total, else the published total of a block of its parts. Parts
    whose sum another relation publishes count as one known block.
    """
    values = np.asarray(figures.values, dtype=float)
    characteristic = np.asarray(figures.characteristic, dtype=bool)
    known = ~np.isnan(values)
    out = np.full(len(values), PUBLISHED, dtype=np.int8)
    if limit <= 0 or not len(values):
        return out
    primary = characteristic & known & (values >= 1) & (values <= limit)
    for same in figures.same:
        primary[same] = False  # the same figure as a published total
    out[primary] = PRIMARY
    # the smallest groups first, and from the start again after each figure withheld: a
    # published sum of a few cells is protected within itself before a total is
    relations = sorted(figures.relations, key=lambda r: len(r[1]))
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            unknown = {i for i in (total, *parts) if out[i] != PUBLISHED or not known[i]}
            if not unknown:
                continue
            total_known = total not in unknown
            effective = unknown - {total} if total_known else set(unknown)
            blocks = []
            for other, block in relations:
                inner = set(block)
                if (other, block) == (total, parts) or out[other] != PUBLISHED:
                    continue
                if not known[other]:
                    continue
                if inner <= effective and inner <= set(parts):
                    effective -= inner  # their sum is published: they are one known figure
                    blocks.append(other)
            if not effective:
                continue
            small = all(known[i] and values[i] <= limit for i in effective)
            if len(effective) > 1 and not (total_known and small):
                continue
            pick = _one_more(values, out, known, characteristic, parts, total, limit)
            if pick is None:  # no part or total left: the block's published total goes
                pick = next((b for b in blocks if characteristic[b] and known[b]), None)
            if pick is not None:
                out[pick] = SECONDARY
                changed = True
                break
    return out


def _one_more(
    values: np.ndarray,
    out: np.ndarray,
    known: np.ndarray,
    characteristic: np.ndarray,
    parts: tuple[int, ...],
    total: int,
    limit: int,
) -> int | None:
    """The figure to withhold as well (see ``decide``), or None when none can be."""
    free = [i for i in parts if out[i] == PUBLISHED and known[i] and characteristic[i]]
    above = [i for i in free if values[i] > limit]
    if above:
        return min(above, key=lambda i: (values[i], i))
    some = [i for i in free if values[i] > 0]
    if some:
        return some[0]
    if out[total] == PUBLISHED and known[total] and characteristic[total]:
        return total
    # a group no child is in (it may not be a row in another paper): the last resort
    return free[0] if free else None
