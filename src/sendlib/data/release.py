"""The DfE's "Education, health and care plans" release, read into comparators.

The release (explore-education-statistics, every June, OGL v3) holds every council's
figures, its region's and England's, as one CSV per topic. ``dfe_release.yaml`` says
which file and column gives each KPI. This module reads the release — the zip as
downloaded, its unzipped folder, or sendlib's reduced copy — keeping only the totals rows,
and makes the contract's ``benchmarks.csv`` rows for England, the council's region, its
statistical neighbours (the unweighted mean of their published values, when at least half
have one; never the council itself) and the council itself (comparator ``published``: the
figure the DfE published for it, for reconciliation). ``x``, ``z``, ``c`` and blanks are
missing, never 0. A council is found by code or name among the councils the release holds
now, before any predecessor; a predecessor's name or code is refused with the council that
took its area over (``councils.yaml``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from sendlib.files import atomic_output

ID_COLUMNS = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "breakdown_topic",
]
REDUCED = "ehcp-release-reduced.zip"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0: "
    "Department for Education, Education, health and care plans, reporting year 2025 "
    "(explore-education-statistics). Reduced by sendlib to the totals rows and the columns "
    "its comparators read."
)


class ReleaseError(Exception):
    """The release, the council or a neighbour cannot be used; the message says why."""


class FileRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    totals: str
    period: str  # calendar (time_period 2024 → 2024-12) or january (202425 → 2025-01)


class MeasureRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    column: str | None = None
    sum: list[str] = []
    of: str | None = None
    title: str
    sentence: str
    definition: str
    #: what the DfE counts, in words a KPI's measure is matched against (like for like)
    numerator: str
    denominator: str

    @model_validator(mode="after")
    def _one_way(self) -> MeasureRule:
        if bool(self.column) == bool(self.sum and self.of):
            raise ValueError("a measure is either a column, or a sum of columns 'of' another")
        return self

    @property
    def columns(self) -> list[str]:
        return [self.column] if self.column else [*self.sum, self.of]

    def source(self, release: str) -> str:
        if self.column:
            return f"{release}: {self.file}.csv {self.column}"
        return f"{release}: {self.file}.csv ({' + '.join(self.sum)}) / {self.of}"


class ReleaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    release: str
    regions: dict[str, str]
    files: dict[str, FileRule]
    measures: dict[str, MeasureRule]

    def period_kind(self, kpi_id: str) -> str:
        """``events`` (counted over calendar years) or ``snapshot`` (plans in January)."""
        rule = self.files[self.measures[kpi_id].file]
        return "events" if rule.period == "calendar" else "snapshot"


@cache
def release_spec() -> ReleaseSpec:
    """The mapping from the release to KPIs (``dfe_release.yaml``)."""
    text = resources.files("sendlib.data").joinpath("dfe_release.yaml").read_text("utf-8")
    return ReleaseSpec.model_validate(yaml.safe_load(text))


def reduced_release() -> Path:
    """sendlib's reduced copy of the release (every council and year, totals only)."""
    return Path(str(resources.files("sendlib.data").joinpath(REDUCED)))


# ---------------------------------------------------------------- reading
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


# ---------------------------------------------------------------- the council and its comparators
@dataclass(frozen=True)
class Council:
    new_code: str
    old_code: str
    name: str
    region_code: str
    region_name: str


class Succession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    old_code: str = ""
    name: str
    ended: dt.date
    successors: list[str]
    also_named: list[str] = []


class Successions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    successions: list[Succession]


@cache
def successions() -> list[Succession]:
    """Councils abolished since the releases began, and who took over (``councils.yaml``)."""
    text = resources.files("sendlib.data").joinpath("councils.yaml").read_text("utf-8")
    return Successions.model_validate(yaml.safe_load(text)).successions


def current_councils(release: pd.DataFrame) -> pd.DataFrame:
    """The councils the release holds in its latest period (one row each, latest first):
    a code or name is looked up among these before any predecessor."""
    las = release[release["geographic_level"] == "Local authority"]
    latest = las.sort_values("period").drop_duplicates("new_la_code", keep="last")
    now = latest[latest["period"] == las["period"].max()]
    return now.reset_index(drop=True)


def _council(r) -> Council:
    return Council(
        r["new_la_code"], r["old_la_code"], r["la_name"], r["region_code"], r["region_name"]
    )


def find_council(release: pd.DataFrame, la: str) -> Council:
    """The council named by its new code (E06000058), old code (839) or exact name, among
    the councils the release holds now; a predecessor's code or name is refused with the
    council that took over its area (Bournemouth → Bournemouth, Christchurch and Poole)."""
    las = release[release["geographic_level"] == "Local authority"]
    now = current_councils(release)
    key = la.strip()
    by_code = now[(now["new_la_code"] == key) | (now["old_la_code"] == key)]
    by_name = now[now["la_name"] == key]
    for hit in (by_code, by_name):
        if len(hit) == 1:
            return _council(hit.iloc[0])
        if len(hit) > 1:
            listed = ", ".join(f"{r.la_name} ({r.new_la_code})" for r in hit.itertuples())
            raise ReleaseError(f"'{la}' names more than one council in the release: {listed}")
    # a former code of a council that is still there (same LA number): the current one
    former = las[las["new_la_code"] == key]
    if len(former):
        same = now[now["old_la_code"] == former["old_la_code"].iloc[0]]
        if len(same) == 1 and former["old_la_code"].iloc[0]:
            return _council(same.iloc[0])
    predecessor = _predecessor(key)
    if predecessor is not None:
        names = {r.new_la_code: r.la_name for r in now.itertuples()}
        took_over = [f"{names.get(c, c)} ({c})" for c in predecessor.successors]
        raise ReleaseError(
            f"'{la}' is {predecessor.name} ({predecessor.code}), a council until "
            f"{predecessor.ended.day} {predecessor.ended:%B %Y}: its area is now "
            + " and ".join(took_over)
            + f"; give {' or '.join(predecessor.successors)}"
        )
    if len(las[(las["old_la_code"] == key) | (las["la_name"] == key)]):
        hit = las[(las["old_la_code"] == key) | (las["la_name"] == key)]
        last = hit["period"].max()
        raise ReleaseError(
            f"'{la}' is {hit['la_name'].iloc[0]} ({hit['new_la_code'].iloc[0]}), in the "
            f"release only until {last}: give the code of the council that holds its area now"
        )
    # suggestions: current councils, and what a predecessor's name now is
    names = {n: n for n in now["la_name"].unique()}
    current = {r.new_la_code: r.la_name for r in now.itertuples()}
    for s in successions():
        names.setdefault(s.name, " / ".join(current.get(c, c) for c in s.successors))
    close = difflib.get_close_matches(key, sorted(names), n=3, cutoff=0.6)
    close = list(dict.fromkeys(names[c] for c in close))
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ReleaseError(f"no council '{la}' in the release (give its code or exact name){hint}")


def _predecessor(key: str) -> Succession | None:
    for s in successions():
        if key in (s.code, s.old_code, s.name, *s.also_named) and key:
            return s
    return None


def without_council(council: Council | None, codes: list[str]) -> tuple[list[str], list[str]]:
    """The neighbours without the council itself (by its new or its old code: a council is
    never its own statistical neighbour), and the codes left out."""
    if council is None:
        return list(codes), []
    own = {council.new_code, council.old_code} - {""}
    return [c for c in codes if c not in own], [c for c in codes if c in own]


def region_name(release: pd.DataFrame, code: str) -> str:
    regions = release[release["geographic_level"] == "Regional"]
    found = regions.loc[regions["region_code"] == code, "region_name"]
    if found.empty:
        known = ", ".join(sorted(set(regions["region_code"] + " " + regions["region_name"])))
        raise ReleaseError(f"no region '{code}' in the release (regions: {known})")
    return str(found.iloc[0])


def benchmark_rows(
    release: pd.DataFrame,
    council: Council | None,
    region: str | None,
    neighbours: list[str],
) -> pd.DataFrame:
    """The contract's benchmarks.csv rows for the council: England, its region, its
    statistical neighbours' mean, and (a council in the release) its own figure."""
    neighbours, _ = without_council(council, neighbours)  # never the council itself
    known = set(release["new_la_code"]) | set(release["old_la_code"])
    unknown = [n for n in neighbours if n not in known - {""}]
    if unknown:
        raise ReleaseError(f"statistical neighbour(s) not in the release: {', '.join(unknown)}")
    region = council.region_code if council else region
    if region:
        region_name(release, region)
    parts = [_rows(release[release["geographic_level"] == "National"], "england")]
    if region:
        at = release[
            (release["geographic_level"] == "Regional") & (release["region_code"] == region)
        ]
        at = at.assign(source=at["source"] + ", " + at["region_name"])  # which region
        parts.append(_rows(at, "region"))
    if neighbours:
        parts.append(_neighbours(release, neighbours))
    if council:
        las = release[release["geographic_level"] == "Local authority"]
        own = las[
            (las["new_la_code"] == council.new_code) | (las["old_la_code"] == council.old_code)
        ]
        parts.append(_rows(own, "published"))
    rows = pd.concat(parts, ignore_index=True)
    return rows.sort_values(["kpi_id", "comparator", "period"], kind="stable").reset_index(
        drop=True
    )


def _rows(frame: pd.DataFrame, comparator: str) -> pd.DataFrame:
    frame = frame.dropna(subset=["value"])
    return pd.DataFrame(
        {
            "kpi_id": frame["kpi_id"],
            "comparator": comparator,
            "period": frame["period"],
            "value": frame["value"].map(_text),
            "source": frame["source"],
        }
    )


def _neighbours(release: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    las = release[release["geographic_level"] == "Local authority"]
    theirs = las[las["new_la_code"].isin(codes) | las["old_la_code"].isin(codes)]
    need = math.ceil(len(codes) / 2)
    grouped = theirs.groupby(["kpi_id", "period"], sort=True)
    stats = grouped["value"].agg(["mean", "count"]).reset_index()
    stats = stats[stats["count"] >= need]
    source = (
        grouped["source"].first().reindex(pd.MultiIndex.from_frame(stats[["kpi_id", "period"]]))
    )
    return pd.DataFrame(
        {
            "kpi_id": stats["kpi_id"],
            "comparator": "statistical_neighbours",
            "period": stats["period"],
            "value": stats["mean"].round(1).map(_text),
            "source": [f"{s}, mean of {need}+ of {len(codes)} neighbours" for s in source],
        }
    )


def _text(value: float) -> str:
    """A value as published: no trailing '.0' on a whole number."""
    return f"{value:.1f}".removesuffix(".0") if not float(value).is_integer() else str(int(value))


def update_benchmarks(existing: pd.DataFrame | None, rows: pd.DataFrame) -> pd.DataFrame:
    """benchmarks.csv with the release's rows: rows of KPIs the release does not cover
    (typed in from another publication) are kept; rows of KPIs it covers are replaced."""
    owned = set(release_spec().measures)
    kept = existing[~existing["kpi_id"].isin(owned)] if existing is not None else None
    merged = pd.concat([kept, rows], ignore_index=True) if kept is not None else rows
    return merged.sort_values(["kpi_id", "comparator", "period"], kind="stable").reset_index(
        drop=True
    )


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
