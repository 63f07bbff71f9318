"""``sendlib lab``: the month's notebooks, ready to open in JupyterLab.

The section notebooks are copied to ``OUT/.lab/YYYY-MM/`` with the month's parameters
filled in (papermill's parameterisation, as a run does) and the month's paper data
prepared beside them, so every cell runs as it does in ``sendlib run``. The stored
notebooks in ``notebooks/`` are never changed.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from sendlib.ops.preflight import check
from sendlib.ops.request import RunError, RunRequest
from sendlib.paper.prepare import prepare_paper_data
from sendlib.paper.sections import for_paper


def lab_folder(out: Path, month: pd.Period) -> Path:
    return Path(out) / ".lab" / str(month)


def prepare_lab(request: RunRequest) -> Path:
    """Write the month's parameterised notebooks and paper data; returns their folder.
    Raises ``RunError`` when the data or parameters would stop a run."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    r = request
    found = check(r.month, r.data_dir, r.params_dir, r.catalogue_path, with_warnings=False)
    if not found.ok:
        raise RunError(
            "\n".join(found.problems) or f"the input data in {r.data_dir} has errors",
            findings=found.errors if len(found.errors) else None,
        )
    folder = lab_folder(r.out, r.month)
    folder.mkdir(parents=True, exist_ok=True)
    params = r.run_params().model_copy(
        update={"paper_data": str((folder / "paper-data").resolve())}
    )
    sections = [s for s in for_paper(r.team) if (r.notebooks_dir / s.notebook).exists()]
    prepare_paper_data(params, found.tables, sections).save(Path(params.paper_data))
    for section in sections:
        # papermill's loader gives every cell the metadata its parameteriser expects
        nb = load_notebook_node(str(r.notebooks_dir / section.notebook))
        nb = parameterize_notebook(nb, params.model_dump())
        nbformat.write(nb, folder / section.notebook)
    return folder
