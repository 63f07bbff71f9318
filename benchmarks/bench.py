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
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs"
WORK = OUT / "bench"
MONTH = "2026-10"  # fixed so figures compare across runs

GOALS = {  # case: (seconds, GB) from the issues
    "kpis_one_month_national": (10, 4),
    "scorecard_36_months_national": (60, 4),
}


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
    source = (ROOT / "src" / "sendlib" / "demo.py").read_bytes()
    stamp = hashlib.sha256(source).hexdigest()[:16]
    folder = WORK / f"national-{stamp}"
    if not (folder / "population.csv").exists():
        print(f"generating national-scale data in {folder} …", flush=True)
    return folder


CASES = {
    "demo_national": """
        from pathlib import Path
        from sendlib.demo import generate
        import pandas as pd
        counts = generate(Path(FOLDER), seed=42, scale="national", end=pd.Period(MONTH, "M"))
        extra["active_plans_rows"] = counts["plans"]
    """,
    "load_national": """
        from sendlib.load import load_tables
        t = load_tables(FOLDER)
        extra["rows"] = sum(len(f) for f in t.frames().values())
    """,
    "kpis_one_month_national": """
        import pandas as pd
        from sendlib.load import load_tables
        from sendlib.cases import prepare
        from sendlib.kpis import compute
        t = load_tables(FOLDER)
        t0 = time.perf_counter()
        k = compute(prepare(t), [pd.Period(MONTH, "M")])
        extra["ehcp_active"] = float(k.loc[k.kpi_id == "ehcp_active", "value"].iloc[0])
        extra["measures"] = len(k)
    """,
    "scorecard_36_months_national": """
        import pandas as pd
        from sendlib.load import load_tables
        from sendlib.catalogue import load_catalogue
        from sendlib.scorecard import build
        t = load_tables(FOLDER)
        t0 = time.perf_counter()
        card = build(t, load_catalogue("params/kpis.yaml"), pd.Period(MONTH, "M"), 36)
        extra["rows"] = len(card)
    """,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="run only these cases")
    args = parser.parse_args()
    folder = national_data()
    results = []
    for name, code in CASES.items():
        if args.only and name not in args.only:
            continue
        if name == "demo_national" and (folder / "population.csv").exists():
            continue
        code = code.replace("FOLDER", repr(str(folder))).replace("MONTH", repr(MONTH))
        print(f"· {name}", flush=True)
        results.append(run_case(name, code))
        print(f"  {results[-1]}", flush=True)
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
        met = (
            ""
            if goal is None
            else ("yes" if r["seconds"] <= goal[0] and r["peak_rss_gb"] <= goal[1] else "no")
        )
        goal_text = "" if goal is None else f"≤ {goal[0]} s, ≤ {goal[1]} GB"
        lines.append(f"| {r['case']} | {r['seconds']} | {r['peak_rss_gb']} | {goal_text} | {met} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
