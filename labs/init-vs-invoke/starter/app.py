"""Price a basket in the caller's currency."""

from rates import RatesClient


def handler(event, context):
    # TODO: this builds the slow client on every invocation, so even warm starts wait about a second.
    # Build it once per execution environment instead, and keep only per-request work in the handler.
    rates = RatesClient()
    total_eur = sum(item["price_eur"] * item["quantity"] for item in event["items"])
    currency = event.get("currency", "EUR")
    return {"currency": currency, "total": rates.convert(total_eur, currency)}
