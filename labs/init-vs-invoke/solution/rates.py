"""A stand-in for an expensive client: building it takes over half a second (think: fetching secrets,
opening a connection pool, loading a big configuration). Looking a rate up afterwards is instant.

Do not change this file: the lab restores it before every check run.
"""

import time

SETUP_SECONDS = 0.6


class RatesClient:
    """Currency rates against the euro, loaded once when the client is built."""

    def __init__(self):
        print("RatesClient: loading rates (slow)...")
        time.sleep(SETUP_SECONDS)
        self._per_euro = {"EUR": 1.0, "USD": 1.08, "GBP": 0.86, "JPY": 162.5, "CHF": 0.95}

    def convert(self, amount_eur, currency):
        if currency not in self._per_euro:
            raise KeyError(f"unknown currency {currency!r}")
        return round(amount_eur * self._per_euro[currency], 2)
