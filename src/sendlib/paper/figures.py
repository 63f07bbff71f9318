"""How a KPI appears in a sentence or a trend chart: its formatted value, its movement on
an earlier month and its line over the last two years, each in the KPI's own unit."""

from __future__ import annotations

import pandas as pd

from sendlib.paper.charts import Chart, line_chart
from sendlib.paper.narrative import change
from sendlib.paper.notebook_context import Context
from sendlib.scorecard import formats as fmt


def shown(ctx: Context, kpi_id: str, value: float | None = None) -> str:
    """The KPI's value as the paper prints it (default: in the report month)."""
    kpi = ctx.catalogue.get(kpi_id)
    v = ctx.value(kpi_id) if value is None else value
    return fmt.format_value(v, kpi.unit, kpi.places)


def moved(ctx: Context, kpi_id: str, months_ago: int = 1) -> str:
    """'up from 35', 'down from 4.8%' or 'unchanged' on an earlier month; '' if unknown."""
    kpi = ctx.catalogue.get(kpi_id) if kpi_id in ctx.values.columns else None
    unit, places = (kpi.unit, kpi.places) if kpi else ("count", 0)
    return change(ctx.value(kpi_id), ctx.value(kpi_id, ctx.month - months_ago), unit, places)


def trend(
    ctx: Context,
    title: str,
    ylabel: str,
    *ids: str,
    months: int = 25,
    labels: dict[str, str] | None = None,
    target_of: str | None = None,
) -> Chart:
    """A line chart of KPIs over the last ``months`` months (named by ``labels`` or their
    catalogue titles), with the target of ``target_of`` drawn when it has one."""
    frame = pd.DataFrame(
        {
            (labels or {}).get(i, ctx.catalogue.get(i).title.strip()): ctx.history(i, months)
            for i in ids
        }
    )
    frame = trimmed(frame)
    kpi = ctx.catalogue.get(ids[0])
    target = ctx.catalogue.get(target_of).target if target_of else None
    return line_chart(frame, title, ylabel, kpi.unit, target, places=kpi.places)


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
