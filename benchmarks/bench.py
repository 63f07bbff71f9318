"""sendlib benchmarks: `make bench` (not timed tests). Writes outputs/bench.json and bench.md.

Each case runs in a fresh Python process, so its wall time and peak RSS are its own.
The national-scale dataset (`sendlib demo --scale national`) is generated once into
outputs/bench/ and reused while the generator is unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs"
WORK = OUT / "bench"
MONTH = "2026-10"  # fixed so figures compare across runs

GOALS = {  # case: (seconds, GB) from the issues (issue 16's are the later, tighter ones)
    "kpis_one_month_national": (10, 4),
    "scorecard_36_months_national": (8, 4),
    "check_national_cached": (8, None),
    "paper_cold": (30, None),
    "paper_narrative_only": (3, None),
    "paper_narrative_preview": (5, None),
    "sen2_import_20k": (10, 1),
    "sen2_check_20k": (5, None),
    "benchmarks_full_release": (5, None),
    "looking_ahead_national": (5, None),  # issue 30: the section's projections, national
    "looking_ahead_paper_cost": (2, None),  # issue 30: what the section adds to a cold paper
}
#: other goals: a ratio to a baseline in the same run, or a count that must be 0
RATIO_GOALS = {"paper_cold": ("speedup_vs_naive", 3.0)}
#: a ratio to a baseline in the same run that must not exceed the limit: writing the cache
#: may not make the first check slower than the same checks with no cache (10 %: noise)
CEILING_GOALS = {"check_national_first": ("vs_no_cache", 1.1)}
ZERO_GOALS = {"kernel_stress_40x8": "failures"}


def run_case(name: str, code: str) -> dict:
    """Run a snippet in a fresh interpreter; it prints JSON, we add wall time and peak RSS."""
    wrapper = textwrap.dedent(f"""
        import json, resource, time
        t0 = time.perf_counter()
        extra = {{}}
        {textwrap.indent(textwrap.dedent(code), "        ").strip()}
        extra["seconds"] = round(time.perf_counter() - t0, 2)
        extra["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)
        print("BENCH " + json.dumps(extra))
    """)
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        return {"case": name, "error": done.stderr.strip().splitlines()[-1:]}
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    return {"case": name, **json.loads(line[6:])}


def national_data() -> Path:
    """The national-scale demo, regenerated when the generator's source changes."""
    demo = sorted((ROOT / "src" / "sendlib" / "demo").glob("*.py"))
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in demo)).hexdigest()[:16]
    return WORK / f"national-{stamp}"


CASES = {
    "demo_national": """
        from pathlib import Path
        from sendlib.demo import generate
        import pandas as pd
        counts = generate(Path(FOLDER), seed=42, scale="national", end=pd.Period(MONTH, "M"))
        extra["plan_rows"] = counts["plans"]
    """,
    "load_national": """
        from sendlib.data.load import load_tables
        t = load_tables(FOLDER)
        extra["rows"] = sum(len(f) for f in t.frames().values())
    """,
    "check_national_no_cache": """
        import os
        os.environ["SENDLIB_NO_CACHE"] = "1"
        from pathlib import Path
        import pandas as pd
        from sendlib.ops.preflight import check
        c = check(pd.Period(MONTH, "M"), Path(FOLDER), Path("params"), Path("params/kpis.yaml"))
        extra["errors"] = len(c.errors)
        extra["note"] = "the same checks with the cache off: the first run's baseline"
    """,
    "check_national_first": """
        import shutil
        from pathlib import Path
        import pandas as pd
        from sendlib.data.cache import TableCache, flush
        from sendlib.ops.preflight import check
        shutil.rmtree(TableCache(Path(FOLDER)).folder, ignore_errors=True)
        c = check(pd.Period(MONTH, "M"), Path(FOLDER), Path("params"), Path("params/kpis.yaml"))
        flush()  # the cache is written in the background: its time counts
        extra["errors"] = len(c.errors)
        extra["note"] = "sendlib validate's checks + load + quality warnings, empty cache"
    """,
    "check_national_cached": """
        from pathlib import Path
        import pandas as pd
        from sendlib.ops.preflight import check
        c = check(pd.Period(MONTH, "M"), Path(FOLDER), Path("params"), Path("params/kpis.yaml"))
        extra["errors"] = len(c.errors)
        extra["note"] = "the same again: every table and check from the typed cache"
    """,
    "kpis_one_month_national": """
        import pandas as pd
        from sendlib.data.load import load_tables
        from sendlib.measures.cases import prepare
        from sendlib.measures.registry import compute
        t = load_tables(FOLDER)
        t0 = time.perf_counter()
        k = compute(prepare(t), [pd.Period(MONTH, "M")])
        extra["ehcp_active"] = float(k.loc[k.kpi_id == "ehcp_active", "value"].iloc[0])
        extra["measures"] = len(k)
    """,
    "scorecard_36_months_national": """
        import pandas as pd
        from sendlib.data.load import load_tables
        from sendlib.scorecard.catalogue import load_catalogue
        from sendlib.scorecard.build import build
        t = load_tables(FOLDER)
        t0 = time.perf_counter()
        card = build(t, load_catalogue("params/kpis.yaml"), pd.Period(MONTH, "M"), 36)
        extra["rows"] = len(card)
    """,
    "looking_ahead_national": """
        import pandas as pd
        from sendlib.data.load import load_tables
        from sendlib.measures.cases import prepare
        c = prepare(load_tables(FOLDER))
        t0 = time.perf_counter()
        from sendlib.paper import looking_ahead  # statsmodels loads with the first fit
        parts = looking_ahead.counts(c, pd.Period(MONTH, "M"))
        extra["models"] = parts["ahead_models"]["model"].tolist()
        deadlines = parts["ahead_deadlines"]
        twenty = deadlines[deadlines["deadline"] == "20wk"]
        extra["open_requests"] = int(twenty.iloc[:, 2:].to_numpy().sum())
        extra["note"] = "Looking ahead's figures: projections, backtests, pipeline, reviews due"
    """,
}


def sen2_return() -> Path:
    """A SEN2 return of about 20,000 children (the demo council, 3.4 times the size),
    written once per version of the demo's source."""
    demo = sorted((ROOT / "src" / "sendlib" / "demo").glob("*.py"))
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in demo)).hexdigest()[:16]
    folder = WORK / f"sen2-{stamp}"
    path = folder / "sen2-2026.xml"
    if not path.exists():
        print(f"writing a 20,000-child SEN2 return in {folder} …", flush=True)
        import datetime as dt

        import pandas as pd

        from sendlib.demo.council import council_frames
        from sendlib.demo.sen2 import write_returns

        frames = council_frames(42, end=pd.Period("2026-02", "M"), factor=3.4)
        write_returns(frames, folder, dt.date(2026, 2, 28), years=[2026])
    return path


def sen2_cases() -> list[dict]:
    """Import a 20,000-child return, with the establishments list (a fresh process)."""
    path = sen2_return()
    code = f"""
        import tempfile
        from pathlib import Path
        from sendlib.data.sen2 import IdKey, import_returns, read_establishments
        from sendlib.startup import no_cycle_collection
        source = Path({str(path)!r})
        gias = read_establishments(source.parent / "establishments.csv")
        with tempfile.TemporaryDirectory() as out:
            with no_cycle_collection():  # as `sendlib import sen2` runs it
                s = import_returns(
                    [source], Path(out) / "data", IdKey(b"bench-key-0123456789"), gias
                )
        extra["children"] = s.returns[0].persons
        extra["rows"] = sum(s.rows.values())
        extra["megabytes"] = round(source.stat().st_size / 1e6, 1)
    """
    return [run_case("sen2_import_20k", code), sen2_check_case(path)]


def sen2_check_case(path: Path) -> dict:
    """`sendlib check sen2` on the 20,000-child return with the 2026 rules (issue 26: under
    5 s), as a user runs it: the whole command, Python's start included."""
    findings = path.with_name(f"{path.stem}.findings.csv")
    findings.unlink(missing_ok=True)
    command = [str(ROOT / ".venv" / "bin" / "sendlib"), "check", "sen2", str(path)]
    seconds = timed(command)  # the demo's return is clean: exit 0
    note = "whole command: Python start, parse, every 2026 rule, readiness summary"
    return {"case": "sen2_check_20k", "seconds": seconds, "note": note}


#: the DfE's EHC plans release as published, beside the project (not in the repository)
FULL_RELEASE = ROOT.parent / "shared" / "data" / "dfe-ehcp-2025.zip"


def release_cases() -> list[dict]:
    """`sendlib benchmarks` on the full release zip (issue 14: under 5 s), as a user runs it."""
    if not FULL_RELEASE.exists():
        print(f"  skipped: {FULL_RELEASE} is not there", flush=True)
        return []
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / "release-benchmarks.csv"
    out.unlink(missing_ok=True)
    command = [str(ROOT / ".venv" / "bin" / "sendlib"), "benchmarks", "--release"]
    command += [str(FULL_RELEASE), "--la", "E06000058", "--out", str(out)]
    seconds = timed(command)
    rows = len(out.read_text().splitlines()) - 1
    note = "whole command: Python start, zip read, 4 files, every council, England, region"
    return [{"case": "benchmarks_full_release", "seconds": seconds, "rows": rows, "note": note}]


def timed(command: list[str], env: dict | None = None) -> float:
    """Wall-clock seconds of a command (raises if it fails)."""
    start = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return round(time.perf_counter() - start, 2)


EDITS = 5  # narrative edits timed one after another (the host's speed varies by the second)


def edits(command: list[str], note: Path) -> dict:
    """An analyst's edits: each writes new words to ``note`` and re-renders; the median
    time, with the fastest and slowest."""
    times = []
    for n in range(EDITS):
        note.write_text(f"Benchmark commentary, draft {n + 1}.\n")
        times.append(timed(command))
    times.sort()
    return {"seconds": times[len(times) // 2], "range_seconds": [times[0], times[-1]]}


def paper_cases() -> list[dict]:
    """Cold paper vs the naive baseline, and the narrative-only re-render (demo council)."""
    import os
    import shutil

    bin_ = Path(sys.executable).parent
    data = WORK / "demo-la"
    if not (data / "population.csv").exists():
        timed([str(bin_ / "sendlib"), "demo", "--out", str(data), "--end", MONTH])
    out = WORK / "paper-out"
    shutil.rmtree(out, ignore_errors=True)
    params = WORK / "paper-params"  # a copy: the narrative written below stays out of the repo
    shutil.rmtree(params, ignore_errors=True)
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("narrative"))
    results = []
    run = [str(bin_ / "sendlib"), "run", "--month", MONTH, "--data", str(data), "--out", str(out)]
    run += ["--params", str(params)]
    results.append(
        {
            "case": "paper_cold",
            "seconds": timed(run),
            "peak_rss_gb": None,
            "note": "13 notebooks, papermill API with 2 workers, stitched, HTML+PDF",
        }
    )
    naive = WORK / "naive"
    shutil.rmtree(naive, ignore_errors=True)
    naive.mkdir(parents=True)
    start = time.perf_counter()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        subprocess.run(
            [
                str(bin_ / "papermill"),
                str(nb),
                str(naive / nb.name),
                "-k",
                "python3",
                "-p",
                "month",
                MONTH,
                "-p",
                "data_dir",
                str(data),
                "-p",
                "output_dir",
                str(naive / "out"),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    for nb in sorted(naive.glob("*.ipynb")):
        subprocess.run(
            [str(bin_ / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"},
        )
    naive_seconds = round(time.perf_counter() - start, 2)
    results.append(
        {
            "case": "paper_naive_baseline",
            "seconds": naive_seconds,
            "peak_rss_gb": None,
            "note": "papermill CLI per notebook in sequence, then "
            "jupyter nbconvert per notebook (13 separate HTML files, no PDF)",
        }
    )
    results[0]["speedup_vs_naive"] = round(naive_seconds / results[0]["seconds"], 2)
    note = params / "narrative" / MONTH / "caseload.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    results.append(
        {
            "case": "paper_narrative_only",
            **edits([*run, "--narrative-only"], note),
            "peak_rss_gb": None,
            "note": f"no notebook re-executed; re-stitch, HTML and PDF; median of {EDITS} edits",
        }
    )
    results.append(
        {
            "case": "paper_narrative_preview",
            **edits([*run, "--narrative-only", "--preview"], note),
            "peak_rss_gb": None,
            "note": "no notebook re-executed; paper.html only, in outputs/.preview/; "
            f"median of {EDITS} edits",
        }
    )
    return results


SECTION_PAIRS = 3  # cold papers with and without the section, alternated (the host varies)


def section_cost(data: Path, section: str = "09b_looking_ahead.ipynb") -> dict:
    """What one section adds to a cold paper: the median of SECTION_PAIRS differences
    between a cold paper and the same paper with the section's notebook left out (the run
    leaves out a section whose notebook is not there), alternated so both see the same
    host."""
    import shutil

    bin_ = Path(sys.executable).parent
    without = WORK / "notebooks-without"
    shutil.rmtree(without, ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", without)
    (without / section).unlink()
    times: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(SECTION_PAIRS):
        for kind, notebooks in (("with", ROOT / "notebooks"), ("without", without)):
            out = WORK / f"section-{kind}"
            shutil.rmtree(out, ignore_errors=True)
            run = [str(bin_ / "sendlib"), "run", "--month", MONTH, "--data", str(data)]
            run += ["--out", str(out), "--notebooks", str(notebooks)]
            times[kind].append(timed(run))
    added = sorted(a - b for a, b in zip(times["with"], times["without"], strict=True))
    median = statistics.median
    return {
        "case": "looking_ahead_paper_cost",
        "seconds": round(median(added), 2),
        "peak_rss_gb": None,
        "range_seconds": [round(added[0], 2), round(added[-1], 2)],
        "note": f"cold paper {median(times['with']):.1f} s with the section, "
        f"{median(times['without']):.1f} s without (medians of {SECTION_PAIRS} pairs)",
    }


def batch_cases(councils: int = 20, months: str = "2026-08:2026-10") -> list[dict]:
    """The same (council, month) scorecards on a local Dask cluster and in sequence."""
    bin_ = Path(sys.executable).parent
    root = WORK / f"councils-{councils}"
    if not (root / f"LA{councils:03d}" / "population.csv").exists():
        timed(
            [
                str(bin_ / "sendlib"),
                "demo",
                "--councils",
                str(councils),
                "--out",
                str(root),
                "--end",
                MONTH,
            ]
        )
    dask_seconds = timed(
        [
            str(bin_ / "sendlib"),
            "batch",
            "--data-root",
            str(root),
            "--months",
            months,
            "--out",
            str(WORK / "batch-dask"),
        ]
    )
    code = (
        "from pathlib import Path; from sendlib.months import parse_months;"
        "from sendlib.ops.batch import run_sequential;"
        f"run_sequential(Path({str(root)!r}), parse_months({months!r}), "
        f"Path({str(WORK / 'batch-seq')!r}), Path('params/kpis.yaml'))"
    )
    seq_seconds = timed([sys.executable, "-c", code])
    return [
        {
            "case": f"batch_{councils}x3_dask_local",
            "seconds": dask_seconds,
            "peak_rss_gb": None,
            "speedup_vs_sequential": round(seq_seconds / dask_seconds, 2),
            "note": f"LocalCluster, {_cpus()} workers, includes cluster start-up",
        },
        {
            "case": f"batch_{councils}x3_sequential",
            "seconds": seq_seconds,
            "peak_rss_gb": None,
            "note": "same pairs in one process",
        },
    ]


KERNEL_STRESS = """
    import tempfile
    from concurrent.futures import as_completed
    from pathlib import Path
    import nbformat
    from sendlib.ops import zygote
    from sendlib.ops.execute import worker_pool
    from sendlib.ops.kernels import execute
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("6 * 7")]
        nb.metadata["kernelspec"] = {
            "name": "python3", "display_name": "Python 3", "language": "python"
        }
        nbformat.write(nb, tmp / "one.ipynb")
        log = tmp / "kernels.log"
        failures = 0
        with zygote.start() as z, worker_pool(8, {zygote.ENV: str(z.path)}) as pool:
            jobs = [pool.submit(execute, str(tmp / "one.ipynb"), str(tmp / f"o{i}.ipynb"), {},
                                str(tmp), 120, str(log)) for i in range(40)]
            for job in as_completed(jobs):
                try:
                    job.result()
                except Exception:
                    failures += 1
        retries = len(log.read_text().splitlines()) if log.exists() else 0
    extra["failures"] = failures
    extra["attempts"] = 40 + retries
    extra["note"] = (
        f"40 kernels 8 at a time from the zygote, one cell each: "
        f"{failures} failed, {retries} retried"
    )
"""


def batch_paper_cases(councils: int = 6) -> list[dict]:
    """Whole papers for ``councils`` councils like real ones × 1 month: Dask vs in sequence."""
    import shutil

    bin_ = Path(sys.executable).parent
    root = WORK / f"councils-like-{councils}"
    if not (root / f"LA{councils:03d}" / "population.csv").exists():
        timed(
            [
                *(str(bin_ / "sendlib"), "demo", "--councils", str(councils), "--like-release"),
                *("--out", str(root), "--end", MONTH),
            ]
        )
    dask_out, seq_out = WORK / "papers-dask", WORK / "papers-seq"
    for folder in (dask_out, seq_out):
        shutil.rmtree(folder, ignore_errors=True)
    dask_seconds = timed(
        [
            *(str(bin_ / "sendlib"), "batch", "--papers", "--data-root", str(root)),
            *("--months", MONTH, "--out", str(dask_out)),
        ]
    )
    code = (
        "from pathlib import Path; from sendlib.months import parse_months;"
        "from sendlib.ops.batch import run_sequential;"
        f"o = run_sequential(Path({str(root)!r}), parse_months({MONTH!r}), Path({str(seq_out)!r}),"
        " Path('params/kpis.yaml'), papers=True); assert all(x.status == 'ok' for x in o), o"
    )
    seq_seconds = timed([sys.executable, "-c", code])
    papers = len(list(dask_out.glob("*/*/paper.pdf")))
    return [
        {
            "case": f"batch_papers_{councils}x1_dask_local",
            "seconds": dask_seconds,
            "peak_rss_gb": None,
            "papers_per_minute": round(60 * papers / dask_seconds, 2),
            "speedup_vs_sequential": round(seq_seconds / dask_seconds, 2),
            "note": f"{papers} papers, LocalCluster of {_cpus()} workers, includes start-up",
        },
        {
            "case": f"batch_papers_{councils}x1_sequential",
            "seconds": seq_seconds,
            "peak_rss_gb": None,
            "papers_per_minute": round(60 * councils / seq_seconds, 2),
            "note": "the same papers one after another in one process",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="run only these cases")
    args = parser.parse_args()
    folder = national_data()
    results = []
    for name, code in CASES.items():
        if (args.only and name not in args.only) or args.only == []:
            continue
        if name == "demo_national" and (folder / "population.csv").exists():
            continue
        code = code.replace("FOLDER", repr(str(folder))).replace("MONTH", repr(MONTH))
        print(f"· {name}" + (f" (into {folder})" if name == "demo_national" else ""), flush=True)
        results.append(run_case(name, code))
        print(f"  {results[-1]}", flush=True)
    _against_no_cache(results)
    if not args.only or "paper" in args.only:
        print("· paper (cold, naive baseline, narrative-only)", flush=True)
        results += paper_cases()
        print(f"  {results[-4:]}", flush=True)
        print("· what the Looking ahead section adds to a cold paper", flush=True)
        results.append(section_cost(WORK / "demo-la"))
        print(f"  {results[-1]}", flush=True)
    if not args.only or "sen2" in args.only:
        print("· SEN2 import and check of a 20,000-child return", flush=True)
        results += sen2_cases()
        print(f"  {results[-2:]}", flush=True)
    if not args.only or "release" in args.only:
        print("· sendlib benchmarks on the full DfE release", flush=True)
        results += release_cases()
        print(f"  {results[-1:]}", flush=True)
    if not args.only or "batch" in args.only:
        print("· batch of 20 councils x 3 months", flush=True)
        results += batch_cases()
        print(f"  {results[-2:]}", flush=True)
    if not args.only or "kernels" in args.only:
        print("· kernel-start stress: 40 kernels, 8 at a time", flush=True)
        results.append(run_case("kernel_stress_40x8", KERNEL_STRESS))
        print(f"  {results[-1]}", flush=True)
    if not args.only or "papers" in args.only:
        print("· batch of whole papers: 6 councils like real ones x 1 month", flush=True)
        results += batch_paper_cases()
        print(f"  {results[-2:]}", flush=True)
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": _cpus(),
            "platform": platform.platform(),
        },
        "month": MONTH,
        "results": results,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    (OUT / "bench.md").write_text(_markdown(results))
    print(_markdown(results))


def _against_no_cache(results: list[dict]) -> None:
    """The first check's time as a multiple of the same checks with the cache off."""
    found = {r["case"]: r for r in results if "seconds" in r}
    first, baseline = found.get("check_national_first"), found.get("check_national_no_cache")
    if first and baseline:
        first["vs_no_cache"] = round(first["seconds"] / baseline["seconds"], 2)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _markdown(results: list[dict]) -> str:
    lines = ["| case | seconds | peak RSS (GB) | goal | met |", "|---|---:|---:|---|---|"]
    for r in results:
        goal = GOALS.get(r["case"])
        if "error" in r:
            lines.append(f"| {r['case']} | error: {r['error']} | | | no |")
            continue
        rss = r.get("peak_rss_gb")
        met, goal_text = [], []
        if goal is not None:
            ok = r["seconds"] <= goal[0] and (goal[1] is None or rss <= goal[1])
            met.append("met" if ok else "not met")
            goal_text.append(f"≤ {goal[0]} s" + (f", ≤ {goal[1]} GB" if goal[1] else ""))
        if r["case"] in RATIO_GOALS:
            key, least = RATIO_GOALS[r["case"]]
            met.append("met" if r.get(key, 0) >= least else "not met")
            goal_text.append(f"≥ {least}× {key.removeprefix('speedup_vs_')}")
        if r["case"] in CEILING_GOALS and CEILING_GOALS[r["case"]][0] in r:
            key, most = CEILING_GOALS[r["case"]]
            met.append("met" if r[key] <= most else "not met")
            goal_text.append(f"≤ {most}× {key.removeprefix('vs_').replace('_', ' ')} ({r[key]}×)")
        if r["case"] in ZERO_GOALS:
            key = ZERO_GOALS[r["case"]]
            met.append("met" if r.get(key) == 0 else "not met")
            goal_text.append(f"0 {key} ({r.get(key)} of {r.get('attempts')} attempts)")
        met = "not met" if "not met" in met else "met" if met else ""
        goal_text = "; ".join(goal_text)
        ratio = r.get("speedup_vs_naive") or r.get("speedup_vs_sequential")
        seconds = f"{r['seconds']}" + (f" ({ratio}× faster)" if ratio else "")
        if "papers_per_minute" in r:
            seconds += f", {r['papers_per_minute']} papers/min"
        if "range_seconds" in r:
            seconds += " (median; {}–{})".format(*r["range_seconds"])
        lines.append(
            f"| {r['case']} | {seconds} | {'' if rss is None else rss} | {goal_text} | {met} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
