"""Section 9: data quality — the records the checks found to review (seed 004's Data
Quality Summary), counted by rule."""

from __future__ import annotations

from sendlib.paper.context import Context, Group, Html
from sendlib.paper.tables import Table


def summary(ctx: Context) -> Group:
    """Counts of data-quality warnings by rule."""
    found = ctx.warnings
    n = int(found["count"].sum()) if len(found) else 0
    intro = (
        f'<p class="para">The checks found {n:,} record{"s" if n != 1 else ""} to review '
        f"in the case-management system this month. None stops the figures being "
        f"produced; each is listed for the service to correct at source.</p>"
        if n
        else '<p class="para">The checks found no records to review this month.</p>'
    )
    if not n:
        return Group(Html(intro))
    frame = found[["description", "count"]].rename(
        columns={"description": "Check", "count": "Records"}
    )
    table = (
        Table(frame, "Data-quality checks: records to review").row_header("Check").number("Records")
    )
    return Group(Html(intro), table)
