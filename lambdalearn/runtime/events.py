"""What happens inside the runtime, as a stream of events a screen or a lab can follow live.

Environments are created, initialise, become busy, idle and frozen, and shut down; invocations start,
finish or are throttled. Subscribers are plain callbacks (called in the runtime's event loop, in order) or
an async iterator over a queue, whichever suits the caller.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any


class EventKind(enum.Enum):
    ENVIRONMENT_CREATED = "environment_created"
    ENVIRONMENT_INITIALISING = "environment_initialising"
    ENVIRONMENT_BUSY = "environment_busy"
    ENVIRONMENT_IDLE = "environment_idle"
    ENVIRONMENT_FROZEN = "environment_frozen"
    ENVIRONMENT_SHUT_DOWN = "environment_shut_down"
    INVOCATION_STARTED = "invocation_started"
    INVOCATION_FINISHED = "invocation_finished"
    INVOCATION_THROTTLED = "invocation_throttled"


@dataclass(frozen=True)
class RuntimeEvent:
    """One thing that happened; `time` is the runtime clock's AWS time, `detail` depends on the kind.

    `detail` carries the shutdown reason for ENVIRONMENT_SHUT_DOWN and the `InvocationRecord` for
    INVOCATION_FINISHED and INVOCATION_THROTTLED.
    """

    kind: EventKind
    time: float
    environment_id: str | None = None
    request_id: str | None = None
    detail: Any = None


Subscriber = Callable[[RuntimeEvent], None]


class EventBus:
    """Delivers each event to every subscriber; a failing subscriber is dropped, never the runtime."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` for every future event; returns a function that unsubscribes it."""
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber) if subscriber in self._subscribers else None

    def publish(self, event: RuntimeEvent) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                self._subscribers.remove(subscriber)

    async def stream(self) -> AsyncIterator[RuntimeEvent]:
        """Every event from now on, as an async iterator (stop iterating to unsubscribe)."""
        queue: asyncio.Queue[RuntimeEvent] = asyncio.Queue()
        unsubscribe = self.subscribe(queue.put_nowait)
        try:
            while True:
                yield await queue.get()
        finally:
            unsubscribe()
