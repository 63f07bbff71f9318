"""WeasyPrint's libraries found from the linker's cache, as ctypes would find them."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from helpers import fresh_python
from sendlib.render import libraries

# the names WeasyPrint tries for its libraries, right and wrong (sendlib.render.libraries)
NAMES = ["libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "pango-1.0", "harfbuzz"]
NAMES += ["harfbuzz-subset", "fontconfig-1", "fontconfig", "pangoft2-1.0", "no-such-lib-9"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the linker's cache is Linux's")
def test_names_are_found_as_ctypes_finds_them():
    cache = libraries._linker_cache()
    assert cache is not None
    assert [libraries._find(cache, n) for n in NAMES] == [
        ctypes.util.find_library(n) for n in NAMES
    ]


def test_weasyprint_loads_and_its_library_search_starts_no_compiler(tmp_path):
    """In a fresh process: WeasyPrint imports, and no gcc or ld is run for it."""
    code = (
        "import subprocess\n"
        "seen = []\n"
        "real = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    seen.append(args[0] if isinstance(args, (list, tuple)) else args)\n"
        "    real(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from sendlib.render.weasy import HTML\n"
        "assert HTML(string='<p>x</p>').render().pages\n"
        "print(seen)\n"
    )
    ran = fresh_python(code)
    assert "gcc" not in ran and "'ld'" not in ran and "/ld'" not in ran


def test_the_quick_search_serves_the_importing_thread_only():
    import functools
    import threading

    asked = []

    def real(name):
        asked.append(name)
        return "found by ctypes"

    quick = functools.partial(libraries._quick, "", threading.get_ident(), real)
    assert quick("no-such-lib-9") is None and asked == []  # the importing thread: the cache
    other = []
    thread = threading.Thread(target=lambda: other.append(quick("pango-1.0")))
    thread.start()
    thread.join()
    assert other == ["found by ctypes"] and asked == ["pango-1.0"]


def test_find_library_is_ctypes_own_once_weasyprint_is_imported():
    code = (
        "import ctypes.util\n"
        "real = ctypes.util.find_library\n"
        "from sendlib.render import libraries\n"
        "libraries.weasyprint()\n"
        "assert ctypes.util.find_library is real\n"
    )
    fresh_python(code)
