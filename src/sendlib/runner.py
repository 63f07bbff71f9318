"""``sendlib run``: execute the section notebooks for a month and publish the paper.

Order of work: check parameters and data (nothing runs if they are wrong) → compute the
month's context once → execute the notebooks with papermill (Python API, 2 workers, the
kernel named, a per-cell timeout) → stitch → paper.html (nbconvert) → paper.pdf
(WeasyPrint per section in worker processes, cached in ``OUT/.cache/pdf/``, merged by
``sendlib.pdfmerge``) → scorecard.csv/.xlsx → manifest.json. Everything is written to a temporary
folder and moved into ``OUT/YYYY-MM/`` only when all of it succeeded; the executed
notebooks stay in ``OUT/.work/`` (never in the published folder), and a failing one is
kept in ``OUT/.failed/YYYY-MM/`` for debugging.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from sendlib import findings as fnd
from sendlib import manifest as mf
from sendlib.catalogue import load_catalogue
from sendlib.load import check_data
from sendlib.locks import Busy, month_lock
from sendlib.narrative import pending_review, refresh
from sendlib.outputs import staged
from sendlib.paper import SECTIONS, context
from sendlib.params import RunParams, load_report
from sendlib.pdf import PdfProcess
from sendlib.render import RenderError, render_html, render_quarto
from sendlib.scorecard import write_csv
from sendlib.stitch import stitch

KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds per cell
WORKERS = 2
SCORECARD_FILES = ("scorecard.csv", "scorecard.xlsx")


class RunError(Exception):
    """The run stopped; ``exit_code`` is 1 (data, parameters, notebook), 2 (rendering) or
    3 (another run of the same month holds the lock)."""

    def __init__(self, message: str, exit_code: int = 1, findings: pd.DataFrame | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.findings = findings


@dataclass
class RunResult:
    folder: Path
    timings: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    executed: int = 0  # notebooks executed (0 when a narrative-only run re-used them)
    pending_review: list[str] = field(default_factory=list)


def notebooks(folder: Path | str = "notebooks", only: tuple[str, ...] | None = None) -> list[Path]:
    """The section notebooks, in paper order (those named in ``SECTIONS``, or ``only``)."""
    folder = Path(folder)
    stems = [s for s in SECTIONS if only is None or s in only]
    found = [folder / f"{stem}.ipynb" for stem in stems if (folder / f"{stem}.ipynb").exists()]
    if not found:
        raise RunError(f"no section notebooks found in {folder}")
    return found


def check_parameters(paths: list[Path]) -> None:
    """Every notebook's ``parameters`` cell must hold exactly RunParams' names."""
    expected = set(RunParams.model_fields)
    problems = []
    for path in paths:
        try:
            found = set(_papermill().inspect_notebook(str(path)))
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
    _papermill().execute_notebook(
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


#: the operational sections of a team or case-officer pack (seed 004's filters)
TEAM_SECTIONS = (
    "00_cover",
    "02_caseload",
    "03_requests",
    "04_timeliness",
    "05_reviews",
    "06_placements",
    "11_operational_annex",
    "12_glossary",
)


def places(out: Path, month: pd.Period, team: str = "") -> tuple[str, Path, Path]:
    """(label, published folder, work folder) of a month's paper or a team's pack."""
    if not team:
        return str(month), out / str(month), out / ".work" / str(month)
    slug = _slug(team)
    return f"{month}-{slug}", out / "teams" / slug / str(month), out / ".work" / f"{month}-{slug}"


def run_state(run_params: RunParams, sources: list[Path]) -> dict:
    """Content hashes of everything execution depends on (the analysts' narrative is not:
    it is read when the paper is stitched)."""
    return {
        "run": {"month": run_params.month, "team": run_params.team},
        "inputs": mf.file_hashes(run_params.data_dir),
        "params": mf.file_hashes(run_params.params_dir, "*.yaml"),
        "catalogue": mf.sha256(Path(run_params.catalogue)),
        "notebooks": {p.name: mf.sha256(p) for p in sources},
        "code": mf.code_hash(),
    }


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
    narrative_only: bool = False,
    wait: bool = True,
    preview: bool = False,
) -> RunResult:
    """Render the paper for ``month`` into ``out/YYYY-MM/`` (see module docstring).

    With ``narrative_only``, the executed notebooks of the last run are re-used when the
    inputs, parameters, notebooks and code are unchanged (content hashes), and only the
    stitching and rendering are done again. With ``preview`` only paper.html is written,
    to ``out/.preview/<month>/`` (the published folder is untouched): an analyst's view of
    a narrative edit in a few seconds.
    """
    job = Job(
        month,
        data_dir,
        params_dir,
        catalogue,
        out,
        team,
        renderer,
        notebooks_dir,
        workers,
        timeout,
        progress or (lambda stage, state: None),
        narrative_only,
        preview,
    )
    label, _, _ = places(out, month, team)
    try:
        with month_lock(out, label, wait=wait, on_wait=lambda m: job.say("lock", m)):
            return _run_locked(job)
    except Busy as exc:
        raise RunError(str(exc), exit_code=3) from None


@dataclass(frozen=True)
class Job:
    """One paper to render: what ``run`` was asked for."""

    month: pd.Period
    data_dir: Path
    params_dir: Path
    catalogue: Path
    out: Path
    team: str
    renderer: str
    notebooks_dir: Path
    workers: int
    timeout: int
    say: Callable[[str, str], None]
    narrative_only: bool
    preview: bool = False


def _run_locked(job: Job) -> RunResult:
    month, data_dir, params_dir, catalogue, out, team = (
        job.month,
        job.data_dir,
        job.params_dir,
        job.catalogue,
        job.out,
        job.team,
    )
    say = job.say
    label, target, work = places(out, month, team)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    sources = notebooks(job.notebooks_dir, TEAM_SECTIONS if team else None)
    try:
        report = load_report(params_dir / "report.yaml")
        cat = load_catalogue(catalogue)
    except Exception as exc:  # ParamsError, CatalogueError: clear messages already
        raise RunError(str(exc)) from None
    run_params = RunParams(
        month=str(month),
        data_dir=str(data_dir.resolve()),
        params_dir=str(params_dir.resolve()),
        catalogue=str(catalogue.resolve()),
        output_dir=str(out.resolve()),
        team=team,
    )
    state = run_state(run_params, sources)
    state_file = work / "state.json"
    executed = [work / "executed" / src.name for src in sources]
    reuse = (
        job.narrative_only
        and state_file.exists()
        and all(p.exists() for p in executed)
        and json.loads(state_file.read_text()) == state
    )
    if job.narrative_only and not reuse:
        say("narrative-only", "inputs changed: running the notebooks")
    if not reuse:  # a re-used run had these very notebooks checked
        check_parameters(sources)
    tables = None
    if not reuse:
        say("validate", "running")
        tables, found = check_data(data_dir, needed=cat.files_needed())
        if tables is None:
            raise RunError(f"the input data in {data_dir} has errors", findings=fnd.errors(found))
        say("validate", "done")
        shutil.rmtree(work, ignore_errors=True)
        (work / "executed").mkdir(parents=True)
    say("context", "running")
    t0 = time.perf_counter()
    ctx = context(**run_params.model_dump(), tables=None if reuse else tables)
    timings["context"] = round(time.perf_counter() - t0, 2)
    say("context", "done")
    scorecards = work / "scorecard"
    with ThreadPoolExecutor(max_workers=1) as side:
        # the scorecard files need only the context: written while the kernels run, and
        # kept with the executed notebooks for narrative-only runs
        written = (
            None
            if reuse and (scorecards / SCORECARD_FILES[-1]).exists()
            else side.submit(_write_scorecards, ctx, month, scorecards)
        )
        if not reuse:
            executed = _execute(
                sources,
                work / "executed",
                run_params,
                out,
                month,
                job.timeout,
                job.workers,
                timings,
                say,
            )
        if written is not None:
            written.result()
    if not reuse:
        state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
    title = f"{report.report_subject}: {month.strftime('%B %Y')}" + (f" – {team}" if team else "")
    say("render", "running")
    t0 = time.perf_counter()
    executed_count = 0 if reuse else len(sources)
    if job.preview:
        paper = _stitch(executed, title, params_dir, month, work)
        preview = out / ".preview" / target.relative_to(out)
        preview.mkdir(parents=True, exist_ok=True)
        (preview / "paper.html").write_text(render_html(paper, title), encoding="utf-8")
        timings["render"] = timings["total"] = round(time.perf_counter() - t0, 2)
        say("render", "done")
        pending = [p.name for p in pending_review(params_dir, str(month))]
        return RunResult(preview, timings, len(ctx.warnings), executed_count, pending)
    with staged(target) as folder, PdfProcess(warm=job.renderer == "nbconvert") as pdf:
        # the PDF process warms up while the paper is stitched and its HTML rendered
        paper = _stitch(executed, title, params_dir, month, work)
        if job.renderer == "quarto":
            render_quarto(work / "paper.ipynb", folder)
        else:
            page_html = render_html(paper, title)
            pdf.start(page_html, folder / "paper.pdf", title, out / ".cache" / "pdf" / label)
            (folder / "paper.html").write_text(page_html, encoding="utf-8")
        for name in SCORECARD_FILES:
            shutil.copy2(scorecards / name, folder / name)
        pending = [p.name for p in pending_review(params_dir, str(month))]
        pdf.finish()
        timings["render"] = round(time.perf_counter() - t0, 2)
        timings["total"] = round(time.perf_counter() - started, 2)
        manifest = _manifest(
            run_params, data_dir, params_dir, sources, timings, ctx.warnings, job.renderer, folder
        )
        manifest["narrative_only"] = bool(reuse)
        manifest["narrative_pending_review"] = pending
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    say("render", "done")
    return RunResult(target, timings, len(ctx.warnings), executed_count, pending)


def _stitch(executed: list[Path], title: str, params_dir: Path, month: pd.Period, work: Path):
    """The stitched paper with the analysts' current narrative (also saved in ``work``)."""
    paper = stitch(executed, title, narrative=lambda html: refresh(html, params_dir, str(month)))
    nbformat.write(paper, work / "paper.ipynb")
    return paper


def _papermill():
    """papermill, imported when notebooks run (a narrative-only run needs none of it)."""
    import papermill

    return papermill


def _write_scorecards(ctx, month: pd.Period, folder: Path) -> None:
    from sendlib.workbook import write_workbook  # openpyxl: only when the files are made

    folder.mkdir(parents=True, exist_ok=True)
    write_csv(ctx.scorecard, folder / "scorecard.csv")
    write_workbook(ctx.scorecard, ctx.catalogue, month, folder / "scorecard.xlsx")


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
