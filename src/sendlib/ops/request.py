"""What a run of the paper was asked for, and how it ended.

The command line builds one ``RunRequest`` and passes it down; a backfill or a set of
team packs is a list of them (``RunRequest.for_month``, ``for_team``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sendlib.config import RunParams
from sendlib.files import slug
from sendlib.months import Month

if TYPE_CHECKING:
    import pandas as pd

CELL_TIMEOUT = 600  # seconds per notebook cell
WORKERS = 2

# exit codes, for the scheduler that runs sendlib (README: "Exit codes")
EXIT_OK = 0
EXIT_INPUT = 1  # bad data, parameters or notebook: the message says which and where
EXIT_USAGE = 2  # the command line itself is wrong (an unknown option, a bad month)
EXIT_BUSY = 3  # another run of the same month is in progress (--no-wait)
EXIT_RENDER = 4  # the paper could not be rendered
EXIT_BUG = 5  # sendlib failed in a way that is a bug, not bad input


@dataclass(frozen=True)
class RunRequest:
    """One paper (or one team's pack) to render for one month (``month`` may be given as
    a ``Month``, a pandas ``Period`` or ``YYYY-MM``; it is held as a ``Month``)."""

    month: Month
    data_dir: Path = Path("data/raw")
    params_dir: Path = Path("params")
    catalogue: Path | None = None  # default: PARAMS/kpis.yaml
    out: Path = Path("outputs")
    team: str = ""
    renderer: str = "nbconvert"
    notebooks_dir: Path = Path("notebooks")
    workers: int = WORKERS
    timeout: int = CELL_TIMEOUT
    narrative_only: bool = False
    preview: bool = False
    wait: bool = True
    allow_draft: bool = False
    allow_unused_narrative: bool = False  # publish with a narrative file no section reads
    provisional: bool = False  # a month the extract covers only in part, stamped so
    isolated: bool = False  # a preview working apart from the month's run (see runner)

    def __post_init__(self) -> None:
        object.__setattr__(self, "month", Month.of(self.month))

    @property
    def catalogue_path(self) -> Path:
        return self.catalogue or self.params_dir / "kpis.yaml"

    @property
    def label(self) -> str:
        """How the run is named: the month, or the month and the team's slug."""
        return str(self.month) if not self.team else f"{self.month}-{slug(self.team)}"

    @property
    def target(self) -> Path:
        """Where the paper is published."""
        if not self.team:
            return self.out / str(self.month)
        return self.out / "teams" / slug(self.team) / str(self.month)

    @property
    def work(self) -> Path:
        """The run's working folder (executed notebooks, paper data, logs): never published.
        An isolated preview has one of its own."""
        return self.out / ".work" / (self.label + ("-preview" if self.isolated else ""))

    @property
    def failed(self) -> Path:
        """Where failing notebooks are kept for debugging."""
        return self.out / ".failed" / self.label

    def run_params(self) -> RunParams:
        """The notebooks' parameters (absolute paths, the prepared paper data)."""
        return RunParams(
            month=str(self.month),
            data_dir=str(self.data_dir.resolve()),
            params_dir=str(self.params_dir.resolve()),
            catalogue=str(self.catalogue_path.resolve()),
            output_dir=str(self.out.resolve()),
            team=self.team,
            paper_data=str((self.work / "paper-data").resolve()),
        )

    def for_month(self, month: Month | pd.Period) -> RunRequest:
        return replace(self, month=month)

    def for_team(self, team: str) -> RunRequest:
        return replace(self, team=team)


@dataclass
class RunResult:
    """A published (or previewed) paper: where it is and what the run found."""

    folder: Path
    timings: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    executed: int = 0  # notebooks executed (0 when a narrative-only run re-used them)
    pending_review: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the person running it should know


class RunError(Exception):
    """The run stopped; ``exit_code`` is EXIT_INPUT (data, parameters, notebook),
    EXIT_RENDER or EXIT_BUSY (another run of the same month holds the lock)."""

    def __init__(
        self, message: str, exit_code: int = EXIT_INPUT, findings: pd.DataFrame | None = None
    ):
        super().__init__(message)
        self.exit_code = exit_code
        self.findings = findings
        #: what the run had noted before it stopped (example settings, sections left out)
        self.notes: list[str] = []
        #: the notebooks that failed, as (notebook, cell, reason); cell '' when not a cell
        self.notebooks: list[tuple[str, str, str]] = []
