"""Two consumers of the same orders: billing and shipping. Each reads SNS notifications from its own queue."""

import json


def _orders(event):
    for record in event["Records"]:
        notification = json.loads(record["body"])  # the SNS envelope: the order is its Message
        yield json.loads(notification["Message"])


def bill(event, context):
    for order in _orders(event):
        print(f"billed {order['order_id']}: {order['total_cents']} cents")
    return {}


def ship(event, context):
    for order in _orders(event):
        print(f"shipped {order['order_id']} to {order['city']}")
    return {}
