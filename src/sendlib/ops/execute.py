"""Executing the section notebooks with papermill: parameters checked first, every failing
notebook reported (with its cell) and kept for debugging, full tracebacks logged."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from sendlib.config import RunParams
from sendlib.files import atomic_write
from sendlib.ops.request import RunError
from sendlib.paper.sections import Section, for_paper
from sendlib.startup import as_sendlib_process
from sendlib.workers import fork_server, without_secrets


def papermill():
    """papermill, imported when notebooks run (a narrative-only run needs none of it)."""
    import papermill

    return papermill


def worker_pool(
    workers: int, extra_env: dict[str, str] | None = None, pdf: bool = True
) -> ProcessPoolExecutor:
    """Worker processes for notebooks, started by a fork server — never forked from a run
    that has threads going (a forked child can inherit a held lock and hang) — and given
    the run's environment explicitly (a fork server started earlier has an older one),
    with ``extra_env`` added. ``pdf``: the run will render a PDF too (the fork server,
    started here, then loads WeasyPrint as well)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=fork_server("notebooks", *(["pdf"] if pdf else [])),
        initializer=adopt_environment,
        initargs=({**os.environ, **(extra_env or {})},),
    )


def adopt_environment(environ: dict[str, str]) -> None:
    """A notebook worker's start: its environment the run's, without the id key (kernels
    inherit it)."""
    os.environ.clear()
    os.environ.update(without_secrets(environ))
    as_sendlib_process()  # a spawned worker (the portable path) has not: seconds each


def check_parameters(paths: list[Path]) -> None:
    """Every notebook's ``parameters`` cell must hold exactly RunParams' names."""
    import nbformat

    expected = set(RunParams.model_fields)
    problems = []
    for path in paths:
        try:
            found = set(papermill().inspect_notebook(str(path)))
        except (OSError, ValueError, nbformat.ValidationError) as exc:  # unreadable notebook
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


def failed_cell(exc: BaseException) -> tuple[str, str]:
    """The cell a notebook failed in ('' when not a cell: a dead kernel, a timeout) and
    what went wrong, e.g. ``("4", "KeyError: 'requests'")``."""
    detail = str(exc).strip().splitlines()
    cell = ""
    if hasattr(exc, "exec_count") or hasattr(exc, "cell_index"):
        cell = str(getattr(exc, "cell_index", getattr(exc, "exec_count", "?")))
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", detail[-1] if detail else "")
    return cell, f"{ename}: {evalue}"


def describe_failure(path: Path, exc: BaseException) -> str:
    """Which notebook, which cell and what went wrong, in one line."""
    cell, reason = failed_cell(exc)
    return f"{path.name}{f' cell {cell}' if cell else ''}: {reason}"


@dataclass
class Failure:
    source: Path
    error: BaseException


def execute_all(
    sources: list[Path],
    folder: Path,
    parameters: dict,
    timeout: int,
    pool: ProcessPoolExecutor,
    say: Callable[[str, str], None],
    log: Path | None = None,
) -> tuple[dict[str, float], list[Failure]]:
    """Execute every notebook into ``folder`` on the ``pool``'s workers; returns the
    seconds each took and every failure (all of them run, so one broken section does not
    hide another). Kernel restarts are written to ``log``."""
    from sendlib.ops.kernels import execute

    cwd = str(Path.cwd())
    timings: dict[str, float] = {}
    failures: list[Failure] = []
    futures = {}
    for src in sources:
        say(src.stem, "queued")
        job = pool.submit(
            execute,
            str(src),
            str(folder / src.name),
            parameters,
            cwd,
            timeout,
            str(log) if log else None,
        )
        futures[job] = src
    for future in as_completed(futures):
        src = futures[future]
        try:
            timings[src.stem] = round(future.result(), 2)
            say(src.stem, "done")
        except Exception as exc:  # a failing cell, a dead kernel, a timeout: all reported
            say(src.stem, "failed")
            failures.append(Failure(src, exc))
    return timings, sorted(failures, key=lambda f: sources.index(f.source))


def report_failures(failures: list[Failure], folder: Path, failed: Path, logs: Path) -> RunError:
    """Keep each failing notebook in ``failed`` and its traceback in ``logs``; the error
    names every one of them with its cell."""
    failed.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    lines = []
    for failure in failures:
        executed = folder / failure.source.name
        if executed.exists():
            atomic_write(failed / failure.source.name, executed.read_bytes())
        log = logs / f"{failure.source.stem}.log"
        trace = "".join(traceback.format_exception(failure.error))
        atomic_write(log, trace.encode("utf-8", errors="replace"))
        lines.append(
            f"{describe_failure(failure.source, failure.error)}\n    saved in "
            f"{failed / failure.source.name}; traceback in {log}"
        )
    count = f"{len(failures)} notebook{'s' if len(failures) != 1 else ''} failed"
    error = RunError(f"{count}; previous outputs are untouched:\n  " + "\n  ".join(lines))
    error.notebooks = [(f.source.name, *failed_cell(f.error)) for f in failures]
    return error


def sections_with_notebooks(
    folder: Path, sections: list[Section]
) -> tuple[list[tuple[Section, Path]], list[str]]:
    """Each section's notebook in ``folder``, in paper order, and notes on sections left
    out for want of a notebook. A notebook no section names is an error."""
    folder = Path(folder)
    known = {s.notebook for s in for_paper()}
    strangers = sorted(p.name for p in folder.glob("*.ipynb") if p.name not in known)
    if strangers:
        raise RunError(
            f"{folder}: {', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not a "
            "section of the paper; add a Section to sendlib.paper.sections or move the file"
        )
    found = [(s, folder / s.notebook) for s in sections if (folder / s.notebook).exists()]
    if not found:
        raise RunError(f"no section notebooks found in {folder}")
    notes = [
        f"section '{s.slug}' left out: {folder / s.notebook} does not exist"
        for s in sections
        if not (folder / s.notebook).exists()
    ]
    return found, notes
