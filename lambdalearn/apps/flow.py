"""What the Flow screen draws, without the screen: the app as a diagram and a run's events per resource.

`wiring(app)` lists the arrows of the template (a queue's mapping into a function, a topic's subscriptions, a
bucket's notification, a function's destinations and DLQ, a queue's redrive, the functions a state machine's
Tasks invoke); `FlowLog` follows a run's timeline and remembers, per resource, the events that touched it, so
a learner can pick a queue and see its messages move. `status(run, resource)` is the live line of one resource (messages visible, in flight, parked;
a function's invocations and errors).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from lambdalearn.apps.model import App, Bucket, EventBus, Function, Queue, Resource, Stream, Table, Topic
from lambdalearn.apps.state_machines import states, task_target
from lambdalearn.apps.timeline import Event

KIND_NAMES = {Function: "function", Queue: "queue", Topic: "topic", Stream: "stream", Table: "table", Bucket: "bucket", EventBus: "event bus"}


@dataclass(frozen=True)
class Arrow:
    """One arrow of the diagram: `source` and `target` are logical ids; `label` says what carries the events."""

    source: str
    target: str
    label: str


def kind_of(resource: Resource) -> str:
    return KIND_NAMES.get(type(resource), "resource")


def wiring(app: App) -> list[Arrow]:
    """Every arrow of the app, sources first, in template order."""
    arrows: list[Arrow] = []

    def logical(target: str | None) -> str | None:
        found = app.by_arn(target) or app.function_named(target) if target else None
        return found.logical_id if found is not None else None

    for mapping in app.mappings:
        source = logical(mapping.source_arn)
        if source:
            arrows.append(Arrow(source, mapping.function, f"{mapping.kind} mapping"))
        failure = logical(mapping.on_failure)
        if failure:
            arrows.append(Arrow(mapping.function, failure, "on-failure (batch info)"))
    for trigger in app.triggers:
        if trigger.kind == "S3":
            bucket = app.find(app.buckets, trigger.source)
            if bucket is not None:
                arrows.append(Arrow(bucket.logical_id, trigger.function, "S3 notification"))
        elif trigger.kind == "Schedule":
            arrows.append(Arrow(f"schedule {trigger.source}", trigger.function, "schedule"))
        elif trigger.kind == "EventBridge":
            bus = app.find(app.buses, trigger.source)
            arrows.append(Arrow(bus.logical_id if bus is not None else f"event bus {trigger.source}", trigger.function, f"rule {trigger.logical_id}"))
    for topic in app.topics.values():
        for subscription in topic.subscriptions:
            target = logical(subscription.endpoint)
            if target:
                arrows.append(Arrow(topic.logical_id, target, f"{subscription.protocol} subscription"))
    for function in app.functions.values():
        for label, target in (("on-success", function.async_config.on_success),
                              ("on-failure", function.async_config.on_failure), ("DLQ", function.dead_letter_arn)):
            found = logical(target)
            if found:
                arrows.append(Arrow(function.logical_id, found, label))
    for machine in app.state_machines.values():
        called = [task_target(app, state) for _, state in states(machine.definition)]
        for function_id in dict.fromkeys(function.logical_id for function in called if function is not None):
            arrows.append(Arrow(machine.logical_id, function_id, "Task"))
    for queue in app.queues.values():
        if queue.redrive:
            found = logical(queue.redrive.dead_letter_arn)
            if found:
                arrows.append(Arrow(queue.logical_id, found, f"redrive after {queue.redrive.max_receive_count} receives"))
    return arrows


def diagram_lines(app: App) -> list[str]:
    """The wiring as text, one arrow a line: `Orders ──SQS mapping──▶ Worker`."""
    return [f"{arrow.source} ──{arrow.label}──▶ {arrow.target}" for arrow in wiring(app)]


class FlowLog:
    """A run's events, kept per resource (by logical id) as they happen."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.events: list[Event] = []
        self.by_resource: dict[str, list[Event]] = defaultdict(list)
        self._names = self._name_index()

    def _name_index(self) -> dict[str, str]:
        """Names, ARNs and URLs of every resource -> its logical id (events name resources several ways)."""
        index: dict[str, str] = {}
        for resource in self.app.resources():
            for alias in (resource.logical_id, getattr(resource, "name", None), getattr(resource, "arn", None),
                          getattr(resource, "url", None), getattr(resource, "stream_arn", None)):
                if alias:
                    index[alias] = resource.logical_id
        return index

    def on_event(self, event: Event) -> None:
        self.events.append(event)
        for logical_id in self.touched(event):
            self.by_resource[logical_id].append(event)

    def touched(self, event: Event) -> list[str]:
        """The resources an event is about: its function, queue, source, target, DLQ, event bus."""
        found = []
        for key in ("function", "queue", "dlq", "source", "target", "bus"):
            value = event.get(key)
            logical_id = self._names.get(value) if isinstance(value, str) else None
            if logical_id and logical_id not in found:
                found.append(logical_id)
        mapping = event.get("mapping")
        if isinstance(mapping, str):
            for candidate in self.app.mappings:
                if candidate.uuid == mapping:
                    for logical_id in (candidate.function, self._names.get(candidate.source_arn)):
                        if logical_id and logical_id not in found:
                            found.append(logical_id)
        return found


def status(run: Any, resource: Resource) -> str:
    """The live line of one resource in a run (`AppRun`), or its kind before the run starts."""
    kind = kind_of(resource)
    if run is None:
        return kind
    if isinstance(resource, Queue):
        counts = run.queues[resource.logical_id].counts()
        return f"{kind}: {counts['visible']} visible, {counts['in_flight']} in flight, {counts['moved_to_dlq']} to DLQ"
    if isinstance(resource, Function):
        stats = run.stats[resource.logical_id]
        return f"{kind}: {stats['invocations']} invocations, {stats['errors']} errors, {stats['throttles']} throttles"
    if isinstance(resource, (Stream, Table)) and resource.logical_id in run.streams:
        records = sum(len(shard.records) for shard in run.streams[resource.logical_id].shards)
        return f"{kind}: {records} record{'' if records == 1 else 's'}"
    return kind
