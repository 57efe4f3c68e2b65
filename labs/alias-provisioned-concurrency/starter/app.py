"""Look up stock for a product page: users wait for this, so a cold start shows.

INIT loads the stock snapshot (over half a second); a lookup is quick once it is loaded.
Do not change this file: in this lab you change function.yaml, not the code.
"""

import time

INIT_SECONDS = 0.6


def load_snapshot():
    print("loading the stock snapshot (slow INIT)...")
    time.sleep(INIT_SECONDS)
    return {"sku-1042": 17}


SNAPSHOT = load_snapshot()


def handler(event, context):
    sku = event["sku"]
    return {"sku": sku, "stock": SNAPSHOT.get(sku, 0)}
