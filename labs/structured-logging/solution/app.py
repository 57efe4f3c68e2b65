"""Accept or reject an order, writing one JSON object per log line.

Each line carries the level, a fixed message and the request id, plus the identifiers that explain the
decision, so that CloudWatch Logs Insights can filter and count by field. Personal data stays out of the logs.
"""

import json


def log(level, message, context, **fields):
    """One structured log line: {"level", "message", "requestId", ...fields}."""
    print(json.dumps({"level": level, "message": message, "requestId": context.aws_request_id, **fields}))


def handler(event, context):
    order_id = event["order_id"]
    customer_id = event["customer"]["id"]
    items = event.get("items") or []
    if not items:
        log("ERROR", "order rejected", context, orderId=order_id, customerId=customer_id, reason="no items")
        return {"orderId": order_id, "accepted": False}
    log("INFO", "order accepted", context, orderId=order_id, customerId=customer_id, items=len(items))
    return {"orderId": order_id, "accepted": True}
