"""``sendlib run``: execute the section notebooks for a month and publish the paper.

Order of work: check parameters and data (nothing runs if they are wrong) → compute the
month's context once → execute the notebooks with papermill (Python API, 2 workers, the
kernel named, a per-cell timeout) → stitch → paper.html (nbconvert) → paper.pdf
(WeasyPrint) → scorecard.csv/.xlsx → manifest.json. Everything is written to a temporary
folder and moved into ``OUT/YYYY-MM/`` only when all of it succeeded; the executed
notebooks stay in ``OUT/.work/`` (never in the published folder), and a failing one is
kept in ``OUT/.failed/YYYY-MM/`` for debugging.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import papermill

from sendlib import findings as fnd
from sendlib import manifest as mf
from sendlib.catalogue import load_catalogue
from sendlib.load import check_data
from sendlib.outputs import staged
from sendlib.paper import SECTIONS, context
from sendlib.params import RunParams, load_report
from sendlib.render import RenderError, render_html, render_pdf, render_quarto
from sendlib.scorecard import write_csv
from sendlib.stitch import stitch
from sendlib.workbook import write_workbook

KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds per cell
WORKERS = 2


class RunError(Exception):
    """The run stopped; ``exit_code`` is 1 (data, parameters, notebook) or 2 (rendering)."""

    def __init__(self, message: str, exit_code: int = 1, findings: pd.DataFrame | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.findings = findings


@dataclass
class RunResult:
    folder: Path
    timings: dict[str, float] = field(default_factory=dict)
    warnings: int = 0


def notebooks(folder: Path | str = "notebooks") -> list[Path]:
    """The section notebooks, in paper order (those named in ``SECTIONS``)."""
    folder = Path(folder)
    found = [folder / f"{stem}.ipynb" for stem in SECTIONS if (folder / f"{stem}.ipynb").exists()]
    if not found:
        raise RunError(f"no section notebooks found in {folder}")
    return found


def check_parameters(paths: list[Path]) -> None:
    """Every notebook's ``parameters`` cell must hold exactly RunParams' names."""
    expected = set(RunParams.model_fields)
    problems = []
    for path in paths:
        try:
            found = set(papermill.inspect_notebook(str(path)))
        except Exception as exc:  # unreadable notebook
            problems.append(f"{path.name}: cannot read its parameters ({exc})")
            continue
        if found != expected:
            missing, extra = sorted(expected - found), sorted(found - expected)
            detail = "; ".join(
                filter(
                    None,
                    [
                        f"missing {', '.join(missing)}" if missing else "",
                        f"unexpected {', '.join(extra)}" if extra else "",
                    ],
                )
            )
            problems.append(f"{path.name}: parameters cell does not match RunParams ({detail})")
    if problems:
        raise RunError("notebook parameters rejected before execution:\n  " + "\n  ".join(problems))


def execute_one(source: str, target: str, parameters: dict, cwd: str, timeout: int) -> float:
    """Run one notebook with papermill; returns seconds (raises on a failing cell)."""
    start = time.perf_counter()
    papermill.execute_notebook(
        source,
        target,
        parameters=parameters,
        kernel_name=KERNEL,
        execution_timeout=timeout,
        cwd=cwd,
        progress_bar=False,
        log_output=False,
        report_mode=True,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    return time.perf_counter() - start


def describe_failure(path: Path, exc: BaseException) -> str:
    """Which notebook, which cell and what went wrong, in one line."""
    detail = str(exc).strip().splitlines()
    cell = ""
    if hasattr(exc, "exec_count") or hasattr(exc, "cell_index"):
        cell = f" cell {getattr(exc, 'cell_index', getattr(exc, 'exec_count', '?'))}"
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", detail[-1] if detail else "")
    return f"{path.name}{cell}: {ename}: {evalue}"


def run(
    month: pd.Period,
    data_dir: Path,
    params_dir: Path,
    catalogue: Path,
    out: Path,
    team: str = "",
    renderer: str = "nbconvert",
    notebooks_dir: Path = Path("notebooks"),
    workers: int = WORKERS,
    timeout: int = CELL_TIMEOUT,
    progress: Callable[[str, str], None] | None = None,
) -> RunResult:
    """Render the paper for ``month`` into ``out/YYYY-MM/`` (see module docstring)."""
    say = progress or (lambda stage, state: None)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    sources = notebooks(notebooks_dir)
    check_parameters(sources)
    try:
        report = load_report(params_dir / "report.yaml")
        cat = load_catalogue(catalogue)
    except Exception as exc:  # ParamsError, CatalogueError: clear messages already
        raise RunError(str(exc)) from None
    say("validate", "running")
    tables, found = check_data(data_dir, needed=cat.files_needed())
    if tables is None:
        raise RunError(f"the input data in {data_dir} has errors", findings=fnd.errors(found))
    say("validate", "done")

    label = str(month) if not team else f"{month}-{_slug(team)}"
    target = out / str(month) if not team else out / "teams" / _slug(team) / str(month)
    work = out / ".work" / label
    shutil.rmtree(work, ignore_errors=True)
    (work / "executed").mkdir(parents=True)
    run_params = RunParams(
        month=str(month),
        data_dir=str(data_dir.resolve()),
        params_dir=str(params_dir.resolve()),
        catalogue=str(catalogue.resolve()),
        output_dir=str(out.resolve()),
        team=team,
    )
    say("context", "running")
    t0 = time.perf_counter()
    ctx = context(**run_params.model_dump())
    timings["context"] = round(time.perf_counter() - t0, 2)
    say("context", "done")

    executed = _execute(
        sources, work / "executed", run_params, out, month, timeout, workers, timings, say
    )
    title = f"{report.report_subject}: {month.strftime('%B %Y')}" + (f" – {team}" if team else "")
    say("render", "running")
    t0 = time.perf_counter()
    paper = stitch(executed, title)
    nbformat.write(paper, work / "paper.ipynb")
    with staged(target) as folder:
        if renderer == "quarto":
            render_quarto(work / "paper.ipynb", folder)
        else:
            page_html = render_html(paper, title)
            (folder / "paper.html").write_text(page_html, encoding="utf-8")
            render_pdf(page_html, folder / "paper.pdf", title)
        timings["render"] = round(time.perf_counter() - t0, 2)
        write_csv(ctx.scorecard, folder / "scorecard.csv")
        write_workbook(ctx.scorecard, ctx.catalogue, month, folder / "scorecard.xlsx")
        timings["total"] = round(time.perf_counter() - started, 2)
        manifest = _manifest(
            run_params, data_dir, params_dir, sources, timings, ctx.warnings, renderer, folder
        )
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    say("render", "done")
    return RunResult(target, timings, len(ctx.warnings))


def _execute(sources, folder, run_params, out, month, timeout, workers, timings, say):
    parameters = run_params.model_dump()
    cwd = str(Path.cwd())
    targets = {src: folder / src.name for src in sources}
    failure = None
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {}
        for src in sources:
            say(src.stem, "queued")
            futures[
                pool.submit(execute_one, str(src), str(targets[src]), parameters, cwd, timeout)
            ] = src
        for future in as_completed(futures):
            src = futures[future]
            try:
                timings[src.stem] = round(future.result(), 2)
                say(src.stem, "done")
            except Exception as exc:  # cell error, dead kernel, timeout
                say(src.stem, "failed")
                failure = failure or (src, exc)
    if failure is not None:
        src, exc = failure
        failed = out / ".failed" / str(month)
        failed.mkdir(parents=True, exist_ok=True)
        if targets[src].exists():
            shutil.copy2(targets[src], failed / src.name)
        raise RunError(
            f"{describe_failure(src, exc)}\n  the executed notebook is saved in "
            f"{failed / src.name}; previous outputs are untouched"
        )
    return [targets[src] for src in sources]


def _manifest(
    run_params: RunParams,
    data_dir: Path,
    params_dir: Path,
    sources: list[Path],
    timings: dict,
    warnings: pd.DataFrame,
    renderer: str,
    folder: Path,
) -> dict:
    summary = fnd.summary(warnings)
    return {
        "sendlib": mf.package_versions()["sendlib"],
        "month": run_params.month,
        "team": run_params.team,
        "renderer": renderer,
        "parameters": {
            "data_dir": str(data_dir),
            "params_dir": str(params_dir),
            "catalogue": str(Path(run_params.catalogue).name),
        },
        "git_commit": mf.git_commit(),
        "code_hash": mf.code_hash(),
        "inputs": mf.file_hashes(data_dir),
        "params": mf.file_hashes(params_dir),
        "notebooks": {p.name: mf.sha256(p) for p in sources},
        "packages": mf.package_versions(),
        "timings_seconds": timings,
        "warnings": {row.rule: int(row.count) for row in summary.itertuples()},
        "outputs": {
            name: mf.sha256(folder / name)
            for name in ("paper.html", "paper.pdf", "scorecard.csv", "scorecard.xlsx")
            if (folder / name).exists()
        },
    }


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


__all__ = ["RenderError", "RunError", "RunResult", "check_parameters", "notebooks", "run"]
