"""Keep outputs/index.html, the archive of published papers, up to date.

Rewritten after every successful run (a backfill rewrites it after each month): it lists
every ``OUT/YYYY-MM/`` folder that holds a published paper (a manifest), so a month
published by hand or removed by hand is listed or dropped the next time. Each month's
headline figures are read from its scorecard and kept in ``OUT/.cache/archive/`` under
the scorecard's hash and the code's: a re-render of the narrative reads no scorecard.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sendlib.files import atomic_write
from sendlib.months import Month
from sendlib.ops import manifest as mf
from sendlib.render.archive_page import LINKS, Published, archive_html

MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")


def published_months(out: Path) -> list[Published]:
    """Every published month under ``out`` with its headline figures and files."""
    months = []
    for folder in sorted(Path(out).iterdir()) if Path(out).is_dir() else []:
        if not (MONTH_FOLDER.match(folder.name) and (folder / "manifest.json").exists()):
            continue
        month = Month.parse(folder.name)
        card = folder / "scorecard.csv"
        tiles, values = _headlines(card, month, Path(out) / ".cache" / "archive")
        files = {name for group in LINKS.values() for name, _ in group if (folder / name).exists()}
        months.append(Published(month, tiles, values, files))
    return months


def _headlines(card: Path, month: Month, cache: Path) -> tuple[list[dict], dict[str, float]]:
    """A month's headline tiles and their KPIs' own values, from its scorecard.csv (none
    when it has none); the tiles as the paper showed them when its manifest keeps them (a
    termly figure carried forward from its month, beyond the scorecard's window)."""
    if not card.exists():
        return [], {}
    manifest = json.loads((card.parent / "manifest.json").read_text(encoding="utf-8"))
    shown = manifest.get("headlines") if isinstance(manifest, dict) else None
    headlines = _tiles_of(shown) if shown else _catalogue_headlines(manifest)
    key = mf.combined_hash(mf.sha256(card), mf.code_hash(), json.dumps(headlines))
    kept = cache / f"{month}.json"
    if kept.exists():
        entry = json.loads(kept.read_text(encoding="utf-8"))
        if entry.get("key") == key:
            return shown or entry["tiles"], entry["values"]
    tiles, values = _read_headlines(card, month, headlines)
    cache.mkdir(parents=True, exist_ok=True)
    entry = {"key": key, "tiles": tiles, "values": values}
    atomic_write(kept, json.dumps(entry, indent=1))
    return shown or tiles, values


def _tiles_of(shown: list[dict]) -> list[tuple[str, str]]:
    """The KPIs and words of the tiles a paper showed (its manifest's ``headlines``): read
    without the figures' code, so a narrative-only re-render loads none of it."""
    return [(t["kpi_id"], t["label"]) for t in shown]


def _catalogue_headlines(manifest: object) -> list[tuple[str, str]]:
    """The headline tiles of the catalogue the paper was made with (``headlines`` in its
    kpis.yaml); none when the manifest names none that can still be read."""
    from sendlib.scorecard.catalogue import CatalogueError, load_catalogue

    try:
        path = manifest["parameters"]["catalogue"]  # type: ignore[index]
        return [(h.kpi, h.label) for h in load_catalogue(path).headlines]
    except (KeyError, TypeError, OSError, CatalogueError):
        return []


def _read_headlines(
    card: Path, month: Month, headlines: list[tuple[str, str]]
) -> tuple[list[dict], dict[str, float]]:
    import pandas as pd

    from sendlib.scorecard.build import headline_tiles
    from sendlib.scorecard.catalogue import Headline

    scorecard = pd.read_csv(
        card, dtype={"display": str}, keep_default_na=False, na_values={"value": [""]}
    )
    tiles = headline_tiles(
        scorecard, month.period, [Headline(kpi=k, label=label) for k, label in headlines]
    )
    own = scorecard[scorecard["period"] == str(month)].set_index("kpi_id")["value"]
    values = {t["kpi_id"]: float(own.get(t["kpi_id"], float("nan"))) for t in tiles}
    return tiles, values


def write_archive(out: Path, title: str) -> Path:
    """Write ``OUT/index.html`` (atomically: a reader never sees half a page)."""
    out = Path(out)
    target = out / "index.html"
    atomic_write(target, archive_html(title, published_months(out)))
    return target
