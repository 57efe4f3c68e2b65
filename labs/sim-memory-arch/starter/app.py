"""The report API whose memory and architecture you are choosing; model.py says how long it runs."""


def handler(event, context):
    return {"statusCode": 200, "body": "report ready"}
