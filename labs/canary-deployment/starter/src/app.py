"""Quote a shipping price. The checks replace this file with each release from the lab's releases/ folder."""


def handler(event, context):
    return {"shipping": 4.9}
