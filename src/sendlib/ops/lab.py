"""``sendlib lab``: the month's notebooks, ready to open in JupyterLab.

The section notebooks are copied to ``OUT/.lab/YYYY-MM/`` with the month's parameters
filled in (papermill's parameterisation, as a run does) and the month's paper data
prepared beside them, so every cell runs as it does in ``sendlib run``. Each narrative
cell is linked to the month's narrative file (``ops.lab_narrative``): JupyterLab, started
with sendlib's contents manager, shows the file's text there and saves edits back to it.
The stored notebooks in ``notebooks/`` are never changed.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import nbformat
import pandas as pd

from sendlib.files import atomic_write
from sendlib.ops.lab_narrative import link
from sendlib.ops.preflight import check
from sendlib.ops.request import RunError, RunRequest
from sendlib.paper.prepare import prepare_paper_data
from sendlib.paper.sections import for_paper
from sendlib.workers import without_secrets


def lab_folder(out: Path, month: pd.Period) -> Path:
    return Path(out) / ".lab" / str(month)


def prepare_lab(request: RunRequest) -> Path:
    """Write the month's parameterised notebooks and paper data; returns their folder.
    Raises ``RunError`` when the data or parameters would stop a run."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    r = request
    found = check(r.month.period, r.data_dir, r.params_dir, r.catalogue_path, with_warnings=False)
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
        if section.narrative and not r.team:
            link(nb, r.params_dir, str(r.month), section.slug, section.legacy_names)
        atomic_write(folder / section.notebook, nbformat.writes(nb) + "\n")
    return folder


CONTENTS_MANAGER = "sendlib.ops.lab_contents.NarrativeContentsManager"


def lab_command(
    jupyter_lab: str, folder: Path, params_dir: Path, month: str, *options: str
) -> list[str]:
    """JupyterLab on the folder, with the contents manager that keeps the month's
    narrative in ``params_dir`` (the files it may read and write follow from these two)."""
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    root = ["--allow-root"] if as_root else []  # containers often run as root
    return [
        jupyter_lab,
        f"--notebook-dir={folder}",
        f"--ServerApp.contents_manager_class={CONTENTS_MANAGER}",
        f"--NarrativeContentsManager.params_dir={Path(params_dir).resolve()}",
        f"--NarrativeContentsManager.month={month}",
        *root,
        *options,
    ]


#: signals that stop ``sendlib lab``; each is passed on to JupyterLab, which stops cleanly
FORWARDED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def serve(command: list[str]) -> int:
    """Run JupyterLab until it stops; its exit code.

    A signal that stops ``sendlib lab`` (Ctrl-C, ``kill``, the terminal closing) is passed
    on and the server is waited for, so no server is left holding the port and its
    kernels after the command has gone.
    """
    server = subprocess.Popen(command, env=without_secrets(os.environ))  # no notebook sees the key

    def forward(sig: int, _frame) -> None:
        server.send_signal(sig)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        return server.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server.poll() is None:  # only if waiting itself failed
            server.terminate()
            server.wait()
