"""CPU in proportion to memory, as Lambda allocates it.

Lambda gives a function CPU power in proportion to its memory size: one full vCPU at 1,769 MB, so a
128 MB function gets about 7% of one. A CPU-bound handler therefore runs about 14 times longer at 128 MB
than at 1,769 MB, which is why raising memory can make a function both faster and cheaper.

The model here is the one Linux's CFS bandwidth control applies to Lambda's sandboxes: in every period the
environment may run for its share, then it is stopped (SIGSTOP on its process group) until the period ends.
Only the INVOKE phase is throttled. Above 1,769 MB nothing is throttled: more than one vCPU cannot be given
out of a laptop's cores, so multi-threaded handlers get whatever the machine has.
"""

from __future__ import annotations

import asyncio
import signal

from lambdalearn.runtime.procfs import signal_group

FULL_VCPU_MEMORY_MB = 1769
PERIOD_S = 0.02


def cpu_share(memory_mb: int) -> float:
    """The fraction of one vCPU a function with `memory_mb` gets (at most 1.0 here)."""
    return min(1.0, memory_mb / FULL_VCPU_MEMORY_MB)


async def throttle(process_group: int, share: float, period_s: float = PERIOD_S) -> None:
    """Until cancelled, let the process group run `share` of every period and stop it for the rest.

    On cancellation the group is left running (SIGCONT if it was stopped).
    """
    if share >= 1.0:
        return
    loop = asyncio.get_running_loop()
    stopped = False
    try:
        while True:
            began = loop.time()
            await asyncio.sleep(share * period_s)
            # Timers are only millisecond-accurate: stop for as long as the run actually took calls for.
            ran = loop.time() - began
            stopped = signal_group(process_group, signal.SIGSTOP)
            await asyncio.sleep(ran * (1.0 - share) / share)
            signal_group(process_group, signal.SIGCONT)
            stopped = False
    finally:
        if stopped:
            signal_group(process_group, signal.SIGCONT)
