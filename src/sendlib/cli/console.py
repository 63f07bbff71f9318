"""What the command line prints: findings as rich tables, never a traceback."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from sendlib.data import findings as fnd

console = Console(stderr=False, highlight=False)

MAX_ROWS = 1000


def print_findings(findings: pd.DataFrame, title: str, limit: int = MAX_ROWS) -> None:
    """Print findings as a table (file, row, column, value, reason)."""
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("file", "row", "column", "value", "reason"):
        table.add_column(column, overflow="fold")
    for row in findings.head(limit).itertuples(index=False):
        table.add_row(
            row.file,
            "" if pd.isna(row.row) else str(row.row),
            row.column or "",
            "" if row.value is None else str(row.value),
            row.reason,
        )
    console.print(table)
    if len(findings) > limit:
        console.print(f"… and {len(findings) - limit:,} more (use --findings FILE for all).")


def print_summary(findings: pd.DataFrame) -> None:
    """Counts by rule, like seed 004's Data Quality Summary."""
    summary = fnd.summary(findings)
    table = Table(title="Summary by rule", title_justify="left")
    for column in ("severity", "rule", "description", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for row in summary.itertuples(index=False):
        style = "bold red" if row.severity == "error" else "yellow"
        table.add_row(row.severity, row.rule, row.description, f"{row.count:,}", style=style)
    console.print(table)
