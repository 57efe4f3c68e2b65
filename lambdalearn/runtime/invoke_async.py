"""Asynchronous invocation (InvocationType Event): Lambda's own event queue, its retries and its records.

As documented in "How Lambda handles errors and retries with asynchronous invocation"
(docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):

- the caller gets 202 at once; the event waits in the function's queue (payload at most 1 MB);
- a function error (raised, timed out, runtime crash) is retried up to `MaximumRetryAttempts` (0-2, default 2)
  times, one minute after the first attempt and two minutes after the second;
- a throttle (429) or a system error (500-series) does not use up an attempt: the event goes back to the queue
  and is tried again with a backoff that starts at 1 second and doubles up to 5 minutes, as long as it is
  younger than `MaximumEventAgeInSeconds` (60 s to 6 h, default 6 h);
- when it ends, the outcome goes to the on-success or on-failure destination as an invocation record
  (`invocation_record`), and a failed event alone to the dead-letter queue.

The invoker only needs callables (invoke, now, call_later, and two reports), so it knows nothing of the
app, its queues or its timeline; `apps/run.py` wires it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from lambdalearn.runtime.records import InvocationRecord, lambda_timestamp

ASYNC_PAYLOAD_LIMIT = 1_048_576  # bytes an Event invocation may carry
FUNCTION_ERROR_DELAYS_S = (60.0, 120.0)  # before the first and the second retry
THROTTLE_FIRST_DELAY_S = 1.0
THROTTLE_MAX_DELAY_S = 300.0

SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"


class PayloadTooLarge(ValueError):
    """The Invoke API refuses an Event payload over 1 MB (RequestEntityTooLargeException, 413)."""


@dataclass(frozen=True)
class RetryPolicy:
    """EventInvokeConfig's two numbers."""

    maximum_retry_attempts: int = 2
    maximum_event_age_s: float = 21600.0


@dataclass
class AsyncEvent:
    """One event in the function's async queue."""

    request_id: str
    payload: Any
    enqueued_at: float
    source: str
    lineage: int = 0
    attempts: int = 0  # invocations that ran (approximateInvokeCount)
    backoffs: int = 0  # throttles and system errors so far
    last: InvocationRecord | None = None
    qualifier: str | None = None  # the version or alias the event was sent to


class AsyncInvoker:
    """The async event queue of one function."""

    def __init__(
        self,
        function_arn: str,
        policy: RetryPolicy,
        *,
        invoke: Callable[[AsyncEvent], Awaitable[InvocationRecord]],
        now: Callable[[], float],
        call_later: Callable[[float, Callable[[], Awaitable[Any] | None]], None],
        on_retry: Callable[[AsyncEvent, float, str], None],
        on_done: Callable[[AsyncEvent, str], None],
    ) -> None:
        self.function_arn = function_arn
        self.policy = policy
        self._invoke = invoke
        self._now = now
        self._call_later = call_later
        self._on_retry = on_retry
        self._on_done = on_done

    def submit(
        self, payload: Any, *, source: str = "invoke", lineage: int = 0, request_id: str | None = None,
        qualifier: str | None = None,
    ) -> AsyncEvent:
        """Queue `payload` (the 202 answer); raises PayloadTooLarge over 1 MB."""
        size = len(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        if size > ASYNC_PAYLOAD_LIMIT:
            raise PayloadTooLarge(f"{size} byte payload is too large for the Event invocation type (limit {ASYNC_PAYLOAD_LIMIT} bytes)")
        event = AsyncEvent(request_id or str(uuid.uuid4()), payload, self._now(), source, lineage, qualifier=qualifier)
        self._call_later(0.0, lambda: self._attempt(event))
        return event

    async def _attempt(self, event: AsyncEvent) -> None:
        if self._now() - event.enqueued_at > self.policy.maximum_event_age_s:
            self._on_done(event, EVENT_AGE_EXCEEDED)
            return
        try:
            record = await self._invoke(event)
        except OSError:  # the environment could not start: a system error, retried like a throttle
            self._back_off(event, "system_error")
            return
        if record.status == "throttled":
            self._back_off(event, "throttle")
            return
        event.attempts += 1
        event.last = record
        if record.succeeded:
            self._on_done(event, SUCCESS)
            return
        retries_done = event.attempts - 1
        if retries_done >= self.policy.maximum_retry_attempts:
            self._on_done(event, RETRIES_EXHAUSTED)
            return
        delay = FUNCTION_ERROR_DELAYS_S[min(retries_done, len(FUNCTION_ERROR_DELAYS_S) - 1)]
        self._schedule(event, delay, "function_error")

    def _back_off(self, event: AsyncEvent, reason: str) -> None:
        delay = min(THROTTLE_FIRST_DELAY_S * 2**event.backoffs, THROTTLE_MAX_DELAY_S)
        event.backoffs += 1
        if self._now() + delay - event.enqueued_at > self.policy.maximum_event_age_s:
            self._on_done(event, EVENT_AGE_EXCEEDED)
            return
        self._schedule(event, delay, reason)

    def _schedule(self, event: AsyncEvent, delay: float, reason: str) -> None:
        self._on_retry(event, delay, reason)
        self._call_later(delay, lambda: self._attempt(event))


def invocation_record(event: AsyncEvent, function_arn: str, condition: str, now: float, qualifier: str = "$LATEST") -> dict[str, Any]:
    """The record Lambda sends to a destination (docs: "Capturing records of Lambda asynchronous invocations"):
    the ARN qualified as it was invoked (`qualifier`: an alias, a version or $LATEST) and the version that ran."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": lambda_timestamp(now),
        "requestContext": {
            "requestId": event.request_id,
            "functionArn": f"{function_arn}:{qualifier}",
            "condition": condition,
            "approximateInvokeCount": event.attempts,
        },
        "requestPayload": event.payload,
    }
    last = event.last
    if last is not None:
        context: dict[str, Any] = {"statusCode": 200, "executedVersion": last.executed_version}
        if not last.succeeded:
            context["functionError"] = function_error(last)
        record["responseContext"] = context
        record["responsePayload"] = last.payload
    return record


def function_error(record: InvocationRecord) -> str | None:
    """The Invoke API's X-Amz-Function-Error: `Unhandled` for an error raised or a platform failure (timeout,
    crash), as Lambda's managed runtimes report every error; None for a success or a throttle."""
    if record.succeeded or record.status == "throttled":
        return None
    return "Unhandled"
