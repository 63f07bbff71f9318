"""``sendlib run``: execute the section notebooks for a month and publish the paper.

Order of work, one step each below: check the parameters files and notebooks → validate
the data → prepare the paper data once (``sendlib.paper.data``, no identifiers) →
execute the notebooks with papermill → stitch → paper.html → paper.pdf (WeasyPrint per
part, cached, merged) → scorecard.csv/.xlsx → manifest.json. Everything is written to a
temporary folder and moved into ``OUT/YYYY-MM/`` only when all of it succeeded; the
executed notebooks and paper data stay in ``OUT/.work/`` (never published), and failing
notebooks are kept in ``OUT/.failed/`` with their tracebacks in ``OUT/.work/…/logs/``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from sendlib.config import ParamsError, ReportParams, load_month, load_report
from sendlib.files import atomic_write
from sendlib.ops import manifest as mf
from sendlib.ops.audit import REGISTER_FILE, refuse_breaches
from sendlib.ops.engines import Engines
from sendlib.ops.execute import (
    check_parameters,
    execute_all,
    report_failures,
    sections_with_notebooks,
)
from sendlib.ops.locks import Busy, month_lock
from sendlib.ops.manifest import FIGURES, REFERENCE_DOCX, build_manifest
from sendlib.ops.publishable import narrative_lays_out, publishable
from sendlib.ops.published import headlines, write_scorecards
from sendlib.ops.request import (
    EXIT_BUSY,
    EXIT_RENDER,
    RunError,
    RunRequest,
    RunResult,
)
from sendlib.ops.staging import staged
from sendlib.ops.zygote import notebook_imports
from sendlib.paper.narrative import (
    NarrativeError,
    analyst_html,
    narrative_files,
    pending_review,
    unused_reason,
)
from sendlib.paper.sections import Section, for_paper
from sendlib.render import quarto
from sendlib.render.docx import DocxJob
from sendlib.render.errors import RenderError
from sendlib.render.html import Page, render_page
from sendlib.render.pdf import PdfProcess
from sendlib.render.stitch import stitch

if TYPE_CHECKING:  # the figures' modules (and pandas) load only when notebooks run: a
    # narrative-only re-render lays out its PDF without them
    import datetime as dt

    import pandas as pd

    from sendlib.data.load import Tables
    from sendlib.ops.preflight import Checked
    from sendlib.paper.data import PaperData
    from sendlib.scorecard.catalogue import Catalogue

SCORECARD_FILES = ("scorecard.csv", "scorecard.xlsx")
WARNINGS = "warnings.json"  # in the work folder: the data-quality warnings' counts by rule
DISCLOSURE = "disclosure.json"  # in the work folder: the manifest's disclosure facts
HEADLINES = "headlines.json"  # in the work folder: the summary's tiles, for the archive
Progress = Callable[[str, str], None]

__all__ = ["RenderError", "RunError", "RunRequest", "RunResult", "run"]


def run(request: RunRequest, progress: Progress | None = None) -> RunResult:
    """Render the paper ``request`` asks for (see the module docstring); one run of a
    month at a time (a second waits, or with ``wait=False`` stops with exit code 3)."""
    say = progress or (lambda stage, state: None)
    if request.renderer == "quarto" and not quarto.available():
        raise RunError(quarto.MISSING, exit_code=EXIT_RENDER)
    if request.preview:
        return _preview(request, say)
    try:
        with month_lock(
            request.out, request.label, wait=request.wait, on_wait=lambda m: say("lock", m)
        ):
            return _Run(request, say).go()
    except Busy as exc:
        raise RunError(str(exc), exit_code=EXIT_BUSY) from exc


def _preview(request: RunRequest, say: Progress) -> RunResult:
    """A preview is never held up by the month's run: it reads the month's executed
    notebooks under a shared lock when they are current, and otherwise (or while a run
    holds the month) works in a folder of its own. Previews of a month take turns."""
    with month_lock(request.out, f"{request.label}-preview", on_wait=lambda m: say("lock", m)):
        try:
            with month_lock(request.out, request.label, shared=True):
                return _Run(request, say).go()
        except Busy:
            return _Run(replace(request, isolated=True), say).go()


@dataclass
class _Run:
    """One paper's run, step by step."""

    request: RunRequest
    say: Progress
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    engines: Engines | None = None

    def go(self) -> RunResult:
        try:
            return self._go()
        except RunError as exc:  # what the run noted before it stopped is said too
            exc.notes = [*exc.notes, *self.notes]
            raise

    def _go(self) -> RunResult:
        started = time.perf_counter()
        r = self.request
        sections, self.notes = sections_with_notebooks(r.notebooks_dir, for_paper(r.team))
        self.sections = [s for s, _ in sections]
        narrative_lays_out(r, self.sections)
        sources = [path for _, path in sections]
        state = self.state(sources)
        reuse = self.reusable(state, sources)
        if r.preview and not reuse and not r.isolated:
            # a preview never writes the month's own work folder
            self.request = r = replace(r, isolated=True)
            reuse = self.reusable(state, sources)
        # the zygote, notebook and PDF workers start now, and warm up while the data
        # is checked and the paper data prepared
        pdf = not r.preview and r.renderer == "nbconvert"
        preload = tuple(m for s in self.sections for m in s.preload)
        kernels = notebook_imports(sources)
        with Engines(
            r.workers, notebooks=not reuse, pdf=pdf, preload=preload, kernel_preload=kernels
        ) as self.engines:
            if reuse:
                # the data, parameters, catalogue and code are those the last run checked
                # (``state``): only the cover's meeting and the narrative are read again
                report, meeting = self.parameters()
            else:
                checked = self.check()
                report, meeting = checked.report, checked.meeting_date
                self.notes += checked.cautions
            publishable(r, meeting, self.sections)
            if r.narrative_only and not reuse:
                self.say("narrative-only", "inputs changed: running the notebooks")
            if not reuse:
                check_parameters(sources)
                reach = checked.extract.facts(r.month.period, r.provisional)
                data = self.prepare(checked.tables, checked.findings, sections, reach)
                self.execute(sources, data, checked.catalogue, state)
            self.engines.notebooks_done()
            executed = [(s, r.work / "executed" / p.name) for s, p in sections]
            title = f"{report.report_subject}: {r.month:%B %Y}" + (f" – {r.team}" if r.team else "")
            if r.preview:
                return self.preview(executed, title, reuse, started)
            result = self.publish(executed, title, sources, reuse, started)
            if not r.team:  # team packs are not committee papers: not in the archive
                self.archive(f"{report.council}: {report.report_subject}")
            return result

    def archive(self, title: str) -> None:
        """Rewrite OUT/index.html with the paper just published; the paper stands if the
        archive cannot be written (said in the run's notes)."""
        from sendlib.ops.archive import write_archive

        try:
            write_archive(self.request.out, title)
        except OSError as exc:
            self.notes.append(
                f"the archive {self.request.out / 'index.html'} was not updated: {exc}"
            )

    def check(self) -> Checked:
        """The parameters files and the data, as ``sendlib validate`` checks them; any
        problem stops the run here, before a notebook runs."""
        from sendlib.ops.preflight import check

        r = self.request
        self.say("validate", "running")
        checked = check(
            r.month.period, r.data_dir, r.params_dir, r.catalogue_path, provisional=r.provisional
        )
        if checked.problems:
            raise RunError("\n".join(checked.problems))
        if len(checked.errors):
            raise RunError(f"the input data in {r.data_dir} has errors", findings=checked.errors)
        self.say("validate", "done")
        return checked

    def parameters(self) -> tuple[ReportParams, dt.date | None]:
        """report.yaml with the month's own file laid over, and the meeting the paper goes
        to (for a run that re-uses the last run's notebooks: the files are unchanged since
        that run checked them)."""
        r = self.request
        try:
            own = load_month(r.params_dir, str(r.month))
            report = load_report(r.params_dir / "report.yaml").for_month(own)
        except ParamsError as exc:
            raise RunError(str(exc)) from exc
        return report, report.meeting_for(r.month, own)

    def state(self, sources: list[Path]) -> dict:
        """Content hashes of everything execution depends on (the analysts' narrative is not:
        it is read when the paper is stitched)."""
        r = self.request
        return {
            "run": {"month": str(r.month), "team": r.team, "provisional": r.provisional},
            "inputs": mf.input_files(r.data_dir),
            "params": mf.file_hashes(r.params_dir, "*.yaml"),
            "catalogue": mf.sha256(r.catalogue_path),
            "notebooks": {p.name: mf.sha256(p) for p in sources},
            "code": mf.code_hash(),
        }

    def reusable(self, state: dict, sources: list[Path]) -> bool:
        """Whether a narrative-only run can re-use the last run's executed notebooks."""
        r = self.request
        state_file = r.work / "state.json"
        if not (
            r.narrative_only
            and state_file.exists()
            and all((r.work / "executed" / p.name).exists() for p in sources)
            and (r.work / "scorecard" / SCORECARD_FILES[-1]).exists()
        ):
            return False
        try:  # written atomically; one from before that was cut short means "run again"
            return json.loads(state_file.read_text(encoding="utf-8")) == state
        except (OSError, ValueError):
            return False

    def prepare(
        self,
        tables: Tables,
        findings: pd.DataFrame,
        sections: list[tuple[Section, Path]],
        reach: dict,
    ) -> PaperData:
        """The paper data, computed once and saved for the notebooks in the work folder
        (with the data-quality warnings' counts — those the checks found, which the
        manifest lists and ``sendlib validate`` prints)."""
        from sendlib.paper.prepare import prepare_paper_data

        r = self.request
        self.say("prepare", "running")
        t0 = time.perf_counter()
        shutil.rmtree(r.work, ignore_errors=True)
        (r.work / "executed").mkdir(parents=True)
        params = r.run_params()
        pool, _ = self.engines.notebook_pool()  # idle until the notebooks run
        data = prepare_paper_data(
            params, tables, [s for s, _ in sections], findings, reach, executor=pool
        )
        data.save(Path(params.paper_data))
        atomic_write(r.work / REGISTER_FILE, data.withheld.to_json(orient="records"))  # audit
        atomic_write(r.work / DISCLOSURE, json.dumps(data.disclosure_facts(), indent=1) + "\n")
        found = data.frames["warnings"]
        counts = {str(rule): int(n) for rule, n in zip(found["rule"], found["count"], strict=True)}
        atomic_write(r.work / WARNINGS, json.dumps(counts, indent=1) + "\n")
        atomic_write(
            r.work / HEADLINES, json.dumps(headlines(data, r.month.period), indent=1) + "\n"
        )
        figures = {s.slug: s.manifest(data, r.params_dir) for s, _ in sections if s.manifest}
        atomic_write(r.work / FIGURES, json.dumps(figures, indent=1, sort_keys=True) + "\n")
        self.timings["prepare"] = round(time.perf_counter() - t0, 2)
        self.say("prepare", "done")
        return data

    def execute(
        self, sources: list[Path], data: PaperData, catalogue: Catalogue, state: dict
    ) -> None:
        """Run the notebooks; the scorecard files are written meanwhile (they need only the
        paper data) and kept with the executed notebooks for narrative-only runs."""
        r = self.request
        with ThreadPoolExecutor(max_workers=1) as side:
            written = side.submit(
                write_scorecards, data, catalogue, r.month.period, r.work / "scorecard"
            )
            pool, _ = self.engines.notebook_pool()
            timings, failures = execute_all(
                sources,
                r.work / "executed",
                r.run_params().model_dump(),
                r.timeout,
                pool,
                self.say,
                r.work / "logs" / "kernels.log",
            )
            written.result()
        self.timings.update(timings)
        if failures:
            raise report_failures(failures, r.work / "executed", r.failed, r.work / "logs")
        atomic_write(r.work / "state.json", json.dumps(state, indent=1, sort_keys=True))

    def stitched(self, executed: list[tuple[Section, Path]], title: str) -> nbformat.NotebookNode:
        """The stitched paper with the analysts' current narrative (also kept in work)."""
        r = self.request
        try:
            paper = stitch(executed, title, self.narrative)
        except NarrativeError as exc:  # an image from the network or outside params/
            raise RunError(str(exc)) from None
        if not r.preview:  # a preview may be reading another run's folder: it writes nothing there
            atomic_write(r.work / "paper.ipynb", nbformat.writes(paper) + "\n")
        return paper

    def narrative(self, section: Section) -> str:
        """The analysts' words for a section this month (none in a team pack, which shows
        team figures only: no council-wide commentary)."""
        r = self.request
        if r.team:
            return ""
        return analyst_html(r.params_dir, str(r.month), section.slug, section.legacy_names)

    def html_cache(self) -> tuple[Path, str]:
        """Where the sections' HTML is kept between runs of the month, and the code's hash
        (a section is re-used only by the same code)."""
        r = self.request
        return r.out / ".cache" / "html" / r.label, mf.code_hash()

    def preview(
        self, executed: list[tuple[Section, Path]], title: str, reuse: bool, started: float
    ) -> RunResult:
        """Only paper.html, in ``OUT/.preview/`` (nothing published)."""
        r = self.request
        self.say("render", "running")
        # the paper's own cache, read and added to but never pruned: a preview after a
        # run lays out only what it changed, and takes nothing a run keeps
        page = render_page(self.stitched(executed, title), title, *self.html_cache(), False)
        folder = r.out / ".preview" / r.target.relative_to(r.out)
        atomic_write(folder / "paper.html", page.html)
        self.timings["total"] = round(time.perf_counter() - started, 2)
        self.say("render", "done")
        return self.result(folder, reuse)

    def publish(
        self,
        executed: list[tuple[Section, Path]],
        title: str,
        sources: list[Path],
        reuse: bool,
        started: float,
    ) -> RunResult:
        """Render the paper and move it, with the scorecard and manifest, into place."""
        r = self.request
        self.say("render", "running")
        t0 = time.perf_counter()
        side: list[PdfProcess | DocxJob] = []  # still writing into the folder
        with staged(r.target) as folder:
            try:
                paper = self.stitched(executed, title)
                if r.renderer == "quarto":
                    quarto.render_quarto(r.work / "paper.ipynb", folder)
                elif self.engines.wants_pdf:
                    page: Page = render_page(paper, title, *self.html_cache())
                    pdf = self.engines.pdf  # warm since the run began: ready, or nearly
                    cache = r.out / ".cache"
                    pdf.start(page, folder / "paper.pdf", cache / "pdf" / r.label, mf.code_hash())
                    side.append(pdf)
                    atomic_write(folder / "paper.html", page.html)
                    # the Word copy: pandoc runs while the PDF's parts are laid out
                    side.append(
                        DocxJob(
                            page,
                            folder / "paper.docx",
                            r.month,
                            r.params_dir / REFERENCE_DOCX,
                            cache / "docx" / r.label,
                        )
                    )
                for name in SCORECARD_FILES:
                    atomic_write(folder / name, (r.work / "scorecard" / name).read_bytes())
                while side:
                    side[0].finish()
                    side.pop(0)
            finally:  # stopped (an error, Ctrl-C): nothing may write into the folder
                for job in side:  # once it is removed
                    job.settle()
            # a re-render of the narrative alone audits the analysts' words: the rest is as
            # the last run made and audited it
            words = {s.slug: self.narrative(s) for s in self.sections} if reuse else None
            refuse_breaches(folder, r.work / REGISTER_FILE, r.month, words)
            self.timings["render"] = round(time.perf_counter() - t0, 2)
            self.timings["total"] = round(time.perf_counter() - started, 2)
            result = self.result(r.target, reuse)
            manifest = build_manifest(
                r, [s for s, _ in executed], sources, self.timings, self.warnings(), folder
            )
            manifest["narrative_only"] = bool(reuse)
            manifest.update(self.disclosure())
            if (r.work / HEADLINES).exists():  # the tiles as the paper shows them (archive)
                manifest["headlines"] = json.loads((r.work / HEADLINES).read_text())
            manifest["narrative_pending_review"] = result.pending_review
            atomic_write(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        self.say("render", "done")
        return result

    def disclosure(self) -> dict:
        """The manifest's record of the disclosure decision and of what is not available."""
        path = self.request.work / DISCLOSURE
        return json.loads(path.read_text()) if path.exists() else {}

    def warnings(self) -> dict[str, int]:
        """Data-quality warnings by rule, as the paper data counted them."""
        path = self.request.work / WARNINGS
        return json.loads(path.read_text()) if path.exists() else {}

    def result(self, folder: Path, reuse: bool) -> RunResult:
        r = self.request
        if not r.team:
            _, unused = narrative_files(r.params_dir, str(r.month), self.sections)
            self.notes += [f"not used: {unused_reason(p, self.sections)}" for p in unused]
        pending = [p.name for p in pending_review(r.params_dir, str(r.month))]
        executed = 0 if reuse else len(list((r.work / "executed").glob("*.ipynb")))
        return RunResult(
            folder, self.timings, sum(self.warnings().values()), executed, pending, self.notes
        )
