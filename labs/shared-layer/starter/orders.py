"""Order confirmation: states an order's total. Do not change this file: the lab is about the layer."""

from money import format_cents


def handler(event, context):
    return {"order_id": event["order_id"], "total": format_cents(int(event["cents"]))}
