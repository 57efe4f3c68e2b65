"""Benchmark of the lab commands that only read lab folders: `lab list` and `lab hint`, as a learner waits.

Each command runs in a fresh process through the real console entry point (interpreter start-up, imports,
the progress database), with a throw-away data folder. For `lab list` it also times, in this process, how
the labs are found: `all_labs` (manifests, lab folders, lesson front matter) against loading the whole
catalog and ordering it (every lesson body and deck parsed), which is what `lab list` did before.

Prints every run and the median and min. The machine is shared: read the median and the min together.

    python bench/bench_lab_list.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = (("lab", "list"), ("lab", "hint", "s3-copy"))


def time_command(args: tuple[str, ...], home: Path) -> float:
    env = {**os.environ, "LAMBDALEARN_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lambdalearn", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_call(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def show(label: str, times: list[float]) -> None:
    runs = " ".join(f"{t * 1000:.0f}" for t in times)
    print(f"{label:<50} median {statistics.median(times) * 1000:6.0f} ms  min {min(times) * 1000:6.0f} ms  ({runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="lambdalearn-bench-") as home:
        for args in COMMANDS:
            time_command(args, Path(home))  # warm the file cache and the database
            show("lambdalearn " + " ".join(args), [time_command(args, Path(home)) for _ in range(runs)])

    from lambdalearn.labs.finder import all_labs, course_order, pack_roots
    from lambdalearn.study.catalog import Catalog

    roots = pack_roots(None)
    all_labs(roots), Catalog.load(roots)  # imports out of the way
    show("in process: all_labs (now)", time_call(lambda: all_labs(roots), runs))
    show("in process: Catalog.load + course_order (before)", time_call(lambda: course_order(Catalog.load(roots).packs), runs))


if __name__ == "__main__":
    main()
