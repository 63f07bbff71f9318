"""A notebook's first call: ``sp.context(...)``, the month's context.

From the paper data the runner prepared, or, for a notebook opened on its own, prepared
here from the input folder (the whole pipeline, imported only then). Above both the
context (``notebook_context``) and the preparation (``prepare``), which reads the
section registry.
"""

from __future__ import annotations

from pathlib import Path

from sendlib.config import RunParams
from sendlib.paper.data import load
from sendlib.paper.notebook_context import Context


def context(
    month: str,
    data_dir: str = "data/raw",
    params_dir: str = "params",
    catalogue: str = "params/kpis.yaml",
    output_dir: str = "outputs",
    team: str = "",
    paper_data: str = "",
) -> Context:
    """The month's context: from the prepared paper data, or prepared here when there is
    none (a notebook opened on its own)."""
    if paper_data and Path(paper_data, "meta.json").exists():
        return Context.from_data(load(paper_data))
    from sendlib.paper.prepare import prepare_paper_data  # the whole pipeline, only here

    run = RunParams(
        month=month,
        data_dir=data_dir,
        params_dir=params_dir,
        catalogue=catalogue,
        output_dir=output_dir,
        team=team,
    )
    return Context.from_data(prepare_paper_data(run))
