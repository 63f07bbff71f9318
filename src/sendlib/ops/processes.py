"""Whether a process is still there, asked without disturbing it (signal 0). Standard
library only: the kernel launcher imports it and must start in milliseconds."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """The process ``pid`` exists (it may belong to another user: then it is alive too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
