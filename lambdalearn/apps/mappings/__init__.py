"""Event source mappings: Lambda's pollers that read a queue or a stream and invoke a function with batches.

`sqs.SqsPoller` and `streams.StreamPoller` share the `Invoker` protocol that `apps/run.py` provides: invoke a
function synchronously with a batch, reporting the invocation on the timeline, and say whether the chain of
invocations a record came from has become a recursive loop.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

from lambdalearn.runtime.records import InvocationRecord


class Invoker(Protocol):
    """What a poller needs from the app run."""

    def invoke(self, function: str, event: Any, *, source: str, batch: list[str], lineage: int) -> Awaitable[InvocationRecord]:
        """Invoke `function` (logical id) synchronously with `event`, as an event source mapping does."""

    def loop_detected(self, function: str, lineage: int, source: str) -> bool:
        """True (and the loop reported) when a record of this lineage must not reach `function`."""

    def function_arn(self, function: str) -> str:
        """The ARN of `function` (logical id)."""


def batch_item_failures(record: InvocationRecord, ids: list[str]) -> list[str] | None:
    """The ids a function reported failed (`{"batchItemFailures": [{"itemIdentifier": id}]}`).

    None means the whole batch failed: Lambda treats a response it cannot read (an id not in the batch, an
    empty or missing identifier) as a complete failure (docs: services-sqs-errorhandling.html,
    with-kinesis.html "Implementing partial batch responses").
    """
    payload = record.payload
    if not isinstance(payload, dict) or not payload.get("batchItemFailures"):
        return []
    failures = payload["batchItemFailures"]
    if not isinstance(failures, list):
        return None
    found = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in ids:
            return None
        found.append(identifier)
    return found
