"""Charge a payment requested through EventBridge exactly once, however often the event is delivered.

The first delivery claims the payment id with a conditional put; a duplicate finds the claim and does
nothing. If the charge fails, the claim is removed so that Lambda's retry can charge.
"""

import os

import boto3

from bank import charge_card

payments = boto3.resource("dynamodb").Table(os.environ["PAYMENTS_TABLE"])


def handler(event, context):
    detail = event["detail"]
    payment_id = detail["paymentId"]
    amount_cents = detail["amountCents"]
    try:
        payments.put_item(
            Item={"payment_id": payment_id, "order_id": detail["orderId"], "amount_cents": amount_cents,
                  "status": "IN_PROGRESS"},
            ConditionExpression="attribute_not_exists(payment_id)",  # the first delivery wins
        )
    except payments.meta.client.exceptions.ConditionalCheckFailedException:
        print(f"duplicate delivery of {payment_id}: already handled, nothing to do")
        return {"paymentId": payment_id, "duplicate": True}
    try:
        charge_card(payment_id, amount_cents)
    except Exception:
        payments.delete_item(Key={"payment_id": payment_id})  # let a retry claim it again
        raise
    payments.update_item(
        Key={"payment_id": payment_id},
        UpdateExpression="SET #status = :charged",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":charged": "CHARGED"},
    )
    return {"paymentId": payment_id, "duplicate": False}
