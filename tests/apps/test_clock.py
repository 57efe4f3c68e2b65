"""The app clock: time jumps to the next piece of work, idle sleepers do not keep a run alive, pacing."""

from __future__ import annotations

import asyncio
from lambdalearn.apps import clock as clock_module
from lambdalearn.apps.clock import AppClock


def test_time_jumps_to_scheduled_work_in_order_and_stops_when_none_is_left():
    clock = AppClock()
    seen = []

    async def go():
        clock.call_later(120, lambda: seen.append(("b", clock.t)))
        clock.call_later(60, lambda: seen.append(("a", clock.t)))
        asyncio.ensure_future(clock.sleep(600))  # an idle timer: wakes if time passes, keeps nothing alive
        await clock.run()

    asyncio.run(go())
    assert seen == [("a", 60.0), ("b", 120.0)]
    assert clock.t == 120.0


def test_run_stops_at_until_with_later_work_left():
    clock = AppClock()
    seen = []

    async def go():
        clock.call_later(10, lambda: seen.append(clock.t))
        clock.call_later(100, lambda: seen.append(clock.t))
        await clock.run(until=50)

    asyncio.run(go())
    assert seen == [10.0] and clock.t == 50.0 and clock.pending()


def test_time_scale_paces_the_jumps(monkeypatch):
    """With time_scale 1000, a jump of 100 AWS seconds waits 0.1 s of wall time (the waits are recorded)."""
    clock = AppClock(time_scale=1000)
    waits = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(delay, *args):
        if delay:
            waits.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(clock_module.asyncio, "sleep", recorded_sleep)

    async def go():
        clock.call_later(100, lambda: None)
        clock.call_later(150, lambda: None)
        await clock.run()

    asyncio.run(go())
    assert waits == [0.1, 0.05]


def test_now_is_epoch_seconds():
    clock = AppClock(epoch=1000.0)
    assert clock.now() == 1000.0


def _ticking(clock, fired):
    def tick():
        fired.append(clock.t)
        clock.call_later(10, tick, keep_alive=False)

    return tick


def test_recurring_work_runs_while_other_work_keeps_the_run_going():
    clock, fired = AppClock(), []

    async def go():
        clock.call_later(10, _ticking(clock, fired), keep_alive=False)
        clock.call_later(25, lambda: None)
        await clock.run()

    asyncio.run(go())
    assert fired == [10.0, 20.0] and clock.t == 25.0


def test_recurring_work_runs_until_the_end_given():
    clock, fired = AppClock(), []

    async def go():
        clock.call_later(10, _ticking(clock, fired), keep_alive=False)
        await clock.run(until=45)

    asyncio.run(go())
    assert fired == [10.0, 20.0, 30.0, 40.0] and clock.t == 45.0
