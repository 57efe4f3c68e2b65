"""Take stock for each order message of an SQS batch, once per order id however often it is delivered."""

import json
import os

import boto3
from botocore.exceptions import ClientError

dynamodb = boto3.resource("dynamodb")
stock = dynamodb.Table(os.environ["STOCK_TABLE"])
processed = dynamodb.Table(os.environ["PROCESSED_TABLE"])


def first_time(order_id):
    """Claim the order id; False when an earlier delivery already did (the write is refused atomically)."""
    try:
        processed.put_item(Item={"order_id": order_id}, ConditionExpression="attribute_not_exists(order_id)")
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            order_id, sku = order["order_id"], order["sku"]
        except (ValueError, KeyError, TypeError) as error:
            print(f"message {record['messageId']} is not an order: {error!r}")
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        if not first_time(order_id):
            print(f"duplicate of {order_id}: skipped")
            continue
        stock.update_item(
            Key={"sku": sku},
            UpdateExpression="ADD units :minus_one",
            ExpressionAttributeValues={":minus_one": -1},
        )
        print(f"took stock for {order_id}")
    return {"batchItemFailures": failures}
