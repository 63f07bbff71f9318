"""The one error the renderer raises: the paper could not be rendered (exit code 4).

It is raised only for what rendering itself met — the layout or PDF libraries failing on
the page, pandoc or Quarto failing or timing out, the paper's files not written — never
for a bug in sendlib's own code, which is left to surface as one (exit code 5, with its
traceback) instead of being mistaken for a rendering problem.
"""

from __future__ import annotations

import os

#: the libraries that lay out and write the paper: an error raised inside one of them is
#: a rendering failure
RENDERERS = (
    "nbconvert",
    "jinja2",
    "mistune",
    "bs4",
    "lxml",
    "weasyprint",
    "pydyf",
    "pikepdf",
    "fontTools",
    "PIL",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
)


class RenderError(Exception):
    """The paper could not be rendered (exit code 4)."""


def raised_by_renderer(exc: BaseException) -> bool:
    """Whether ``exc`` is rendering's (see the module): a file that could not be written,
    or an error raised inside one of the ``RENDERERS``."""
    if isinstance(exc, OSError | RenderError):
        return True
    tb, innermost = exc.__traceback__, None
    while tb is not None:
        innermost = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    if innermost is None:
        return False
    parts = innermost.split(os.sep)
    return any(name in parts for name in RENDERERS)
