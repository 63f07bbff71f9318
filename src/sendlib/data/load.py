"""Load a ``--data DIR`` into typed frames, or stop with every error found.

``check_data`` returns the findings (errors and warnings) and, when there are no errors,
the typed ``Tables``; ``load_tables`` raises ``InvalidData`` instead. Nothing here ever
drops a row: a row that cannot be used is an error finding and the run stops.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sendlib.data import findings as fnd
from sendlib.data.cache import CachedTable, TableCache, combined_key
from sendlib.data.contract import FileSpec, contract, files, find_sources
from sendlib.data.datecolumns import read_dates
from sendlib.data.integrity import orphans
from sendlib.data.schemas import TRUE_WORDS, failures
from sendlib.data.sources import RawTable, header_key, read_source

#: problems after which a table's rows cannot be looked up by the files referring to it
UNJOINABLE = frozenset({"missing_column", "duplicate_column", "malformed_row"})


class Tables:
    """The validated input: one typed frame per contract table (empty when absent).

    ``tables.plans`` is the plans frame. The index of each frame is its position in the
    source; ``locate`` turns positions into the row numbers a person finds in the file.
    """

    def __init__(
        self,
        frames: dict[str, pd.DataFrame],
        rows: dict[str, np.ndarray] | None = None,
        sources: dict[str, str] | None = None,
        held: dict[str, frozenset[str]] | None = None,
    ):
        self._frames = dict(frames)
        self.rows = dict(rows or {})
        self.sources = dict(sources or {})
        #: each table's columns that the source holds: present and not wholly blank. A
        #: measure reading a column that is not held is not available, never 0
        self.held = (
            dict(held) if held is not None else {n: held_columns(f) for n, f in frames.items()}
        )
        #: each table's cache key (``sendlib.data.cache``), when every table has one
        self.keys: dict[str, str] = {}

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["_frames"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def frames(self) -> dict[str, pd.DataFrame]:
        return dict(self._frames)

    def replace(self, **frames: pd.DataFrame) -> Tables:
        """These tables with some frames replaced (rows keep their locators, and a table
        keeps the columns its file held)."""
        # a table put in where there was none holds what it holds; one cut down (a team's
        # rows) holds the columns the whole file held
        held = {
            **{n: held_columns(f) for n, f in frames.items() if n not in self.held},
            **self.held,
        }
        return Tables({**self._frames, **frames}, self.rows, self.sources, held)

    def holds(self, table: str, column: str) -> bool:
        """Whether the data holds this column (``person.social_care``): present in the
        file and not blank in every row."""
        return column in self.held.get(table, frozenset())

    def file(self, name: str) -> str:
        """The name of the file a table was read from (``person.csv``)."""
        return self.sources.get(name, contract().files[name].filename)

    def locate(self, name: str, positions: pd.Index | np.ndarray) -> np.ndarray:
        """Row numbers in the source file of rows at these positions."""
        positions = np.asarray(positions, dtype=np.int64)
        rows = self.rows.get(name)
        return rows[positions] if rows is not None else positions + 2


def check_data(
    data_dir: Path | str, needed: Iterable[str] | None = None, cache: bool = False
) -> tuple[Tables | None, pd.DataFrame]:
    """Read and validate every file; return (tables or None if errors, findings). The
    findings also carry notes on how files were read (an encoding, day-first dates).

    ``needed`` names the tables the catalogue needs (default: all but the optional ones);
    a needed table that is absent is an error, any other absent table loads as an empty one. With
    ``cache``, tables that read cleanly are kept beside the data and read back from there
    while their files are unchanged (``sendlib.data.cache``): the same tables, faster.
    """
    data_dir = Path(data_dir)
    spec = contract()
    needed = set([f for f in files() if not spec.files[f].optional] if needed is None else needed)
    if not data_dir.is_dir():
        missing = fnd.make(
            "error", "missing_file", str(data_dir), None, None, None, "data folder does not exist"
        )
        return None, missing
    store = TableCache(data_dir) if cache else None
    found: list[pd.DataFrame] = []
    raw: dict[str, RawTable] = {}
    hits: dict[str, CachedTable] = {}
    keys: dict[str, str] = {}
    broken: dict[str, str] = {}  # tables that could not be read whole, and their file
    own: dict[str, pd.DataFrame] = {}  # each table's own findings and notes
    for name in files():
        file_spec = spec.files[name]
        paths = find_sources(data_dir, name)
        if store is not None and len(paths) == 1:
            keys[name] = store.key(paths[0])
            hit = store.get(name, keys[name], file_spec)
            if hit is not None:
                hits[name] = hit
                found.append(hit.findings)
                continue
        table, problems = _read(paths, name, file_spec, needed)
        found.append(problems)
        own[name] = problems
        if table is None:
            if len(problems):
                broken[name] = str(problems["file"].iloc[0])
            continue
        raw[name] = table
        if problems["rule"].isin(UNJOINABLE).any():
            broken[name] = table.file
    found.append(_orphans(raw, hits, spec, broken, store, keys))
    result = fnd.combine(found)
    if len(fnd.errors(result)):
        return None, result
    frames = {name: hit.frame for name, hit in hits.items()}
    for name in files():
        if name not in frames:
            frames[name] = _typed(raw[name].frame if name in raw else None, spec.files[name])
    rows = {name: table.rows for name, table in raw.items()} | {
        name: hit.rows for name, hit in hits.items()
    }
    sources = {name: table.file for name, table in raw.items()} | {
        name: hit.file for name, hit in hits.items()
    }
    held = {name: hit.held for name, hit in hits.items()} | {
        name: held_columns(raw[name].frame) for name in raw
    }
    tables = Tables(frames, rows, sources, held)
    if store is not None:
        for name, table in raw.items():
            entry = CachedTable(frames[name], table.rows, table.file, own[name], held[name])
            store.put(name, keys[name], entry)
        if set(raw) | set(hits) <= set(keys):
            tables.keys = keys
    return tables, result


def _orphans(
    raw: dict[str, RawTable],
    hits: dict[str, CachedTable],
    spec,
    broken: dict[str, str],
    store: TableCache | None,
    keys: dict[str, str],
) -> pd.DataFrame:
    """References to rows that do not exist, across the tables read and those from the
    cache (kept, too, while no table has changed)."""
    key = combined_key("orphans", sorted(keys.items()), sorted(broken.items()))
    every = set(raw) | set(hits)
    cacheable = store is not None and every <= set(keys)
    if cacheable:
        kept = store.findings("orphans", key)
        if kept is not None:
            return kept
    tables = dict(raw)
    for name, hit in hits.items():  # the text of their id columns is all orphans reads
        ids = [c for c, col in spec.files[name].columns.items() if col.type == "id"]
        text = hit.frame[ids].astype(object).where(hit.frame[ids].notna(), "")
        tables[name] = RawTable(hit.file, text, hit.rows, fnd.empty())
    found = orphans(tables, spec, broken)
    if cacheable:
        store.put_findings("orphans", key, found)
    return found


def _read(
    paths: list[Path], name: str, file_spec: FileSpec, needed: set[str]
) -> tuple[RawTable | None, pd.DataFrame]:
    """One table read and checked cell by cell (None when it cannot be read at all), with
    its findings and notes."""
    spec = contract()
    if len(paths) > 1:
        names = " and ".join(p.name for p in paths)
        reason = f"{names} both hold the {name} table: keep one"
        return None, fnd.make("error", "ambiguous_source", paths[0].name, None, None, None, reason)
    if not paths:
        if name not in needed:
            return None, fnd.empty()
        if file_spec.optional:  # the figures that read it are not available, never 0
            reason = (
                "file is missing: the figures that read it are shown as not available "
                "([x]), never as 0 (add it, as .csv or .xlsx, if the council holds it)"
            )
            return None, fnd.make(
                "warning", "file_not_held", file_spec.filename, None, None, None, reason
            )
        reason = "file is missing but the KPI catalogue needs it (.csv or .xlsx)"
        return None, fnd.make("error", "missing_file", file_spec.filename, None, None, None, reason)
    table = read_source(paths[0], file_spec)
    if table.frame is None:
        return None, fnd.combine([table.findings, *(fnd.note(table.file, n) for n in table.notes)])
    refused = read_dates(table, file_spec)
    checked = failures(table, file_spec, spec, refused)
    strangers = unknown_columns(table, file_spec)
    table.frame = _with_optional_columns(table.frame, file_spec)
    notes = [fnd.note(table.file, n) for n in table.notes]
    return table, fnd.combine([table.findings, checked, strangers, *notes])


def unknown_columns(table: RawTable, spec: FileSpec) -> pd.DataFrame:
    """A warning for each column of the export the contract does not know: it is not read,
    so a misspelt header (``Ethnicty``) would leave its column blank in every figure — said,
    with the contract's column it may be meant for."""
    out = []
    # only a column the file lacks can be the one a header was meant for ('requst_date'
    # is not 'request_id' when the file has request_id)
    absent = [c for c in spec.columns if c not in table.frame.columns]
    header_row = int(table.rows[0]) - 1 if len(table.rows) else 1
    for column in table.frame.columns:
        if column in spec.columns:
            continue
        close = difflib.get_close_matches(header_key(column), absent, n=1, cutoff=0.75)
        if close:
            if spec.columns[close[0]].required:
                continue  # the missing required column's error names this header
            hint = (
                f" — did you mean '{close[0]}'? (the file has no {close[0]} column, so it "
                "is read as not recorded)"
            )
        elif absent:
            hint = f" (the contract's columns this file lacks: {', '.join(absent)})"
        else:
            hint = " (the file already has every column of the contract)"
        out.append(
            fnd.make(
                "warning",
                "unknown_column",
                table.file,
                [header_row],
                str(column),
                None,
                f"column '{column}' is not in the data contract, so it is not read{hint}",
            )
        )
    return fnd.combine(out)


def load_tables(
    data_dir: Path | str, needed: Iterable[str] | None = None, cache: bool = False
) -> Tables:
    """Typed tables of ``data_dir``; raises ``InvalidData`` listing every error."""
    tables, found = check_data(data_dir, needed, cache)
    if tables is None:
        raise fnd.InvalidData(found)
    return tables


def held_columns(frame: pd.DataFrame) -> frozenset[str]:
    """The columns of a frame with at least one value that is not blank (text as read, or
    typed: a blank cell is "" or missing; a typed bool column is held when any is true)."""
    held = set()
    for name in frame.columns:
        values = frame[name]
        if values.dtype == bool:
            filled = values.any()
        elif values.dtype.kind in "OU" or str(values.dtype) == "str":
            filled = (values.notna() & (values != "")).any()
        else:
            filled = values.notna().any()
        if filled:
            held.add(str(name))
    return frozenset(held)


def _with_optional_columns(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: "" for c in missing})
    return frame


def _dates(values: pd.Series) -> pd.Series:
    """Checked ISO dates (blank → NaT) as datetime64[s], parsed by Arrow in C."""
    text = pa.array(values.astype("str"), type=pa.large_string())
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    return pd.Series(
        parsed.to_numpy(zero_copy_only=False), index=values.index, dtype="datetime64[s]"
    )


def _typed(frame: pd.DataFrame | None, spec: FileSpec) -> pd.DataFrame:
    """Contract types: dates → datetime64, bools → bool, numbers → float, blanks → missing."""
    if frame is None:
        frame = pd.DataFrame({c: pd.Series(dtype="str") for c in spec.columns})
    out = {}
    for name, col in spec.columns.items():
        values = frame[name]
        blank = values == ""
        if col.type == "date":
            out[name] = _dates(values)
        elif col.type == "bool":
            out[name] = values.str.lower().isin(TRUE_WORDS).astype(bool)
        elif col.type == "number":
            out[name] = pd.to_numeric(values.mask(blank)).astype("float64")
        elif col.type == "integer":
            out[name] = pd.to_numeric(values.mask(blank)).astype("Int64")
        else:
            out[name] = values.mask(blank).astype("str")
    typed = pd.DataFrame(out, index=frame.index)
    extra = [c for c in frame.columns if c not in spec.columns]
    return typed if not extra else typed.join(frame[extra])
