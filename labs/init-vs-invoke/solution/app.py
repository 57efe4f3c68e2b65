"""Price a basket in the caller's currency. The slow client is built once per execution environment."""

from rates import RatesClient

# INIT: module-level code runs once, when Lambda creates the environment. Every warm invocation reuses it.
rates = RatesClient()


def handler(event, context):
    # INVOKE: only per-request work here.
    total_eur = sum(item["price_eur"] * item["quantity"] for item in event["items"])
    currency = event.get("currency", "EUR")
    return {"currency": currency, "total": rates.convert(total_eur, currency)}
