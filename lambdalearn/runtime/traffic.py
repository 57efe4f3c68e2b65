"""Firing traffic at a function: a burst of N requests at most C at a time, or a steady rate for a while.

The playground draws from this. It only drives `LambdaRuntime.invoke` and tallies the records, so every
figure it shows (cold starts, throttles, percentiles, cost) is what the runtime really did; concurrency is
the runtime's own count of admitted requests, traced over time (`ConcurrencyTrace`), so a throttled request
never adds to it. The last few failed invocations are kept whole, logs included, for the learner to read.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lambdalearn.runtime.concurrency_trace import ConcurrencyTrace
from lambdalearn.runtime.events import EventKind, RuntimeEvent
from lambdalearn.runtime.records import InvocationRecord
from lambdalearn.runtime.service import LambdaRuntime


@dataclass(frozen=True)
class Burst:
    """`requests` invocations, at most `concurrency` in flight at once (as a load test would send them)."""

    requests: int
    concurrency: int

    def __post_init__(self) -> None:
        if self.requests < 1 or self.concurrency < 1:
            raise ValueError("a burst needs at least 1 request and a concurrency of at least 1")


@dataclass(frozen=True)
class Steady:
    """`rate_per_s` invocations a second for `duration_s` seconds, each sent on time whatever is in flight."""

    rate_per_s: float
    duration_s: float

    def __post_init__(self) -> None:
        if self.rate_per_s <= 0 or self.duration_s <= 0:
            raise ValueError("a steady run needs a positive rate and a positive duration")

    @property
    def requests(self) -> int:
        return max(1, math.floor(self.rate_per_s * self.duration_s))


KEPT_FAILURES = 10  # failed invocations kept with their logs; older ones are only counted


@dataclass
class TrafficTally:
    """Running totals of one traffic run."""

    sent: int = 0
    invocations: int = 0  # answered (success or error), as CloudWatch's Invocations
    errors: int = 0
    throttles: int = 0
    cold_starts: int = 0
    cost_usd: float = 0.0
    durations_ms: list[float] = field(default_factory=list)
    trace: ConcurrencyTrace = field(default_factory=lambda: ConcurrencyTrace(origin=0.0))
    failures: deque[InvocationRecord] = field(default_factory=lambda: deque(maxlen=KEPT_FAILURES))  # the latest
    first_failure: InvocationRecord | None = None

    @property
    def in_flight(self) -> int:
        """Admitted requests running now (throttled ones never count)."""
        return self.trace.current

    @property
    def peak_in_flight(self) -> int:
        """The most admitted requests running at once: Lambda's ConcurrentExecutions, never above the limit."""
        return self.trace.peak

    def percentile(self, p: float) -> float | None:
        """The nearest-rank percentile of the durations of answered invocations."""
        if not self.durations_ms:
            return None
        ordered = sorted(self.durations_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def p50_ms(self) -> float | None:
        return self.percentile(50)

    @property
    def p99_ms(self) -> float | None:
        return self.percentile(99)

    def add(self, record: InvocationRecord) -> None:
        if record.status == "throttled":
            self.throttles += 1
            return
        self.invocations += 1
        if record.status == "error":
            self.errors += 1
            self.failures.append(record)
            self.first_failure = self.first_failure or record
        self.cold_starts += int(record.cold_start)
        self.cost_usd += record.cost_usd
        self.durations_ms.append(record.duration_ms)


OnRecord = Callable[[InvocationRecord, TrafficTally], None]


async def fire(
    runtime: LambdaRuntime,
    plan: Burst | Steady,
    event_for: Callable[[int], Any] = lambda _n: {},
    on_record: OnRecord | None = None,
) -> TrafficTally:
    """Send the plan's traffic; `event_for(n)` makes the n-th event; `on_record` sees each result as it lands.

    Cancelling the task stops sending; invocations already in flight finish in the runtime.
    """
    tally = TrafficTally(trace=ConcurrencyTrace(origin=runtime.clock.now()))

    def trace(event: RuntimeEvent) -> None:
        tally.trace.note(event.time, runtime.in_flight(), throttled=event.kind is EventKind.INVOCATION_THROTTLED)

    async def one(n: int, gate: asyncio.Semaphore | None) -> None:
        if gate is not None:
            await gate.acquire()
        tally.sent += 1
        try:
            record = await runtime.invoke(event_for(n))
        finally:
            if gate is not None:
                gate.release()
        tally.add(record)
        if on_record is not None:
            on_record(record, tally)

    tasks: list[asyncio.Task] = []
    stop_tracing = runtime.events.subscribe(trace)
    try:
        if isinstance(plan, Burst):
            gate = asyncio.Semaphore(plan.concurrency)
            tasks = [asyncio.create_task(one(n, gate)) for n in range(plan.requests)]
        else:
            start = time.monotonic()
            for n in range(plan.requests):
                delay = start + n / plan.rate_per_s - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(n, None)))
        await asyncio.gather(*tasks)
        await runtime.settle_finishing()  # environments that answered are free again: the last sample is exact
        tally.trace.note(runtime.clock.now(), runtime.in_flight())
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        raise
    finally:
        stop_tracing()
    return tally
