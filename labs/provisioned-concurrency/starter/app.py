"""Quote a shipping price at checkout, a user-facing request with a latency target.

INIT is slow (it loads the rate tables, more than half a second); a quote is quick once they are loaded.
Do not change this file: in this lab you change function.yaml, not the code.
"""

import time

INIT_SECONDS = 0.6
QUOTE_SECONDS = 0.2


def load_rate_tables():
    print("loading rate tables (slow INIT)...")
    time.sleep(INIT_SECONDS)
    return {"standard": 4.90, "express": 12.50}


RATES = load_rate_tables()


def handler(event, context):
    time.sleep(QUOTE_SECONDS)
    return {"cart_id": event["cart_id"], "shipping": RATES[event.get("speed", "standard")]}
