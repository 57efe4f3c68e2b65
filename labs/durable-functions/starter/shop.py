"""The shop's stock and payment services, as the checkout calls them (do not change this file).

Like real services they have side effects that must not repeat: every `reserve` holds stock and every
`charge` takes money, whether or not your code already did it once. The checks read `calls()` to see what
your durable function really did.
"""

from __future__ import annotations

_CALLS: list[tuple[str, str]] = []
_BUSY_LEFT: dict[str, int] = {}


class CardDeclined(Exception):
    """A permanent failure: the bank said no. Asking again gets the same answer."""


class PaymentServiceBusy(Exception):
    """A transient failure: the payment service is overloaded. Asking again a little later works."""


def reserve(order_id: str, items: list[dict]) -> str:
    """Hold the items of an order; returns the reservation id."""
    _CALLS.append(("reserve", order_id))
    return f"res-{order_id}"


def charge(order_id: str, card: str, amount_cents: int) -> str:
    """Take the money; returns the charge id. Card "declined" is refused; card "busy" fails twice first."""
    _CALLS.append(("charge", order_id))
    if card == "declined":
        raise CardDeclined(f"card declined for order {order_id}")
    if card == "busy":
        left = _BUSY_LEFT.setdefault(order_id, 2)
        if left:
            _BUSY_LEFT[order_id] = left - 1
            raise PaymentServiceBusy("payment service busy, try again later")
    return f"ch-{order_id}-{amount_cents}"


def release(reservation: str) -> None:
    """Give reserved items back to the stock."""
    _CALLS.append(("release", reservation))


def calls() -> list[tuple[str, str]]:
    return list(_CALLS)


def reset() -> None:
    _CALLS.clear()
    _BUSY_LEFT.clear()
