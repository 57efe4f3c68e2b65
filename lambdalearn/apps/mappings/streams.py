"""The Kinesis and DynamoDB Streams event source mappings: ordered batches per shard, blocking retries.

As documented (docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html, kinesis-on-failure-destination.html,
services-kinesis-batchfailurereporting.html, with-ddb.html):

- records of a shard reach the function in order, in batches of up to `BatchSize`, gathered for up to
  `MaximumBatchingWindowInSeconds` when a batch is not full; with `ParallelizationFactor` N a shard has N lanes, and a
  partition key always uses the same lane, so order per partition key holds;
- a failed batch is retried, and nothing behind it in its lane moves, until it succeeds, its records are older
  than `MaximumRecordAgeInSeconds` (-1: the stream's 24-hour retention, when the records are gone), or it has been retried `MaximumRetryAttempts` times (-1: no limit);
- with `BisectBatchOnFunctionError` a failed batch is split in two and each half retried on its own (here each
  retry, split or not, counts toward `MaximumRetryAttempts`, and once a half succeeds the next batch is read
  at full size: AWS documents neither detail);
- with `ReportBatchItemFailures` the function returns the sequence number of the first record that failed; the
  checkpoint moves to just before it and the batch is retried from there;
- a batch given up on goes to the on-failure destination as a record with the batch's metadata (shard, first and
  last sequence numbers, arrival times, size), never the records themselves.

Retries are spaced by a backoff that starts at 1 second and doubles up to 1 minute (AWS does not document the
spacing; this keeps a blocked shard visible on the timeline without flooding it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lambdalearn.apps.clock import AppClock
from lambdalearn.apps.mappings import Invoker, batch_item_failures
from lambdalearn.apps.mappings.filters import matches_any
from lambdalearn.apps.model import Mapping
from lambdalearn.apps.services import LocalStream, Shard, StreamRecord
from lambdalearn.apps.timeline import Timeline
from lambdalearn.runtime.records import lambda_timestamp

RETENTION_S = 86400.0  # a stream keeps records 24 hours by default: a record age of -1 means this
RETRY_FIRST_DELAY_S = 1.0
RETRY_MAX_DELAY_S = 60.0


@dataclass
class Lane:
    """One ordered lane of a shard: its records, its checkpoint and the state of the batch being retried."""

    shard: Shard
    index: int
    position: int = 0  # records before this index are done (the checkpoint)
    retries: int = 0
    limit: int | None = None  # a bisected batch's size
    busy: bool = False
    due: bool = False

    @property
    def name(self) -> str:
        return self.shard.shard_id if self.index == 0 else f"{self.shard.shard_id}#{self.index}"


class StreamPoller:
    """Lambda's poller for one Kinesis or DynamoDB stream mapping."""

    def __init__(
        self,
        mapping: Mapping,
        stream: LocalStream,
        invoker: Invoker,
        clock: AppClock,
        timeline: Timeline,
        send_failure: Callable[[str, dict[str, Any], int], None],
    ) -> None:
        self.mapping = mapping
        self.stream = stream
        self._invoker = invoker
        self._clock = clock
        self._timeline = timeline
        self._send_failure = send_failure
        factor = mapping.parallelization_factor
        self.lanes = [Lane(shard, index) for shard in stream.shards for index in range(factor)]
        self.skip_before = {shard.shard_id: len(shard.records) if mapping.starting_position == "LATEST" else 0 for shard in stream.shards}
        stream.on_record.append(self.wake)

    def wake(self) -> None:
        """A record arrived: read each lane now, or when the batching window closes if its batch is not full."""
        for lane in self.lanes:
            full = len(self._lane_records(lane)) - lane.position >= self.mapping.batch_size
            self._schedule(lane, 0.0 if full else float(self.mapping.batching_window_s))

    def _schedule(self, lane: Lane, delay: float) -> None:
        if lane.due or lane.busy or not self.mapping.enabled:
            return
        lane.due = True

        def run() -> Any:
            lane.due = False
            return self._process(lane)

        self._clock.call_later(delay, run)

    def _lane_records(self, lane: Lane) -> list[StreamRecord]:
        factor = self.mapping.parallelization_factor
        start = self.skip_before[lane.shard.shard_id]
        records = lane.shard.records[start:]
        if factor == 1:
            return records
        return [r for r in records if int(hashlib.md5(r.partition_key.encode()).hexdigest(), 16) % factor == lane.index]

    def checkpoints(self) -> dict[str, str | None]:
        """The last sequence number done per lane (None before the first)."""
        done = {}
        for lane in self.lanes:
            records = self._lane_records(lane)
            done[lane.name] = records[lane.position - 1].sequence_number if lane.position else None
        return done

    async def _process(self, lane: Lane) -> None:
        pending = self._lane_records(lane)[lane.position:]
        if not pending:
            return
        lane.busy = True
        try:
            await self._process_batch(lane, pending)
        finally:
            lane.busy = False
        if self._lane_records(lane)[lane.position:]:
            delay = 0.0 if lane.retries == 0 else min(RETRY_FIRST_DELAY_S * 2 ** (lane.retries - 1), RETRY_MAX_DELAY_S)
            self._schedule(lane, delay)

    async def _process_batch(self, lane: Lane, pending: list[StreamRecord]) -> None:
        mapping = self.mapping
        now = self._clock.now()
        age_limit = RETENTION_S if mapping.maximum_record_age_s == -1 else mapping.maximum_record_age_s
        if now - pending[0].arrived_at > age_limit:
            expired = [r for r in pending if now - r.arrived_at > age_limit][: mapping.batch_size]
            self._give_up(lane, expired, "RecordAgeExceeded", None)
            return
        batch = pending[: min(mapping.batch_size, lane.limit or mapping.batch_size)]
        records = [self.stream.event_record(r, lane.shard) for r in batch]
        delivered = [(r, e) for r, e in zip(batch, records) if matches_any(mapping.filter_patterns, self._filter_view(e))]
        if not delivered:
            self._advance(lane, len(batch))
            return
        if self._invoker.loop_detected(mapping.function, max(r.lineage for r, _ in delivered), self.stream.name):
            self._give_up(lane, batch, "RecursiveLoop", None)
            return
        ids = [r.sequence_number for r, _ in delivered]
        event = {"Records": [e for _, e in delivered]}
        result = await self._invoker.invoke(mapping.function, event, source=self.stream.name, batch=ids, lineage=max(r.lineage for r, _ in delivered))
        if result.succeeded:
            failed = batch_item_failures(result, ids) if mapping.report_batch_item_failures else []
            if failed == []:
                self._emit(lane, ids, "success", [])
                self._advance(lane, len(batch))
                return
            if failed is not None:
                first = min(ids.index(identifier) for identifier in failed)
                self._emit(lane, ids, "partial", ids[first:])
                self._advance(lane, batch.index(delivered[first][0]), keep_retries=True)
                self._failed(lane, batch[batch.index(delivered[first][0]):], result)
                return
        self._emit(lane, ids, "throttled" if result.status == "throttled" else "failed", ids)
        self._failed(lane, batch, result)

    def _failed(self, lane: Lane, batch: list[StreamRecord], result: Any) -> None:
        mapping = self.mapping
        lane.retries += 1
        if mapping.maximum_retry_attempts != -1 and lane.retries > mapping.maximum_retry_attempts:
            self._give_up(lane, batch, "RetryAttemptsExhausted", result)
        elif mapping.bisect_on_error and len(batch) > 1:
            lane.limit = len(batch) // 2

    def _give_up(self, lane: Lane, batch: list[StreamRecord], condition: str, result: Any) -> None:
        mapping = self.mapping
        if mapping.on_failure:
            self._send_failure(mapping.on_failure, self._failure_record(lane, batch, condition, result), max(r.lineage for r in batch))
        self._timeline.emit("esm_batch", mapping=mapping.uuid, shard=lane.name, ids=[r.sequence_number for r in batch], result=condition, failed_ids=[r.sequence_number for r in batch])
        self._advance(lane, len(batch))

    def _advance(self, lane: Lane, count: int, keep_retries: bool = False) -> None:
        lane.position += count
        if not keep_retries:
            lane.retries = 0
            lane.limit = None

    def _emit(self, lane: Lane, ids: list[str], result: str, failed: list[str]) -> None:
        self._timeline.emit("esm_batch", mapping=self.mapping.uuid, shard=lane.name, ids=ids, result=result, failed_ids=failed)

    def _filter_view(self, event_record: dict[str, Any]) -> dict[str, Any]:
        if self.stream.kind == "Kinesis":
            import base64
            import json

            view = dict(event_record)
            try:
                view["data"] = json.loads(base64.b64decode(event_record["kinesis"]["data"]))
            except ValueError:
                pass
            return view
        return event_record

    def _failure_record(self, lane: Lane, batch: list[StreamRecord], condition: str, result: Any) -> dict[str, Any]:
        """What Lambda sends to a stream mapping's on-failure destination: the batch's metadata."""
        info_key = "KinesisBatchInfo" if self.stream.kind == "Kinesis" else "DDBStreamBatchInfo"
        record: dict[str, Any] = {
            "requestContext": {
                "requestId": getattr(result, "request_id", None),
                "functionArn": self._invoker.function_arn(self.mapping.function),
                "condition": condition,
                "approximateInvokeCount": lane.retries,
            },
            "version": "1.0",
            "timestamp": lambda_timestamp(self._clock.now()),
            info_key: {
                "shardId": lane.shard.shard_id,
                "startSequenceNumber": batch[0].sequence_number,
                "endSequenceNumber": batch[-1].sequence_number,
                "approximateArrivalOfFirstRecord": lambda_timestamp(batch[0].arrived_at),
                "approximateArrivalOfLastRecord": lambda_timestamp(batch[-1].arrived_at),
                "batchSize": len(batch),
                "streamArn": self.stream.arn,
            },
        }
        if result is not None:
            record["responseContext"] = {"statusCode": 200, "executedVersion": result.executed_version, "functionError": "Unhandled"}
        return record
