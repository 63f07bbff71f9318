"""Appendix 2: the operational annex (a monthly dashboard's tables): plans issued year on year,
reviews due or overdue by team, and what is waiting at month end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures import issuance
from sendlib.measures import reviews as review_measures
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.requests import awaiting_decision
from sendlib.paper.reviews import status_table
from sendlib.paper.tables import NotAvailable, Table
from sendlib.paper.timeliness import not_yet_issued


def counts(c: Cases, month: pd.Period) -> dict[str, pd.DataFrame]:
    """New plans issued by calendar month in this year and the two before."""
    years = [month.year - 2, month.year - 1, month.year]
    return {"issued_by_month": issuance.issued_by_month(c, years)}


def issued_year_on_year(ctx: Context) -> Table:
    table = ctx.breakdown("issued_by_month").copy()
    table.index = pd.Index(labels.words(table.index, labels.MONTHS))
    table.loc[table.index[ctx.month.month :], str(ctx.month.year)] = np.nan
    frame = table.rename_axis("Month").reset_index()
    return (
        Table(frame, "New EHCPs issued by month, year on year")
        .row_header("Month")
        .number(*frame.columns[1:])
    )


def reviews_due_by_team(ctx: Context) -> Table | NotAvailable:
    caption = f"{labels.TABLE_CAPTIONS['review_status_by_team'][1]}, end of {ctx.month_name}"
    if "review_status_by_team" in ctx.not_held:
        return NotAvailable(caption, ctx.not_held["review_status_by_team"])
    table, hidden = status_table(ctx, (review_measures.DUE, review_measures.OVERDUE))
    frame = table.rename_axis("Team").reset_index()
    hidden = hidden.rename_axis("Team").reset_index().assign(Team=False)
    return Table(frame, caption).row_header("Team").number(*frame.columns[1:]).decided(hidden)


def pending(ctx: Context) -> Group:
    """Requests awaiting a decision and plans not yet issued, by time waited."""
    return Group(awaiting_decision(ctx), not_yet_issued(ctx))
