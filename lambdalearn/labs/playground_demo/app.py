"""The playground's demo function: a slow INIT (imports and set-up) and a short, steady invocation.

INIT sleeps about 300 ms, as loading an SDK and opening clients might, so cold starts stand out; each
invocation sleeps `work_ms` from the event (100 ms by default) and says which environment served it.
"""

import os
import time

_INIT_STARTED = time.perf_counter()
time.sleep(0.3)  # stands in for heavy imports and clients created once per environment
INIT_MS = round((time.perf_counter() - _INIT_STARTED) * 1000)
served = 0


def handler(event, context):
    global served
    served += 1
    time.sleep(event.get("work_ms", 100) / 1000)
    return {"pid": os.getpid(), "served_by_this_environment": served, "init_ms": INIT_MS}
