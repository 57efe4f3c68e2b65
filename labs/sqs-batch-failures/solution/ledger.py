"""A stand-in for the accounting system: it records one payment, and refuses a malformed one.

Do not change this file: the lab restores it before every check run.
"""


class InvalidPayment(ValueError):
    """The message is not a payment the ledger can record."""


def record_payment(payment):
    if not isinstance(payment, dict):
        raise InvalidPayment(f"expected a JSON object, got {type(payment).__name__}")
    order_id = payment.get("order_id")
    amount = payment.get("amount_cents")
    if not isinstance(order_id, str) or not order_id:
        raise InvalidPayment("order_id is missing")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidPayment(f"amount_cents must be a positive integer, got {amount!r}")
    print(f"recorded {order_id}: {amount} cents")
