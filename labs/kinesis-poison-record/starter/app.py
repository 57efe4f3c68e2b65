"""Count page clicks from a Kinesis stream. A record that is not JSON makes json.loads raise."""

import base64
import json


def handler(event, context):
    for record in event["Records"]:
        click = json.loads(base64.b64decode(record["kinesis"]["data"]))
        print(f"counted click {click['n']} of {click['user']}")
    return {}
