"""A price quote from a pricing service that is sometimes briefly unavailable, and a cached fallback."""

_attempts = {}  # order id -> calls so far, in this execution environment


class PricingUnavailable(Exception):
    """The pricing service is down for a moment: trying again later may work."""


class InvalidOrder(Exception):
    """The order itself is wrong: trying again can never work."""


def live_price(event, context):
    order = event["order_id"]
    if not event.get("items"):
        raise InvalidOrder(f"order {order} has no items")
    _attempts[order] = _attempts.get(order, 0) + 1
    if _attempts[order] <= event.get("outage_calls", 0):
        raise PricingUnavailable(f"pricing is unavailable (call {_attempts[order]})")
    return {"order_id": order, "total": 12 * len(event["items"]), "source": "live"}


def cached_price(event, context):
    return {"order_id": event["order_id"], "total": 10 * len(event.get("items") or []), "source": "cache"}
