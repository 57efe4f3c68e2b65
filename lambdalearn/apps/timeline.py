"""The timeline of an app run: one event a line, as JSON (`--json`) or as readable text.

Every event has `t` (AWS seconds since the run started) and `kind`; the kinds and their fields are those
`lambdalearn app run --json` documents (invocation, retry_scheduled, destination, dlq, esm_batch,
message_deleted, message_redriven, loop_stopped, throttle, bus_event, summary; for Step Functions: execution,
state_entered, state_exited, task_failed, retry, caught). Subscribers (the CLI printer, the Flow
screen) see each event as it happens; `events` keeps them all for labs and tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]


class Timeline:
    """Collects events stamped with AWS time and passes each to the subscribers."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self.events: list[Event] = []
        self._subscribers: list[Callable[[Event], None]] = []

    def subscribe(self, subscriber: Callable[[Event], None]) -> None:
        self._subscribers.append(subscriber)

    def emit(self, kind: str, **fields: Any) -> Event:
        event = {"t": round(self._now(), 3), "kind": kind, **fields}
        self.events.append(event)
        for subscriber in self._subscribers:
            subscriber(event)
        return event

    def of_kind(self, kind: str) -> list[Event]:
        return [event for event in self.events if event["kind"] == kind]


def as_json(event: Event) -> str:
    return json.dumps(event, default=str)


def as_text(event: Event) -> str:
    """One readable line: `  61.000s  invocation  Worker attempt 2 (Event from invoke): error Handled`."""
    kind = event["kind"]
    describe = _DESCRIBERS.get(kind, lambda e: json.dumps({k: v for k, v in e.items() if k not in ("t", "kind")}, default=str))
    return f"{event['t']:>10.3f}s  {kind:<16} {describe(event)}"


def _invocation(event: Event) -> str:
    outcome = event["status"] if event["status"] != "error" else f"error {event.get('error_type') or ''} ({event.get('function_error')})"
    batch = f" batch of {len(event['batch'])}" if event.get("batch") else ""
    cold = " cold" if event.get("cold_start") else ""
    return f"{event['function']} attempt {event['attempt']} ({event['invocation_type']} from {event['source']}){batch}{cold}: {outcome}"


def _summary(event: Event) -> str:
    parts = []
    for name, queue in event.get("queues", {}).items():
        parts.append(f"queue {name}: {queue['visible']} visible, {queue['in_flight']} in flight, {queue['moved_to_dlq']} to DLQ")
    for name, stream in event.get("streams", {}).items():
        parts.append(f"stream {name}: checkpoints {stream['checkpoints']}")
    for name, function in event.get("functions", {}).items():
        parts.append(f"function {name}: {function['invocations']} invocations, {function['errors']} errors, {function['throttles']} throttles")
    return "; ".join(parts)


def _short(identifier: str) -> str:
    """A message id or sequence number short enough to read: uuid prefix, or the significant digits."""
    return identifier.lstrip("0") or "0" if identifier.isdigit() else identifier[:8]


def _batch(event: Event) -> str:
    where = f" {event['shard']}" if event.get("shard") else ""
    failed = f" (not done: {', '.join(map(_short, event['failed_ids']))})" if event.get("failed_ids") else ""
    count = len(event["ids"])
    return f"{event['mapping']}{where}: {count} record{'' if count == 1 else 's'}, {event['result']}{failed}"


_DESCRIBERS: dict[str, Callable[[Event], str]] = {
    "invocation": _invocation,
    "retry_scheduled": lambda e: f"{e['function']} request {e['request_id'][:8]} attempt {e['attempt']} in {e['delay_s']:g}s ({e['reason']})",
    "destination": lambda e: f"{e['function']} {e['condition']} -> {e['target']}",
    "dlq": lambda e: f"{e['function']} event sent to {e['queue']}",
    "esm_batch": _batch,
    "message_deleted": lambda e: f"{e['queue']} {_short(e['message_id'])}" + ("" if e["reason"] == "processed" else f" ({e['reason']})"),
    "message_redriven": lambda e: f"{e['queue']} {_short(e['message_id'])} -> {e['dlq']} after {e['receive_count']} receives",
    "loop_stopped": lambda e: f"{e['function']} stopped a recursive loop after {e['depth']} invocations (from {e['source']})",
    "throttle": lambda e: f"{e['function']} throttled ({e['source']})",
    "dropped": lambda e: f"{e['function']} event refused: {e['reason']}",
    "bus_event": lambda e: f"{e['bus']}: {e['detail_type']} from {e['source']} -> " + (", ".join(e["targets"]) or "no rule matched"),
    "summary": _summary,
    "deployment": lambda e: _deployment(e),
    "execution": lambda e: _execution(e),
    "state_entered": lambda e: f"{e['execution']} {e['state']} ({e['type']})" + (f" waits {e['wait_s']:g}s" if e.get("wait_s") is not None else ""),
    "state_exited": lambda e: f"{e['execution']} {e['state']} -> {_clip(e['output'])}",
    "task_failed": lambda e: f"{e['execution']} {e['state']}: {e['error']}",
    "retry": lambda e: f"{e['execution']} {e['state']} retry {e['retry']} of {e['max_attempts']} after {e['delay_s']:g}s ({e['error']})",
    "caught": lambda e: f"{e['execution']} {e['state']}: {e['error']} caught -> {e['next']}",
}


def _clip(value: object, width: int = 60) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= width else text[: width - 3] + "..."


def _execution(event: Event) -> str:
    """`execution-1 of BookTrip: RUNNING {"trip": 1}`, then `SUCCEEDED {...}` or `FAILED TripNotBooked: ...`."""
    head = f"{event['execution']} of {event['state_machine']}: {event['status']}"
    if event["status"] == "RUNNING":
        return f"{head} {_clip(event.get('input'))}"
    if event.get("error"):
        return f"{head} {event['error']}: {event.get('cause') or ''}".rstrip(": ")
    return f"{head} {_clip(event.get('output'))}"


def _deployment(event: Event) -> str:
    """`Api alias live: shifted to {"1": 0.9, "2": 0.1}`, `Api: alarm ApiErrors (5 >= 1)`..."""
    what = event["event"]
    who = f"{event.get('function', '')} alias {event['alias']}" if event.get("alias") else event.get("function", "")
    if what in ("shifted", "rolled_back"):
        weights = ", ".join(f"version {version} {share:.0%}" for version, share in event["weights"].items())
        return f"{who}: {what.replace('_', ' ')}: {weights}" + (f" ({event['reason']})" if event.get("reason") else "")
    if what == "alarm":
        return f"{who}: alarm {event['alarm']} fired (datapoint {event['datapoint']:g}, threshold {event['threshold']:g})"
    if what == "hook":
        return f"{who}: {event['phase']} hook {event['function']}: {event['status']}"
    if what == "started":
        return f"{who}: {event['type']} from version {event['from_version']} to {event['to_version']} ({event['deployment_id']})"
    if what in ("created", "unchanged"):
        return f"{who}: {what} on version {event['to_version']}"
    return f"{who}: {what}" + (f": {event['reason']}" if event.get("reason") else "")
