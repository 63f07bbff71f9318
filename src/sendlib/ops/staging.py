"""Writing output folders atomically: everything lands in a temporary folder beside the
target and is moved into ``OUT/YYYY-MM/`` only when complete: a reader of the published
folder never sees half a month's files."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sendlib.config import SUPPRESSION_THRESHOLD
from sendlib.files import recover_folder, swap_folder

if TYPE_CHECKING:  # every run publishes through ``staged``: the scorecard's code loads
    # only when a scorecard is written
    import pandas as pd

    from sendlib.data.load import Tables
    from sendlib.scorecard.catalogue import Catalogue


@contextlib.contextmanager
def staged(target: Path, keep: bool = False) -> Iterator[Path]:
    """A temporary folder that replaces ``target`` on success; on failure ``target`` is
    untouched. With ``keep``, files already in ``target`` and not rewritten are kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_folder(target)  # a publish killed between two renames (no atomic exchange)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        if keep and target.exists():
            shutil.copytree(target, tmp, dirs_exist_ok=True)
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        swap_folder(tmp, target)  # every file flushed, then exchanged in one step
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_scorecard_files(
    tables: Tables,
    catalogue: Catalogue,
    month: pd.Period,
    months: int,
    out: Path,
    threshold: int = SUPPRESSION_THRESHOLD,
    year_start: int = 1,
) -> Path:
    """scorecard.csv and scorecard.xlsx in ``out/YYYY-MM/`` (other files there are kept),
    every value as the disclosure decision at ``threshold`` leaves it; year-to-date
    measures count from calendar month ``year_start``."""
    from sendlib.scorecard.build import build, comparator_periods, write_csv
    from sendlib.scorecard.disclosure import Disclosure

    target = Path(out) / str(month)
    card = build(
        tables, catalogue, month, months, disclosure=Disclosure(threshold), year_start=year_start
    )
    dated = comparator_periods(catalogue, tables.benchmarks, month)
    with staged(target, keep=True) as folder:
        write_csv(card, folder / "scorecard.csv")
        from sendlib.scorecard.workbook import write_workbook  # openpyxl, loaded when needed

        write_workbook(card, catalogue, month, folder / "scorecard.xlsx", dated)
    return target
