"""Section 10: data quality — the records the checks found to review (a monthly
dashboard's Data Quality Summary), counted by rule, and where the council's own figures,
counted from its case records, differ from those the DfE published for it (reconciliation)."""

from __future__ import annotations

import html

import pandas as pd

from sendlib.data.findings import STRUCTURAL
from sendlib.data.release import release_spec
from sendlib.measures.cases import Cases
from sendlib.paper.compare import RECONCILE, comparison, reconciliation
from sendlib.paper.figures import sentence
from sendlib.paper.narrative import agree, plural
from sendlib.paper.notebook_context import Context, Group, Html
from sendlib.paper.tables import Table


def counts(c: Cases, month: pd.Period) -> dict[str, pd.DataFrame]:
    """Figures that differ from the DfE's published ones by more than half a point."""
    return {"reconciliation": reconciliation(comparison(c, month))}


def summary(ctx: Context) -> Group:
    """Counts of data-quality warnings by rule, then the reconciliation items."""
    found = ctx.warnings
    whole = found["rule"].isin(STRUCTURAL) if len(found) else pd.Series(dtype=bool)
    n = int(found.loc[~whole, "count"].sum()) if len(found) else 0
    files = int(found.loc[whole, "count"].sum()) if len(found) else 0
    intro = (
        f"The checks found {plural(n, 'record')} to review in the case-management system "
        "this month. None stops the figures being produced; each is listed for the service "
        "to correct at source."
        if n
        else "The checks found no records to review this month."
    )
    if files:  # a file or a column, not a record: its figures are not available
        intro += (
            f" {sentence(plural(files, 'file or column', 'files or columns'))} of the data "
            f"{agree(files, 'was', 'were')} missing or not read: the figures that need "
            f"{agree(files, 'it', 'them')} are shown as [x], not available."
        )
    parts: list = [Html(f'<p class="para">{html.escape(intro)}</p>')]
    if n or files:
        frame = found[["description", "count"]].rename(
            columns={"description": "Check", "count": "Found"}
        )
        parts.append(
            Table(frame, "Data-quality checks: records, files and columns to review")
            .row_header("Check")
            .number("Found")
        )
    parts.extend(_reconciliation(ctx))
    return Group(*parts)


def _reconciliation(ctx: Context) -> list:
    items = ctx.breakdowns.get("reconciliation")
    if items is None or items.empty:
        return []
    titles = {k: m.title for k, m in release_spec().measures.items()}
    frame = pd.DataFrame(
        {
            "Measure": items["kpi_id"].map(titles).fillna(items["kpi_id"]),
            "Period": [_period(p) for p in items["period"]],
            "Counted from our records": items["council"],
            "Published by the DfE": items["published"],
            "Difference (points)": items["difference"],
        }
    )
    n = len(frame)
    text = (
        f'<p class="para">{n} figure{"s" if n != 1 else ""} counted from the case records '
        f"differ{'s' if n == 1 else ''} by more than {RECONCILE} of a point from the DfE's "
        "published figure for the council. Each is worth checking before the next statutory "
        "return: it can mean a recording problem, or records changed since the return.</p>"
    )
    table = (
        Table(frame, "Reconciliation with the DfE's published figures")
        .row_header("Measure")
        .percent("Counted from our records", "Published by the DfE")
        .number("Difference (points)", places=1)
    )
    if "status" in items.columns:  # the council's figure of a few children: withheld
        hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
        withheld = items["status"].isin(["c", "s"]).to_numpy()
        hidden["Counted from our records"] = hidden["Difference (points)"] = withheld
        table = table.decided(hidden)
    return [Html(text), table]


def _period(period: str) -> str:
    p = pd.Period(period, freq="M")
    return str(p.year) if p.month == 12 else p.strftime("January %Y")
