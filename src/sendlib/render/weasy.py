"""WeasyPrint as sendlib loads it (``sendlib.render.libraries``): import this module, not
``weasyprint``, so the library search starts no compilers. The PDF workers' fork server
loads it once.

Every document is laid out with ``PaperFetcher``: the paper opens offline and is
rendered offline, so WeasyPrint may fetch only ``data:`` URIs (the charts, the narrative's
pictures) and sendlib's own files (its style sheet and fonts) — never an address on the
network, and no other file on the disk.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from sendlib.render.libraries import weasyprint

_weasyprint = weasyprint()
_HTML = _weasyprint.HTML
#: the folder of sendlib's own files (the package)
PACKAGE = Path(__file__).resolve().parents[1]


class PaperFetcher(_weasyprint.urls.URLFetcher):
    """WeasyPrint's fetcher, allowed only ``data:`` and files of the sendlib package."""

    def fetch(self, url: str, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(PACKAGE) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"not fetched (the paper is rendered offline): {url[:200]}")


def HTML(*args, **kwargs):  # noqa: N802 - WeasyPrint's name
    """``weasyprint.HTML`` with ``PaperFetcher`` (see the module)."""
    kwargs.setdefault("url_fetcher", PaperFetcher())
    return _HTML(*args, **kwargs)
