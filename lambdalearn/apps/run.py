"""Run an app: deploy its functions into the mini-runtime, perform a script of actions, write the timeline.

`AppRun` owns one `LambdaRuntime` per function (all on one fork server and on the `AppClock`), the local
queues and streams, one async invoker per function, one poller per event source mapping, and the routing of
destinations, dead-letter queues, SNS fan-out, S3 notifications and schedules. It runs until nothing is left
to do (queues drained or parked in a DLQ, retries done or expired, streams caught up) or `until` AWS seconds.

Recursive loops: every message, record and async event carries a lineage (how many invocations the chain has
had). When a function's `RecursiveLoop` is `Terminate` (the default), an event whose chain already has
`LOOP_LIMIT` invocations is not delivered: it goes to the DLQ or on-failure destination and a `loop_stopped`
line says so (docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html: "after approximately 16").
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lambdalearn.apps.clock import AppClock
from lambdalearn.apps.eventbridge import DEFAULT_BUS, bus_arn, destination_event, envelope, rule_matches
from lambdalearn.apps.mappings.sqs import SqsPoller
from lambdalearn.apps.mappings.streams import StreamPoller
from lambdalearn.apps.model import App, Bucket, EventBus, Function, Queue, Stream, Table, Topic, Trigger, arn
from lambdalearn.apps.script import Action
from lambdalearn.apps.services import LocalQueue, LocalStream, attribute_value
from lambdalearn.apps.timeline import Event, Timeline
from lambdalearn.runtime import sample_events
from lambdalearn.runtime.invoke_async import (
    SUCCESS,
    AsyncEvent,
    AsyncInvoker,
    PayloadTooLarge,
    RetryPolicy,
    function_error,
    invocation_record,
)
from lambdalearn.runtime.records import InvocationRecord

LOOP_LIMIT = 16


class AppRun:
    """One run of an app. Use `async with AppRun(app) as run: await run.run(actions)`."""

    def __init__(self, app: App, *, time_scale: float | None = None, local_aws: bool | None = None) -> None:
        """`local_aws`: run the app's resources in a moto server for the handlers' boto3 calls (default: when
        a function's code mentions boto3)."""
        self.app = app
        self.bridge: Any = None
        self._wants_local_aws = bool(app.state_machines) or (uses_boto3(app) if local_aws is None else local_aws)
        self.lambda_api: Any = None  # the Lambda Invoke API in front of the local AWS (apps/lambda_api.py)
        self.executions: Any = None  # the state machines' executions (apps/executions.py)
        self.clock = AppClock(time_scale=time_scale)
        self.timeline = Timeline(lambda: self.clock.t)
        self.queues = {q.logical_id: LocalQueue(q, self.clock.now, self.timeline, self._queue_by_arn) for q in app.queues.values()}
        self.streams: dict[str, LocalStream] = {s.logical_id: LocalStream.kinesis(s, self.clock.now) for s in app.streams.values()}
        for table in app.tables.values():
            if table.stream_view_type:
                self.streams[table.logical_id] = LocalStream.dynamodb(table, self.clock.now)
        self.items: dict[str, dict[str, dict[str, Any]]] = {t.logical_id: {} for t in app.tables.values()}
        self.objects: dict[str, dict[str, str]] = {b.logical_id: {} for b in app.buckets.values()}
        self.bus_events: dict[str, list[Any]] = {b.logical_id: [] for b in app.buses.values()}  # and "default"
        self.bus_events[DEFAULT_BUS] = []
        self.stats = {name: {"invocations": 0, "errors": 0, "throttles": 0} for name in app.functions}
        self.record_listeners: list[Any] = []  # called with (function, InvocationRecord): logs for the CLI
        self._runtimes: dict[str, Any] = {}
        self._launcher: Any = None
        self._scratch: Any = None
        self._async_done: dict[str, Any] = {}
        self._async_listeners: list[Any] = []
        self._async = {name: self._async_invoker(function) for name, function in app.functions.items()}
        self.sqs_pollers: list[SqsPoller] = []
        self.stream_pollers: list[StreamPoller] = []
        for mapping in app.mappings:
            source = app.by_arn(mapping.source_arn)
            if isinstance(source, Queue):
                self.sqs_pollers.append(SqsPoller(mapping, self.queues[source.logical_id], self, self.clock, self.timeline))
            elif isinstance(source, (Stream, Table)):
                stream = self.streams[source.logical_id]
                self.stream_pollers.append(StreamPoller(mapping, stream, self, self.clock, self.timeline, self.deliver))

    # -- life cycle ---------------------------------------------------------------------------------------

    async def __aenter__(self) -> AppRun:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Start one fork server and a function per template function (environments start on first use), with
        the versions, aliases and layers the template declares."""
        import tempfile

        from lambdalearn.apps.template_shipping import prepare_versions, runtime_config_with_layers
        from lambdalearn.runtime.function import LambdaFunction
        from lambdalearn.runtime.launcher import ForkServerLauncher

        self._scratch = tempfile.TemporaryDirectory(prefix="lambdalearn-app-")
        self._launcher = ForkServerLauncher()
        options = {}
        if self._wants_local_aws:
            options["aws_endpoint_url"] = await self._start_local_aws()
        await self._launcher.start()
        for name, function in self.app.functions.items():
            config = runtime_config_with_layers(self.app, function, Path(self._scratch.name) / name)
            lambda_function = LambdaFunction(config, store_dir=Path(self._scratch.name) / name / "versions",
                                             clock=self.clock, launcher=self._launcher, **options)
            self._runtimes[name] = lambda_function
            await prepare_versions(self.app, function, lambda_function)
        for trigger in self.app.triggers:
            if trigger.kind == "Schedule" and trigger.enabled:
                self._schedule_trigger(trigger)

    async def _start_local_aws(self) -> str:
        """The moto server behind the Lambda Invoke API (which moto's own Lambda calls reach too), the app's
        resources and state machines in it; the API's URL, for the handlers."""
        from lambdalearn.apps.bridge import AwsBridge
        from lambdalearn.apps.lambda_api import LambdaApi

        self.lambda_api = LambdaApi(self._api_invoke, self._api_submit)
        port = await self.lambda_api.start()
        self.bridge = AwsBridge(self.app, moto_port=port)
        self.lambda_api.upstream = await asyncio.to_thread(self.bridge.start)
        if self.app.state_machines:
            from lambdalearn.apps.executions import Executions

            self.executions = Executions(self.app.state_machines, self.timeline, self.clock, self.app.path)
            await asyncio.to_thread(self.executions.create, self.bridge.aws)
        return self.lambda_api.url

    def _api_function(self, request: Any) -> Function:
        from lambdalearn.apps.lambda_api import UnknownFunction

        function = self.app.function_named(request.function)
        if function is None:
            raise UnknownFunction(f"Function not found: {arn('lambda', 'function:' + request.function)}")
        return function

    async def _api_invoke(self, request: Any) -> InvocationRecord:
        """A synchronous Invoke through the API (a state machine's Task, or a handler's boto3)."""
        from lambdalearn.apps.lambda_api import UnknownFunction
        from lambdalearn.runtime.versions import VersioningError

        if self.executions is not None and self.executions.is_wait(request.function):  # a Wait state, on the run's clock
            return await self.executions.wait(request.payload)
        function = self._api_function(request)
        if self.executions is not None:
            await self.executions.sync()  # the state's lines come before its invocation's
        try:
            return await self.invoke(function.logical_id, request.payload, source=request.caller, batch=[], lineage=0, qualifier=request.qualifier)
        except VersioningError as missing:
            raise UnknownFunction(str(missing)) from None

    def _api_submit(self, request: Any) -> None:
        from lambdalearn.apps.lambda_api import UnknownFunction

        from lambdalearn.runtime.versions import VersioningError

        function = self._api_function(request)
        try:
            self._runtimes[function.logical_id].versions.resolve(request.qualifier)
        except VersioningError as missing:
            raise UnknownFunction(str(missing)) from None
        self.invoke_async(function.logical_id, request.payload, source=request.caller, qualifier=request.qualifier)

    async def aclose(self) -> None:
        for runtime in self._runtimes.values():
            await runtime.aclose()
        if self._launcher is not None:
            await self._launcher.aclose()
        if self._scratch is not None:
            self._scratch.cleanup()
        if self.bridge is not None:
            self.bridge.close()
        if self.lambda_api is not None:
            await self.lambda_api.close()

    async def run(self, actions: Iterable[Action] = (), *, until: float | None = None) -> list[Event]:
        """Perform `actions`, run until nothing is left (or `until`), end with the summary; the timeline."""
        self.perform(actions)
        await self.clock.run(until)
        if self.bridge is not None:
            await asyncio.to_thread(self._snapshot)
        self.timeline.emit("summary", **self.summary())
        return self.timeline.events

    # -- actions ------------------------------------------------------------------------------------------

    def perform(self, actions: Iterable[Action]) -> None:
        """Start the script: actions up to the first `wait_s` happen now, the rest are scheduled."""
        self._perform(list(actions), 0)

    def _perform(self, actions: list[Action], start: int) -> None:
        for index in range(start, len(actions)):
            action = actions[index]
            if action.kind == "wait_s":
                self.clock.call_later(float(action.args), lambda: self._perform(actions, index + 1))
                return
            self._act(action)

    def _act(self, action: Action) -> None:
        args, kind = action.args, action.kind
        if kind == "invoke":
            function = self.app.function_named(args["function"])
            qualifier = args.get("qualifier")
            if args.get("type", "RequestResponse") == "Event":
                self.invoke_async(function.logical_id, args.get("event", {}), source="invoke", qualifier=qualifier)  # type: ignore[union-attr]
            else:
                self.clock.spawn(self.invoke(function.logical_id, args.get("event", {}), source="invoke", batch=[], lineage=0, qualifier=qualifier))  # type: ignore[union-attr]
        elif kind == "sqs_send":
            queue = self.queues[self.app.find(self.app.queues, args["queue"]).logical_id]
            for body in args["bodies"]:
                queue.send(body, group_id=args.get("group"))
        elif kind == "sns_publish":
            self.publish(self.app.find(self.app.topics, args["topic"]), args["message"], lineage=0)
        elif kind == "s3_put":
            self.put_object(self.app.find(self.app.buckets, args["bucket"]), args["key"], args.get("body", ""), lineage=0)
        elif kind == "kinesis_put":
            stream = self.streams[self.app.find(self.app.streams, args["stream"]).logical_id]
            for record in args["records"]:
                data = record["data"] if isinstance(record["data"], str) else json.dumps(record["data"])
                stream.put(str(record["partition_key"]), data.encode())
        elif kind == "events_put":
            bus = args.get("bus", DEFAULT_BUS)
            found = self.app.find(self.app.buses, bus)
            name = found.name if found is not None else DEFAULT_BUS
            self.put_event(name, envelope(args["source"], args["detail_type"], args.get("detail"), self._now_datetime()), lineage=0)
        elif kind == "ddb_put":
            self.put_item(self.app.find(self.app.tables, args["table"]), args["item"])
        elif kind == "start_execution":
            machine = self.app.find(self.app.state_machines, args["state_machine"])
            self.clock.spawn(self.executions.run(machine, args.get("input", {})))

    # -- invoking -----------------------------------------------------------------------------------------

    def function_arn(self, function: str) -> str:
        """The ARN of a function by logical id (records sent to destinations name it)."""
        return self.app.functions[function].arn

    def loop_detected(self, function: str, lineage: int, source: str) -> bool:
        """True when an event of this lineage would be invocation LOOP_LIMIT + 1 of a terminating chain."""
        if lineage < LOOP_LIMIT or self.app.functions[function].recursive_loop == "Allow":
            return False
        self.timeline.emit("loop_stopped", function=function, source=source, depth=lineage)
        return True

    def qualifier_for(self, function: str, qualifier: str | None) -> str | None:
        """The qualifier an invocation goes through: the one asked for, else the AutoPublishAlias (SAM wires
        event sources to it), else None for the unqualified ARN ($LATEST)."""
        return qualifier or self.app.functions[function].auto_publish_alias

    async def invoke(self, function: str, event: Any, *, source: str, batch: list[str], lineage: int, request_id: str | None = None, attempt: int = 1, invocation_type: str = "RequestResponse", qualifier: str | None = None) -> InvocationRecord:
        """Invoke synchronously (a script's invoke, or an event source mapping's batch) and report it.

        The qualifier is `qualifier_for`'s."""
        qualifier = self.qualifier_for(function, qualifier)
        record = await self._runtimes[function].invoke(event, qualifier=qualifier, request_id=request_id)
        for listener in self.record_listeners:
            listener(function, record)
        stats = self.stats[function]
        if record.status == "throttled":
            stats["throttles"] += 1
            self.timeline.emit("throttle", function=function, source=source, request_id=record.request_id, batch=batch)
            return record
        stats["invocations"] += 1
        stats["errors"] += not record.succeeded
        self.timeline.emit(
            "invocation", function=function, qualifier=qualifier or "$LATEST", executed_version=record.executed_version,
            request_id=record.request_id, attempt=attempt,
            invocation_type=invocation_type, source=source, status=record.status, error_type=record.error_type,
            function_error=function_error(record), cold_start=record.cold_start, batch=batch, lineage=lineage,
        )
        if self.bridge is not None:
            self._collect(lineage + 1)
        return record

    def invoke_async(self, function: str, payload: Any, *, source: str, lineage: int = 0, qualifier: str | None = None) -> AsyncEvent | None:
        """Queue an Event invocation (the 202). An event that would extend a recursive loop past the limit is
        not queued: it goes straight to the on-failure destination or the DLQ. An event over 1 MB is refused
        (a `dropped` line)."""
        invoker = self._async[function]
        if not self.loop_detected(function, lineage, source):
            try:
                return invoker.submit(payload, source=source, lineage=lineage, qualifier=qualifier)
            except PayloadTooLarge as refused:
                self.timeline.emit("dropped", function=function, source=source, reason=str(refused))
                return None
        event = AsyncEvent(str(uuid.uuid4()), payload, self.clock.now(), source, lineage)
        self._async_done[function](event, "RecursiveLoop")
        return event

    def add_async_listener(self, listener: Any) -> None:
        """Call `listener(event, condition)` when an async event ends (Success, RetriesExhausted, ...)."""
        self._async_listeners.append(listener)

    def _async_invoker(self, function: Function) -> AsyncInvoker:
        name = function.logical_id
        config = function.async_config

        async def invoke(event: AsyncEvent) -> InvocationRecord:
            return await self.invoke(name, event.payload, source=event.source, batch=[], lineage=event.lineage,
                                     request_id=event.request_id, attempt=event.attempts + 1, invocation_type="Event",
                                     qualifier=event.qualifier)

        def on_retry(event: AsyncEvent, delay: float, reason: str) -> None:
            self.timeline.emit("retry_scheduled", function=name, request_id=event.request_id, attempt=event.attempts + 1, delay_s=delay, reason=reason)

        def on_done(event: AsyncEvent, condition: str) -> None:
            for listener in self._async_listeners:
                listener(event, condition)
            target = config.on_success if condition == SUCCESS else config.on_failure
            qualifier = self.qualifier_for(name, event.qualifier) or "$LATEST"
            record = invocation_record(event, function.arn, condition, self.clock.now(), qualifier)
            if target:
                self.timeline.emit("destination", function=name, target=target, condition=condition, record=record)
                self.deliver(target, record, event.lineage + 1)
            if condition != SUCCESS and function.dead_letter_arn:
                self._dead_letter(function, event, condition)

        self._async_done[name] = on_done
        return AsyncInvoker(
            function.arn, RetryPolicy(config.maximum_retry_attempts, config.maximum_event_age_s),
            invoke=invoke, now=self.clock.now, call_later=self.clock.call_later,
            on_retry=on_retry, on_done=on_done,
        )

    def _dead_letter(self, function: Function, event: AsyncEvent, condition: str) -> None:
        target = function.dead_letter_arn
        self.timeline.emit("dlq", function=function.logical_id, queue=target, request_id=event.request_id, condition=condition, message=event.payload)
        self.deliver(target, event.payload, event.lineage + 1)  # type: ignore[arg-type]

    # -- routing ------------------------------------------------------------------------------------------

    def _queue_by_arn(self, target: str) -> LocalQueue | None:
        resource = self.app.by_arn(target)
        return self.queues.get(resource.logical_id) if isinstance(resource, Queue) else None

    def deliver(self, target: str, message: Any, lineage: int) -> None:
        """Send a destination record, DLQ event or on-failure batch record to the resource `target` names."""
        if target == bus_arn(DEFAULT_BUS):
            self.put_event(DEFAULT_BUS, destination_event(message, DEFAULT_BUS, self._now_datetime()), lineage=lineage)
            return
        resource = self.app.by_arn(target) or self.app.function_named(target)
        if isinstance(resource, Queue):
            self.queues[resource.logical_id].send(message, lineage=lineage)
        elif isinstance(resource, Topic):
            self.publish(resource, message if isinstance(message, str) else json.dumps(message), lineage=lineage)
        elif isinstance(resource, Function):
            self.invoke_async(resource.logical_id, message, source="destination", lineage=lineage)
        elif isinstance(resource, EventBus):
            self.put_event(resource.name, destination_event(message, resource.name, self._now_datetime()), lineage=lineage)
        elif isinstance(resource, Bucket):
            key = f"aws/lambda/async/{self.clock.t:012.3f}-{len(self.objects[resource.logical_id])}"
            self.objects[resource.logical_id][key] = json.dumps(message)

    def publish(self, topic: Topic, message: str, *, lineage: int) -> None:
        """SNS fan-out: each SQS subscriber gets the notification JSON, each function an async SNS event."""
        event = sample_events.generate("sns", seed=int(self.clock.t * 1000), now=self._now_datetime(), body=message, topic=topic.name)
        notification = event["Records"][0]["Sns"]
        for subscription in topic.subscriptions:
            target = self.app.by_arn(subscription.endpoint) or self.app.function_named(subscription.endpoint)
            if isinstance(target, Queue):
                self.queues[target.logical_id].send(json.dumps(notification), lineage=lineage)
            elif isinstance(target, Function):
                self.invoke_async(target.logical_id, event, source=topic.name, lineage=lineage)

    def put_event(self, bus: str, event: dict[str, Any], *, lineage: int) -> None:
        """An event reaches the bus named `bus`: kept there, and each enabled rule on that bus whose pattern it
        matches invokes its function asynchronously with the event (a `bus_event` line names the rules)."""
        found = self.app.find(self.app.buses, bus)
        self.bus_events[found.logical_id if found is not None else DEFAULT_BUS].append(event)
        rules = [t for t in self.app.triggers if t.kind == "EventBridge" and t.enabled and t.source == bus and rule_matches(t.pattern, event)]
        self.timeline.emit("bus_event", bus=bus, source=event["source"], detail_type=event["detail-type"], event_id=event["id"],
                           rules=[f"{rule.function}-{rule.logical_id}" for rule in rules], targets=[rule.function for rule in rules])
        for rule in rules:
            self.invoke_async(rule.function, target_input(rule, event), source=bus, lineage=lineage)

    def put_object(self, bucket: Bucket, key: str, body: Any, *, lineage: int) -> None:
        """Store the object (in the local AWS too, when there is one), then notify the functions."""
        text = body if isinstance(body, str) else json.dumps(body)
        self.objects[bucket.logical_id][key] = text
        if self.bridge is not None:
            self.bridge.put_object(bucket.name, key, text)
        self._object_created(bucket, key, len(text.encode()), lineage=lineage)

    def _object_created(self, bucket: Bucket, key: str, size: int, *, lineage: int) -> None:
        """Invoke (asynchronously) each function whose S3 event matches: ObjectCreated, key prefix and suffix."""
        for trigger in self.app.triggers:
            if trigger.kind != "S3" or self.app.find(self.app.buckets, trigger.source) is not bucket:
                continue
            created = any(name.startswith("s3:ObjectCreated") for name in trigger.s3_events)
            if created and key.startswith(trigger.s3_prefix) and key.endswith(trigger.s3_suffix):
                event = sample_events.generate("s3-put", seed=int(self.clock.t * 1000), now=self._now_datetime(), bucket=bucket.name, key=key, size=size)
                self.invoke_async(trigger.function, event, source=bucket.name, lineage=lineage)

    def _collect(self, lineage: int) -> None:
        """Bring what the handler wrote in the local AWS into the run, one link further down its chain."""
        found = self.bridge.collect()  # type: ignore[union-attr]
        for queue_id, body in found.messages:
            self.queues[queue_id].send(body, lineage=lineage)
        for topic_id, message in found.notifications:
            self.publish(self.app.topics[topic_id], message, lineage=lineage)
        for bucket_id, key, size in found.objects:
            self._object_created(self.app.buckets[bucket_id], key, size, lineage=lineage)
        for table_id, old, new in found.items:
            self._item_changed(self.app.tables[table_id], old, new, lineage=lineage)

    def put_item(self, table: Table, item: dict[str, Any]) -> None:
        """Store the item (in the local AWS too, when there is one); a table with a stream records the change."""
        key = tuple(str(item.get(name)) for name in table.key_names)
        old = self.items[table.logical_id].get("|".join(key))
        if self.bridge is not None:
            self.bridge.put_item(table.name, key, item)
        self._item_changed(table, old, item, lineage=0)

    def _item_changed(self, table: Table, old: dict[str, Any] | None, new: dict[str, Any] | None, *, lineage: int) -> None:
        """Mirror the change and, when the table has a stream, append INSERT, MODIFY or REMOVE with the images
        its StreamViewType keeps (docs: with-ddb.html)."""
        source = new if new is not None else old
        assert source is not None
        key = "|".join(str(source.get(name)) for name in table.key_names)
        if new is None:
            self.items[table.logical_id].pop(key, None)
        else:
            self.items[table.logical_id][key] = new
        stream = self.streams.get(table.logical_id)
        if stream is None:
            return
        view = table.stream_view_type
        change: dict[str, Any] = {
            "Keys": {name: attribute_value(source.get(name)) for name in table.key_names},
            "StreamViewType": view,
            "SizeBytes": len(json.dumps(source)),
        }
        if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            change["NewImage"] = {name: attribute_value(value) for name, value in new.items()}
        if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            change["OldImage"] = {name: attribute_value(value) for name, value in old.items()}
        event_name = "REMOVE" if new is None else ("MODIFY" if old is not None else "INSERT")
        stream.put(key, change, event_name=event_name, lineage=lineage)

    def _schedule_trigger(self, trigger: Any) -> None:
        from lambdalearn.apps.schedules import period_s

        period = period_s(trigger.source)
        if period is None:
            return

        def fire() -> None:
            event = sample_events.generate("eventbridge-schedule", seed=int(self.clock.t), now=self._now_datetime(),
                                           rule=f"{trigger.function}-{trigger.logical_id}")
            self.invoke_async(trigger.function, target_input(trigger, event), source="schedule")
            self.clock.call_later(period, fire, keep_alive=False)

        self.clock.call_later(period, fire, keep_alive=False)

    def _now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), tz=timezone.utc)

    def _snapshot(self) -> None:
        """Copy every table's items and bucket's objects from the local AWS, for whoever reads the run after."""
        for table in self.app.tables.values():
            self.items[table.logical_id] = self.bridge.items(table)
        for bucket in self.app.buckets.values():
            self.objects[bucket.logical_id] = self.bridge.objects(bucket.name)

    # -- summary ------------------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        checkpoints: dict[str, dict[str, Any]] = {}
        for poller in self.stream_pollers:
            checkpoints.setdefault(poller.stream.name, {"checkpoints": {}})["checkpoints"].update(poller.checkpoints())
        return {
            "queues": {queue.name: queue.counts() for queue in self.queues.values()},
            "streams": checkpoints,
            "functions": self.stats,
        }


def target_input(trigger: Trigger, event: Any) -> Any:
    """What a rule or schedule sends its function: its `Input` (JSON text, parsed when it is JSON) instead of the
    event when it has one, else the event."""
    if trigger.input is None:
        return event
    try:
        return json.loads(trigger.input) if isinstance(trigger.input, str) else trigger.input
    except ValueError:
        return trigger.input


def uses_boto3(app: App) -> bool:
    """Whether any function's code imports boto3 (then the run needs the local AWS for its calls)."""
    for function in app.functions.values():
        for source in function.code_dir.rglob("*.py"):
            try:
                if "boto3" in source.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False
