"""What a simulation means to a reader: the JSON contract, costs by line, a text summary, charts and CSV.

Costs come from `runtime/billing.py` (the same prices and rounding as the live runtime). plotext is imported
only when charts are drawn, so `--json` and the TUI never load it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from lambdalearn.runtime import billing
from lambdalearn.simulate.engine import FunctionResult, SimulationResult
from lambdalearn.simulate.stats import LogHistogram

COST_LINES = ("requests", "compute", "init", "provisioned")


def function_costs(result: FunctionResult) -> dict[str, float]:
    """List prices (no free tier) of one function's run, by line; `compute` includes provisioned invocations."""
    spec = result.spec
    memory, arch = spec.memory_mb, spec.architecture
    compute = billing.duration_cost(result.on_demand_billed_ms, memory, arch) + billing.duration_cost(
        result.provisioned_billed_ms, memory, arch, provisioned=True
    )
    provisioned = sum(
        billing.provisioned_concurrency_cost(value, memory, to_s - from_s, arch)
        for from_s, to_s, value in result.provisioned_steps
        if value
    )
    return {
        "requests": result.invocations * billing.PRICES["request"],
        "compute": compute,
        "init": billing.duration_cost(result.init_billed_ms, memory, arch),
        "provisioned": provisioned,
    }


def account_costs(results: Iterable[FunctionResult], free_tier: bool) -> dict[str, float]:
    """The account's cost lines and total; with `free_tier`, the monthly free requests and GB-seconds first.

    The free tier covers on-demand requests and duration (INVOKE, then INIT), never provisioned concurrency;
    it is applied once to the whole run, as if the run were the month's only use.
    """
    results = list(results)
    lines = dict.fromkeys(COST_LINES, 0.0)
    free_requests = billing.PRICES["free_tier"]["requests"] if free_tier else 0
    free_gb_s = float(billing.PRICES["free_tier"]["gb_seconds"]) if free_tier else 0.0
    for result in results:
        costs = function_costs(result)
        for line in COST_LINES:
            lines[line] += costs[line]
        if not free_tier:
            continue
        covered = min(free_requests, result.invocations)
        free_requests -= covered
        lines["requests"] -= covered * billing.PRICES["request"]
        price = billing.PRICES["gb_second"][result.spec.architecture]
        for line, billed_ms in (("compute", result.on_demand_billed_ms), ("init", result.init_billed_ms)):
            gb_s = billing.gb_seconds_for(billed_ms, result.spec.memory_mb)
            used = min(free_gb_s, gb_s)
            free_gb_s -= used
            lines[line] -= used * price
    lines = {line: max(0.0, value) for line, value in lines.items()}
    lines["total"] = sum(lines.values())
    return lines


def _figures(results: list[FunctionResult], span_s: float, peak: int, costs: dict[str, float]) -> dict[str, Any]:
    latency = LogHistogram()
    for result in results:
        latency.merge(result.latency)
    invocations = sum(r.invocations for r in results)
    throttles = sum(r.throttles for r in results)
    cold = sum(r.cold_starts for r in results)
    return {
        "requests": sum(r.requests for r in results),
        "invocations": invocations,
        "cold_starts": cold,
        "cold_start_ratio": cold / invocations if invocations else 0.0,
        "throttles": throttles,
        "throttle_ratio": throttles / (invocations + throttles) if invocations + throttles else 0.0,
        "expired_events": sum(r.expired_events for r in results),
        "provisioned_invocations": sum(r.provisioned_invocations for r in results),
        "peak_concurrency": peak,
        "mean_environments": sum(r.environment_seconds for r in results) / span_s if span_s else 0.0,
        "mean_busy": sum(r.busy_seconds for r in results) / span_s if span_s else 0.0,
        "environments_created": sum(r.environments_created for r in results),
        "latency_ms": {
            "p50": latency.percentile(50),
            "p90": latency.percentile(90),
            "p99": latency.percentile(99),
            "max": latency.high,
        },
        "cost_usd": costs,
    }


def to_json(result: SimulationResult, *, free_tier: bool = False) -> dict[str, Any]:
    """The `--json` contract: account-wide figures, `per_function` when there are several, and `wall_s`."""
    figures = _figures(result.functions, result.span_s, result.peak_concurrency, account_costs(result.functions, free_tier))
    if len(result.functions) > 1:
        figures["per_function"] = {
            r.spec.name: _figures([r], result.span_s, r.peak_concurrency, _with_total(function_costs(r)))
            for r in result.functions
        }
    figures["span_s"] = result.span_s
    figures["seed"] = result.scenario.seed
    figures["wall_s"] = result.wall_s
    return figures


def _with_total(costs: dict[str, float]) -> dict[str, float]:
    return {**costs, "total": sum(costs.values())}


def summary(result: SimulationResult, figures: dict[str, Any]) -> str:
    """A readable account of the run, in plain text."""
    scenario = result.scenario
    lines = [f"Simulated {_duration(result.span_s)} of traffic (seed {scenario.seed}) in {result.wall_s:.2f} s"]
    for spec in scenario.functions:
        provisioned = ", ".join(f"{value} from {at_s:g} s" for at_s, value in spec.provisioned) or "none"
        reserved = "none" if spec.reserved_concurrency is None else str(spec.reserved_concurrency)
        lines.append(f"  {spec.name}: {spec.memory_mb} MB {spec.architecture}, {spec.invocation};"
                     f" duration {spec.duration_ms.describe()} ms; INIT {spec.init_ms.describe()} ms")
        lines.append(f"    idle timeout {spec.idle_timeout_s.describe()} s (assumed: AWS does not document it);"
                     f" reserved {reserved}; provisioned {provisioned}")
        lines.append("    traffic: " + "; ".join(phase.describe() for phase in spec.traffic))
    lines.append(f"  account: concurrency limit {scenario.concurrency_limit:,}, scaling {scenario.scale_per_10s:,} environments / 10 s per function")
    f = figures
    lines += [
        "",
        f"Requests      {f['requests']:>12,}   invocations {f['invocations']:,}",
        f"Cold starts   {f['cold_starts']:>12,}   {f['cold_start_ratio']:.2%} of invocations",
        f"Throttles     {f['throttles']:>12,}   {f['throttle_ratio']:.2%} of attempts"
        + (f"; {f['expired_events']:,} async events expired" if f["expired_events"] else ""),
        f"Concurrency   peak {f['peak_concurrency']:,}, mean busy {f['mean_busy']:.2f},"
        f" mean environments {f['mean_environments']:.2f} ({f['environments_created']:,} created)",
        "Latency (ms)  p50 {p50:,.1f}  p90 {p90:,.1f}  p99 {p99:,.1f}  max {max:,.1f}".format(**f["latency_ms"]),
        "Cost (USD)    " + "  ".join(f"{line} {value:,.4f}" for line, value in f["cost_usd"].items()),
    ]
    if "per_function" in f:
        for name, own in f["per_function"].items():
            lines.append(
                f"  {name}: {own['invocations']:,} invocations, {own['cold_starts']:,} cold, {own['throttles']:,} throttled,"
                f" p99 {own['latency_ms']['p99']:,.1f} ms, ${own['cost_usd']['total']:,.4f}"
            )
    return "\n".join(lines)


def charts(result: SimulationResult, figures: dict[str, Any], width: int = 100) -> str:
    """Terminal charts (plotext): concurrency against the limit, cold starts and throttles, latency, cost."""
    import plotext as plt  # only when charts are drawn

    timeline = result.timeline
    unit = {1.0: "s", 60.0: "min", 3600.0: "h"}.get(timeline.step_s, "s")
    xs = [t / timeline.step_s for t in timeline.time_s]
    out = []

    def draw(title: str, height: int, build) -> None:
        plt.clear_figure()
        plt.plotsize(width, height)
        plt.theme("clear")
        plt.title(title)
        build()
        out.append(plt.build())

    limit = concurrency_ceiling(result)

    def concurrency() -> None:
        plt.plot(xs, timeline.concurrency, label="concurrency")
        plt.plot(xs, timeline.environments, label="environments")
        if max(timeline.environments, default=0) >= limit / 4:
            plt.hline(limit)
        plt.xlabel(f"time ({unit})")

    def failures() -> None:
        plt.plot(xs, timeline.cold_starts, label="cold starts")
        plt.plot(xs, timeline.throttles, label="throttles")
        plt.xlabel(f"time ({unit}); per {unit}")

    draw(f"Concurrency and environments (limit {limit:,})", 15, concurrency)
    draw(f"Cold starts and throttles per {unit}", 12, failures)
    latency = figures["latency_ms"]
    draw("Latency (ms)", 9, lambda: plt.bar(list(latency), list(latency.values()), orientation="horizontal"))
    costs = {k: v for k, v in figures["cost_usd"].items() if k != "total"}
    draw(f"Cost (USD, total {figures['cost_usd']['total']:,.4f})", 9,
         lambda: plt.bar(list(costs), list(costs.values()), orientation="horizontal"))
    return "\n".join(out)


def concurrency_ceiling(result: SimulationResult) -> int:
    """The line concurrency cannot cross: one function's reservation, else the account's limit."""
    functions = result.scenario.functions
    if len(functions) == 1 and functions[0].reserved_concurrency is not None:
        return functions[0].reserved_concurrency
    return result.scenario.concurrency_limit


def write_timeline(result: SimulationResult, out: IO[str]) -> None:
    """The timeline as CSV: one row per interval (`step_s` seconds), columns as `Timeline.COLUMNS`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.timeline.COLUMNS)
    writer.writerows(result.timeline.rows())


def save_timeline(result: SimulationResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_timeline(result, out)


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 60:
        return f"{seconds / 60:.1f} minutes"
    return f"{seconds:.1f} seconds"
