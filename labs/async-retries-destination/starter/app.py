"""Send an order notification. The mail relay for some domains is down: those sends raise."""


def handler(event, context):
    recipient = event["to"]
    if recipient.endswith("@down.example"):
        raise ConnectionError(f"mail relay for {recipient.split('@')[1]} is unavailable")
    print(f"sent order {event['order_id']} to {recipient}")
    return {"sent": event["order_id"]}
