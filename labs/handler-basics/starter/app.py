"""Order totals: your first Lambda handler.

Lambda calls handler(event, context) once per invocation. `event` is the JSON the caller sent, already
turned into Python dicts and lists; `context` describes this invocation (its request id, the function's
name, the time left before the timeout).
"""


def handler(event, context):
    order_id = event["order_id"]
    total_cents = 0
    # TODO: add up price_cents * qty for every item in event["items"].
    # TODO: an order without "items" is a mistake of the caller: raise ValueError(f"order {order_id} has no items").
    # TODO: print one line for the logs: f"order {order_id}: {number of items} items, {ms left} ms left"
    #       (the time left comes from the context).
    return {
        "order_id": order_id,
        "total_cents": total_cents,
        # TODO: add "request_id" and "function_name", both from the context.
    }
