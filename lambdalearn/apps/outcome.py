"""What an app run left behind, as plain data: the timeline, each queue's messages, tables, buckets, summary.

A lab's checks.py runs in a child process (labs/checks_process.py), so what `lab.run_app` hands it must cross a
process boundary; the live `AppRun` (event loop, runtimes, servers) cannot. The same snapshot serves checks that
run in-process, so a check reads the same thing either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdalearn.apps.services import Message


@dataclass
class TimelineSnapshot:
    events: list[dict[str, Any]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["kind"] == kind]


@dataclass
class QueueSnapshot:
    messages: list[Message] = field(default_factory=list)  # visible and in flight when the run ended


@dataclass
class AppOutcome:
    """`timeline`, `queues[logical id].messages`, `items[table id]`, `objects[bucket id]` and `summary()`."""

    timeline: TimelineSnapshot
    queues: dict[str, QueueSnapshot]
    items: dict[str, dict[str, dict[str, Any]]]
    objects: dict[str, dict[str, str]]
    summary_data: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        return self.summary_data

    @classmethod
    def of(cls, run: Any) -> AppOutcome:
        """The snapshot of a finished `lambdalearn.apps.run.AppRun`."""
        return cls(
            TimelineSnapshot(list(run.timeline.events)),
            {name: QueueSnapshot(list(queue.messages)) for name, queue in run.queues.items()},
            {name: dict(items) for name, items in run.items.items()},
            {name: dict(objects) for name, objects in run.objects.items()},
            run.summary(),
        )
