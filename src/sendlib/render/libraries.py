"""WeasyPrint imported without its library search starting compilers.

WeasyPrint finds pango, harfbuzz, fontconfig … by trying several names for each
library; for every name that is not a file's own, ``ctypes.util.find_library`` runs
``ldconfig -p``, then ``gcc`` and ``ld`` (Kozea/WeasyPrint#1125): some forty processes
and a third of a second each time a process imports WeasyPrint. On Linux the linker's
cache is read once instead and searched as ``find_library`` searches it (same pattern,
same ABI), with no compiler fallback: a library the cache does not list is still found
by its file name, which WeasyPrint also tries. Elsewhere, or when ``ldconfig`` cannot be
run, nothing changes.

cffi calls ``ctypes.util.find_library`` itself, so the quick search stands in for it only
while WeasyPrint is imported, and only for the thread importing it: any other thread's
call, then or later, is ``find_library``'s own.
"""

from __future__ import annotations

import ctypes.util
import functools
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
from types import ModuleType

#: the ABI ``ldconfig -p`` names for this machine, as ``ctypes.util`` maps it
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def weasyprint() -> ModuleType:
    """The weasyprint module, imported once with the quick library search."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    cache = _linker_cache()
    if cache is None:
        import weasyprint as module

        return module
    with _IMPORTING:
        real = ctypes.util.find_library
        ctypes.util.find_library = functools.partial(_quick, cache, threading.get_ident(), real)
        try:
            import weasyprint as module
        finally:
            ctypes.util.find_library = real
    return module


_IMPORTING = threading.Lock()


def _quick(cache: str, importing: int, real, name: str) -> str | None:
    """The quick search for the importing thread, ``find_library`` for any other."""
    return _find(cache, name) if threading.get_ident() == importing else real(name)


def _linker_cache() -> str | None:
    """``ldconfig -p``'s listing, or None where there is none to read."""
    if not sys.platform.startswith("linux"):
        return None
    ldconfig = shutil.which("ldconfig") or (
        "/sbin/ldconfig" if os.path.exists("/sbin/ldconfig") else None
    )
    if ldconfig is None:
        return None
    try:
        listed = subprocess.run(
            [ldconfig, "-p"],
            capture_output=True,
            text=True,
            env={"LC_ALL": "C", "LANG": "C"},
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return listed.stdout if listed.returncode == 0 else None


def _find(cache: str, name: str) -> str | None:
    """``find_library(name)`` from the linker's cache only (see the module docstring)."""
    machine = os.uname().machine + ("-64" if struct.calcsize("l") == 8 else "-32")
    abi = _ABI.get(machine, "libc6")
    found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}", cache)
    return found.group(1) if found else None
