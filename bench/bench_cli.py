"""Benchmark of the line-mode commands a script or a screen reader runs: `lambdalearn quiz --plain` to its first
question, `lambdalearn stats` and `lambdalearn stats --json`, each as the whole process.

Run alone: `python bench/bench_cli.py [--runs N]`. It prints its figures; nothing is asserted (the machine may
be shared and noisy). Targets (issue 20): quiz --plain to its first question <= 0.25 s, stats <= 0.15 s, in a
warm data folder (one that has seen a start: its pack cache is written), the case of every start but the first.

lambdalearn's bytecode is compiled first, as an installed copy has it (see bench/bytecode.py).

What is measured:
- the real command, spawned N times (medians, min-max): the time from spawning the process to the first
  question's header line on its standard output (`quiz --plain`, standard input closed, so nothing is answered)
  or to the process's exit (`stats`). Warm: one data folder prepared by a first run. Fresh: a new data folder
  each run (pack cache cold, database created), for reference.
- the split, in a child process doing what the command does, step by step (medians of N): interpreter start
  (`python -c pass`), imports (the CLI and the command's module, as the command line imports them), pack load
  (through the cache), store open, and the first question (the session's queue and the question's text) or
  the figures (summary, course progress, readiness).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bytecode import compile_lambdalearn

QUESTION_HEADER = "[1/"

SPLIT = textwrap.dedent(
    """
    import json, sys, time
    started = time.perf_counter()
    marks = []
    def mark(label):
        marks.append((label, time.perf_counter()))
    command, data_dir = sys.argv[1], sys.argv[2]
    import lambdalearn.cli
    import lambdalearn.commands.common
    if command == "quiz":
        import lambdalearn.commands.quiz
    else:
        import lambdalearn.commands.stats
    mark("imports")
    from pathlib import Path
    from lambdalearn.progress.paths import resolve_data_dir
    from lambdalearn.study.catalog import Catalog
    data = resolve_data_dir(Path(data_dir))
    catalog = Catalog.load(None, data)
    mark("pack load (cache)")
    from lambdalearn.progress.store import ProgressStore
    store = ProgressStore.open(data)
    mark("store open")
    if command == "quiz":
        import random
        from lambdalearn.content.questions import display_prompt
        from lambdalearn.study.session import QuizSession
        session = QuizSession(store, catalog.select(), rng=random.Random(1))
        display_prompt(session.queue[0].question)
        mark("first question")
    else:
        from lambdalearn.progress.stats import summary
        from lambdalearn.study.standing import exam_pack, progress_of, standing_rows
        summary(store)
        standing_rows(store, catalog.packs)
        mark("figures")
    store.close()
    last, out = started, {}
    for label, at in marks:
        out[label] = at - last
        last = at
    print(json.dumps(out))
    """
)


CPU: list[float] = []  # CPU seconds (user + system) of each process spawned, less sensitive to load than wall time


def spawn_to_marker(command: list[str], marker: str | None) -> float:
    """Seconds from spawning `command` to `marker` on its standard output (None: to its exit); the process's
    CPU time goes to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    seen = None
    for line in process.stdout:
        if marker is not None and seen is None and line.startswith(marker):
            seen = time.perf_counter()
    process.wait()
    ended = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {process.stderr.read()}")
    if marker is not None and seen is None:
        raise SystemExit(f"{' '.join(command)} never printed {marker!r}")
    return (seen or ended) - started


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:6.0f} ms ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each measurement (default 9)")
    args = parser.parse_args()
    lambdalearn = str(Path(sys.executable).with_name("lambdalearn"))
    compile_lambdalearn()
    commands = {
        "quiz --plain (to the first question)": (["quiz", "--plain"], QUESTION_HEADER),
        "stats": (["stats"], None),
        "stats --json": (["stats", "--json"], None),
    }
    with tempfile.TemporaryDirectory() as scratch:
        warm = str(Path(scratch) / "warm")
        spawn_to_marker([lambdalearn, "--data-dir", warm, "stats"], None)  # writes the pack cache
        CPU.clear()
        print(f"whole process, median of {args.runs} (min-max); load average {os.getloadavg()[0]:.1f}; CPU is the"
              " process's user + system time (for quiz, to its exit):")
        interpreter = [spawn_to_marker([sys.executable, "-c", "pass"], None) for _ in range(args.runs)]
        print(f"  {'python -c pass (interpreter start):':<52}{median_ms(interpreter)}   CPU {median_ms(CPU).strip()}")
        for label, (words, marker) in commands.items():
            warm_times, fresh_times, warm_cpu, fresh_cpu = [], [], [], []
            for run in range(args.runs):
                warm_times.append(spawn_to_marker([lambdalearn, "--data-dir", warm, *words], marker))
                warm_cpu.append(CPU[-1])
                fresh = str(Path(scratch) / f"fresh-{len(warm_times)}-{label}")
                fresh_times.append(spawn_to_marker([lambdalearn, "--data-dir", fresh, *words], marker))
                fresh_cpu.append(CPU[-1])
            print(f"  {label + ', warm:':<52}{median_ms(warm_times)}   CPU {median_ms(warm_cpu).strip()}")
            print(f"  {label + ', fresh data folder:':<52}{median_ms(fresh_times)}   CPU {median_ms(fresh_cpu).strip()}")
        for command in ("quiz", "stats"):
            splits = [json.loads(subprocess.run([sys.executable, "-c", SPLIT, command, warm], capture_output=True,
                                                text=True, check=True).stdout) for _ in range(args.runs)]
            print(f"split of {command}, warm, median of {args.runs}:")
            print(f"  {'interpreter start':<30}{statistics.median(interpreter) * 1000:6.0f} ms")
            for step in splits[0]:
                print(f"  {step:<30}{statistics.median(split[step] for split in splits) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
