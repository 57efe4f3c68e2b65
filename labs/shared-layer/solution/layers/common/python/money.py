"""The layer's copy of the money helpers: /opt/python/money.py for every function that lists the layer."""


def format_cents(cents: int) -> str:
    """12345 -> "$123.45", with a thousands separator."""
    return f"${cents // 100:,}.{cents % 100:02d}"
