"""The app's resources in the local AWS (moto), so handlers' boto3 calls work, and what they wrote brought back.

A handler that sends to a queue, publishes to a topic, puts an object or writes an item does so in moto (through
`AWS_ENDPOINT_URL`, as in labs: `labs/local_aws.py`, used as it is). After each invocation the run collects:

- messages sent to the app's queues (drained from moto into the run's own queue, which pollers read);
- messages published to the app's topics (a tap queue subscribed to each topic in moto);
- objects created in buckets that notify a function (S3 itself notifies a tap queue of each one);
- items written to tables that have a stream (new, changed or removed items become stream records);

each with the lineage of the invocation that wrote it, so a chain of Lambda, SQS, SNS and S3 is seen as a chain
(recursive loop detection). Objects and items stay in moto, which handlers read; the script's `s3_put` and
`ddb_put` write there too. Kinesis writes by handlers are not collected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from lambdalearn.apps.model import App
from lambdalearn.content import labs as lab_model

_TAP_SUFFIX = "-lambdalearn-tap"  # a queue subscribed to a topic, or notified by a bucket, to see what handlers wrote


@dataclass
class Collected:
    """What handlers wrote since the last collection."""

    messages: list[tuple[str, str]] = field(default_factory=list)  # (queue logical id, body)
    notifications: list[tuple[str, str]] = field(default_factory=list)  # (topic logical id, message)
    objects: list[tuple[str, str, int]] = field(default_factory=list)  # (bucket logical id, key, size)
    items: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = field(default_factory=list)  # (table, old, new)


class AwsBridge:
    """A moto server holding the app's resources. `start()` before the run, `close()` after."""

    def __init__(self, app: App, *, moto_port: int | None = None) -> None:
        from lambdalearn.labs.local_aws import LocalAws

        self.app = app
        sources = {t.source for t in app.triggers if t.kind == "S3"}
        self._notifying = [b for b in app.buckets.values() if b.name in sources or b.logical_id in sources]
        resources = lab_model.Resources(
            buckets=tuple(lab_model.Bucket(b.name) for b in app.buckets.values()),
            queues=tuple(lab_model.Queue(q.name, q.fifo) for q in app.queues.values())
            + tuple(lab_model.Queue(t.name + _TAP_SUFFIX) for t in app.topics.values())
            + tuple(lab_model.Queue(b.name + _TAP_SUFFIX) for b in self._notifying),
            tables=tuple(lab_model.Table(t.name, tuple(zip(t.key_names, t.key_types or ("S",) * len(t.key_names)))) for t in app.tables.values()),
            topics=tuple(lab_model.Topic(t.name) for t in app.topics.values()),
        )
        self.aws = LocalAws(resources, moto_port=moto_port)
        self._items: dict[str, dict[str, dict[str, Any]]] = {}
        self._urls: dict[str, str] = {}

    def start(self) -> str:
        """Wait for the server, create the resources and the topic taps; the endpoint URL for handlers."""
        endpoint = self.aws.wait_ready()
        self.aws.reset()
        sqs = self.aws.client("sqs") if self.aws.resources.queues else None
        for queue in self.aws.resources.queues:
            self._urls[queue.name] = sqs.get_queue_url(QueueName=queue.name)["QueueUrl"]
        for topic in self.app.topics.values():
            tap = self._urls[topic.name + _TAP_SUFFIX]
            tap_arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.aws.client("sns").subscribe(TopicArn=topic.arn, Protocol="sqs", Endpoint=tap_arn, Attributes={"RawMessageDelivery": "true"})
        for bucket in self._notifying:  # S3 notifies a queue of every object created, rewrites included
            tap_arn = sqs.get_queue_attributes(QueueUrl=self._urls[bucket.name + _TAP_SUFFIX], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            configuration = {"QueueConfigurations": [{"QueueArn": tap_arn, "Events": ["s3:ObjectCreated:*"]}]}
            self.aws.client("s3").put_bucket_notification_configuration(Bucket=bucket.name, NotificationConfiguration=configuration)
            self._drain(bucket.name + _TAP_SUFFIX)  # S3's test event
        for stream in self.app.streams.values():
            self.aws.client("kinesis").create_stream(StreamName=stream.name, ShardCount=stream.shard_count)
        return endpoint

    def close(self) -> None:
        self.aws.close()

    # -- the script's writes ----------------------------------------------------------------------------

    def put_object(self, bucket: str, key: str, body: str) -> None:
        """The script's upload (the run notifies the functions itself, as the chain's first link)."""
        self.aws.s3_put(bucket, key, body)
        if any(b.name == bucket for b in self._notifying):
            self._drain(bucket + _TAP_SUFFIX)

    def put_item(self, table: str, key: tuple[str, ...], item: dict[str, Any]) -> None:
        self.aws.put_item(table, item)
        self._items.setdefault(table, {})["|".join(key)] = item

    # -- collecting handlers' writes ---------------------------------------------------------------------

    def collect(self) -> Collected:
        found = Collected()
        for queue in self.app.queues.values():
            found.messages.extend((queue.logical_id, body) for body in self._drain(queue.name))
        for topic in self.app.topics.values():
            found.notifications.extend((topic.logical_id, body) for body in self._drain(topic.name + _TAP_SUFFIX))
        for bucket in self._notifying:
            found.objects.extend((bucket.logical_id, key, size) for key, size in self._created_objects(bucket.name))
        for table in self.app.tables.values():
            if table.stream_view_type:
                found.items.extend((table.logical_id, old, new) for old, new in self._changed_items(table.name, table.key_names))
        return found

    def items(self, table: Any) -> dict[str, dict[str, Any]]:
        """Every item of `table` (a model Table), keyed as the run keys them."""
        return {"|".join(str(item.get(name)) for name in table.key_names): item for item in self._scan(table.name)}

    def objects(self, bucket: str) -> dict[str, str]:
        return {key: self.aws.s3_get(bucket, key) or "" for key in self.aws.s3_keys(bucket)}

    def _scan(self, table: str) -> list[dict[str, Any]]:
        scanned = self.aws.client("dynamodb").scan(TableName=table).get("Items", [])
        return [{name: _plain(value) for name, value in raw.items()} for raw in scanned]

    def _drain(self, queue: str) -> list[str]:
        sqs, url, bodies = self.aws.client("sqs"), self._urls[queue], []
        while True:
            received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not received:
                return bodies
            for message in received:
                bodies.append(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def _created_objects(self, bucket: str) -> list[tuple[str, int]]:
        """(key, size) of each ObjectCreated notification the bucket sent to its tap queue."""
        created = []
        for body in self._drain(bucket + _TAP_SUFFIX):
            for record in json.loads(body).get("Records", []):
                if str(record.get("eventName", "")).startswith("ObjectCreated"):
                    found = record["s3"]["object"]
                    created.append((unquote_plus(found["key"]), int(found.get("size", 0))))
        return created

    def _changed_items(self, table: str, key_names: tuple[str, ...]) -> list[tuple[dict | None, dict | None]]:
        known = self._items.setdefault(table, {})
        current = {"|".join(str(item.get(name)) for name in key_names): item for item in self._scan(table)}
        changes = [(known.get(key), item) for key, item in current.items() if known.get(key) != item]
        changes += [(item, None) for key, item in known.items() if key not in current]
        self._items[table] = current
        return changes


def _plain(value: dict[str, Any]) -> Any:
    """A DynamoDB attribute value ({"S": "x"}, {"N": "1"}, ...) as a plain value."""
    (kind, inner), = value.items()
    if kind == "N":
        number = float(inner)
        return int(number) if number.is_integer() else number
    if kind == "M":
        return {name: _plain(item) for name, item in inner.items()}
    if kind == "L":
        return [_plain(item) for item in inner]
    if kind == "NULL":
        return None
    return inner

