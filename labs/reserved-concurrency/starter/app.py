"""Store a sales report row in the legacy reporting database.

The database accepts at most 5 connections. Each execution environment opens one connection at INIT and
keeps it, so the number of environments running at once is the number of connections in use.
Do not change this file: in this lab you change function.yaml, not the code.
"""

import time

WRITE_SECONDS = 0.5


def connect_to_reporting_db():
    print("reporting-db: connection opened (the database allows 5 in all)")
    return object()


connection = connect_to_reporting_db()


def handler(event, context):
    time.sleep(WRITE_SECONDS)  # the slow INSERT
    return {"stored": event["report_id"]}
