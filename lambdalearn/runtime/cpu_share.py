"""CPU in proportion to memory, as Lambda allocates it.

Lambda gives a function CPU power in proportion to its memory size: one full vCPU at 1,769 MB, so a
128 MB function gets about 7% of one. A CPU-bound handler therefore runs about 14 times longer at 128 MB
than at 1,769 MB, which is why raising memory can make a function both faster and cheaper.

The model here is the one Linux's CFS bandwidth control applies to Lambda's sandboxes: in every period the
environment may use its share of CPU time, then it is stopped (SIGSTOP on its process group) for the rest.
Only the INVOKE phase is throttled (Lambda is observed to give INIT more CPU than its memory share). Above 1,769 MB nothing is throttled: more than one vCPU cannot be given
out of a laptop's cores, so multi-threaded handlers get whatever the machine has.
"""

from __future__ import annotations

import asyncio
import signal

from lambdalearn.runtime.procfs import cpu_seconds, signal_group

FULL_VCPU_MEMORY_MB = 1769
PERIOD_S = 0.02
_MIN_SLEEP_S = 0.001


def cpu_share(memory_mb: int) -> float:
    """The fraction of one vCPU a function with `memory_mb` gets (at most 1.0 here)."""
    return min(1.0, memory_mb / FULL_VCPU_MEMORY_MB)


async def throttle(process_group: int, share: float, period_s: float = PERIOD_S) -> None:
    """Until cancelled, let the process group use `share` of a CPU and stop it for the rest (SIGSTOP/SIGCONT).

    Like CFS bandwidth control it counts CPU time, not wall time: in each period the group runs until the
    threads of its first process have had `share * period` of CPU (a handler waiting on I/O is not held
    back), then it is stopped long enough to bring its average down to `share`. On cancellation the group
    is left running.
    """
    if share >= 1.0:
        return
    loop = asyncio.get_running_loop()
    quota_s = share * period_s
    stopped = False
    try:
        while True:
            began_wall, began_cpu = loop.time(), cpu_seconds(process_group)
            used_s = 0.0
            while used_s < quota_s and loop.time() - began_wall < period_s:
                await asyncio.sleep(max(quota_s - used_s, _MIN_SLEEP_S))
                now_cpu = cpu_seconds(process_group)
                if now_cpu is None or began_cpu is None:
                    return  # the environment is gone
                used_s = now_cpu - began_cpu
            stopped = signal_group(process_group, signal.SIGSTOP)
            await asyncio.sleep(used_s * (1.0 - share) / share)
            signal_group(process_group, signal.SIGCONT)
            stopped = False
    finally:
        if stopped:
            signal_group(process_group, signal.SIGCONT)
