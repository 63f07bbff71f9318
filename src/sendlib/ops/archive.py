"""Keep outputs/index.html, the archive of published papers, up to date.

Rewritten after every successful run (a backfill rewrites it after each month): it lists
every ``OUT/YYYY-MM/`` folder that holds a published paper (a manifest), so a month
published by hand or removed by hand is listed or dropped the next time.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from sendlib.render.archive import LINKS, Month, archive_html
from sendlib.scorecard.build import headline_tiles

MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")


def published_months(out: Path) -> list[Month]:
    """Every published month under ``out`` with its headline figures and files."""
    months = []
    for folder in sorted(Path(out).iterdir()) if Path(out).is_dir() else []:
        card = folder / "scorecard.csv"
        if not (MONTH_FOLDER.match(folder.name) and (folder / "manifest.json").exists()):
            continue
        month = pd.Period(folder.name, freq="M")
        scorecard = (
            pd.read_csv(
                card, dtype={"display": str}, keep_default_na=False, na_values={"value": [""]}
            )
            if card.exists()
            else None
        )
        tiles = headline_tiles(scorecard, month) if scorecard is not None else []
        values = {}
        if scorecard is not None:
            own = scorecard[scorecard["period"] == str(month)].set_index("kpi_id")["value"]
            values = {t["kpi_id"]: float(own.get(t["kpi_id"], float("nan"))) for t in tiles}
        files = {name for group in LINKS.values() for name, _ in group if (folder / name).exists()}
        months.append(Month(month, tiles, values, files))
    return months


def write_archive(out: Path, title: str) -> Path:
    """Write ``OUT/index.html`` (atomically: a reader never sees half a page)."""
    out = Path(out)
    page = archive_html(title, published_months(out))
    target = out / "index.html"
    handle, temp = tempfile.mkstemp(dir=out, prefix=".index-", suffix=".html")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        f.write(page)
    os.chmod(temp, 0o644)
    os.replace(temp, target)
    return target
