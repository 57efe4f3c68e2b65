"""Benchmark of `lambdalearn lab check`: wall time of the whole command, as a learner waits for it.

Two bundled labs, each checked against its reference solution in a fresh workspace, through the real console
command in a fresh process (interpreter start-up, imports, finding the lab, the progress database, the
runtime, and for the second a moto server with its resources):

- handler-basics: 6 checks, no AWS resources. Goal: <= 1.5 s.
- s3-copy: 4 checks against S3 in moto (boto3 in the handler). Goal: <= 3 s.

Prints every run and the median, min and max. The machine is shared, so read the median and the min
together. Run alone:

    python bench/bench_labs.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABS = (("handler-basics", 1.5), ("s3-copy", 3.0))


def lambdalearn(home: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lambdalearn", *args]
    return subprocess.run(command, env={**os.environ, "LAMBDALEARN_HOME": str(home)}, capture_output=True, text=True)


def time_check(lab: str, runs: int) -> list[float]:
    """Wall times of `lab check` on a workspace holding the lab's solution."""
    with tempfile.TemporaryDirectory(prefix="bench-labs-") as scratch:
        home, workspace = Path(scratch) / "home", Path(scratch) / "ws"
        started = lambdalearn(home, "lab", "start", lab, "--dir", str(workspace))
        if started.returncode != 0:
            raise SystemExit(f"lab start {lab} failed: {started.stderr or started.stdout}")
        shutil.copytree(ROOT / "labs" / lab / "solution", workspace, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            result = lambdalearn(home, "lab", "check", lab)
            times.append(time.perf_counter() - began)
            if result.returncode != 0:
                raise SystemExit(f"lab check {lab} did not pass:\n{result.stdout}{result.stderr}")
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per lab (default 5)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"lambdalearn lab check, wall time of the command ({args.runs} runs each; load average {load:.2f})")
    for lab, goal in LABS:
        times = time_check(lab, args.runs)
        median = statistics.median(times)
        verdict = "ok" if median <= goal else "OVER"
        shown = " ".join(f"{t:.2f}" for t in times)
        print(f"{lab:<16} median {median:.2f} s  min {min(times):.2f}  max {max(times):.2f}  goal <= {goal:.1f} s: "
              f"{verdict}   [{shown}]")


if __name__ == "__main__":
    main()
