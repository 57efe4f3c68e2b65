"""Order totals: your first Lambda handler.

Lambda calls handler(event, context) once per invocation. `event` is the JSON the caller sent, already
turned into Python dicts and lists; `context` describes this invocation (its request id, the function's
name, the time left before the timeout).
"""


def handler(event, context):
    order_id = event["order_id"]
    items = event.get("items")
    if items is None:
        raise ValueError(f"order {order_id} has no items")
    total_cents = sum(item["price_cents"] * item["qty"] for item in items)
    print(f"order {order_id}: {len(items)} items, {context.get_remaining_time_in_millis()} ms left")
    return {
        "order_id": order_id,
        "total_cents": total_cents,
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
    }
