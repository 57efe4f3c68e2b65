"""Checkout as a durable function: reserve the stock, give the customer an hour to pay, then charge.

A durable function is replayed: after every wait (and after a failure) Lambda runs the handler again from
the top and hands back the results of the steps it has already checkpointed. Code outside a step runs
again on every replay. This first attempt works once, in a hurry; make it durable (see README.md).
"""

from aws_durable_execution_sdk_python import DurableContext, durable_execution

import shop


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    order_id = event["order_id"]
    # TODO: a side effect outside a step runs again on every replay: make it a step named "reserve-stock".
    reservation = shop.reserve(order_id, event["items"])
    # TODO: give the customer an hour to pay, with a durable wait named "payment-window".
    # TODO: charge in a step named "charge" that retries a busy payment service but not a declined card;
    #       when the charge finally fails, release the stock (a step named "release-stock") and cancel.
    charge_id = shop.charge(order_id, event["card"], event["amount_cents"])
    return {"order_id": order_id, "status": "confirmed", "reservation": reservation, "charge_id": charge_id}
