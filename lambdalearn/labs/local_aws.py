"""A local AWS for one lab check run: a moto server on a free loopback port, the lab's resources, boto3 clients.

Handlers reach it through `AWS_ENDPOINT_URL` (set by the runtime from the URL given here) with dummy
credentials, so their boto3 code runs unchanged and can never reach a real account: `require_loopback`
refuses any endpoint that is not on this machine's loopback interface. boto3 is imported only here, inside
the functions that need it, and only for labs that declare resources.

The server is moto's, in a child process: it starts while this process gets on with other work, its
hundreds of modules never load here, and it cannot outlive the run. `close()` ends it; if this process dies
(even by SIGKILL) the server sees its stdin reach end-of-file and exits; a Ctrl-C in the terminal reaches it
too (same process group). Before each check the state is reset (moto's `/moto-api/reset`) and the lab's
resources are created again, so checks do not see each other's objects and items.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import urllib.request
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from lambdalearn.content.labs import Resources

# The server prints its port, then serves until its stdin (a pipe from us) closes.
_SERVER_CODE = (
    "import sys\n"
    "from moto.server import ThreadedMotoServer\n"
    "server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n"
    "server.start()\n"
    "print(server.get_host_and_port()[1], flush=True)\n"
    "sys.stdin.read()\n"
)

REGION = "us-east-1"
DUMMY_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DUMMY_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class UnsafeEndpoint(ValueError):
    """An AWS endpoint that is not on loopback: a lab must never reach a real account."""


def require_loopback(url: str) -> str:
    """Return `url` if its host is a loopback address (127.0.0.0/8, ::1, localhost); raise UnsafeEndpoint."""
    host = urlparse(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UnsafeEndpoint(f"refusing AWS endpoint {url}: labs only talk to a local server on loopback")
    return url


class LocalAws:
    """A moto server holding the lab's resources. Use as a context manager or call `close()`."""

    def __init__(self, resources: Resources, *, moto_port: int | None = None) -> None:
        """Start the server process; it gets ready in the background (see `wait_ready`). `moto_port`: where the
        server's own boto3 calls go (its Step Functions interpreter calls Lambda there), when not itself."""
        self.resources = resources
        self.endpoint_url = ""
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._process: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-c", _SERVER_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "MOTO_PORT": str(moto_port)} if moto_port else None,
        )

    @classmethod
    def attach(cls, resources: Resources, endpoint_url: str) -> LocalAws:
        """A client of a server started elsewhere (a checks.py child reads the lab's server this way)."""
        view = cls.__new__(cls)
        view.resources, view.endpoint_url = resources, require_loopback(endpoint_url)
        view._session, view._clients, view._process = None, {}, None
        return view

    def wait_ready(self) -> str:
        """Block until the server listens; return its endpoint URL.

        While the server starts, boto3 is imported and a first client of each service the lab uses is built
        (with a placeholder endpoint), which loads the service models: the real clients then cost little.
        """
        session = self._boto3_session()
        for service in self._services():
            session.client(service, endpoint_url="http://127.0.0.1:9")
        process = self._process
        if process is None or process.stdout is None:
            raise RuntimeError("the local AWS (moto server) was closed")
        port = process.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError("the local AWS (moto server) did not start")
        self.endpoint_url = require_loopback(f"http://127.0.0.1:{int(port)}")
        return self.endpoint_url

    def _boto3_session(self) -> Any:
        """This server's own boto3 session (never the default one, which may know real credentials)."""
        if self._session is None:
            import boto3

            self._session = boto3.Session(
                region_name=REGION, aws_access_key_id=DUMMY_KEY_ID, aws_secret_access_key=DUMMY_SECRET
            )
        return self._session

    def _services(self) -> list[str]:
        kinds = (("s3", self.resources.buckets), ("sqs", self.resources.queues),
                 ("dynamodb", self.resources.tables), ("sns", self.resources.topics))
        return [service for service, declared in kinds if declared]

    def __enter__(self) -> LocalAws:
        try:
            self.wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the server (SIGKILL: it holds nothing worth saving) and reap it; idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    def client(self, service: str) -> Any:
        """A boto3 client for `service` bound to the local server."""
        if service not in self._clients:
            self._clients[service] = self._boto3_session().client(service, endpoint_url=self.endpoint_url)
        return self._clients[service]

    # -- state ------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything, then create the lab's resources and seed data again."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10):
            pass
        s3 = self.client("s3") if self.resources.buckets else None
        for bucket in self.resources.buckets:
            s3.create_bucket(Bucket=bucket.name)
            for key, body in bucket.objects.items():
                s3.put_object(Bucket=bucket.name, Key=key, Body=body.encode())
        for queue in self.resources.queues:
            attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if queue.fifo else {}
            self.client("sqs").create_queue(QueueName=queue.name, Attributes=attributes)
        for table in self.resources.tables:
            self._create_table(table.name, table.key)
            for item in table.items:
                self.put_item(table.name, item)
        for topic in self.resources.topics:
            self.client("sns").create_topic(Name=topic.name)

    def _create_table(self, name: str, key: tuple[tuple[str, str], ...]) -> None:
        roles = ("HASH", "RANGE")
        self.client("dynamodb").create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": attribute, "AttributeType": kind} for attribute, kind in key],
            KeySchema=[{"AttributeName": attribute, "KeyType": role} for (attribute, _), role in zip(key, roles)],
            BillingMode="PAY_PER_REQUEST",
        )

    # -- actions (a check's `setup`) and observations (its expectations) --------------------------------

    def s3_put(self, bucket: str, key: str, body: Any) -> None:
        data = body if isinstance(body, str) else json.dumps(body)
        self.client("s3").put_object(Bucket=bucket, Key=key, Body=data.encode())

    def s3_get(self, bucket: str, key: str) -> str | None:
        """The object's content as text, or None when there is no such object."""
        s3 = self.client("s3")
        try:
            response = s3.get_object(Bucket=bucket, Key=key)
        except s3.exceptions.NoSuchKey:
            return None
        return response["Body"].read().decode("utf-8", "replace")

    def s3_keys(self, bucket: str) -> list[str]:
        response = self.client("s3").list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in response.get("Contents", [])]

    def sqs_send(self, queue: str, body: Any) -> None:
        sqs = self.client("sqs")
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        extra = {"MessageGroupId": "lab"} if queue.endswith(".fifo") else {}
        sqs.send_message(QueueUrl=url, MessageBody=body if isinstance(body, str) else json.dumps(body), **extra)

    def sqs_count(self, queue: str) -> int:
        """Messages left on the queue, visible or in flight."""
        sqs = self.client("sqs")
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes.get(name, 0)) for name in names)

    def sns_published(self, topic: str) -> list[dict[str, Any]]:
        """The messages published to `topic` since the check began, oldest first: `{message_id, message,
        subject, attributes}` each.

        Read from moto's SNS backend through its `/moto-api/data.json` view (which keeps every notification a
        topic sent), so no subscription the learner's code could see is needed.
        """
        with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/data.json", timeout=10) as response:
            topics = json.load(response).get("sns", {}).get("Topic", [])
        published = []
        for found in topics:
            if found.get("name") != topic:
                continue
            for message_id, message, subject, attributes, *_ in found.get("sent_notifications", []):
                published.append({"message_id": message_id, "message": message, "subject": subject,
                                  "attributes": attributes or {}})
        return published

    def put_item(self, table: str, item: dict[str, Any]) -> None:
        self._table(table).put_item(Item=_to_dynamodb(item))

    def get_item(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self._table(table).get_item(Key=_to_dynamodb(key), ConsistentRead=True).get("Item")
        return _from_dynamodb(item) if item is not None else None

    def item_count(self, table: str) -> int:
        return self.client("dynamodb").scan(TableName=table, Select="COUNT")["Count"]

    def _table(self, name: str) -> Any:
        if "dynamodb:resource" not in self._clients:
            self._clients["dynamodb:resource"] = self._boto3_session().resource("dynamodb", endpoint_url=self.endpoint_url)
        return self._clients["dynamodb:resource"].Table(name)


def _to_dynamodb(value: Any) -> Any:
    """Floats become Decimals, as the DynamoDB resource API needs."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _to_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_dynamodb(item) for item in value]
    return value


def _from_dynamodb(value: Any) -> Any:
    """Decimals become ints or floats, so that items compare with YAML values and print as JSON."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_dynamodb(item) for item in value]
    if isinstance(value, set):
        return sorted(_from_dynamodb(item) for item in value)
    return value
