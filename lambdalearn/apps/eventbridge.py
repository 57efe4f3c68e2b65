"""EventBridge in an app run: the event envelope and which rules an event on a bus matches.

A rule (a function's `EventBridgeRule` or `CloudWatchEvent` event) watches one bus, the account's `default`
bus unless `EventBusName` says otherwise, and invokes its function asynchronously with the whole event when
the event matches the rule's pattern (docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html;
the matcher is the one event source mapping filters use, apps/mappings/filters.py). An async invocation's
destination on a bus puts the invocation record there as the event's `detail`, from source `lambda`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from lambdalearn.apps.mappings.filters import matches
from lambdalearn.apps.model import REGION, arn
from lambdalearn.runtime.config import ACCOUNT_ID

DEFAULT_BUS = "default"
DESTINATION_SOURCE = "lambda"
DESTINATION_DETAIL_TYPES = {True: "Lambda Function Invocation Result - Success", False: "Lambda Function Invocation Result - Failure"}


def bus_arn(name: str) -> str:
    return arn("events", f"event-bus/{name}")


def envelope(source: str, detail_type: str, detail: Any, now: datetime, resources: list[str] | None = None) -> dict[str, Any]:
    """The event as EventBridge delivers it to a target: PutEvents' entry inside the common fields."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": ACCOUNT_ID,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": list(resources or []),
        "detail": detail if detail is not None else {},
    }


def destination_event(record: dict[str, Any], bus: str, now: datetime) -> dict[str, Any]:
    """What an async invocation's EventBridge destination puts on the bus: the record as `detail`."""
    succeeded = record["requestContext"]["condition"] == "Success"
    resources = [bus_arn(bus), record["requestContext"]["functionArn"]]
    return envelope(DESTINATION_SOURCE, DESTINATION_DETAIL_TYPES[succeeded], record, now, resources)


def rule_matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether an event (the envelope) matches a rule's pattern: every field the pattern names must match."""
    return matches(pattern, event)
