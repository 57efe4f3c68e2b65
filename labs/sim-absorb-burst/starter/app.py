"""The order job the Black Friday email triggers. Its code is not the point of this lab: its traffic is."""


def handler(event, context):
    return {"statusCode": 200, "body": "order accepted"}
