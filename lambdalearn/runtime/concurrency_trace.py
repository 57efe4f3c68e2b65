"""Concurrency over time during a traffic run, as the runtime itself counts it.

Lambda's concurrency is the number of requests an environment is serving (its INIT included, for a cold
start); a throttled request never gets one, so it never counts. The trace samples the runtime's own
admitted count (`LambdaRuntime.in_flight`, the figure the runtime compares with the concurrency limit) at
every runtime event, with the event's clock time, so its peak can never exceed reserved concurrency, and it
folds the samples into time buckets for a chart: the most requests running in each bucket, and the
throttles in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Bucket widths a chart may use, in seconds: round numbers a reader can take in at a glance.
_NICE_WIDTHS_S = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass(frozen=True)
class Bucket:
    """One slice of the run: `start_s` seconds after it began, `width_s` long."""

    start_s: float
    width_s: float
    running: int  # the most admitted requests running at once during the slice
    throttles: int  # requests refused during the slice


@dataclass
class ConcurrencyTrace:
    """Admitted concurrency sampled at each runtime event, and the moments of throttles, from `origin`."""

    origin: float
    times_s: list[float] = field(default_factory=list)  # seconds after origin, never decreasing
    running: list[int] = field(default_factory=list)  # admitted requests running just after each sample
    throttle_times_s: list[float] = field(default_factory=list)

    def note(self, time: float, running: int, *, throttled: bool = False) -> None:
        """Record the runtime's admitted count at clock time `time` (and a throttle, when it was one)."""
        offset = max(0.0, time - self.origin, self.times_s[-1] if self.times_s else 0.0)
        self.times_s.append(offset)
        self.running.append(running)
        if throttled:
            self.throttle_times_s.append(offset)

    @property
    def current(self) -> int:
        return self.running[-1] if self.running else 0

    @property
    def peak(self) -> int:
        return max(self.running, default=0)

    @property
    def span_s(self) -> float:
        return self.times_s[-1] if self.times_s else 0.0

    def bucket_width(self, most: int = 30) -> float:
        """The narrowest round width that cuts the run into at most `most` buckets."""
        for width in _NICE_WIDTHS_S:
            if self.span_s / width < most:
                return width
        return _NICE_WIDTHS_S[-1] * (int(self.span_s / (_NICE_WIDTHS_S[-1] * most)) + 1)

    def buckets(self, width_s: float | None = None) -> list[Bucket]:
        """The run cut into buckets of `width_s` (by default `bucket_width()`), from 0 to its last sample."""
        if not self.times_s:
            return []
        width = width_s or self.bucket_width()
        count = int(self.span_s // width) + 1
        peaks = [0] * count
        throttles = [0] * count
        level = 0  # the count in force when a bucket opens: the last sample before it
        index = 0
        for bucket in range(count):
            peaks[bucket] = level
            end = (bucket + 1) * width
            while index < len(self.times_s) and self.times_s[index] < end:
                level = self.running[index]
                peaks[bucket] = max(peaks[bucket], level)
                index += 1
        for moment in self.throttle_times_s:
            throttles[min(count - 1, int(moment // width))] += 1
        return [Bucket(round(n * width, 6), width, peaks[n], throttles[n]) for n in range(count)]


def time_label(seconds: float) -> str:
    """A moment or a bucket width as a reader wants it: "5 ms", "250 ms", "1.5 s", "120 s"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:g} s"
