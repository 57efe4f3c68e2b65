"""Accept or reject an order."""


def handler(event, context):
    order_id = event["order_id"]
    customer = event["customer"]
    items = event.get("items") or []
    # TODO: these lines are easy to write and hard to search: write one JSON object per line instead, with
    # "level", "message" and "requestId" (from the context), plus the ids that explain the decision.
    # TODO: and keep the customer's e-mail address out of the logs.
    if not items:
        print(f"ERROR: order {order_id} from {customer['email']} rejected, it has no items")
        return {"orderId": order_id, "accepted": False}
    print(f"order {order_id} accepted for {customer['email']} ({len(items)} items)")
    return {"orderId": order_id, "accepted": True}
