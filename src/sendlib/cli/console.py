"""What the command line prints: findings and progress, never a traceback.

On a terminal, rich tables; without one (cron, a log file, a pipe), plain lines that
never wrap a path in the middle or run into the next message. Findings are printed a
few per rule and column (``PER_RULE``), causes first, with a line saying how many more
there are like each and where the full list is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # findings are printed by commands that have read data: pandas is
    # loaded by then (a run that re-uses its notebooks never loads it before its PDF)
    import pandas as pd

console = Console(stderr=False, highlight=False)
PER_RULE = 20


def plain() -> bool:
    """Whether output goes somewhere that is not a terminal."""
    return not console.is_terminal


def say(text: str, style: str = "") -> None:
    """One message, never wrapped mid-word, with no markup taken from the text."""
    if style and not plain():
        console.print(f"[{style}]{_escape(text)}[/]", soft_wrap=True)
    else:
        console.print(text, soft_wrap=True, markup=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def shown_findings(findings: pd.DataFrame, per_rule: int = PER_RULE) -> tuple[pd.DataFrame, dict]:
    """At most ``per_rule`` findings of each rule and column, and how many were left out
    of each group."""
    keys = ["severity", "rule", "file", "column"]
    grouped = findings.assign(column=findings["column"].fillna(""))
    rank = grouped.groupby(keys, sort=False, dropna=False).cumcount()
    left = grouped[rank >= per_rule].groupby(keys, sort=False, dropna=False).size().to_dict()
    return findings[(rank < per_rule).to_numpy()], left


def print_findings(findings: pd.DataFrame, title: str, where: str = "") -> None:
    """Findings (file, row, column, value, reason), a few per rule and column; personal
    values masked (``findings.masked``: the full list is in validation.csv)."""
    import pandas as pd

    from sendlib.data.findings import masked

    shown, left = shown_findings(findings)
    shown = masked(shown)
    rows = [
        (
            str(row.file),
            "" if pd.isna(row.row) else str(row.row),
            row.column or "",
            "" if row.value is None else str(row.value),
            str(row.reason),
        )
        for row in shown.itertuples(index=False)
    ]
    if plain():
        say(title)
        for file, row, column, value, reason in rows:
            place = ", ".join(p for p in (file, f"row {row}" if row else "", column) if p)
            shown_value = f" '{value}'" if value else ""
            say(f"  {place}:{shown_value} {reason}")
    else:
        table = Table(title=title, title_justify="left", show_lines=False)
        for column in ("file", "row", "column", "value", "reason"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for (_, rule, file, column), n in left.items():
        what = f"{file} {column}".strip()
        say(f"… and {n:,} more like this ({rule}, {what})")
    if left:
        say(f"Every finding is in {where or 'the file given with --findings FILE'}.")


def print_summary(findings: pd.DataFrame) -> None:
    """Counts by rule, like a data-quality dashboard's summary."""
    from sendlib.data import findings as fnd

    summary = fnd.summary(findings)
    if plain():
        say("Summary by rule:")
        for row in summary.itertuples(index=False):
            say(f"  {row.severity} {row.rule}: {row.count:,} ({row.description})")
        return
    table = Table(title="Summary by rule", title_justify="left")
    for column in ("severity", "rule", "description", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for row in summary.itertuples(index=False):
        style = "bold red" if row.severity == "error" else "yellow"
        table.add_row(row.severity, row.rule, row.description, f"{row.count:,}", style=style)
    console.print(table)


@contextmanager
def progress(title: str) -> Iterator:
    """A run's steps as they finish: a live table on a terminal, a line each otherwise.
    Nothing is printed for a run that stops before its first step."""
    states: dict[str, str] = {}
    if plain():

        def line(stage: str, state: str) -> None:
            if state in ("done", "failed") or stage in ("lock", "narrative-only"):
                say(f"{title}: {stage} {state}")
            states[stage] = state

        yield line
        return
    from rich.live import Live

    marks = {"queued": "·", "running": "…", "done": "[green]✓[/]", "failed": "[red]✗[/]"}

    def table() -> Table:
        view = Table(title=title, title_justify="left")
        view.add_column("step")
        view.add_column("state")
        for stage, state in states.items():
            view.add_row(stage, marks.get(state, _escape(state)))
        return view

    live = Live(table(), console=console, transient=False, auto_refresh=False)
    started = False

    def update(stage: str, state: str) -> None:
        nonlocal started
        states[stage] = state
        if not started:
            live.start()
            started = True
        live.update(table(), refresh=True)

    try:
        yield update
    finally:
        if started:
            live.stop()
            console.print()
