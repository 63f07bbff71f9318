"""What a run publishes beside the paper from its paper data: the scorecard files, and the
summary's headline tiles as the paper shows them (kept for the archive)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the figures' modules load only when notebooks run
    import pandas as pd

    from sendlib.paper.data import PaperData
    from sendlib.scorecard.catalogue import Catalogue


def headlines(data: PaperData, month: pd.Period) -> list[dict[str, str]]:
    """The summary's headline tiles as the paper shows them (a termly figure carried
    forward with its month), kept so the archive shows the same."""
    from sendlib.scorecard.build import headline_tiles
    from sendlib.scorecard.catalogue import Catalogue

    catalogue = Catalogue.model_validate(data.meta["catalogue"])
    frames = data.frames
    return headline_tiles(
        frames["scorecard"],
        month,
        catalogue.headlines,
        frames["values"],
        catalogue,
        frames["status"],
    )


def write_scorecards(data: PaperData, catalogue: Catalogue, month: pd.Period, folder: Path) -> None:
    """scorecard.csv and scorecard.xlsx of the paper's scorecard."""
    from sendlib.scorecard.build import write_csv
    from sendlib.scorecard.workbook import write_workbook  # openpyxl: only when made

    folder.mkdir(parents=True, exist_ok=True)
    write_csv(data.frames["scorecard"], folder / "scorecard.csv")
    extract = data.meta.get("extract", {})
    write_workbook(
        data.frames["scorecard"],
        catalogue,
        month,
        folder / "scorecard.xlsx",
        data.frames["comparators"],
        provisional=extract.get("data_to", "") if extract.get("provisional") else "",
    )
