"""Resize an image (pretend): fails for a corrupt file, which retries cannot fix."""


def handler(event, context):
    if event.get("corrupt"):
        raise ValueError(f"{event['key']} is not an image")
    return {"resized": event["key"], "sizes": [64, 256]}
