"""Load a ``--data DIR`` into typed frames, or stop with every error found.

``check_data`` returns the findings (errors and warnings) and, when there are no errors,
the typed ``Tables``; ``load_tables`` raises ``InvalidData`` instead. Nothing here ever
drops a row: a row that cannot be used is an error finding and the run stops.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from sendlib import findings as fnd
from sendlib.contract import FILES, FileSpec, contract
from sendlib.integrity import orphans
from sendlib.read import read_text_csv
from sendlib.schemas import TRUE_WORDS, failures


@dataclass
class Tables:
    """The validated input, one typed frame per contract file (empty when absent).

    The index of each frame is its data-row position in the CSV, so ``index + 2`` is the
    spreadsheet row a finding points at.
    """

    person: pd.DataFrame
    requests: pd.DataFrame
    assessments: pd.DataFrame
    plans: pd.DataFrame
    reviews: pd.DataFrame
    placements: pd.DataFrame
    disputes: pd.DataFrame
    returns: pd.DataFrame
    benchmarks: pd.DataFrame
    population: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def check_data(
    data_dir: Path | str, needed: Iterable[str] | None = None
) -> tuple[Tables | None, pd.DataFrame]:
    """Read and validate every file; return (tables or None if errors, error findings).

    ``needed`` names the files the catalogue needs (default: all of them); a needed file
    that is absent is an error, any other absent file loads as an empty table.
    """
    data_dir = Path(data_dir)
    spec = contract()
    needed = set(FILES if needed is None else needed)
    found: list[pd.DataFrame] = []
    raw: dict[str, pd.DataFrame] = {}
    if not data_dir.is_dir():
        found.append(
            fnd.make(
                "error",
                "missing_file",
                str(data_dir),
                None,
                None,
                None,
                "data folder does not exist",
            )
        )
        return None, fnd.combine(found)
    for name in FILES:
        file_spec = spec.files[name]
        path = data_dir / file_spec.filename
        if not path.exists():
            if name in needed:
                found.append(
                    fnd.make(
                        "error",
                        "missing_file",
                        file_spec.filename,
                        None,
                        None,
                        None,
                        "file is missing but the KPI catalogue needs it",
                    )
                )
            continue
        read = read_text_csv(path)
        found.append(read.findings)
        if read.frame is None:
            continue
        found.append(failures(read.frame, file_spec, spec))
        raw[name] = _with_optional_columns(read.frame, file_spec)
    found.append(orphans(raw, spec))
    result = fnd.combine(found)
    if len(fnd.errors(result)):
        return None, result
    return Tables(**{name: _typed(raw.get(name), spec.files[name]) for name in FILES}), result


def load_tables(data_dir: Path | str, needed: Iterable[str] | None = None) -> Tables:
    """Typed tables of ``data_dir``; raises ``InvalidData`` listing every error."""
    tables, found = check_data(data_dir, needed)
    if tables is None:
        raise fnd.InvalidData(found)
    return tables


def _with_optional_columns(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: "" for c in missing})
    return frame


def _typed(frame: pd.DataFrame | None, spec: FileSpec) -> pd.DataFrame:
    """Contract types: dates → datetime64, bools → bool, numbers → float, blanks → missing."""
    if frame is None:
        frame = pd.DataFrame({c: pd.Series(dtype="str") for c in spec.columns})
    out = {}
    for name, col in spec.columns.items():
        values = frame[name]
        blank = values == ""
        if col.type == "date":
            out[name] = pd.to_datetime(values.mask(blank), format="%Y-%m-%d").astype(
                "datetime64[s]"
            )
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
