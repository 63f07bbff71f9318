"""Stage 4, paper: what the section notebooks show.

``sp.context(...)`` gives a notebook the month's figures (``month_context``, read
from the ``data`` the runner prepared); one module per section (``caseload``, ``requests`` …)
turns them into drafted facts, tables and charts; ``sections`` lists the sections in
order. Tables and charts publish breakdowns under explicit disclosure control
(``disclosure``); the words for codes live in ``labels``.

The names below load with their module when first used: the section registry is read by
every run, and a narrative-only re-render uses none of the figures (nor pandas).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sendlib.paper.month_context import context
    from sendlib.paper.notebook_context import Context, Group, Html, heading

__all__ = ["Context", "Group", "Html", "context", "heading"]


def __getattr__(name: str):
    if name in __all__:
        if name == "context":
            from sendlib.paper import month_context as home
        else:
            from sendlib.paper import notebook_context as home

        value = getattr(home, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
