"""Reading the release — the zip as downloaded, its unzipped folder, or sendlib's reduced
copy — keeping only the totals rows; and making that reduced copy. ``x``, ``z``, ``c``
and blanks are missing, never 0.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from sendlib.data.release.spec import (
    ATTRIBUTION,
    ID_COLUMNS,
    MeasureRule,
    ReleaseError,
    ReleaseSpec,
    release_spec,
)
from sendlib.files import atomic_output


def read_release(path: Path | str, spec: ReleaseSpec | None = None) -> pd.DataFrame:
    """Every mapped measure of the release, long: kpi_id, period, geographic_level,
    region_code, region_name, new_la_code, old_la_code, la_name, value (NaN = missing),
    source. Raises ``ReleaseError`` naming what is wrong."""
    spec = spec or release_spec()
    files = _Files(Path(path))
    out = []
    for name, rule in spec.files.items():
        wanted = [m for m in spec.measures.values() if m.file == name]
        if not wanted:
            continue
        columns = sorted({c for m in wanted for c in m.columns})
        frame = files.read(name, [*ID_COLUMNS, *columns])
        frame = frame[frame["breakdown_topic"].str.startswith("All")]
        frame = frame[frame["breakdown_topic"] == rule.totals]
        if frame.empty:
            raise ReleaseError(f"{files.where(name)}: no totals rows ('{rule.totals}')")
        period = _periods(frame["time_period"], rule.period)
        for kpi_id, measure in spec.measures.items():
            if measure.file != name:
                continue
            out.append(
                pd.DataFrame(
                    {
                        "kpi_id": kpi_id,
                        "period": period,
                        **{c: frame[c] for c in ID_COLUMNS[1:-1]},
                        "value": _value(frame, measure),
                        "source": measure.source(spec.release),
                    }
                )
            )
    return pd.concat(out, ignore_index=True)


def caseloads(path: Path | str, spec: ReleaseSpec | None = None) -> pd.DataFrame:
    """Every council's published number of EHC plans each January: new_la_code, la_name,
    region_code, period (``YYYY-01``), plans (NaN = missing)."""
    spec = spec or release_spec()
    rule = spec.files["caseload"]
    frame = _Files(Path(path)).read("caseload", [*ID_COLUMNS, "ehcplans"])
    frame = frame[
        (frame["breakdown_topic"] == rule.totals) & (frame["geographic_level"] == "Local authority")
    ]
    return pd.DataFrame(
        {
            "new_la_code": frame["new_la_code"],
            "la_name": frame["la_name"],
            "region_code": frame["region_code"],
            "period": _periods(frame["time_period"], rule.period),
            "plans": _number(frame["ehcplans"]),
        }
    ).reset_index(drop=True)


class _Files:
    """The release's CSV files, from the zip or the folder (found by name anywhere)."""

    def __init__(self, path: Path):
        self.path = path
        if path.is_dir():
            self.names = {p.name: p for p in path.rglob("*.csv")}
            self.zip = None
        elif path.is_file():
            try:
                self.zip = zipfile.ZipFile(path)
                self.names = {Path(n).name: n for n in self.zip.namelist() if n.endswith(".csv")}
                bad = self.zip.testzip()
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ReleaseError(f"{path}: not a readable zip file ({exc})") from exc
            if bad is not None:
                raise ReleaseError(f"{path}: the zip is damaged ({bad} does not read back)")
        else:
            raise ReleaseError(f"{path}: no such file or folder")

    def where(self, name: str) -> str:
        return f"{self.path}: {name}.csv"

    def read(self, name: str, columns: list[str]) -> pd.DataFrame:
        found = self.names.get(f"{name}.csv")
        if found is None:
            raise ReleaseError(
                f"{self.path}: has no {name}.csv — is it the DfE's Education, health and "
                "care plans release?"
            )
        try:
            data = self.zip.read(found) if self.zip else Path(found).read_bytes()
            header = pd.read_csv(io.BytesIO(data), nrows=0, encoding="utf-8-sig").columns
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ReleaseError(f"{self.where(name)}: cannot be read ({exc})") from exc
        missing = [c for c in columns if c not in header]
        if missing:
            raise ReleaseError(
                f"{self.where(name)}: no column {', '.join(missing)} (the mapping in "
                "dfe_release.yaml needs it; has the DfE renamed it?)"
            )
        return pd.read_csv(
            io.BytesIO(data),
            usecols=columns,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )


def _periods(values: pd.Series, kind: str) -> pd.Series:
    """Calendar years end in December; academic years' January snapshots in January."""
    if kind == "calendar":
        return values.str[:4] + "-12"
    return values.str[4:6].radd("20") + "-01"


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.where(~values.isin(["x", "z", "c", "", "low"])), errors="coerce")


def _value(frame: pd.DataFrame, measure: MeasureRule) -> pd.Series:
    if measure.column:
        return _number(frame[measure.column])
    total = sum(_number(frame[c]) for c in measure.sum)
    of = _number(frame[measure.of])
    return (100 * total / of.where(of > 0)).round(1)


def reduce_release(source: Path, target: Path, spec: ReleaseSpec | None = None) -> Path:
    """A reduced copy of the release: only the totals rows and the columns the mapping
    reads, every council and year, zipped, with its attribution."""
    spec = spec or release_spec()
    files = _Files(Path(source))
    with (
        atomic_output(target) as temp,
        zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for name, rule in spec.files.items():
            columns = sorted(
                {c for m in spec.measures.values() if m.file == name for c in m.columns}
            )
            frame = files.read(name, [*ID_COLUMNS, *columns])
            frame = frame[frame["breakdown_topic"] == rule.totals]
            info = zipfile.ZipInfo(f"data/{name}.csv", date_time=(2025, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, frame.to_csv(index=False, lineterminator="\n"))
        info = zipfile.ZipInfo("README.txt", date_time=(2025, 7, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(info, ATTRIBUTION + "\n")
    return target
