"""Aggregate sensor readings from a Kinesis stream; a reading that is not a number breaks the batch."""

import base64
import json


def handler(event, context):
    for record in event["Records"]:
        reading = json.loads(base64.b64decode(record["kinesis"]["data"]))
        value = float(reading["celsius"])
        print(f"{reading['sensor']} #{reading['n']}: {value:.1f} C")
    return {}
