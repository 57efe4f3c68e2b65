"""CPU in proportion to memory, as Lambda allocates it.

Lambda gives a function CPU power in proportion to its memory size: one full vCPU at 1,769 MB, so a
128 MB function gets about 7% of one. A CPU-bound handler therefore runs about 14 times longer at 128 MB
than at 1,769 MB, which is why raising memory can make a function both faster and cheaper.

The model here is the one Linux's CFS bandwidth control applies to Lambda's sandboxes: in every period the
environment may use its share of CPU time, then it is stopped (SIGSTOP on all its processes) for
the rest.
Only the INVOKE phase is throttled (Lambda is observed to give INIT more CPU than its memory share). Above 1,769 MB nothing is throttled: more than one vCPU cannot be given
out of a laptop's cores, so multi-threaded handlers get whatever the machine has.
"""

from __future__ import annotations

import asyncio
import signal

from typing import TYPE_CHECKING

from lambdalearn.runtime.procfs import signal_unit

if TYPE_CHECKING:
    from lambdalearn.runtime.unit import Unit

FULL_VCPU_MEMORY_MB = 1769
PERIOD_S = 0.02
_MIN_SLEEP_S = 0.001


def cpu_share(memory_mb: int) -> float:
    """The fraction of one vCPU a function with `memory_mb` gets (at most 1.0 here)."""
    return min(1.0, memory_mb / FULL_VCPU_MEMORY_MB)


async def throttle(unit: Unit, share: float, period_s: float = PERIOD_S) -> None:
    """Until cancelled, let the environment (`unit`, see unit.py) use `share` of a CPU, all its processes
    together, and stop them all for the rest (SIGSTOP/SIGCONT). Where the environment's cgroup has the cpu
    controller the kernel does this instead (`cpu.max`, see cgroup.py).

    Like CFS bandwidth control it counts CPU time, not wall time: in each period the environment runs until
    its processes have had `share * period` of CPU (a handler waiting on I/O is not held back), then it is
    stopped long enough to bring its average down to `share`. On cancellation it is left running.
    """
    if share >= 1.0:
        return
    loop = asyncio.get_running_loop()
    quota_s = share * period_s
    stopped: list[int] = []
    try:
        while True:
            members = unit.members()
            began_wall, began_cpu = loop.time(), unit.cpu_seconds(members)
            used_s = 0.0
            while used_s < quota_s and loop.time() - began_wall < period_s:
                await asyncio.sleep(max(quota_s - used_s, _MIN_SLEEP_S))
                now_cpu = unit.cpu_seconds(members)
                if now_cpu is None or began_cpu is None:
                    return  # the environment is gone
                used_s = now_cpu - began_cpu
            stopped = unit.members()  # again: a child forked during the period is stopped too
            signal_unit(stopped, signal.SIGSTOP)
            # Read again once stopped: the kernel brings a running process's CPU time up to date only now and
            # then (at a tick), and several processes on several cores overshoot the quota between readings.
            await asyncio.sleep(0)
            now_cpu = unit.cpu_seconds(members)
            if now_cpu is not None and began_cpu is not None:
                used_s = max(used_s, now_cpu - began_cpu)
            await asyncio.sleep(max(0.0, used_s) * (1.0 - share) / share)
            signal_unit(stopped, signal.SIGCONT)
            stopped = []
    finally:
        if stopped:
            signal_unit(stopped, signal.SIGCONT)
