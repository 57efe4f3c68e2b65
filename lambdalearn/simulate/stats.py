"""Streaming statistics: percentiles of millions of latencies in a fixed amount of memory.

`LogHistogram` counts values in logarithmic buckets (each 1% wider than the last) and keeps each bucket's sum,
so a percentile is the mean of its bucket: within 1% of the true value whatever the number of values, and
exact when the bucket's values are equal (a fixed duration reads back as itself). Memory depends on the
spread of the values, never on their number. The engine fills `counts` and `sums` inline in its hot loop.
"""

from __future__ import annotations

import math

GROWTH = 1.01
SCALE = 1.0 / math.log(GROWTH)
SMALLEST_MS = 0.001  # smaller latencies share the first bucket
LOG_SMALLEST = math.log(SMALLEST_MS)


def bucket_of(value_ms: float) -> int:
    """The bucket of a value: 0 up to SMALLEST_MS, then one per 1% of growth."""
    if value_ms <= SMALLEST_MS:
        return 0
    return int((math.log(value_ms) - LOG_SMALLEST) * SCALE)


class LogHistogram:
    """Counts and sums of non-negative values (milliseconds) per logarithmic bucket."""

    __slots__ = ("counts", "sums", "high")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.sums: dict[int, float] = {}
        self.high = 0.0

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float:
        count = self.count
        return sum(self.sums.values()) / count if count else 0.0

    def add(self, value_ms: float, times: int = 1) -> None:
        index = bucket_of(value_ms)
        self.counts[index] = self.counts.get(index, 0) + times
        self.sums[index] = self.sums.get(index, 0.0) + value_ms * times
        self.high = max(self.high, value_ms)

    def merge(self, other: LogHistogram) -> None:
        for index, times in other.counts.items():
            self.counts[index] = self.counts.get(index, 0) + times
            self.sums[index] = self.sums.get(index, 0.0) + other.sums[index]
        self.high = max(self.high, other.high)

    def percentile(self, p: float) -> float:
        """The nearest-rank p-th percentile (0 < p <= 100), as the mean of its bucket; 0 when empty."""
        total = self.count
        if not total:
            return 0.0
        rank = max(1, math.ceil(p / 100 * total))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return self.sums[index] / self.counts[index]
        return self.high
