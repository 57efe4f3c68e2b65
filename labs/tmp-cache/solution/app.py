"""Look up a product's price in a catalogue database, downloaded to /tmp once per execution environment."""

import os
import sqlite3
from contextlib import closing

from catalog import download_catalog

# Each execution environment has a /tmp of its own, kept while the environment lives.
CATALOG_PATH = "/tmp/catalog.sqlite3"


def handler(event, context):
    if os.path.exists(CATALOG_PATH):
        cache = "hit"
    else:
        download_catalog(CATALOG_PATH)
        cache = "miss"
    with closing(sqlite3.connect(f"file:{CATALOG_PATH}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT price_cents FROM products WHERE sku = ?", (event["sku"],)).fetchone()
    if row is None:
        return {"sku": event["sku"], "found": False, "cache": cache}
    return {"sku": event["sku"], "found": True, "price_cents": row[0], "cache": cache}
