"""The SQS event source mapping: poll the queue, invoke with batches, delete what succeeded.

As documented (docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, with-sqs.html,
services-sqs-scaling.html):

- a batch holds up to `BatchSize` messages; with a batching window the poller waits up to that long for a
  full batch;
- when the function succeeds, every message of the batch is deleted; when it fails, none is, and the messages
  come back after the queue's visibility timeout, until the queue's redrive policy moves them to its DLQ;
- with `ReportBatchItemFailures`, only the ids listed in `batchItemFailures` come back; an unreadable list
  fails the whole batch;
- messages that match none of the `FilterCriteria` patterns are deleted without an invocation;
- a FIFO queue delivers each message group in order (the queue never hands out a group with one in flight);
- at most `MaximumConcurrency` batches are in flight (by default the poller starts with five, the number of
  concurrent batches Lambda starts an SQS mapping with);
- a throttled invocation leaves the messages in flight: they come back after the visibility timeout.
"""

from __future__ import annotations

from lambdalearn.apps.mappings import Invoker, batch_item_failures
from lambdalearn.apps.mappings.filters import matches_any
from lambdalearn.apps.model import Mapping
from lambdalearn.apps.clock import AppClock
from lambdalearn.apps.services import LocalQueue, Message
from lambdalearn.apps.timeline import Timeline

DEFAULT_CONCURRENT_BATCHES = 5


class SqsPoller:
    """Lambda's poller for one SQS event source mapping."""

    def __init__(self, mapping: Mapping, queue: LocalQueue, invoker: Invoker, clock: AppClock, timeline: Timeline) -> None:
        self.mapping = mapping
        self.queue = queue
        self._invoker = invoker
        self._clock = clock
        self._timeline = timeline
        self._in_flight = 0
        self._delivering: set[str] = set()  # ids of the messages of batches being processed
        self._poll_due: float | None = None
        self.limit = mapping.maximum_concurrency or DEFAULT_CONCURRENT_BATCHES
        queue.on_message.append(self.wake)

    def wake(self) -> None:
        """A message arrived: poll when the batching window closes, or now if a full batch is waiting."""
        if self.mapping.enabled:
            full = self.queue.counts()["visible"] >= self.mapping.batch_size
            self._schedule(0.0 if full else float(self.mapping.batching_window_s))

    def _schedule(self, delay: float) -> None:
        due = self._clock.t + delay
        if self._poll_due is not None and self._poll_due <= due:
            return
        self._poll_due = due
        self._clock.call_later(delay, self.poll)

    def poll(self) -> None:
        self._poll_due = None
        while self._in_flight < self.limit:
            messages = self.queue.receive(self.mapping.batch_size)
            if not messages:
                break
            self._in_flight += 1
            self._delivering.update(message.message_id for message in messages)
            self._clock.spawn(self._deliver(messages))
        self._schedule_return()

    def _schedule_return(self) -> None:
        """Poll again when an in-flight message becomes visible (a failed one coming back); the messages of
        batches still being processed are left to their batch, which calls this when it ends."""
        visible_again = self.queue.next_visible_at(self._delivering)
        if visible_again is not None:
            self._schedule(max(0.0, visible_again - self._clock.now()))

    async def _deliver(self, messages: list[Message]) -> None:
        try:
            await self._deliver_batch(messages)
        finally:
            self._in_flight -= 1
            self._delivering.difference_update(message.message_id for message in messages)
            if self.queue.counts()["visible"]:
                self._schedule(0.0)
            self._schedule_return()

    async def _deliver_batch(self, messages: list[Message]) -> None:
        mapping = self.mapping
        kept = []
        for message in messages:
            record = self.queue.record(message)
            if not matches_any(mapping.filter_patterns, record):
                self.queue.delete(message, reason="filtered")
            elif self._invoker.loop_detected(mapping.function, message.lineage, self.queue.name):
                self._stop_loop(message)
            else:
                kept.append((message, record))
        if not kept:
            return
        ids = [message.message_id for message, _ in kept]
        lineage = max(message.lineage for message, _ in kept)
        event = {"Records": [record for _, record in kept]}
        result = await self._invoker.invoke(mapping.function, event, source=self.queue.name, batch=ids, lineage=lineage)
        failed = self._failed_ids(result, ids)
        for message, _ in kept:
            if message.message_id not in failed:
                self.queue.delete(message)
        outcome = "throttled" if result.status == "throttled" else ("success" if not failed else ("partial" if len(failed) < len(ids) else "failed"))
        self._timeline.emit("esm_batch", mapping=mapping.uuid, shard=None, ids=ids, result=outcome, failed_ids=sorted(failed, key=ids.index))

    def _failed_ids(self, result, ids: list[str]) -> set[str]:
        if not result.succeeded:
            return set(ids)
        if not self.mapping.report_batch_item_failures:
            return set()
        reported = batch_item_failures(result, ids)
        return set(ids) if reported is None else set(reported)

    def _stop_loop(self, message: Message) -> None:
        """A looping message is not delivered; it goes to the queue's DLQ when there is one, else is dropped."""
        if not self.queue.move_to_dlq(message):
            self.queue.delete(message, reason="loop_stopped")
