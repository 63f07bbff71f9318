"""How a KPI appears in a sentence or a trend chart: its formatted value, its movement on
an earlier month and its line over the last two years, each in the KPI's own unit."""

from __future__ import annotations

import pandas as pd

from sendlib.paper import labels
from sendlib.paper.charts.figure import Chart, NoChart
from sendlib.paper.charts.lines import line_chart
from sendlib.paper.narrative import compared, missing, plural
from sendlib.paper.notebook_context import Context
from sendlib.paper.tables import NotAvailable, Table, counts_table, in_order
from sendlib.scorecard import formats as fmt


def shown(ctx: Context, kpi_id: str, value: float | None = None) -> str:
    """The KPI's value as the paper prints it (default: in the report month); ``[c]`` when
    disclosure control withholds it."""
    kpi = ctx.catalogue.get(kpi_id)
    if value is None and ctx.withheld(kpi_id):
        return fmt.CONFIDENTIAL
    v = ctx.value(kpi_id) if value is None else value
    return fmt.format_value(v, kpi.unit, kpi.places)


def how_many(ctx: Context, kpi_id: str, singular: str, plural_form: str) -> str | None:
    """A count of children in words as the paper may state it ('3 looked after
    children'); None when it is withheld or not available (``withheld_sentence`` says so
    without telling a small count from one withheld to protect another)."""
    value = ctx.value(kpi_id)
    if ctx.status_of(kpi_id) or value != value:
        return None
    return plural(value, singular, plural_form)


def share_of(ctx: Context, kpi_id: str, who: str) -> str | None:
    """A share of children as the paper may state it: '5.6% of {who}'; None when it is
    withheld or not available."""
    if ctx.status_of(kpi_id) or missing(ctx.value(kpi_id)):
        return None
    return f"{shown(ctx, kpi_id)} of {who}"


def withheld_sentence(ctx: Context, figures: dict[str, str]) -> str | None:
    """One sentence naming the figures (KPI id → words) the paper withholds this month,
    the same for a small count and for one withheld to protect another, so a reader
    cannot tell which is small; None when none is withheld."""
    names = [words for kpi_id, words in figures.items() if ctx.status_of(kpi_id) in ("c", "s")]
    if not names:
        return None
    tail = _shared_tail(names)  # "16 to 18 and 16 to 25 year olds not in education …"
    if tail:
        names = [name.removesuffix(tail).rstrip() for name in names[:-1]] + [names[-1]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    noun = "figure" if len(names) == 1 else "figures"
    verb = "is" if len(names) == 1 else "are"
    return (
        f"The {noun} for {listed} {verb} withheld to protect the confidentiality of the "
        "children concerned."
    )


def _shared_tail(names: list[str], least: int = 3) -> str:
    """The words (at least ``least``) the names all end with, said once after the last:
    '' when they share fewer or there is only one name."""
    if len(names) < 2:
        return ""
    words = [name.split() for name in names]
    shared = 0
    while (
        shared < min(len(w) for w in words) - 1
        and len({tuple(w[-shared - 1 :]) for w in words}) == 1
    ):
        shared += 1
    return " ".join(words[0][-shared:]) if shared >= least else ""


def sentence(text: str) -> str:
    """A sentence from a phrase: its first letter a capital."""
    return text[:1].upper() + text[1:]


def moved(ctx: Context, kpi_id: str, months_ago: int = 1) -> str:
    """'up from 35 last month', 'down from 4.8% a year ago', 'unchanged on last month'
    (``narrative.compared``); '' if either figure is unknown or withheld."""
    kpi = ctx.catalogue.get(kpi_id) if kpi_id in ctx.values.columns else None
    unit, places = (kpi.unit, kpi.places) if kpi else ("count", 0)
    against = {1: "last_month", 12: "last_year"}[months_ago]
    now, before = ctx.value(kpi_id), ctx.value(kpi_id, ctx.month - months_ago)
    return compared(now, before, against, unit, places)


def trend(
    ctx: Context,
    title: str,
    ylabel: str,
    *ids: str,
    months: int = 25,
    labels: dict[str, str] | None = None,
    target_of: str | None = None,
) -> Chart | NoChart:
    """A line chart of KPIs over the last ``months`` months (named by ``labels`` or their
    catalogue titles), with the target of ``target_of`` drawn when it has one; values
    disclosure control withholds are not drawn (and counted in the alt text)."""
    names = {i: (labels or {}).get(i, ctx.catalogue.get(i).title.strip()) for i in ids}
    frame = pd.DataFrame({names[i]: ctx.history(i, months) for i in ids})
    withheld = pd.DataFrame(
        {names[i]: [ctx.withheld(i, p) for p in frame.index] for i in ids}, index=frame.index
    )
    # the months from the first value shown or withheld to the last; gaps stay gaps
    span = trimmed(frame.where(~withheld, 0.0)).index
    frame, withheld = frame.loc[span], withheld.loc[span]
    kpi = ctx.catalogue.get(ids[0])
    target = ctx.catalogue.get(target_of).target if target_of else None
    return line_chart(
        frame,
        title,
        ylabel,
        kpi.unit,
        target,
        places=kpi.places,
        withheld=withheld,
        threshold=ctx.disclosure.threshold,
    )


def decided_table(
    ctx: Context,
    name: str,
    caption: str,
    label: str,
    words: dict[str, str],
    total: str,
    order: list[str] | tuple[str, ...] = (),
) -> Table | NotAvailable:
    """A breakdown of children as its cells were decided (its groups in ``order``, in
    words), each with its share of the published ``total``; or why it is not available."""
    if name in ctx.not_held:
        return NotAvailable(caption, ctx.not_held[name])
    counts, hidden = ctx.breakdown_cells(name)
    # a group no child is in this month is no row, unless it is one of a fixed list
    keep = (
        (counts != 0)
        | hidden.reindex(counts.index, fill_value=False)
        | counts.index.isin(list(order))
    )
    counts, hidden = counts[keep.to_numpy()], hidden[keep.to_numpy()]
    counts = in_order(counts, order)
    hidden = pd.Series(
        hidden.reindex(counts.index).to_numpy(), index=labels.words(counts.index, words)
    )
    return counts_table(labels.relabel(counts, words), hidden, caption, label, ctx.value(total))


def trimmed(frame: pd.DataFrame) -> pd.DataFrame:
    """The months from the first with a value to the last: months without one in between
    stay (as gaps), so a line never joins points across missing months."""
    held = frame.notna().any(axis=1).to_numpy()
    if not held.any():
        return frame.iloc[0:0]
    first, last = held.argmax(), len(held) - held[::-1].argmax()
    return frame.iloc[first:last]


def last_year(month: pd.Period) -> pd.Period:
    return month - 12
