"""Benchmark of the mini-runtime: warm invocation overhead, cold start to handler-ready, idle memory, and the
same invocations through python-lambda-local for comparison.

Run alone: `python bench/bench_runtime.py [--warm N] [--cold N]`. It prints a table; nothing is asserted
(the machine may be shared and noisy). Targets from issue 4: warm overhead <= 1 ms median, cold start to
handler-ready <= 60 ms for a handler with no imports.

What is measured:
- warm round trip: `await runtime.invoke(event)` on a warm environment, for a handler that returns at once.
  The handler's own time is a few microseconds, so the round trip is the overhead (an upper bound). The
  part of it outside Lambda's "Duration" is shown too (service work: thaw, dispatch, freeze, records).
- cold start to handler-ready: the REPORT's Init Duration (spawn -> the runtime's first /invocation/next),
  with the fork server already running, then the same without it (a fresh interpreter per environment) and
  with AWS's awslambdaric as the runtime client.
- idle environment memory: RSS and PSS (shared pages divided among sharers) of a frozen environment (all its
  processes), and of the fork server.
- warm and cold figures on both containment paths of the sealed environment (see runtime/sandbox.py) times
  both process units (a cgroup per environment or a /proc walk, see runtime/cgroup.py): what this machine
  chooses first, then every other pair the kernel allows (LAMBDALEARN_SANDBOX and LAMBDALEARN_CGROUP force them).
- python-lambda-local: its `call()` API on the same handler and event (it forks a process per call).
- CPU share: the Duration of a fixed amount of CPU work at 128 to 1,769 MB (Lambda's CPU grows with memory).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lambdalearn.runtime import cgroup, procfs, sandbox
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.launcher import CommandLauncher, ForkServerLauncher
from lambdalearn.runtime.service import LambdaRuntime

HANDLER_SOURCE = (
    "def handler(event, context):\n    return {'ok': True}\n\n\n"
    "def cpu_work(event, context):\n    total = 0\n    for i in range(event['loops']):\n        total += i\n    return total\n"
)
CPU_LOOPS = 1_000_000
EVENT = {"key": "value"}


def median_and_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def proc_kib(pid: int, path: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def warm_round_trips(config: FunctionConfig, count: int) -> dict:
    launcher = ForkServerLauncher()  # ours, to read the fork server's memory; we close it
    try:
        async with LambdaRuntime(config, launcher=launcher) as runtime:
            for _ in range(20):
                await runtime.invoke(EVENT)
            round_trips, durations = [], []
            for _ in range(count):
                started = time.perf_counter()
                record = await runtime.invoke(EVENT)
                round_trips.append((time.perf_counter() - started) * 1000)
                durations.append(record.duration_ms)
            await runtime.shut_down_idle()
            await runtime.invoke(EVENT)
            await asyncio.sleep(0.2)
            view = runtime.environments()[0]
            members = procfs.unit_members(view.pid)
            return {
                "round_trip": median_and_p95(round_trips),
                "outside_duration": median_and_p95([rt - d for rt, d in zip(round_trips, durations)]),
                "idle_rss_kib": sum(proc_kib(pid, "status", "VmRSS") for pid in members),
                "idle_pss_kib": sum(proc_kib(pid, "smaps_rollup", "Pss") for pid in members),
                "frozen": view.frozen,
                "fork_server_rss_kib": proc_kib(launcher.pid, "status", "VmRSS") if launcher.pid else 0,
                "sandbox": runtime.sandbox[0] if runtime.sandbox else "none",
                "unit": runtime.unit.kind if runtime.unit else "none",
            }
    finally:
        await launcher.aclose()


async def cold_starts(config: FunctionConfig, count: int, launcher=None) -> dict:
    async with LambdaRuntime(config, launcher=launcher) as runtime:
        await runtime.invoke(EVENT)  # the fork server (if any) is up and warm from here on
        await runtime.shut_down_idle()
        inits, round_trips = [], []
        for _ in range(count):
            started = time.perf_counter()
            record = await runtime.invoke(EVENT)
            round_trips.append((time.perf_counter() - started) * 1000)
            inits.append(record.init_duration_ms)
            await runtime.shut_down_idle()
        return {"init": median_and_p95(inits), "round_trip": median_and_p95(round_trips)}


async def cpu_bound_durations(code_dir: Path) -> dict[int, float]:
    """Median Duration of a fixed amount of CPU work at several memory sizes (CPU share grows with memory)."""
    durations = {}
    for memory_mb in (128, 512, 1024, 1769):
        config = FunctionConfig(handler="app.cpu_work", code_dir=code_dir, memory_mb=memory_mb, timeout_s=60)
        async with LambdaRuntime(config) as runtime:
            records = [await runtime.invoke({"loops": CPU_LOOPS}) for _ in range(3)]
        durations[memory_mb] = statistics.median(record.duration_ms for record in records)
    return durations


def lambda_local_calls(code_dir: Path, count: int) -> tuple[float, float] | None:
    """python-lambda-local's median and p95 per call; None when it is not installed (it is in the dev extra,
    not the test extra: the rest of the benchmark needs only lambdalearn)."""
    try:
        from lambda_local.context import Context
        from lambda_local.main import call
    except ImportError:
        return None

    sys.path.insert(0, str(code_dir))
    import app  # the benchmark's handler module, written to code_dir

    logging.getLogger().setLevel(logging.ERROR)
    times = []
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(count):
            started = time.perf_counter()
            call(app.handler, dict(EVENT), Context(3))
            times.append((time.perf_counter() - started) * 1000)
    return median_and_p95(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=1000, help="warm invocations to time")
    parser.add_argument("--cold", type=int, default=30, help="cold starts to time")
    args = parser.parse_args()
    code_dir = Path(tempfile.mkdtemp(prefix="bench-runtime-"))
    (code_dir / "app.py").write_text(HANDLER_SOURCE)
    config = FunctionConfig(handler="app.handler", code_dir=code_dir)

    warm = asyncio.run(warm_round_trips(config, args.warm))
    cold = asyncio.run(cold_starts(config, args.cold))
    chosen = (warm["sandbox"], warm["unit"])
    others = {}
    for pair in [(path, unit) for path in sandbox.PATHS for unit in cgroup.CHOICES if (path, unit) != chosen]:
        os.environ[sandbox.ENV_VAR], os.environ[cgroup.ENV_VAR] = pair
        try:
            others[pair] = asyncio.run(warm_round_trips(config, args.warm)), asyncio.run(cold_starts(config, args.cold))
        except Exception as refused:  # the kernel refuses namespaces or a cgroup here
            print(f"({' + '.join(pair)} not measured: {refused})")
        finally:
            del os.environ[sandbox.ENV_VAR], os.environ[cgroup.ENV_VAR]
    cold_fresh = asyncio.run(cold_starts(config, max(5, args.cold // 3), CommandLauncher.bootstrap()))
    cold_ric = asyncio.run(cold_starts(config, max(5, args.cold // 3), CommandLauncher.awslambdaric()))
    local = lambda_local_calls(code_dir, max(50, args.warm // 10))
    cpu = asyncio.run(cpu_bound_durations(code_dir))

    path = " + ".join(chosen)
    rows = [
        (f"warm invocation round trip (overhead, {path}), median / p95", "%.3f / %.3f ms" % warm["round_trip"], "<= 1 ms"),
        ("  of which outside Lambda's Duration, median / p95", "%.3f / %.3f ms" % warm["outside_duration"], ""),
        (f"cold start to handler-ready (fork server, {path}), median / p95", "%.2f / %.2f ms" % cold["init"], "<= 60 ms"),
        ("  whole cold invocation round trip, median", "%.2f ms" % cold["round_trip"][0], ""),
    ]
    for pair, (warm_other, cold_other) in others.items():
        other = " + ".join(pair)
        rows += [
            (f"warm invocation round trip (overhead, {other}), median / p95", "%.3f / %.3f ms" % warm_other["round_trip"], "<= 1 ms"),
            (f"cold start to handler-ready (fork server, {other}), median / p95", "%.2f / %.2f ms" % cold_other["init"], "<= 60 ms"),
        ]
    rows += [
        ("cold start, fresh interpreter + our bootstrap (no sandbox), median", "%.2f ms" % cold_fresh["init"][0], ""),
        ("cold start, fresh interpreter + awslambdaric (no sandbox), median", "%.2f ms" % cold_ric["init"][0], ""),
        ("idle (frozen) environment memory, RSS / PSS", "%.1f / %.1f MB" % (warm["idle_rss_kib"] / 1024, warm["idle_pss_kib"] / 1024), ""),
        ("fork server memory, RSS", "%.1f MB" % (warm["fork_server_rss_kib"] / 1024), ""),
    ]
    if local is None:
        rows.append(("python-lambda-local: not installed (pip install -e '.[dev]'), comparison left out", "-", ""))
    else:
        rows += [
            ("python-lambda-local call(), median / p95", "%.2f / %.2f ms" % local, ""),
            ("python-lambda-local / our warm invocation (median)", "%.1fx" % (local[0] / warm["round_trip"][0]), ""),
            ("python-lambda-local / our cold invocation (median)", "%.1fx" % (local[0] / cold["round_trip"][0]), ""),
        ]
    for memory_mb, duration in cpu.items():
        rows.append(
            (f"CPU-bound handler at {memory_mb} MB (x of 1769 MB)", "%.0f ms (%.1fx)" % (duration, duration / cpu[1769]),
             "~%.1fx" % (1769 / memory_mb) if memory_mb < 1769 else "")
        )
    width = max(len(row[0]) for row in rows)
    print(f"mini-runtime benchmark ({args.warm} warm, {args.cold} cold invocations; frozen while idle: {warm['frozen']})")
    print(f"{'measure'.ljust(width)}  {'result':>22}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>22}  {target}")


if __name__ == "__main__":
    main()
