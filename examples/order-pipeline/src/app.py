"""An order pipeline: billing writes invoices to DynamoDB, shipping logs, an auditor reads the table's stream,
and a nightly report counts the invoices. Every boto3 call goes to the local AWS that `app run` starts."""

import json
import os

import boto3

invoices = boto3.resource("dynamodb").Table(os.environ.get("INVOICES_TABLE", "Invoices"))


def _orders(event):
    for record in event["Records"]:
        yield json.loads(json.loads(record["body"])["Message"])


def bill(event, context):
    for order in _orders(event):
        invoices.put_item(Item={"order_id": order["order_id"], "total_cents": order["total_cents"], "status": "BILLED"})
        print(f"billed {order['order_id']}")
    return {}


def ship(event, context):
    for order in _orders(event):
        print(f"shipping {order['order_id']} to {order['city']}")
    return {}


def audit(event, context):
    for record in event["Records"]:
        print(f"{record['eventName']} {record['dynamodb']['Keys']['order_id']['S']}")
    return {}


def nightly_report(event, context):
    count = invoices.scan(Select="COUNT")["Count"]
    print(f"{count} invoices so far")
    return {"invoices": count}
