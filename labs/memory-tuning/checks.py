"""Latency and cost on Lambda's CPU share, judged the same on a fast, a slow or a busy machine.

On Lambda a function gets CPU in proportion to its memory: one full vCPU at 1,769 MB, memory/1769 of one
below that, and no more speed above it for single-threaded code like this one. So a CPU-bound function's
duration on Lambda is the CPU time it needs divided by the share its memory buys. The checks take the CPU
time from the runtime's own records (`cpu_time_ms`: what every process of the environment had on a CPU while
the event ran), not the wall-clock duration: on a busy machine the wall clock also counts the time other
programs held the CPU, and that is not the function's doing. They run the function at your memory and at
1,769 MB in alternation and take the median ratio of their CPU times (about 1: the same work), then express
the result for a function that needs 25 ms of one full vCPU per thumbnail, which is what this one needs on
Lambda. The cost follows from the same CPU-share model: memory x duration, at Lambda's price.
"""

import math
import statistics

from lambdalearn.labs.expectations import FULL_VCPU_MEMORY_MB
from lambdalearn.runtime.billing import invocation_cost
from lambdalearn.runtime.cpu_share import cpu_share

ONE_VCPU_MS = 25.0  # what one thumbnail takes on one full vCPU
LATENCY_BOUND_MS = 100.0
COST_TOLERANCE = 1.25  # at most this many times the cost at 1,769 MB
ROUNDS = 5
SIDE = 256  # pixels: enough work for the CPU time to stand well above the runtime's own


def lambda_duration_ms(lab):
    """(memory, p50 duration on Lambda in ms) for the learner's memory setting."""
    mine, full = [], []
    for _ in range(ROUNDS):
        event = {"seed": lab.rng.randrange(10**9), "side": SIDE}
        [at_mine] = lab.invoke(event)
        [at_full] = lab.invoke(event, config={"memory": FULL_VCPU_MEMORY_MB})
        lab.expect([at_mine, at_full], status="success")
        mine.append(at_mine)
        full.append(at_full)
    # The first pair were cold starts; compare warm invocations only.
    work = statistics.median(m.cpu_time_ms / max(f.cpu_time_ms, 0.01) for m, f in zip(mine[1:], full[1:]))
    memory = mine[0].memory_size_mb
    return memory, ONE_VCPU_MS * work / cpu_share(memory)


def check_latency(lab):
    memory, duration = lambda_duration_ms(lab)
    assert duration <= LATENCY_BOUND_MS, (
        f"at {memory} MB a thumbnail would take about {duration:.0f} ms on Lambda; the bound is "
        f"{LATENCY_BOUND_MS:.0f} ms. The function is CPU-bound: more memory buys a bigger share of a vCPU."
    )


def check_cost(lab):
    [record] = lab.invoke({"seed": lab.rng.randrange(10**9), "side": 128})
    lab.expect([record], status="success")
    memory = record.memory_size_mb
    # The bill follows from the CPU share alone (a measured duration would only add this machine's noise).
    duration = max(ONE_VCPU_MS, ONE_VCPU_MS * FULL_VCPU_MEMORY_MB / memory)
    cost = invocation_cost(math.ceil(duration), memory, "x86_64")
    one_vcpu_cost = invocation_cost(math.ceil(ONE_VCPU_MS), FULL_VCPU_MEMORY_MB, "x86_64")
    assert cost <= COST_TOLERANCE * one_vcpu_cost, (
        f"at {memory} MB a million thumbnails would cost about ${cost * 1e6:.2f} ({duration:.0f} ms each), against "
        f"${one_vcpu_cost * 1e6:.2f} at {FULL_VCPU_MEMORY_MB} MB. Above one vCPU this single-threaded function gets "
        "no faster, so every extra MB is paid for nothing."
    )
