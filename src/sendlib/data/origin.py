"""Whether a data folder holds sendlib's synthetic demo council: ``sendlib demo`` writes a
marker file beside its tables. The parameters shipped in ``params/`` (marked ``example:
true``) are the demo council's; with any other council's data they would be published as
that council's own, so a run says so (``sendlib.ops.preflight``)."""

from __future__ import annotations

from pathlib import Path

DEMO_MARKER = "sendlib-demo.txt"
DEMO_TEXT = (
    "Synthetic data written by `sendlib demo`: no real child or young person is in it.\n"
    "sendlib reads this file to know that the example parameters in params/ (marked\n"
    "`example: true`) are these data's own. Never copy it beside a council's data.\n"
)


def is_demo(data_dir: Path | str) -> bool:
    """Whether ``data_dir`` holds the synthetic demo council (its marker file is there)."""
    return (Path(data_dir) / DEMO_MARKER).is_file()


def mark_demo(data_dir: Path | str) -> None:
    """Mark ``data_dir`` as the synthetic demo council's."""
    (Path(data_dir) / DEMO_MARKER).write_text(DEMO_TEXT, encoding="utf-8")
