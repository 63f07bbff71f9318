"""A council in the release, found by code or name among the councils it holds now,
before any predecessor; a predecessor's name or code is refused with the council that
took its area over (``councils.yaml``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict

from sendlib.data.release.spec import ReleaseError


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
