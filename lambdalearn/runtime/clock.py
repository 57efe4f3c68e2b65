"""Time as the runtime's control plane sees it, so labs can compress minutes of AWS time into seconds.

Only waits that stand for AWS behaviour go through a `Clock` (an idle environment's shutdown today; retry
delays and event-source polling later). A handler's own run time and its timeout are always real time: a
handler cannot be made to run faster.

- `RealClock`: wall-clock seconds.
- `CompressedClock(factor)`: AWS time runs `factor` times faster than real time (factor 60: a 5-minute idle
  timeout passes in 5 seconds).
- `ManualClock`: time moves only when a test or a simulator calls `advance()`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    """The runtime's notion of AWS time, in seconds."""

    def now(self) -> float:
        """Seconds since the epoch, in AWS time."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of AWS time."""


class RealClock:
    """AWS time is wall-clock time."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class CompressedClock:
    """AWS time that runs `factor` times faster than wall-clock time, starting from now."""

    def __init__(self, factor: float) -> None:
        if factor <= 0:
            raise ValueError(f"clock factor must be positive, got {factor}")
        self.factor = factor
        self._origin_wall = time.time()
        self._origin_monotonic = time.monotonic()

    def now(self) -> float:
        return self._origin_wall + (time.monotonic() - self._origin_monotonic) * self.factor

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.factor)


class ManualClock:
    """AWS time that stands still until `advance()` moves it; sleepers wake when their time has come."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    @property
    def waiting(self) -> int:
        """How many sleepers wait for time to move: a driver advances only when someone waits on it."""
        return sum(not future.done() for _, _, future in self._sleepers)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move time forward and let every sleeper whose time has come run before returning."""
        self._now += seconds
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        # Give woken coroutines (and what they schedule, such as a shutdown) a chance to run.
        for _ in range(5):
            await asyncio.sleep(0)
