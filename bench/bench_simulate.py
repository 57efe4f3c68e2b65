"""Benchmark of `lambdalearn simulate` against SimFaaS, and their agreement on three steady-state scenarios.

1. Speed: one scenario of about 1.2 million invocations (Poisson arrivals at 100/s for 12,000 s, a fixed
   200 ms duration, 400 ms INIT, a fixed 600 s idle timeout). Our time is the whole command in a fresh
   process (`python -m lambdalearn simulate FILE --json`: start-up, parsing, simulation, JSON), as a user waits;
   SimFaaS's is its `generate_trace()` on the same model in this process (arrival rate, constant warm and
   cold service times, expiration threshold), which flatters SimFaaS. Then the ratio.
2. Agreement: cold-start ratio and mean number of environments (SimFaaS: `prob_cold`, `inst_count_avg`) on
   three scenarios with Poisson arrivals, fixed durations and a fixed idle timeout, each simulator with its
   own random streams, averaged over a few seeds; the relative difference should be within a few percent.

SimFaaS is a dev extra (`pip install -e '.[dev]'`); without it only our figures are printed.
The machine is shared: read ratios measured in the same run, and CPU time (what the process itself used)
beside wall time, which grows with the load of other processes.

    python bench/bench_simulate.py [--skip-speed] [--skip-agreement] [--seeds N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEED = {"rate": 100.0, "duration_s": 0.2, "init_s": 0.4, "idle_s": 600.0, "span_s": 12000.0}
AGREEMENT = (
    {"rate": 0.9, "duration_s": 2.016, "init_s": 0.147, "idle_s": 600.0, "span_s": 100000.0},
    {"rate": 5.0, "duration_s": 0.5, "init_s": 1.0, "idle_s": 60.0, "span_s": 20000.0},
    {"rate": 0.05, "duration_s": 1.0, "init_s": 2.0, "idle_s": 30.0, "span_s": 200000.0},
)


def scenario_yaml(model: dict, seed: int = 7) -> str:
    return (
        "function:\n"
        f"  duration_ms: {{fixed: {model['duration_s'] * 1000}}}\n"
        f"  init_ms: {{fixed: {model['init_s'] * 1000}}}\n"
        f"  idle_timeout_s: {{fixed: {model['idle_s']}}}\n"
        f"traffic: [{{poisson: {{rate_per_s: {model['rate']}}}, for_s: {model['span_s']}}}]\n"
        f"seed: {seed}\n"
    )


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ours(model: dict, folder: Path, seed: int = 7) -> tuple[float, float, dict]:
    """The whole command in a fresh process: (wall seconds, CPU seconds, its JSON)."""
    path = folder / f"scenario-{seed}.yaml"
    path.write_text(scenario_yaml(model, seed))
    cpu, started = _children_cpu_s(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lambdalearn", "simulate", str(path), "--json"],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, _children_cpu_s() - cpu, json.loads(done.stdout)


def run_simfaas(model: dict, seed: int = 7) -> tuple[float, float, dict] | None:
    try:
        import numpy as np
        from simfaas.ServerlessSimulator import ServerlessSimulator
        from simfaas.SimProcess import ConstSimProcess
    except ImportError:
        return None
    np.random.seed(seed)
    simulator = ServerlessSimulator(
        arrival_rate=model["rate"],
        warm_service_process=ConstSimProcess(rate=1 / model["duration_s"]),
        cold_service_process=ConstSimProcess(rate=1 / (model["duration_s"] + model["init_s"])),
        expiration_threshold=model["idle_s"],
        max_time=model["span_s"],
        maximum_concurrency=1000,
    )
    cpu, started = time.process_time(), time.perf_counter()
    simulator.generate_trace()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, {"prob_cold": simulator.get_cold_start_prob(), "inst_count_avg": simulator.get_average_server_count(),
                     "requests": simulator.total_req_count}


def speed(folder: Path) -> None:
    seconds, cpu, figures = run_ours(SPEED, folder)
    print(f"ours     {figures['invocations']:>10,} invocations: {seconds:7.2f} s wall, {cpu:7.2f} s CPU for the whole"
          f" command ({figures['wall_s']:.2f} s wall simulating)")
    theirs = run_simfaas(SPEED)
    if theirs is None:
        print("SimFaaS  not installed (pip install -e '.[dev]')")
        return
    their_seconds, their_cpu, their_figures = theirs
    print(f"SimFaaS  {their_figures['requests']:>10,} requests:    {their_seconds:7.2f} s wall, {their_cpu:7.2f} s CPU"
          " (generate_trace only)")
    print(f"ratio    {their_seconds / seconds:.1f}x faster by wall time, {their_cpu / cpu:.1f}x by CPU time"
          " (our whole command against SimFaaS's simulation alone)")


def agreement(folder: Path, seeds: int) -> None:
    """Each figure averaged over `seeds` runs of each simulator (a few hundred cold starts are noisy)."""
    print(f"{'scenario (mean of ' + str(seeds) + ' seeds)':<44} {'cold-start ratio (ours / SimFaaS)':>36}"
          f" {'mean environments (ours / SimFaaS)':>38}")
    for model in AGREEMENT:
        ours = [run_ours(model, folder, seed)[2] for seed in range(1, seeds + 1)]
        theirs = [run_simfaas(model, seed) for seed in range(1, seeds + 1)]
        name = (f"{model['rate']:g}/s, {model['duration_s'] * 1000:g} ms + INIT {model['init_s'] * 1000:g} ms,"
                f" idle {model['idle_s']:g} s")
        our_cold = _mean(f["cold_start_ratio"] for f in ours)
        our_envs = _mean(f["mean_environments"] for f in ours)
        if theirs[0] is None:
            print(f"{name:<44} {our_cold:>36.5f} {our_envs:>38.3f}")
            continue
        their_cold = _mean(t[2]["prob_cold"] for t in theirs)
        their_envs = _mean(t[2]["inst_count_avg"] for t in theirs)
        cold = f"{our_cold:.5f} / {their_cold:.5f} ({_diff(our_cold, their_cold)})"
        envs = f"{our_envs:.3f} / {their_envs:.3f} ({_diff(our_envs, their_envs)})"
        print(f"{name:<44} {cold:>36} {envs:>38}")


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def _diff(ours: float, theirs: float) -> str:
    return f"{(ours - theirs) / theirs:+.1%}" if theirs else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-agreement", action="store_true")
    parser.add_argument("--seeds", type=int, default=3, help="runs of each agreement scenario to average (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-simulate-") as folder:
        if not args.skip_speed:
            speed(Path(folder))
        if not args.skip_agreement:
            agreement(Path(folder), args.seeds)


if __name__ == "__main__":
    main()
