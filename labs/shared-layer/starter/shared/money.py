"""The money helpers both functions need, as they were copied into each project before the layer.

A folder named shared/ at the root of the code is NOT on the import path: nothing imports this copy.
"""


def format_cents(cents: int) -> str:
    """12345 -> "$123.45", with a thousands separator."""
    return f"${cents // 100:,}.{cents % 100:02d}"
