"""Twenty cold `sendlib run`s in a row: does an unattended monthly run ever fail by chance?

Each run is a fresh `sendlib run` process into an empty outputs folder (no executed
notebooks to re-use, kernels started anew), on the demo council. Prints one line per run
and a summary — runs, failures, kernel retries from each run's log, seconds (min, median,
max) — and writes it to outputs/bench-cold-runs.json. Exit code 1 if any run failed.

    .venv/bin/python benchmarks/cold_runs.py [--runs 20] [--month 2026-10]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "outputs" / "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--month", default="2026-10")
    args = parser.parse_args()
    sendlib = str(Path(sys.executable).parent / "sendlib")
    data = WORK / "demo-la"
    if not (data / "population.csv").exists():
        subprocess.run([sendlib, "demo", "--out", str(data), "--end", args.month], check=True)
    runs = []
    for i in range(1, args.runs + 1):
        out = WORK / "cold-runs" / f"run-{i:02d}"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run(
            [sendlib, "run", "--month", args.month, "--data", str(data), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = round(time.perf_counter() - start, 2)
        log = out / ".work" / args.month / "logs" / "kernels.log"
        retries = len(log.read_text().splitlines()) if log.exists() else 0
        ok = done.returncode == 0 and (out / args.month / "paper.pdf").exists()
        runs.append(
            {
                "run": i,
                "ok": ok,
                "exit_code": done.returncode,
                "seconds": seconds,
                "kernel_retries": retries,
                "error": "" if ok else (done.stdout + done.stderr)[-2000:],
            }
        )
        print(
            f"run {i:2d}: {'ok' if ok else 'FAILED'} in {seconds} s, {retries} kernel retries",
            flush=True,
        )
    times = [r["seconds"] for r in runs]
    summary = {
        "runs": len(runs),
        "failures": sum(not r["ok"] for r in runs),
        "kernel_retries": sum(r["kernel_retries"] for r in runs),
        "seconds_min": min(times),
        "seconds_median": statistics.median(times),
        "seconds_max": max(times),
    }
    print(json.dumps(summary))
    (ROOT / "outputs").mkdir(exist_ok=True)
    (ROOT / "outputs" / "bench-cold-runs.json").write_text(
        json.dumps({"summary": summary, "runs": runs}, indent=2) + "\n"
    )
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
