"""Realistic sample events, with the field names AWS sends, for labs, tests and `lambdalearn event`.

    from lambdalearn.runtime.sample_events import generate
    event = generate("s3-put", bucket="photos", key="cats/tom.jpg", seed=7)

Each source is a function of an `EventContext` (random ids, the moment, the region) and keyword options a
learner may change; `SOURCES` lists them with a one-line description. Without a seed every call gets fresh
ids and the current time; with a seed the whole event, timestamps included, is the same on every run.
Shapes were checked against the AWS documentation's sample events (November 2026).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lambdalearn.runtime.config import REGION_PATTERN
from lambdalearn.runtime.sample_events import http, messaging, storage
from lambdalearn.runtime.sample_events.context import EventContext, EventOptionError

__all__ = ["SOURCES", "EventOptionError", "EventSource", "generate", "source_named"]


@dataclass(frozen=True)
class EventSource:
    """One kind of event: its name on the command line, what it is, and the function that builds it."""

    name: str
    description: str
    build: Callable[..., dict[str, Any]]

    @property
    def options(self) -> dict[str, Any]:
        """The options a learner may set, with their defaults."""
        parameters = inspect.signature(self.build).parameters.values()
        return {p.name: p.default for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


SOURCES: tuple[EventSource, ...] = (
    EventSource("apigateway-rest", "API Gateway REST API request, Lambda proxy integration (payload v1)", http.apigateway_rest),
    EventSource("apigateway-http", "API Gateway HTTP API request (payload format 2.0)", http.apigateway_http),
    EventSource("alb", "Application Load Balancer request to a Lambda target group", http.alb),
    EventSource("cloudfront-viewer-request", "CloudFront Lambda@Edge viewer-request", http.cloudfront_viewer_request),
    EventSource("s3-put", "S3 ObjectCreated:Put notification", storage.s3_put),
    EventSource("s3-delete", "S3 ObjectRemoved:Delete notification", storage.s3_delete),
    EventSource("sqs", "SQS batch of messages from an event source mapping", messaging.sqs),
    EventSource("sns", "SNS notification to a subscribed function", messaging.sns),
    EventSource("eventbridge-schedule", "EventBridge scheduled rule (detail-type Scheduled Event)", messaging.eventbridge_schedule),
    EventSource("eventbridge-custom", "EventBridge custom event sent with PutEvents", messaging.eventbridge_custom),
    EventSource("dynamodb-stream", "DynamoDB Streams records: INSERT, MODIFY or REMOVE", storage.dynamodb_stream),
    EventSource("kinesis", "Kinesis Data Streams records (base64 data)", messaging.kinesis),
)


def source_named(name: str) -> EventSource:
    """The source called `name`, or EventOptionError naming the choices."""
    for source in SOURCES:
        if source.name == name:
            return source
    raise EventOptionError(f"unknown event source {name!r}; choose one of: {', '.join(s.name for s in SOURCES)}")


def generate(
    source: str, /, *, seed: int | None = None, now: datetime | None = None, region: str = "us-east-1", **options: Any
) -> dict[str, Any]:
    """Build one sample event of `source` (see SOURCES); raises EventOptionError on a bad source or option.

    `source` is positional-only, so EventBridge's own `source=` option can be passed as a keyword.
    """
    chosen = source_named(source)
    unknown = sorted(set(options) - set(chosen.options))
    if unknown:
        raise EventOptionError(
            f"{chosen.name} takes no option {unknown[0]!r}; its options are: {', '.join(chosen.options) or 'none'}"
        )
    if not re.fullmatch(REGION_PATTERN, region):
        raise EventOptionError(f"region {region!r} is not an AWS region name such as us-east-1")
    return chosen.build(EventContext.create(seed=seed, now=now, region=region), **options)
