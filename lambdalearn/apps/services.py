"""The app's queues and streams, on AWS time: what SQS, Kinesis and DynamoDB Streams do that Lambda depends on.

A queue keeps each message's receive count and visibility: a received message is in flight for the queue's
visibility timeout, then visible again; a message received more than the redrive policy's `maxReceiveCount`
moves to the dead-letter queue instead of being delivered (SQS's own rule); a FIFO queue hands out a message
group's messages in order and none of a group while one of it is in flight. A stream keeps records in order
per shard, with Kinesis's shard choice (the MD5 of the partition key within the shards' hash ranges).

Each message and record carries `lineage`, the number of invocations in the chain that produced it, which
the loop detection reads (AWS carries the same in the trace header).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdalearn.apps.model import Queue, Stream, Table
from lambdalearn.apps.timeline import Timeline

SENDER_ID = "AIDAIENQZJOLO23YVJ4VO"
DEDUPLICATION_INTERVAL_S = 300.0


@dataclass
class Message:
    """One SQS message and the bookkeeping SQS keeps on it."""

    message_id: str
    body: str
    sent_at: float
    group_id: str | None = None
    sequence: int = 0
    receive_count: int = 0
    first_received_at: float | None = None
    visible_at: float = 0.0
    receipt_handle: str = ""
    lineage: int = 0


class LocalQueue:
    """An SQS queue on AWS time. `on_message` callbacks fire when a message becomes available."""

    def __init__(self, model: Queue, now: Callable[[], float], timeline: Timeline, dead_letter: Callable[[str], LocalQueue | None]) -> None:
        self.model = model
        self._now = now
        self._timeline = timeline
        self._dead_letter = dead_letter
        self.messages: list[Message] = []  # visible and in flight, in send order
        self.moved_to_dlq = 0
        self.on_message: list[Callable[[], None]] = []
        self._sequence = itertools.count(1)
        self._deduplication: dict[str, Message] = {}  # FIFO content-based deduplication: body digest -> message

    @property
    def name(self) -> str:
        return self.model.name

    def send(self, body: Any, *, group_id: str | None = None, lineage: int = 0) -> Message:
        """Queue a message. A FIFO queue with ContentBasedDeduplication accepts a body it has already seen
        in the last 5 minutes without queueing it again (the SQS deduplication interval)."""
        text = body if isinstance(body, str) else json.dumps(body)
        if self.model.fifo and group_id is None:
            group_id = "default"
        if self.model.fifo and self.model.content_based_deduplication:
            digest = hashlib.sha256(text.encode()).hexdigest()
            earlier = self._deduplication.get(digest)
            if earlier is not None and self._now() - earlier.sent_at < DEDUPLICATION_INTERVAL_S:
                return earlier
        message = Message(str(uuid.uuid4()), text, self._now(), group_id, next(self._sequence), lineage=lineage)
        if self.model.fifo and self.model.content_based_deduplication:
            self._deduplication[digest] = message
        self.messages.append(message)
        for callback in list(self.on_message):
            callback()
        return message

    def receive(self, max_messages: int) -> list[Message]:
        """Up to `max_messages` visible messages, now in flight; redrives those past maxReceiveCount first."""
        now = self._now()
        taken: list[Message] = []
        blocked_groups = {m.group_id for m in self.messages if self.model.fifo and m.visible_at > now}
        for message in list(self.messages):
            if len(taken) >= max_messages:
                break
            if message.visible_at > now or message.group_id in blocked_groups:
                continue
            redrive = self.model.redrive
            if redrive is not None and message.receive_count >= redrive.max_receive_count and self.move_to_dlq(message):
                continue
            message.receive_count += 1
            message.first_received_at = message.first_received_at or now
            message.visible_at = now + self.model.visibility_timeout_s
            message.receipt_handle = uuid.uuid4().hex
            taken.append(message)
        return taken

    def move_to_dlq(self, message: Message) -> bool:
        """Move `message` to the redrive policy's dead-letter queue; False when there is none."""
        if self.model.redrive is None:
            return False
        target = self._dead_letter(self.model.redrive.dead_letter_arn)  # type: ignore[union-attr]
        if target is None:
            return False
        self.messages.remove(message)
        self.moved_to_dlq += 1
        moved = target.send(message.body, group_id=message.group_id, lineage=message.lineage)
        self._timeline.emit(
            "message_redriven", queue=self.name, message_id=message.message_id, dlq=target.name,
            dlq_message_id=moved.message_id, receive_count=message.receive_count,
        )
        return True

    def delete(self, message: Message, reason: str = "processed") -> None:
        if message in self.messages:
            self.messages.remove(message)
            self._timeline.emit("message_deleted", queue=self.name, message_id=message.message_id, reason=reason)

    def next_visible_at(self, ignoring: set[str] = frozenset()) -> float | None:  # type: ignore[assignment]
        """When the earliest in-flight message (not in `ignoring`) becomes visible again; None if none."""
        now = self._now()
        times = [m.visible_at for m in self.messages if m.visible_at > now and m.message_id not in ignoring]
        return min(times) if times else None

    def counts(self) -> dict[str, int]:
        now = self._now()
        in_flight = sum(1 for m in self.messages if m.visible_at > now)
        return {"visible": len(self.messages) - in_flight, "in_flight": in_flight, "moved_to_dlq": self.moved_to_dlq}

    def record(self, message: Message, region: str = "us-east-1") -> dict[str, Any]:
        """The message as an SQS event source mapping delivers it in `Records`."""
        attributes = {
            "ApproximateReceiveCount": str(message.receive_count),
            "SentTimestamp": str(int(message.sent_at * 1000)),
            "SenderId": SENDER_ID,
            "ApproximateFirstReceiveTimestamp": str(int((message.first_received_at or message.sent_at) * 1000)),
        }
        if self.model.fifo:
            attributes["MessageGroupId"] = message.group_id or "default"
            attributes["SequenceNumber"] = str(message.sequence).zfill(20)
            attributes["MessageDeduplicationId"] = hashlib.sha256(message.body.encode()).hexdigest()
        return {
            "messageId": message.message_id,
            "receiptHandle": message.receipt_handle,
            "body": message.body,
            "attributes": attributes,
            "messageAttributes": {},
            "md5OfBody": hashlib.md5(message.body.encode()).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.model.arn,
            "awsRegion": region,
        }


@dataclass
class StreamRecord:
    """One record of a shard: its sequence number, partition key, payload and arrival time."""

    sequence_number: str
    partition_key: str
    data: Any  # Kinesis: bytes; DynamoDB: the `dynamodb` change object
    arrived_at: float
    event_name: str = ""
    lineage: int = 0


@dataclass
class Shard:
    shard_id: str
    records: list[StreamRecord] = field(default_factory=list)


class LocalStream:
    """A Kinesis stream or a DynamoDB table's stream: shards of ordered records."""

    def __init__(self, kind: str, name: str, arn: str, shard_count: int, now: Callable[[], float]) -> None:
        self.kind = kind  # "Kinesis" or "DynamoDB"
        self.name = name
        self.arn = arn
        self._now = now
        self.shards = [Shard(f"shardId-{index:012d}") for index in range(shard_count)]
        self.on_record: list[Callable[[], None]] = []
        self._sequence = itertools.count(1)

    @classmethod
    def kinesis(cls, model: Stream, now: Callable[[], float]) -> LocalStream:
        return cls("Kinesis", model.name, model.arn, model.shard_count, now)

    @classmethod
    def dynamodb(cls, model: Table, now: Callable[[], float]) -> LocalStream:
        return cls("DynamoDB", model.name, model.stream_arn, 1, now)

    def shard_for(self, partition_key: str) -> Shard:
        """Kinesis maps the MD5 of the partition key (a 128-bit number) onto the shards' equal hash ranges."""
        digest = int(hashlib.md5(partition_key.encode()).hexdigest(), 16)
        return self.shards[digest * len(self.shards) >> 128]

    def put(self, partition_key: str, data: Any, *, event_name: str = "", lineage: int = 0) -> StreamRecord:
        shard = self.shard_for(partition_key)
        sequence = f"{next(self._sequence):056d}" if self.kind == "Kinesis" else f"{next(self._sequence):021d}"
        record = StreamRecord(sequence, partition_key, data, self._now(), event_name, lineage)
        shard.records.append(record)
        for callback in list(self.on_record):
            callback()
        return record

    def event_record(self, record: StreamRecord, shard: Shard, region: str = "us-east-1") -> dict[str, Any]:
        """The record as the stream's event source mapping delivers it."""
        if self.kind == "Kinesis":
            raw = record.data if isinstance(record.data, bytes) else str(record.data).encode()
            return {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": record.partition_key,
                    "sequenceNumber": record.sequence_number,
                    "data": base64.b64encode(raw).decode(),
                    "approximateArrivalTimestamp": round(record.arrived_at, 3),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard.shard_id}:{record.sequence_number}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambdalearn-app",
                "awsRegion": region,
                "eventSourceARN": self.arn,
            }
        return {
            "eventID": hashlib.md5(record.sequence_number.encode()).hexdigest(),
            "eventName": record.event_name,
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": region,
            "dynamodb": {**record.data, "SequenceNumber": record.sequence_number, "ApproximateCreationDateTime": int(record.arrived_at)},
            "eventSourceARN": self.arn,
        }


def attribute_value(value: Any) -> dict[str, Any]:
    """A plain value in DynamoDB's JSON (`{"S": "x"}`, `{"N": "1"}`), as stream records carry images."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, (int, float)):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": {name: attribute_value(item) for name, item in value.items()}}
    if isinstance(value, list):
        return {"L": [attribute_value(item) for item in value]}
    if isinstance(value, bytes):
        return {"B": base64.b64encode(value).decode()}
    return {"S": str(value)}
