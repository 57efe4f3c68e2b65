"""Reserve stock for an order line. Called synchronously by the checkout service.

A bad request raises an exception of its own type, so the caller sees a precise `errorType`; running out of
stock is an ordinary business answer, returned like any other result.
"""

from inventory import STOCK


class OrderError(Exception):
    """The request itself is wrong: sending it again cannot succeed."""


class InvalidQuantityError(OrderError):
    """The quantity is not a positive whole number."""


class UnknownSkuError(OrderError):
    """No product has this SKU."""


def handler(event, context):
    sku = event.get("sku")
    quantity = event.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidQuantityError(f"quantity must be a positive integer, got {quantity!r}")
    if sku not in STOCK:
        raise UnknownSkuError(f"unknown sku {sku!r}")
    available = STOCK[sku]
    if quantity > available:
        return {"reserved": False, "sku": sku, "reason": "out of stock", "available": available}
    return {"reserved": True, "sku": sku, "quantity": quantity}
