"""Traffic phases and the arrival times they produce, in order, a chunk at a time.

Phases run one after another: each starts when the previous one ends (a burst takes no time). Arrivals come
as sorted lists of a few thousand times, so the engine loops over plain floats and memory stays bounded
whatever the number of requests (a `trace` phase holds its file's timestamps, which the author chose).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import islice
from dataclasses import dataclass
from random import Random

CHUNK = 8192


@dataclass(frozen=True)
class Poisson:
    """Requests arriving independently at `rate_per_s` on average (exponential gaps)."""

    rate_per_s: float
    for_s: float

    @property
    def expected_requests(self) -> float:
        return self.rate_per_s * self.for_s

    def arrivals(self, rng: Random, start: float) -> Iterator[list[float]]:
        return _chunks(self._times(rng, start))

    def _times(self, rng: Random, start: float) -> Iterator[float]:
        end, mean_gap, random, log = start + self.for_s, 1.0 / self.rate_per_s, rng.random, math.log
        t = start - mean_gap * log(1.0 - random())  # exponential gaps (random.expovariate's formula, inlined)
        while t < end:
            yield t
            t -= mean_gap * log(1.0 - random())

    def describe(self) -> str:
        return f"poisson {self.rate_per_s:g}/s for {self.for_s:g} s"


@dataclass(frozen=True)
class Steady:
    """Requests evenly spaced at `rate_per_s` (a load generator's constant rate)."""

    rate_per_s: float
    for_s: float

    @property
    def expected_requests(self) -> float:
        return math.floor(self.rate_per_s * self.for_s)

    def arrivals(self, rng: Random, start: float) -> Iterator[list[float]]:
        count, gap = int(self.expected_requests), 1.0 / self.rate_per_s
        for first in range(0, count, CHUNK):
            yield [start + n * gap for n in range(first, min(count, first + CHUNK))]

    def describe(self) -> str:
        return f"steady {self.rate_per_s:g}/s for {self.for_s:g} s"


@dataclass(frozen=True)
class Burst:
    """`requests` requests at the same instant (a launch, a fan-out)."""

    requests: int
    for_s: float = 0.0

    @property
    def expected_requests(self) -> float:
        return self.requests

    def arrivals(self, rng: Random, start: float) -> Iterator[list[float]]:
        for first in range(0, self.requests, CHUNK):
            yield [start] * (min(self.requests, first + CHUNK) - first)

    def describe(self) -> str:
        return f"burst of {self.requests:,}"


@dataclass(frozen=True)
class Diurnal:
    """Poisson arrivals whose rate swings from `trough_per_s` up to `peak_per_s` and back once per period.

    The rate starts at the trough and peaks half a period in (a day starting at midnight peaks at noon).
    Drawn by thinning: candidates at the peak rate, each kept with probability rate(t) / peak.
    """

    peak_per_s: float
    trough_per_s: float
    period_s: float
    for_s: float

    def rate_at(self, offset_s: float) -> float:
        swing = (1 - math.cos(2 * math.pi * offset_s / self.period_s)) / 2
        return self.trough_per_s + (self.peak_per_s - self.trough_per_s) * swing

    @property
    def expected_requests(self) -> float:
        whole, rest = divmod(self.for_s, self.period_s)
        mean = (self.peak_per_s + self.trough_per_s) / 2
        tail = self.trough_per_s * rest + (self.peak_per_s - self.trough_per_s) * (
            rest / 2 - self.period_s * math.sin(2 * math.pi * rest / self.period_s) / (4 * math.pi)
        )
        return whole * self.period_s * mean + tail

    def arrivals(self, rng: Random, start: float) -> Iterator[list[float]]:
        return _chunks(self._times(rng, start))

    def _times(self, rng: Random, start: float) -> Iterator[float]:
        mean_gap, random, log, cos = 1.0 / self.peak_per_s, rng.random, math.log, math.cos
        peak, trough, swing = self.peak_per_s, self.trough_per_s, self.peak_per_s - self.trough_per_s
        omega = 2 * math.pi / self.period_s
        t = -mean_gap * log(1.0 - random())
        while t < self.for_s:
            if random() * peak <= trough + swing * (1 - cos(omega * t)) / 2:
                yield start + t
            t -= mean_gap * log(1.0 - random())

    def describe(self) -> str:
        return f"diurnal {self.trough_per_s:g}-{self.peak_per_s:g}/s (period {self.period_s:g} s) for {self.for_s:g} s"


@dataclass(frozen=True)
class Trace:
    """Recorded traffic: arrival offsets in seconds (sorted), from a file of timestamps or per-minute counts."""

    file: str
    offsets: tuple[float, ...]
    for_s: float

    @property
    def expected_requests(self) -> float:
        return len(self.offsets)

    def arrivals(self, rng: Random, start: float) -> Iterator[list[float]]:
        for first in range(0, len(self.offsets), CHUNK):
            yield [start + offset for offset in self.offsets[first : first + CHUNK]]

    def describe(self) -> str:
        return f"trace {self.file} ({len(self.offsets):,} requests over {self.for_s:g} s)"


Phase = Poisson | Steady | Burst | Diurnal | Trace


def _chunks(times: Iterator[float]) -> Iterator[list[float]]:
    """Sorted times in lists of CHUNK (the last one shorter)."""
    while chunk := list(islice(times, CHUNK)):
        yield chunk


def phase_arrivals(phases: tuple[Phase, ...], rng: Random) -> Iterator[list[float]]:
    """Every phase's arrivals in order, each phase starting when the previous one ends."""
    start = 0.0
    for phase in phases:
        yield from phase.arrivals(rng, start)
        start += phase.for_s


def traffic_span_s(phases: tuple[Phase, ...]) -> float:
    return sum(phase.for_s for phase in phases)
