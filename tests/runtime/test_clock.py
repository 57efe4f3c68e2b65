"""Clocks: a manual clock moves only when told; a compressed one runs faster than wall time."""

from __future__ import annotations

import asyncio

import pytest

from lambdalearn.runtime.clock import CompressedClock, ManualClock


def test_manual_clock_wakes_sleepers_in_order_when_advanced(run):
    async def scenario():
        clock = ManualClock(start=100.0)
        woken: list[str] = []

        async def sleeper(name: str, seconds: float) -> None:
            await clock.sleep(seconds)
            woken.append(name)

        tasks = [asyncio.create_task(sleeper("late", 60)), asyncio.create_task(sleeper("early", 10))]
        await asyncio.sleep(0)
        await clock.advance(30)
        after_30 = list(woken)
        await clock.advance(30)
        await asyncio.gather(*tasks)
        return after_30, woken, clock.now()

    after_30, woken, now = run(scenario())
    assert after_30 == ["early"] and woken == ["early", "late"] and now == 160.0


def test_compressed_clock_runs_faster_than_wall_time(run):
    async def scenario():
        clock = CompressedClock(factor=1000)
        before = clock.now()
        await clock.sleep(50)  # 50 ms of wall time
        return clock.now() - before

    assert run(scenario()) >= 50


def test_compressed_clock_refuses_a_non_positive_factor():
    with pytest.raises(ValueError):
        CompressedClock(0)
