"""Take stock for each order message of an SQS batch: one unit of the order's product per order."""

import json
import os

import boto3

stock = boto3.resource("dynamodb").Table(os.environ["STOCK_TABLE"])


def handler(event, context):
    # TODO: SQS delivers at least once, and when one message raises, the whole batch comes back. Each
    # redelivery takes stock again. Take stock once per order id, whatever happens to the batch.
    for record in event["Records"]:
        order = json.loads(record["body"])
        stock.update_item(
            Key={"sku": order["sku"]},
            UpdateExpression="ADD units :minus_one",
            ExpressionAttributeValues={":minus_one": -1},
        )
        print(f"took stock for {order['order_id']}")
    return {"batchItemFailures": []}
