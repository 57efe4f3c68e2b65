"""Look up a product's price in a catalogue database."""

import os
import sqlite3
from contextlib import closing

from catalog import download_catalog

# Each execution environment has a /tmp of its own, kept while the environment lives.
CATALOG_PATH = "/tmp/catalog.sqlite3"


def handler(event, context):
    # TODO: this downloads the catalogue on every invocation, even when the environment already has it.
    # Download only when the file is not in /tmp yet, and report "cache": "miss" for a download, "hit" otherwise.
    download_catalog(CATALOG_PATH)
    cache = "miss"
    with closing(sqlite3.connect(CATALOG_PATH)) as db:
        row = db.execute("SELECT price_cents FROM products WHERE sku = ?", (event["sku"],)).fetchone()
    if row is None:
        return {"sku": event["sku"], "found": False, "cache": cache}
    return {"sku": event["sku"], "found": True, "price_cents": row[0], "cache": cache}
