"""Sources: one input table read as text, with a locator for every row.

A source is whatever file holds a contract table in the data folder, read as councils
export them: a CSV (UTF-8 with or without a byte order mark, or Windows-1252; fields
separated by ``,`` ``;`` ``|`` or tab, found from the header line) or an Excel workbook
(the sheet named like the table, else the first; date cells read as dates). Headers
match the contract without regard to case, surrounding spaces, or ``-`` and spaces for
``_`` (``Person ID`` is ``person_id``). Reading gives a ``RawTable``: every cell as text
(blank = ""), trimmed, and for each row its *locator* — the row number a person finds it
at in the file or sheet — so validation can name the row without knowing the format.
How the file was read (an encoding, renamed headers) is noted once. Anything that stops
the file being a table is a finding; rows with the wrong number of fields are reported,
never dropped silently. Typing happens later, after validation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from sendlib.data import findings as fnd
from sendlib.data.contract import EXCEL_SUFFIXES, FileSpec, find_sources
from sendlib.files import atomic_output

DELIMITERS = (",", ";", "|", "\t")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "|": "bars", "\t": "tabs"}


@dataclass
class RawTable:
    """A table read as text: the frame (when readable), each row's locator (the row
    number in the file), the problems found reading it and notes on how it was read."""

    file: str
    frame: pd.DataFrame | None
    rows: np.ndarray
    findings: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def header_key(text: str) -> str:
    """A header as the contract spells it: lower case, ``-`` and spaces as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower()).strip("_")


def is_data_folder(folder: Path) -> bool:
    """Whether a folder holds any of the contract's tables."""
    from sendlib.data.contract import files

    return any(find_sources(folder, name) for name in files())


def read_source(path: Path, spec: FileSpec | None = None) -> RawTable:
    """Read one source file as a table of text cells (see the module docstring); with the
    table's ``spec``, headers are matched to its columns."""
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    table = read_excel(path, spec) if excel else read_text(path)
    if table.frame is not None:
        _match_headers(table, spec)
    return table


# ---------------------------------------------------------------- text files
def read_text(path: Path) -> RawTable:
    """A CSV (or other delimited text) file as a table of text cells. UTF-8 is read as it
    is (Arrow checks it); only a file that is not UTF-8 is decoded here."""
    name = path.name
    try:
        with path.open("rb") as handle:
            start = handle.read(1 << 16)
    except OSError as exc:
        return _unreadable(name, None, f"cannot open the file ({exc.strerror})")
    # the header line, whatever ends it (\n, \r\n or an old Mac's \r); a multi-byte
    # character cut at the end of the chunk is no reason to doubt the encoding
    head, header_encoding, problem = _decode(start.split(b"\n", 1)[0].split(b"\r", 1)[0])
    if problem:
        return _unreadable(name, 1, problem[1])
    first = head.strip("\ufeff")
    if not first.strip():
        return _unreadable(name, 1, "file is empty: no header row")
    delimiter = _delimiter(first)
    notes = []
    if delimiter != ",":
        notes.append(f"{name}: fields separated by {DELIMITER_NAMES[delimiter]}")
    try:
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
    except csv.Error as exc:
        return _unreadable(name, 1, f"the header row cannot be read ({exc})")
    duplicated = _duplicates(name, header, 1)
    if duplicated is not None:
        return duplicated
    table, bad_rows, utf8 = _parse(path, header, delimiter)
    text = None
    if not utf8 or header_encoding != "UTF-8":
        data = path.read_bytes()
        text, encoding, problem = _decode(data)
        if problem:
            return _unreadable(name, _line_of(data, problem[0]), problem[1])
        notes.insert(0, f"{name}: read as {encoding} text")
        table, bad_rows, _ = _parse(io.BytesIO(text.encode("utf-8")), header, delimiter)
    if table is None:
        return _unreadable(name, None, "not a readable CSV file")
    if bad_rows:
        if text is None:
            text = path.read_bytes().decode("utf-8", errors="replace")
        return _malformed(name, text, bad_rows)
    columns = {
        h: pc.utf8_trim_whitespace(table.column(h))
        .to_pandas(types_mapper=pd.ArrowDtype)
        .astype("str")
        for h in header
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    # a record's row, as a spreadsheet shows it: the header is row 1
    return RawTable(name, frame, np.arange(2, table.num_rows + 2), fnd.empty(), notes)


def _unraisable(unraisable) -> None:
    """pyarrow decodes a malformed row's text as UTF-8 before it calls ``on_invalid``; in
    a file that is not UTF-8 that fails outside any caller, and Python would print the
    traceback ("Exception ignored in …") above the one-line finding. The failure is noted
    on the handler instead, and ``_parse`` reports the file as not UTF-8."""
    handler = unraisable.object
    if isinstance(unraisable.exc_value, UnicodeDecodeError) and hasattr(handler, "not_utf8"):
        handler.not_utf8 = True
        return
    _previous_unraisable(unraisable)


_previous_unraisable = sys.unraisablehook
sys.unraisablehook = _unraisable


def _parse(source, header: list[str], delimiter: str) -> tuple[pa.Table | None, list, bool]:
    """(the records as Arrow strings, rows with the wrong number of fields, whether the
    bytes were UTF-8): the header line is skipped and ``header`` names the columns."""
    bad_rows: list[tuple[int | None, str, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad_rows.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    on_invalid.not_utf8 = False

    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, invalid_row_handler=on_invalid, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc).upper() or on_invalid.not_utf8:
            return None, [], False
        return None, [], True
    if on_invalid.not_utf8:
        return None, [], False
    return table, bad_rows, True


def _decode(data: bytes) -> tuple[str, str, tuple[int, str] | None]:
    """(text, encoding, problem): UTF-8 (a byte order mark is dropped), else Windows-1252;
    the problem is (byte offset, reason) when the bytes are neither."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "UTF-8", None
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "Windows-1252", None
        except UnicodeDecodeError as cp1252:
            byte = data[cp1252.start : cp1252.start + 1].hex()
            return (
                "",
                "",
                (
                    cp1252.start,
                    f"not UTF-8 or Windows-1252 text: byte 0x{byte} at offset {cp1252.start} "
                    "cannot be read in either (save the file as CSV UTF-8)",
                ),
            )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _delimiter(header: str) -> str:
    """The field separator: the candidate found most often in the header line."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _malformed(name: str, text: str, bad_rows: list) -> RawTable:
    lines = _line_numbers(text, [t for number, t, _, _ in bad_rows if number is None])
    return _failed(
        name,
        fnd.combine(
            [
                fnd.make(
                    "error",
                    "malformed_row",
                    name,
                    [number or lines.get(row_text)],
                    None,
                    [row_text[:80]],
                    f"row has {actual} fields but the header has {expected}",
                )
                for number, row_text, expected, actual in bad_rows
            ]
        ),
    )


def _line_numbers(text: str, wanted: list[str]) -> dict[str, int]:
    """The first line number on which each row text appears (pyarrow may not count rows)."""
    found: dict[str, int] = {}
    targets = set(wanted)
    if not targets:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if line in targets and line not in found:
            found[line] = number
    return found


# ---------------------------------------------------------------- Excel workbooks
def read_excel(path: Path, spec: FileSpec | None = None) -> RawTable:
    """The sheet named like the table (else the first) as a table of text cells; date
    cells become ISO dates and whole numbers lose their '.0'. Rows are the sheet's rows."""
    from python_calamine import CalamineError, load_workbook

    name = path.name
    try:
        book = load_workbook(str(path))
        sheets = book.sheet_names
        wanted = spec.name if spec else path.stem.lower()
        chosen = next((s for s in sheets if header_key(s) == wanted), sheets[0] if sheets else None)
        if chosen is None:
            return _unreadable(name, None, "the workbook has no sheets")
        sheet = book.get_sheet_by_name(chosen)
        cells = sheet.to_python(skip_empty_area=True)
        first_row = sheet.start[0] + 1 if sheet.start else 1
    except (CalamineError, OSError, ValueError) as exc:
        return _unreadable(name, None, f"not a readable Excel workbook ({exc})")
    label = f"{name} [{chosen}]" if len(sheets) > 1 else name
    at = _header_row(cells, spec)
    if at is None:
        return _unreadable(label, first_row, "the sheet is empty: no header row")
    first_row += at  # title rows above the header are not the table
    cells = cells[at:]
    header = [str(c).strip() for c in cells[0]]
    duplicated = _duplicates(label, header, first_row)
    if duplicated is not None:
        return duplicated
    records, rows = [], []
    for offset, row in enumerate(cells[1:], start=1):
        texts = [_cell_text(c) for c in row]
        if any(texts):  # an empty row in a sheet is not a record
            records.append(texts)
            rows.append(first_row + offset)
    frame = pd.DataFrame(records, columns=header, dtype="str") if records else None
    if frame is None:
        frame = pd.DataFrame({h: pd.Series(dtype="str") for h in header})
    notes = [f"{label}: read from sheet '{chosen}'"] if len(sheets) > 1 else []
    return RawTable(label, frame, np.asarray(rows, dtype=np.int64), fnd.empty(), notes)


def _header_row(cells: list[list], spec: FileSpec | None, look: int = 10) -> int | None:
    """Which of the first rows is the header: the first naming a column of the table
    (exports often put a title above it), else the first row that is not empty."""
    filled = [i for i, row in enumerate(cells[:look]) if any(str(c).strip() for c in row)]
    if not filled:
        return None
    if spec is not None:
        for i in filled:
            if any(header_key(c) in spec.columns for c in cells[i]):
                return i
    return filled[0]


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


# ---------------------------------------------------------------- headers
def _duplicates(name: str, header: list[str], row: int) -> RawTable | None:
    keys = [header_key(h) for h in header]
    duplicated = sorted({h for h, k in zip(header, keys, strict=True) if keys.count(k) > 1})
    if not duplicated:
        return None
    return _failed(
        name,
        fnd.combine(
            [
                fnd.make(
                    "error",
                    "duplicate_column",
                    name,
                    [row],
                    col,
                    [col],
                    f"column '{col}' appears more than once in the header",
                )
                for col in duplicated
            ]
        ),
    )


def _match_headers(table: RawTable, spec: FileSpec | None) -> None:
    """Give the contract's spelling to headers that differ only in case, spaces or '-',
    and note the renamings once."""
    frame = table.frame
    known = set(spec.columns) if spec else set()
    renamed = {}
    for column in frame.columns:
        key = header_key(column)
        if key != column and (key in known or not known):
            renamed[column] = key
    if renamed:
        table.frame = frame.rename(columns=renamed)
        listed = ", ".join(f"{a} → {b}" for a, b in renamed.items())
        table.notes.append(f"{table.file}: headers matched to the contract: {listed}")


def _failed(name: str, findings: pd.DataFrame) -> RawTable:
    return RawTable(name, None, np.zeros(0, dtype=np.int64), findings)


def _unreadable(name: str, row: int | None, reason: str) -> RawTable:
    return _failed(name, fnd.make("error", "unreadable_file", name, [row], None, None, reason))


# ---------------------------------------------------------------- writing
def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table of text cells as UTF-8 CSV, quoting only where needed (byte-stable)."""
    table = pa.Table.from_pandas(frame.astype(str), preserve_index=False)
    with atomic_output(path) as temp:
        pacsv.write_csv(table, temp, write_options=pacsv.WriteOptions(quoting_style="needed"))
