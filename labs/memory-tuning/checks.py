"""Latency and cost on Lambda's CPU share, measured fairly on any machine.

On Lambda a function gets CPU in proportion to its memory: one full vCPU at 1,769 MB, memory/1769 of one
below that, and no more speed above it for single-threaded code like this one. The checks run the function
at your memory and at 1,769 MB in alternation (so both see the same load on this machine) and take the
median ratio of their durations. They then express the result for a function that needs 25 ms of one full
vCPU per thumbnail, which is what this one needs on Lambda, so the answer does not depend on how fast this
computer is. When the mini-runtime does not share CPU by memory itself, the ratio is scaled by 1769/memory
(`modelled_duration_ms`), exactly as Lambda would slow the function down. The cost follows from the same
CPU-share model: memory x duration, at Lambda's price.
"""

import math
import statistics

from lambdalearn.labs.expectations import FULL_VCPU_MEMORY_MB, modelled_duration_ms
from lambdalearn.runtime.billing import invocation_cost

ONE_VCPU_MS = 25.0  # what one thumbnail takes on one full vCPU
LATENCY_BOUND_MS = 100.0
COST_TOLERANCE = 1.25  # at most this many times the cost at 1,769 MB
ROUNDS = 5
SIDE = 256  # pixels: long enough (many CPU-quota periods) for the throttled duration to settle


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
    ratio = statistics.median(m.duration_ms / max(f.duration_ms, 0.01) for m, f in zip(mine[1:], full[1:]))
    memory = mine[0].memory_size_mb
    models_cpu_share = lab.check_run(mine, {}).runtime_models_cpu_share
    return memory, modelled_duration_ms(ONE_VCPU_MS * ratio, memory, models_cpu_share)


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
