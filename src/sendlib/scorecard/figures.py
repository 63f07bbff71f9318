"""One disclosure decision for every figure about children, month by month.

The measures and the breakdowns of children (``sendlib.measures.breakdowns``) are laid out
for each month as the figures a reader can see and how they add up
(``sendlib.scorecard.disclosure.Figures``): a table's cells add up to its total (a
published headline such as the number of EHCPs), a setting share's count is the same
figure as that setting's cell in the table of settings, EOTAS is section 61 plus section
19, the review status of each team adds up to the team's plans. The decision is made once
here, for every month any output shows, and read by every output: the scorecard (CSV,
workbook, appendix), the paper's sentences, tiles, tables, charts and alt text, the
archive and the team packs. A month's decisions depend only on that month's data, so the
same month is decided the same way in every paper that shows it.

A measure or breakdown whose input the data does not hold (a column absent or blank in
every row, a file missing) is not available: ``[x]``, never 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sendlib.config import SUPPRESSION_THRESHOLD
from sendlib.measures import breakdowns as bd
from sendlib.measures.cases import Cases
from sendlib.measures.placements import NO_PLACEMENT, SHARES, count_of
from sendlib.measures.registry import (
    CHARACTERISTIC,
    MEASURES,
    PHASE_COUNTS,
    base_behind,
    columns_needed,
    count_behind,
    disclosure_class,
)
from sendlib.scorecard.disclosure import PRIMARY, PUBLISHED, Disclosure, Figures

#: a figure's status as every output reads it
SHOWN, WITHHELD, PROTECTING, NOT_HELD = "", "c", "s", "x"  # s: withheld to protect another
WITHHELD_STATUSES = (WITHHELD, PROTECTING)
#: the published figure each breakdown's cells add up to (per column for a two-way one)
TOTALS = {
    "active_by_age_band": "ehcp_active",
    "active_by_sex": "ehcp_active",
    "active_by_need": "ehcp_active",
    "active_by_ethnicity": "ehcp_active",
    "active_by_team": "ehcp_active",
    "ceased_by_reason": "ehcp_ceased",
    "by_setting": "ehcp_active",
    "reviews_held_by_team": "reviews_completed",
    "requests_by_age": "requests_received",
    "requests_by_need": "requests_received",
    "issued_by_need": "plans_issued",
}
STATUS_TOTALS = {"due": "reviews_due_12_14m", "overdue": "reviews_overdue"}
#: a setting whose count is a measure's own figure (one decision for both)
SETTING_FIGURES = {
    **{codes[0]: count_of(share) for share, codes in SHARES.items() if len(codes) == 1},
    "ap": "placed_ap",
    "neet": "neet_count",
    NO_PLACEMENT: "placed_none",
}
#: breakdowns whose one group is the published total itself (a team's pack)
SAME_AS_TOTAL = ("active_by_team", "reviews_held_by_team", "review_status_by_team")
#: a published count that is the sum of some groups of a breakdown (school age: 5 to 15)
BANDS_OF = (("ehcp_school_age", "active_by_age_band", ("5-10", "11-15")),)
#: a count of children within another (early years are under 5; rising 5s are early years)
NESTED = (
    ("active_by_age_band|0-4|", "ehcp_early_years"),
    ("ehcp_early_years", "ehcp_rising5"),
)
OTHER_GROUPS = "Other groups"
TOP_ETHNICITIES = 8  # the paper lists the largest groups and counts the rest together


@dataclass
class Decided:
    """Every figure's status (``SHOWN``, ``WITHHELD``, ``PROTECTING`` or ``NOT_HELD``).

    ``status``: period × measure id; ``cells``: the breakdowns (``period``, ``breakdown``,
    ``row``, ``column``, ``count``, ``status``); ``not_held``: why a measure or breakdown is
    not available.
    """

    status: pd.DataFrame
    cells: pd.DataFrame
    not_held: dict[str, str] = field(default_factory=dict)
    threshold: int = SUPPRESSION_THRESHOLD

    def mask(self, values: pd.DataFrame) -> pd.DataFrame:
        """``values`` (period × measure id) with every figure not shown blanked."""
        status = self.status.reindex(index=values.index, columns=values.columns, fill_value="")
        return values.where(status == SHOWN)

    def withheld(self) -> pd.DataFrame:
        """Every withheld figure (a measure's or a table cell's), with its value: what an
        audit of the published files looks for. Measures: ``breakdown`` is ''."""
        long = self.status.stack().rename("status").reset_index()
        long.columns = ["period", "row", "status"]
        long = long[long["status"].isin(WITHHELD_STATUSES)]
        cells = self.cells[self.cells["status"].isin(WITHHELD_STATUSES)]
        return pd.concat(
            [long.assign(breakdown="", column=""), cells.drop(columns="count")],
            ignore_index=True,
        )[["period", "breakdown", "row", "column", "status"]]


def classes(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each measure's disclosure class: its family's, unless a KPI of the catalogue names
    another for it (``overrides``: measure id → class; a share's class is its count's)."""
    out = {m: disclosure_class(m) for m in MEASURES}
    for measure, kind in (overrides or {}).items():
        out[measure] = kind
        if count_behind(measure):
            out[count_behind(measure)] = kind
    return out


def not_held(held: Mapping[str, frozenset[str]], names: Iterable[str]) -> dict[str, str]:
    """Why each of these measures (or breakdowns) is not available, for those that are not:
    a column they read that the data does not hold."""
    out = {}
    for name in names:
        needs = bd.BREAKDOWNS[name][1] if name in bd.BREAKDOWNS else columns_needed(name)
        for need in needs:
            table, column = need.split(".")
            if column not in held.get(table, frozenset()):
                file = f"{table}.csv"
                out[name] = (
                    f"{file} is missing or has no rows"
                    if not held.get(table)
                    else f"{file} holds no {column} (the column is absent or blank in every row)"
                )
                break
    return out


def decide_all(
    c: Cases,
    held: Mapping[str, frozenset[str]],
    measures: pd.DataFrame,
    periods: pd.PeriodIndex,
    disclosure: Disclosure,
    overrides: Mapping[str, str] | None = None,
    pack: bool = False,
) -> Decided:
    """The decisions for every month of ``periods`` (``measures``: period × measure id,
    every measure, as ``registry.wide`` gives them); ``pack``: one team's cases, whose
    one team is the pack's total."""
    kinds = classes(overrides)
    labels = list(periods.strftime("%Y-%m"))
    measures = measures.reindex(index=labels)
    missing = not_held(held, [*measures.columns, *bd.BREAKDOWNS])
    cells = _cells(c, periods, missing)
    status = pd.DataFrame(SHOWN, index=labels, columns=measures.columns, dtype=object)
    for measure in measures.columns:
        if measure in missing:
            status[measure] = NOT_HELD
    cell_status = np.full(len(cells), SHOWN, dtype=object)
    by_period = cells.groupby("period", sort=False).indices if len(cells) else {}
    for period in labels:
        rows = by_period.get(period, np.array([], dtype=np.int64))
        figures, own = _month(measures.loc[period], cells.iloc[rows], kinds, missing, pack)
        decided = figures.decide(disclosure)
        code = np.where(
            decided == PUBLISHED, SHOWN, np.where(decided == PRIMARY, WITHHELD, PROTECTING)
        )
        found = dict(zip(figures.keys, code, strict=True))
        for measure in measures.columns:
            if measure in found and status.at[period, measure] == SHOWN:
                status.at[period, measure] = found[measure]
        keys = _cell_keys(cells.iloc[rows])
        cell_status[rows] = [found.get(own[k], SHOWN) for k in keys]
    for share in measures.columns:  # a share goes with its count (and its base)
        behind = [m for m in (count_behind(share), base_behind(share)) if m]
        if kinds.get(share) != CHARACTERISTIC or not behind:
            continue
        for measure in behind:
            if measure in status.columns:
                hidden = status[measure].isin(WITHHELD_STATUSES) & (status[share] == SHOWN)
                status.loc[hidden, share] = status.loc[hidden, measure]
    cells = cells.assign(status=cell_status)
    return Decided(status, cells, missing, disclosure.threshold)


def _cells(c: Cases, periods: pd.PeriodIndex, missing: Mapping[str, str]) -> pd.DataFrame:
    """Every breakdown the data holds, for every month (ethnicity: its largest groups)."""
    months = periods.asi8
    parts = []
    for name, (count, _) in bd.BREAKDOWNS.items():
        if name in missing:
            continue
        frame = count(c, months)
        if name == "active_by_ethnicity":
            frame = _largest(frame, TOP_ETHNICITIES)
        parts.append(frame.assign(breakdown=name))
    if not parts:
        return pd.DataFrame(columns=["period", "breakdown", "row", "column", "count"])
    return pd.concat(parts, ignore_index=True)[["period", "breakdown", "row", "column", "count"]]


def _largest(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """In each month, the ``n`` largest groups and the others together (``OTHER_GROUPS``)."""
    frame = frame[frame["count"] > 0].sort_values(
        ["period", "count", "row"], ascending=[True, False, True], kind="stable"
    )
    rank = frame.groupby("period").cumcount()
    top = frame[rank < n]
    rest = frame[rank >= n].groupby(["period", "column"], as_index=False)["count"].sum()
    return pd.concat([top, rest.assign(row=OTHER_GROUPS)], ignore_index=True)


def _cell_keys(cells: pd.DataFrame) -> list[str]:
    return [
        f"{b}|{r}|{c}"
        for b, r, c in zip(cells["breakdown"], cells["row"], cells["column"], strict=True)
    ]


def _month(
    values: pd.Series,
    cells: pd.DataFrame,
    kinds: Mapping[str, str],
    missing: Mapping[str, str],
    pack: bool = False,
) -> tuple[Figures, dict[str, str]]:
    """One month's figures — the characteristic measures, the breakdowns' cells and the
    published figures they add up to — and the figure each cell is (a setting's count is
    the measure of it)."""
    figures = Figures()

    def measure(name: str) -> str | None:
        if name in missing or name not in values.index:
            return None
        figures.add(name, values[name], kinds.get(name) == CHARACTERISTIC)
        return name

    for name in values.index:
        if kinds.get(name) == CHARACTERISTIC and count_behind(name) is None:
            measure(name)
    keys = _cell_keys(cells)
    alias = {}
    for breakdown, row, count, key in zip(
        cells["breakdown"], cells["row"], cells["count"], keys, strict=True
    ):
        same = SETTING_FIGURES.get(row) if breakdown == "by_setting" else None
        if same and measure(same) is not None and values[same] == count:
            alias[key] = same
        else:
            figures.add(key, count, characteristic=True)
    own = {key: alias.get(key, key) for key in keys}
    for breakdown, group in cells.groupby(["breakdown", "column"], sort=False).groups.items():
        name, column = breakdown
        members = [own[keys[i]] for i in cells.index.get_indexer(group)]
        total = TOTALS.get(name) if name != "review_status_by_team" else STATUS_TOTALS.get(column)
        if name == "review_status_by_team" and total is None:
            total = "reviews_in_date"
            _in_date(figures, values, missing)
        # the only team of a pack is the pack itself: its plans are the pack's plans
        same = pack and name in SAME_AS_TOTAL and len(members) == 1
        _relate(figures, values, total, members, missing, same=same)
    if "review_status_by_team" in set(cells["breakdown"]):
        status = cells[cells["breakdown"] == "review_status_by_team"]
        for team, group in status.groupby("row", sort=False).groups.items():
            members = [own[keys[i]] for i in cells.index.get_indexer(group)]
            _relate(figures, values, f"active_by_team|{team}|", members, missing, cells)
    for total, parts in (
        ("placed_eotas", ["placed_eotas_s61", "placed_eotas_s19"]),
        ("requests_received", list(PHASE_COUNTS)),
    ):
        if all(measure(p) is not None for p in parts):
            _relate(figures, values, total, parts, missing)
    for share, codes in SHARES.items():
        if len(codes) > 1 and count_of(share) not in ("placed_eotas",):
            members = [own.get(f"by_setting|{code}|") for code in codes]
            if measure(count_of(share)) is not None:
                present = [m for m in members if m is not None]
                _relate(figures, values, count_of(share), present, missing)
    for outer, inner in NESTED:  # a group within another: the rest is a count too
        outer_key = own.get(outer, outer) if "|" in outer else outer
        if outer_key not in figures.index and measure(outer) is None:
            continue
        if measure(inner) is None:
            continue
        rest = figures.values[figures.index[outer_key]] - figures.values[figures.index[inner]]
        if not np.isnan(rest) and rest >= 0:
            figures.add(f"{inner}|within {outer}", rest, characteristic=True)
            figures.relate(outer_key, [inner, f"{inner}|within {outer}"])
    for total, name, rows in BANDS_OF:
        members = [own.get(f"{name}|{row}|") for row in rows]
        if measure(total) is not None and all(m is not None for m in members):
            _relate(figures, values, total, members, missing)
    _complements(figures, values, kinds, missing, measure)
    return figures, own


def _complements(
    figures: Figures,
    values: pd.Series,
    kinds: Mapping[str, str],
    missing: Mapping[str, str],
    measure: Callable[[str], str | None],
) -> None:
    """A share of children and its base published give away the children outside it
    (98% of 50 in mainstream: one is not): each characteristic share's count and its
    complement add up to its base, and the complement is a count of children too."""
    for share in values.index:
        count, base = count_behind(share), base_behind(share)
        if kinds.get(share) != CHARACTERISTIC or not count or not base:
            continue
        if share in missing or measure(count) is None or base in missing:
            continue
        if base not in values.index:
            continue
        rest = float(values[base]) - float(values[count])
        if np.isnan(rest) or rest < 0:
            continue
        figures.add(base, values[base], kinds.get(base) == CHARACTERISTIC)
        figures.add(f"{count}|rest", rest, characteristic=True)
        figures.relate(base, [count, f"{count}|rest"])


def _in_date(figures: Figures, values: pd.Series, missing: Mapping[str, str]) -> None:
    """Plans in date: the plans neither due nor overdue for review. With the plans, the due
    and the overdue published, it is published too (their difference): a figure the
    decision reads as known, never one it could withhold."""
    names = ("ehcp_active", *STATUS_TOTALS.values())
    if "reviews_in_date" in figures.index or any(
        n in missing or n not in values.index or np.isnan(values[n]) for n in names
    ):
        return
    plans, *not_in_date = (float(values[n]) for n in names)
    figures.add("reviews_in_date", plans - sum(not_in_date), characteristic=False)


def _relate(
    figures: Figures,
    values: pd.Series,
    total: str | None,
    parts: list[str],
    missing: Mapping[str, str],
    cells: pd.DataFrame | None = None,
    same: bool = False,
) -> None:
    """Relate ``parts`` to ``total`` when they add up to it exactly (a measure, a cell
    already added, or a total published only as their sum)."""
    if total is None or not parts:
        return
    added = sum(figures.values[figures.index[p]] for p in parts)
    if total in figures.index:
        known = figures.values[figures.index[total]]
    elif total in values.index and total not in missing:
        known = float(values[total])
        figures.add(total, known, characteristic=False)
    elif cells is None:  # a total only the breakdown itself states (plans in date): a
        known = added  # count of children, which may be withheld like any other
        figures.add(total, known, characteristic=True)
    else:
        return
    if np.isnan(known) or known != added:
        return  # they do not add up to it (a person with two plans): no relation to use
    figures.relate(total, parts, same=same)
