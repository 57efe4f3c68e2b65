"""Reserve stock for an order line. Called synchronously by the checkout service."""

from inventory import STOCK


def handler(event, context):
    sku = event["sku"]
    quantity = event["quantity"]
    # TODO: the caller cannot tell these failures apart: every one arrives as errorType "Exception".
    # Raise exceptions of your own types instead (see README.md for the names and messages).
    if quantity < 1:
        raise Exception("bad request")
    if sku not in STOCK:
        raise Exception("bad request")
    # TODO: running out of stock is not a failure of this function. Return an answer that says so.
    if quantity > STOCK[sku]:
        raise Exception("out of stock")
    return {"reserved": True, "sku": sku, "quantity": quantity}
