"""The files an import reads beside the returns (the establishments list, the disputes log
and its lookup), as tables of text cells: a file that is not there or cannot be read is
refused by name, with the reader's reason."""

from __future__ import annotations

from pathlib import Path

from sendlib.data.sen2.xml import Sen2Error
from sendlib.data.sources import RawTable, read_source


def read_side_file(path: Path, missing: str = "no such file") -> RawTable:
    """The file as a table (its ``frame`` and ``rows``); ``missing`` says what a path that
    is no file is not."""
    path = Path(path)
    if not path.is_file():
        raise Sen2Error(str(path), None, "", missing)
    table = read_source(path)
    if table.frame is None:
        reason = table.findings["reason"].iloc[0] if len(table.findings) else "unreadable"
        raise Sen2Error(path.name, None, "", f"cannot be read as a table ({reason})")
    return table
