"""Storage notifications: S3 ObjectCreated:Put / ObjectRemoved:Delete and DynamoDB Streams records.

Details a handler must cope with are kept: S3 URL-encodes the object key (`my photo.jpg` arrives as
`my+photo.jpg`), a delete carries neither size nor eTag, and DynamoDB images use the typed attribute-value
format (`{"S": ...}`, `{"N": "42.5"}`) with INSERT carrying only NewImage, REMOVE only OldImage.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote_plus

from lambdalearn.runtime.sample_events.context import EventContext, EventOptionError, check_count

DYNAMODB_EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")


def s3_put(ctx: EventContext, *, bucket: str = "lambdalearn-uploads", key: str = "incoming/photo 1.jpg", size: int = 1024) -> dict[str, Any]:
    """An `ObjectCreated:Put` notification for one object."""
    if size < 0:
        raise EventOptionError(f"size {size} must be 0 or more bytes")
    record = _s3_record(ctx, "ObjectCreated:Put", bucket, key)
    record["s3"]["object"] = {
        "key": _encoded_key(key),
        "size": size,
        "eTag": ctx.hex(32),
        "sequencer": ctx.hex(18, upper=True),
    }
    return {"Records": [record]}


def s3_delete(ctx: EventContext, *, bucket: str = "lambdalearn-uploads", key: str = "incoming/photo 1.jpg") -> dict[str, Any]:
    """An `ObjectRemoved:Delete` notification (unversioned bucket: no size, no eTag)."""
    record = _s3_record(ctx, "ObjectRemoved:Delete", bucket, key)
    record["s3"]["object"] = {"key": _encoded_key(key), "sequencer": ctx.hex(18, upper=True)}
    return {"Records": [record]}


def dynamodb_stream(
    ctx: EventContext, *, table: str = "Orders", event_name: str = "INSERT", count: int = 1
) -> dict[str, Any]:
    """A batch of stream records (view type NEW_AND_OLD_IMAGES) for items of an orders table."""
    if not _TABLE_NAME.fullmatch(table):
        raise EventOptionError(f"table {table!r} is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)")
    name = event_name.upper()
    if name not in DYNAMODB_EVENT_NAMES:
        raise EventOptionError(f"event name {event_name!r} must be one of {', '.join(DYNAMODB_EVENT_NAMES)}")
    check_count(count)
    stream_label = ctx.at(-ctx.rng.randrange(1, 90) * 86_400_000).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    first_sequence = int(ctx.digits(21))
    records = []
    for index in range(count):
        order_id = f"ord-{ctx.lower_id(8)}"
        keys = {"OrderId": {"S": order_id}}
        placed = keys | {"Status": {"S": "PLACED"}, "Total": {"N": f"{ctx.rng.randrange(100, 20000) / 100:.2f}"}}
        images: dict[str, Any] = {
            "INSERT": {"NewImage": placed},
            "MODIFY": {"OldImage": placed, "NewImage": placed | {"Status": {"S": "SHIPPED"}}},
            "REMOVE": {"OldImage": placed},
        }[name]
        records.append(
            {
                "eventID": ctx.hex(32),
                "eventName": name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": ctx.region,
                "dynamodb": {
                    "ApproximateCreationDateTime": int(ctx.at(index).timestamp()),
                    "Keys": keys,
                    **images,
                    "SequenceNumber": str(first_sequence + index * 100),
                    "SizeBytes": _item_size(keys) + sum(_item_size(image) for image in images.values()),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
                "eventSourceARN": f"arn:aws:dynamodb:{ctx.region}:{ctx.account}:table/{table}/stream/{stream_label}",
            }
        )
    return {"Records": records}


def _s3_record(ctx: EventContext, event_name: str, bucket: str, key: str) -> dict[str, Any]:
    if not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise EventOptionError(f"bucket {bucket!r} is not an S3 bucket name (3-63 of a-z 0-9 . -, starting and ending alphanumeric)")
    if not key or len(key.encode("utf-8")) > 1024:
        raise EventOptionError("key must be 1 to 1024 bytes long")
    configuration_id = base64.b64encode(ctx.uuid().encode("ascii")).decode("ascii").rstrip("=")
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": ctx.region,
        "eventTime": ctx.iso_ms(),
        "eventName": event_name,
        "userIdentity": {"principalId": f"AWS:{ctx.iam_user_id()}"},
        "requestParameters": {"sourceIPAddress": ctx.ip()},
        "responseElements": {"x-amz-request-id": ctx.hex(16, upper=True), "x-amz-id-2": ctx.b64(57)},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": ctx.upper_id(14)},
                "arn": f"arn:aws:s3:::{bucket}",
            },
        },
    }


def _encoded_key(key: str) -> str:
    """S3 notifications carry the key form-URL-encoded: spaces as '+', slashes kept."""
    return quote_plus(key, safe="/")


def _item_size(attributes: dict[str, dict[str, str]]) -> int:
    """DynamoDB's item size, roughly: attribute names plus values in bytes."""
    return sum(len(name.encode()) + len(next(iter(value.values())).encode()) for name, value in attributes.items())
