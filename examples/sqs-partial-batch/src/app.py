"""Charge each order of a batch; report the ones that failed so only they come back."""

import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        order = json.loads(record["body"])
        if order["amount"] <= 0:
            print(f"order {order['id']}: invalid amount {order['amount']}")
            failures.append({"itemIdentifier": record["messageId"]})
        else:
            print(f"charged order {order['id']}")
    return {"batchItemFailures": failures}
