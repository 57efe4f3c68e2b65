"""AWS time for an app run: minutes of retries and visibility timeouts pass as fast as there is work to do.

`AppClock` is a `runtime.clock.Clock` (the runtime's idle timers sleep on it) plus a scheduler for the app's own
work (a retry due in 60 s, a message visible again in 30 s, the next poll). Time stands still while work runs
(handlers take real time, which AWS time does not count) and, once every piece of work has finished, jumps to
the next scheduled one: a run with two async retries takes seconds, not three minutes. With `time_scale` the
jump is paced (`time_scale` AWS seconds per wall second) so that a screen can show the run as it happens.
A run ends when no work is scheduled or at `until`. Idle timers and recurring work such as a schedule
(`keep_alive=False`) run when time passes but do not keep a run going on their own: without `until`, an app
whose only work left is a `rate(1 day)` schedule is done.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

Work = Callable[[], Awaitable[Any] | None]


class AppClock:
    """Virtual AWS seconds since the run started (`now()` adds `epoch`, as a `Clock` must)."""

    def __init__(self, *, epoch: float = 1_767_225_600.0, time_scale: float | None = None) -> None:
        if time_scale is not None and time_scale <= 0:
            raise ValueError(f"time scale must be positive, got {time_scale}")
        self.epoch = epoch
        self.time_scale = time_scale
        self.t = 0.0
        self._order = itertools.count()
        self._work: list[tuple[float, int, Work, bool]] = []
        self._keep_alive = 0  # scheduled work that keeps the run going
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._running: set[asyncio.Task[Any]] = set()
        self.paused = asyncio.Event()
        self.paused.set()  # set means "running"; clear it to pause between steps

    def now(self) -> float:
        return self.epoch + self.t

    async def sleep(self, seconds: float) -> None:
        """A passive wait (the runtime's idle timer): it wakes when time passes, but keeps no run alive."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + max(0.0, seconds), next(self._order), future))
        await future

    def call_later(self, delay: float, work: Work, *, keep_alive: bool = True) -> None:
        """Run `work` (a function, which may return an awaitable) `delay` AWS seconds from now."""
        heapq.heappush(self._work, (self.t + max(0.0, delay), next(self._order), work, keep_alive))
        self._keep_alive += keep_alive

    def spawn(self, awaitable: Awaitable[Any]) -> None:
        """Run `awaitable` now as part of the current step (time does not move until it ends)."""
        task = asyncio.ensure_future(awaitable)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    def pending(self) -> bool:
        return bool(self._keep_alive or self._running)

    async def settle(self) -> None:
        """Wait until every piece of work started so far (and what it started) has finished."""
        while self._running:
            done = await asyncio.gather(*list(self._running), return_exceptions=True)
            for result in done:
                if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                    raise result

    async def step(self, until: float | None = None) -> bool:
        """Run the next moment that has work (all of it); False when nothing is left before `until`."""
        await self.settle()
        if not self._work or (not self._keep_alive and until is None):
            return False
        due = self._work[0][0]
        if until is not None and due > until:
            await self._advance(until)
            return False
        await self._advance(due)
        while self._work and self._work[0][0] <= self.t:
            _, _, work, keep_alive = heapq.heappop(self._work)
            self._keep_alive -= keep_alive
            result = work()
            if result is not None:
                self.spawn(result)
        await self.settle()
        return True

    async def run(self, until: float | None = None) -> None:
        """Step until nothing is scheduled (or `until` AWS seconds); honours `paused`."""
        while True:
            await self.paused.wait()
            if not await self.step(until):
                return

    async def _advance(self, to: float) -> None:
        if to <= self.t:
            return
        if self.time_scale is not None:
            await asyncio.sleep((to - self.t) / self.time_scale)
        self.t = to
        while self._sleepers and self._sleepers[0][0] <= self.t:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        await asyncio.sleep(0)
