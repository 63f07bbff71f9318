"""Sources: one input table read as text, with a locator for every row.

A source is whatever file holds a contract table in the data folder. Reading it gives a
``RawTable``: every cell as text (blank = ""), surrounding whitespace trimmed, and for
each row its *locator* — the row number a person finds it at (the header is row 1) — so
that validation can name the row without knowing what kind of file it came from.
Anything that stops the file being a table is a finding; rows with the wrong number of
fields are reported, never dropped silently. Typing happens later, after validation.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from sendlib.data import findings as fnd


@dataclass
class RawTable:
    """A table read as text: the frame (when readable), each row's locator (the row
    number in the file), the problems found reading it and notes on how it was read."""

    file: str
    frame: pd.DataFrame | None
    rows: np.ndarray
    findings: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def find_source(folder: Path, name: str) -> Path | None:
    """The file holding table ``name`` in a data folder (``person.csv``), if any."""
    path = Path(folder) / f"{name}.csv"
    return path if path.exists() else None


def read_source(path: Path) -> RawTable:
    """Read one source file as a table of text cells (see the module docstring)."""
    return read_text_csv(path)


def read_text_csv(path: Path) -> RawTable:
    """Read ``path`` into a frame of text cells, or say why it cannot be read."""
    name = path.name
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as exc:
        return _unreadable(name, _bad_utf8_line(path), f"header is not UTF-8 text ({exc.reason})")
    except OSError as exc:
        return _unreadable(name, None, f"cannot open the file ({exc.strerror})")
    if not header or all(h.strip() == "" for h in header):
        return _unreadable(name, 1, "file is empty: no header row")
    header = [h.strip() for h in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        return _failed(
            name,
            fnd.combine(
                [
                    fnd.make(
                        "error",
                        "duplicate_column",
                        name,
                        [1],
                        col,
                        [col],
                        f"column '{col}' appears more than once in the header",
                    )
                    for col in duplicated
                ]
            ),
        )

    bad_rows: list[tuple[int | None, str, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad_rows.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc).upper():
            return _unreadable(name, _bad_utf8_line(path), "contains bytes that are not UTF-8 text")
        return _unreadable(name, None, f"not a readable CSV file ({exc})")
    if bad_rows:
        lines = _line_numbers(path, [text for number, text, _, _ in bad_rows if number is None])
        return _failed(
            name,
            fnd.combine(
                [
                    fnd.make(
                        "error",
                        "malformed_row",
                        name,
                        [number or lines.get(text)],
                        None,
                        [text[:80]],
                        f"row has {actual} fields but the header has {expected}",
                    )
                    for number, text, expected, actual in bad_rows
                ]
            ),
        )
    columns = {
        h: pc.utf8_trim_whitespace(table.column(h))
        .to_pandas(types_mapper=pd.ArrowDtype)
        .astype("str")
        for h in header
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    # a CSV record's row, as a spreadsheet shows it: the header is row 1
    return RawTable(name, frame, np.arange(2, table.num_rows + 2), fnd.empty())


def _failed(name: str, findings: pd.DataFrame) -> RawTable:
    return RawTable(name, None, np.zeros(0, dtype=np.int64), findings)


def _unreadable(name: str, row: int | None, reason: str) -> RawTable:
    return _failed(name, fnd.make("error", "unreadable_file", name, [row], None, None, reason))


def _line_numbers(path: Path, texts: list[str]) -> dict[str, int]:
    """The first line number on which each row text appears (pyarrow may not count rows)."""
    wanted, found = set(texts), {}
    if not wanted:
        return found
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if text in wanted and text not in found:
                found[text] = number
    return found


def _bad_utf8_line(path: Path) -> int | None:
    """The 1-based line of the first byte sequence that is not UTF-8."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def is_data_folder(folder: Path) -> bool:
    """Whether a folder holds any of the contract's tables."""
    from sendlib.data.contract import files

    return any(find_source(folder, name) is not None for name in files())
