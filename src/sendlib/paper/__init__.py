"""Stage 4, paper: what the section notebooks show.

``sp.context(...)`` gives a notebook the month's figures (``context``, read from the
``data`` the runner prepared); one module per section (``caseload``, ``requests`` …)
turns them into drafted facts, tables and charts; ``sections`` lists the sections in
order. Tables and charts publish breakdowns under explicit disclosure control
(``disclosure``); the words for codes live in ``labels``.
"""

from sendlib.paper.context import Context, Group, Html, context, heading

__all__ = ["Context", "Group", "Html", "context", "heading"]
