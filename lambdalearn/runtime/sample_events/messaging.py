"""Messages and streams: SQS batches, SNS notifications, EventBridge events and Kinesis records.

Shapes a handler must get right are kept: SQS and Kinesis deliver batches under `Records` (Kinesis data is
base64), SQS attributes are strings (timestamps in epoch milliseconds), SNS capitalises its keys
(`Records[0].Sns.Message`), and EventBridge is a single event with a `detail-type` key and a `detail` object.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from lambdalearn.runtime.sample_events.context import EventContext, EventOptionError, check_count

_QUEUE_NAME = re.compile(r"[a-zA-Z0-9_-]{1,75}(\.fifo)?|[a-zA-Z0-9_-]{1,80}")
_TOPIC_NAME = re.compile(r"[a-zA-Z0-9_-]{1,251}(\.fifo)?|[a-zA-Z0-9_-]{1,256}")
_STREAM_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,128}")
_RULE_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,64}")


def sqs(ctx: EventContext, *, body: str | None = None, count: int = 1, queue: str = "lambdalearn-queue") -> dict[str, Any]:
    """A batch of `count` messages as an SQS event source mapping delivers it (FIFO attributes for .fifo)."""
    if not _QUEUE_NAME.fullmatch(queue):
        raise EventOptionError(f"queue {queue!r} is not an SQS queue name (1-80 of a-z A-Z 0-9 _ -, optional .fifo)")
    check_count(count)
    fifo = queue.endswith(".fifo")
    if fifo and count > 10:
        raise EventOptionError(f"count {count}: a FIFO queue delivers at most 10 messages a batch")
    sender = ctx.iam_user_id()
    first_sequence = int(ctx.digits(20))
    records = []
    for index in range(count):
        text = body if body is not None else json.dumps({"orderId": f"ord-{ctx.lower_id(8)}", "quantity": ctx.rng.randrange(1, 10)})
        sent = ctx.epoch_ms(-1000 + index * 7)
        attributes = {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(sent),
            "SenderId": sender,
            "ApproximateFirstReceiveTimestamp": str(sent + ctx.rng.randrange(2, 40)),
        }
        if fifo:
            attributes |= {
                "SequenceNumber": str(first_sequence + index),
                "MessageGroupId": "orders",
                "MessageDeduplicationId": hashlib.sha256(text.encode() + str(index).encode()).hexdigest(),
            }
        records.append(
            {
                "messageId": ctx.uuid(),
                "receiptHandle": "AQEB" + ctx.b64(132),
                "body": text,
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(text.encode("utf-8")).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{ctx.region}:{ctx.account}:{queue}",
                "awsRegion": ctx.region,
            }
        )
    return {"Records": records}


def sns(
    ctx: EventContext, *, body: str = "Hello from SNS!", subject: str | None = None, topic: str = "lambdalearn-topic"
) -> dict[str, Any]:
    """One notification as SNS delivers it to a subscribed function (always a single record)."""
    if not _TOPIC_NAME.fullmatch(topic):
        raise EventOptionError(f"topic {topic!r} is not an SNS topic name (1-256 of a-z A-Z 0-9 _ -, optional .fifo)")
    topic_arn = f"arn:aws:sns:{ctx.region}:{ctx.account}:{topic}"
    subscription_arn = f"{topic_arn}:{ctx.uuid()}"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": ctx.uuid(),
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": body,
                    "Timestamp": ctx.iso_ms(-20),
                    "SignatureVersion": "1",
                    "Signature": ctx.b64(256),
                    "SigningCertUrl": f"https://sns.{ctx.region}.amazonaws.com/SimpleNotificationService-{ctx.hex(32)}.pem",
                    "UnsubscribeUrl": f"https://sns.{ctx.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription_arn}",
                    "MessageAttributes": {},
                },
            }
        ]
    }


def eventbridge_schedule(ctx: EventContext, *, rule: str = "lambdalearn-every-5-minutes") -> dict[str, Any]:
    """The event an EventBridge scheduled rule sends: `Scheduled Event` from `aws.events`, on the minute."""
    if not _RULE_NAME.fullmatch(rule):
        raise EventOptionError(f"rule {rule!r} is not an EventBridge rule name (1-64 of a-z A-Z 0-9 _ - .)")
    return {
        "version": "0",
        "id": ctx.uuid(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ctx.account,
        "time": ctx.iso_seconds(ctx.now.replace(second=0, microsecond=0)),
        "region": ctx.region,
        "resources": [f"arn:aws:events:{ctx.region}:{ctx.account}:rule/{rule}"],
        "detail": {},
    }


def eventbridge_custom(
    ctx: EventContext,
    *,
    source: str = "com.example.orders",
    detail_type: str = "OrderPlaced",
    detail: str | dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An application's own event, as PutEvents delivers it to a rule's Lambda target."""
    if not source or source.startswith("aws."):
        raise EventOptionError(f"source {source!r}: custom events need a source of your own; 'aws.' is reserved for AWS services")
    if not detail_type:
        raise EventOptionError("detail type must not be empty")
    if detail is None:
        detail = {"orderId": f"ord-{ctx.lower_id(8)}", "amount": ctx.rng.randrange(100, 20000) / 100, "currency": "USD"}
    elif isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError as error:
            raise EventOptionError(f"detail is not valid JSON: {error}") from None
    if not isinstance(detail, dict):
        raise EventOptionError("detail must be a JSON object, such as {\"orderId\": \"42\"}")
    return {
        "version": "0",
        "id": ctx.uuid(),
        "detail-type": detail_type,
        "source": source,
        "account": ctx.account,
        "time": ctx.iso_seconds(),
        "region": ctx.region,
        "resources": [],
        "detail": detail,
    }


def kinesis(
    ctx: EventContext,
    *,
    body: str | None = None,
    count: int = 1,
    stream: str = "lambdalearn-stream",
    partition_key: str | None = None,
) -> dict[str, Any]:
    """A batch of records from one shard; each record's data is the body, base64-encoded."""
    if not _STREAM_NAME.fullmatch(stream):
        raise EventOptionError(f"stream {stream!r} is not a Kinesis stream name (1-128 of a-z A-Z 0-9 _ - .)")
    if partition_key is not None and not 1 <= len(partition_key) <= 256:
        raise EventOptionError("partition key must be 1 to 256 characters long")
    check_count(count)
    shard = f"shardId-{ctx.rng.randrange(0, 4):012d}"
    first_sequence = int(ctx.digits(56))
    records = []
    for index in range(count):
        text = body if body is not None else json.dumps({"sensor": f"sensor-{index % 3 + 1}", "temperature": ctx.rng.randrange(150, 300) / 10})
        sequence = str(first_sequence + index * 10**20)
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": partition_key or f"sensor-{index % 3 + 1}",
                    "sequenceNumber": sequence,
                    "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
                    "approximateArrivalTimestamp": round(ctx.at(-500 + index * 3).timestamp(), 3),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard}:{sequence}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": f"arn:aws:iam::{ctx.account}:role/lambdalearn-function-role",
                "awsRegion": ctx.region,
                "eventSourceARN": f"arn:aws:kinesis:{ctx.region}:{ctx.account}:stream/{stream}",
            }
        )
    return {"Records": records}
