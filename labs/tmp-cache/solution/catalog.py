"""A stand-in for downloading a read-only SQLite database (a product catalogue) from S3 or a web server.

The download takes about half a second; the file is about 200 KB. SQLite needs a real file, so the database has
to live on local disk: on Lambda that is /tmp. Do not change this file: the lab restores it before every
check run.
"""

import os
import sqlite3
import time

DOWNLOAD_SECONDS = 0.5
PRODUCTS = 5000


def price_cents(number):
    """The catalogue's price of product `number` (1..PRODUCTS)."""
    return 199 + (number * 7919) % 9800


def sku(number):
    return f"SKU-{number:05d}"


def download_catalog(path):
    """Fetch the catalogue into `path`. Slow. Writes a temporary file first, so `path` is never half-written."""
    print(f"catalog: downloading to {path} (slow)...")
    time.sleep(DOWNLOAD_SECONDS)
    partial = f"{path}.part"
    if os.path.exists(partial):
        os.remove(partial)
    with sqlite3.connect(partial) as db:
        db.execute("CREATE TABLE products (sku TEXT PRIMARY KEY, price_cents INTEGER NOT NULL)")
        db.executemany(
            "INSERT INTO products VALUES (?, ?)",
            ((sku(number), price_cents(number)) for number in range(1, PRODUCTS + 1)),
        )
    db.close()
    os.replace(partial, path)
