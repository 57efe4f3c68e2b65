"""Memory and architecture checks: a day of traffic, the lab's duration model, hidden seeds."""

import dataclasses

from lambdalearn.runtime import billing
from lambdalearn.simulate.distributions import fixed
from lambdalearn.simulate.labcheck import judged_scenario, run

TUNABLE = ("memory_mb", "architecture", "duration_ms")
P99_BOUND_MS = 400
COST_MARGIN = 1.10


def _with_model(lab, scenario, memory_mb=None, architecture=None):
    """The scenario with the duration the lab's model gives (for the learner's choice, or another)."""
    model = lab.lab_module("model")
    [spec] = scenario.functions
    memory_mb = memory_mb or spec.memory_mb
    architecture = architecture or spec.architecture
    spec = dataclasses.replace(spec, memory_mb=memory_mb, architecture=architecture,
                               duration_ms=fixed(model.duration_ms(memory_mb, architecture)))
    return dataclasses.replace(scenario, functions=(spec,))


def _cheapest_under_the_bound(lab):
    """The memory and architecture a perfect answer picks: the lowest price per invocation meeting the bound."""
    model = lab.lab_module("model")
    best = None
    for architecture in ("x86_64", "arm64"):
        for memory_mb in range(128, 3009):
            duration = model.duration_ms(memory_mb, architecture)
            if duration > P99_BOUND_MS:
                continue
            cost = billing.duration_cost(billing.round_up_ms(duration), memory_mb, architecture)
            if best is None or cost < best[0]:
                best = (cost, memory_mb, architecture)
    return best[1], best[2]


def check_latency(lab):
    seed = lab.rng.randrange(1, 10**9)
    figures = run(_with_model(lab, judged_scenario(lab, TUNABLE, seed)))
    p99 = figures["latency_ms"]["p99"]
    assert p99 <= P99_BOUND_MS, f"p99 latency {p99:,.0f} ms over the day; the bound is {P99_BOUND_MS} ms"


def check_cost(lab):
    seed = lab.rng.randrange(1, 10**9)
    scenario = judged_scenario(lab, TUNABLE, seed)
    yours = run(_with_model(lab, scenario))
    memory_mb, architecture = _cheapest_under_the_bound(lab)
    best = run(_with_model(lab, scenario, memory_mb, architecture))
    ratio = yours["cost_usd"]["total"] / best["cost_usd"]["total"]
    assert ratio <= COST_MARGIN, (
        f"the day costs ${yours['cost_usd']['total']:,.2f}, {ratio - 1:.0%} more than the cheapest choice that"
        f" meets the bound (${best['cost_usd']['total']:,.2f}); at most {COST_MARGIN - 1:.0%} more passes."
        " Compare the price per millisecond of each architecture with how much slower the code runs on it."
    )
