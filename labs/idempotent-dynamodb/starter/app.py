"""Charge a payment requested through EventBridge."""

import os

import boto3

from bank import charge_card

payments = boto3.resource("dynamodb").Table(os.environ["PAYMENTS_TABLE"])


def handler(event, context):
    detail = event["detail"]
    payment_id = detail["paymentId"]
    amount_cents = detail["amountCents"]
    # TODO: EventBridge (like SQS, SNS and asynchronous invocation) delivers at least once. When this event
    # arrives a second time, the card is charged a second time. Make the write conditional on the payment id
    # not being there yet, and skip the charge for a duplicate.
    payments.put_item(
        Item={"payment_id": payment_id, "order_id": detail["orderId"], "amount_cents": amount_cents,
              "status": "CHARGED"},
    )
    charge_card(payment_id, amount_cents)
    return {"paymentId": payment_id, "duplicate": False}
