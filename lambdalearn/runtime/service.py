"""The mini-Lambda service for one function: the environment pool, concurrency, throttling, records, metrics.

`LambdaRuntime` is the Python API that labs and the TUI use (asyncio); `SyncLambdaRuntime` wraps it for
plain synchronous callers. A synchronous invocation goes the way it goes on Lambda:

1. an event over 6 MB is refused (RequestEntityTooLargeException) before anything runs;
2. an idle environment is reused (warm start), provisioned ones first; otherwise, if the function is below
   its concurrency limit (reserved concurrency, or the account's), a new environment is created (cold
   start); otherwise the invocation is throttled (TooManyRequestsException, 429, "Rate Exceeded.");
3. the environment runs it; the outcome becomes an `InvocationRecord` with Lambda's log lines, billed
   duration and cost; an environment that timed out, ran out of memory or crashed is discarded.

Idle environments are shut down after `idle_timeout_s` of clock time (provisioned ones are kept). Events
about environments and invocations are published on `events`; `metrics` counts like CloudWatch does.

Later additions (asynchronous invocation with retries, event source mappings, versions and aliases) are
meant to sit on top of `invoke`, and a simulator can reuse the pool policy in `_acquire`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lambdalearn.runtime import billing, policy, records
from lambdalearn.runtime.cgroup import Choice
from lambdalearn.runtime.api_server import NextInvocation
from lambdalearn.runtime.clock import Clock, RealClock
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.environment import ChunkSink, EnvironmentState, ExecutionEnvironment, InvokeOutcome, OutcomeKind
from lambdalearn.runtime.events import EventBus, EventKind, RuntimeEvent
from lambdalearn.runtime.launcher import ForkServerLauncher, Launcher
from lambdalearn.runtime.records import InvocationRecord

DEFAULT_IDLE_TIMEOUT_S = 600.0
DEFAULT_AWS_ENDPOINT_URL = "http://127.0.0.1:4566"
# How long an invocation waits for an environment that has answered but not yet asked for the next event,
# before counting it as busy (our bootstrap asks within microseconds).
_FINISHING_WAIT_S = 5.0


@dataclass
class RuntimeMetrics:
    """Counts as CloudWatch's AWS/Lambda metrics would show them for this function."""

    invocations: int = 0
    errors: int = 0
    throttles: int = 0
    concurrent_executions: int = 0  # the maximum seen
    provisioned_concurrency_invocations: int = 0
    provisioned_concurrency_spillover_invocations: int = 0
    cold_starts: int = 0  # not a CloudWatch metric: environments created for an invocation


@dataclass(frozen=True)
class EnvironmentView:
    """What a screen needs to draw one environment of the pool."""

    environment_id: str
    state: str
    frozen: bool
    provisioned: bool
    pid: int | None
    cgroup: str | None = None  # its cgroup v2 directory, where its processes are one (see unit.py)


class LambdaRuntime:
    """A local Lambda for one function configuration. Use `async with` or call `aclose()` when done.

    Handlers get CPU in proportion to memory, as on Lambda (`models_cpu_share=False` gives them the whole
    machine; the class attribute says what runtimes do by default). Use it from one event loop. `launcher` defaults to a fork server of its own, closed with the runtime;
    a launcher passed in (for example one fork server shared by several runtimes) is the caller's to close.
    """

    models_cpu_share = True

    def __init__(
        self,
        config: FunctionConfig,
        *,
        clock: Clock | None = None,
        launcher: Launcher | None = None,
        idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
        aws_endpoint_url: str = DEFAULT_AWS_ENDPOINT_URL,
        log_cap_bytes: int | None = None,
        models_cpu_share: bool = True,
        shared_in_flight: Callable[[], int] | None = None,
    ) -> None:
        self.config = config.validated()
        self.models_cpu_share = models_cpu_share
        self.clock = clock or RealClock()
        self.events = EventBus()
        self.metrics = RuntimeMetrics()
        self.idle_timeout_s = idle_timeout_s
        # A launcher passed in belongs to the caller (it may serve several runtimes); ours we close.
        self._owns_launcher = launcher is None
        self._launcher = launcher or ForkServerLauncher()
        self._aws_endpoint_url = aws_endpoint_url
        self._log_cap_bytes = log_cap_bytes
        # The versions of one function share its concurrency: this counts what all of them have in flight.
        self._shared_in_flight = shared_in_flight or self.in_flight
        self._environments: dict[str, ExecutionEnvironment] = {}
        self._idle_timers: dict[str, asyncio.Task] = {}
        self._pool_changed: asyncio.Event | None = None
        self._serial = 0
        self._starting: asyncio.Task | None = None
        self._replacements: set[asyncio.Future] = set()
        self._closed = False
        self._tmp_root = tempfile.mkdtemp(prefix="lambdalearn-runtime-")
        # What provisioned environments printed during their INIT, which happens before any invocation.
        self.provisioning_logs: list[str] = []

    async def __aenter__(self) -> LambdaRuntime:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- public API ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the fork server and initialise the provisioned environments (before any traffic)."""
        if self._starting is None:
            self._starting = asyncio.create_task(self._start())
        await asyncio.shield(self._starting)

    async def _start(self) -> None:
        start = getattr(self._launcher, "start", None)
        if start is not None:
            await start()
        await asyncio.gather(*(self._provision_one() for _ in range(self.config.provisioned_concurrency)))

    async def invoke(
        self,
        event: Any = None,
        *,
        client_context: dict | None = None,
        invoked_arn: str | None = None,
        request_id: str | None = None,
        on_chunk: ChunkSink | None = None,
    ) -> InvocationRecord:
        """Invoke the function synchronously (RequestResponse) with `event` (JSON-serialisable, or bytes).

        `invoked_arn` is the ARN the caller used (qualified by an alias or version), which the handler sees
        as `context.invoked_function_arn`; by default the unqualified ARN. `request_id` lets an asynchronous
        retry keep its event's request id, as Lambda's retries do. `on_chunk(data, content_type)` receives a
        streamed response (invoke mode RESPONSE_STREAM) piece by piece as the handler produces it; the record
        still has the whole body.
        """
        await self.start()
        event = {} if event is None else event
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        body = body if body.strip() else b"{}"  # an empty payload arrives as {}
        request_id = request_id or str(uuid.uuid4())
        refusal = _request_refusal(body)
        if refusal is not None:
            record = self._refused(request_id, *refusal)
            self._publish(EventKind.INVOCATION_FINISHED, None, request_id, record)
            return record
        acquired = await self._acquire()
        if acquired is None:
            self.metrics.throttles += 1
            throttled = records.throttle_error(reserved=self.config.reserved_concurrency is not None)
            record = self._refused(request_id, "TooManyRequestsException", throttled, status="throttled")
            self._publish(EventKind.INVOCATION_THROTTLED, None, request_id, record)
            return record
        env, cold = acquired
        self._count_invocation(env, cold)
        self._publish(EventKind.INVOCATION_STARTED, env.id, request_id, None)
        invocation = NextInvocation(
            request_id=request_id,
            body=body,
            deadline_ms=0,
            function_arn=invoked_arn or self.config.function_arn,
            trace_id=_trace_id(),
            client_context=json.dumps(client_context) if client_context is not None else None,
        )
        try:
            outcome = await env.invoke(invocation, on_chunk)
        except asyncio.CancelledError:
            await env.shutdown("invocation cancelled")  # the caller gave up: do not leave it running
            raise
        record = self._record(request_id, env, cold, outcome)
        if record.status == "error":
            self.metrics.errors += 1
        if not outcome.environment_survives:
            await env.shutdown(outcome.kind.value)
        self._publish(EventKind.INVOCATION_FINISHED, env.id, request_id, record)
        return record

    async def invoke_many(
        self, events: Iterable[Any], concurrency: int = 1, *, client_context: dict | None = None
    ) -> list[InvocationRecord]:
        """Invoke once per event with at most `concurrency` in flight; records in the order of `events`."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        gate = asyncio.Semaphore(concurrency)

        async def one(event: Any) -> InvocationRecord:
            async with gate:
                return await self.invoke(event, client_context=client_context)

        return list(await asyncio.gather(*(one(event) for event in events)))

    @property
    def sandbox(self) -> tuple[str, str] | None:
        """(containment path, why) the environments run in, once the fork server is up (see sandbox.py)."""
        return getattr(self._launcher, "sandbox", None)

    @property
    def unit(self) -> Choice | None:
        """How each environment's processes are made one unit (cgroup or process walk), once the fork server
        is up (see cgroup.py)."""
        return getattr(self._launcher, "unit", None)

    def environments(self) -> list[EnvironmentView]:
        """The pool as it is now."""
        return [
            EnvironmentView(
                env.id,
                env.state.value,
                env.frozen,
                env.provisioned,
                env.process.pid if env.process else None,
                getattr(env.unit, "path", None),
            )
            for env in self._environments.values()
        ]

    async def shut_down_idle(self) -> int:
        """Shut down every idle on-demand environment now (the next invocation is a cold start)."""
        await self.settle_finishing()
        idle = [
            env for env in self._environments.values() if env.state is EnvironmentState.IDLE and not env.provisioned
        ]
        await asyncio.gather(*(env.shutdown("idle") for env in idle))
        return len(idle)

    async def aclose(self) -> None:
        """Shut down every environment and the fork server; nothing is left running."""
        if self._closed:
            return
        self._closed = True
        for timer in self._idle_timers.values():
            timer.cancel()
        for replacement in list(self._replacements):
            replacement.cancel()
        await asyncio.gather(*self._replacements, return_exceptions=True)
        await asyncio.gather(*(env.shutdown("closed") for env in list(self._environments.values())))
        if self._owns_launcher:
            await self._launcher.aclose()
        shutil.rmtree(self._tmp_root, ignore_errors=True)

    # -- the pool -----------------------------------------------------------------------------------------

    def _concurrency_limit(self) -> int:
        return policy.concurrency_limit(self.config.reserved_concurrency, self.config.account_concurrency_limit)

    def in_flight(self) -> int:
        """Invocations running (or starting an environment for one) in this runtime now."""
        return sum(
            1
            for env in self._environments.values()
            if env.state is EnvironmentState.BUSY or (env.state is EnvironmentState.INITIALISING and not env.provisioned)
        )

    async def _acquire(self) -> tuple[ExecutionEnvironment, bool] | None:
        """An environment for one invocation and whether it is a cold start; None means throttled."""
        loop = asyncio.get_running_loop()
        give_up_waiting = loop.time() + _FINISHING_WAIT_S
        while True:
            idle = [env for env in self._environments.values() if env.state is EnvironmentState.IDLE]
            if idle:
                env = max(idle, key=lambda candidate: candidate.provisioned)
                self._cancel_idle_timer(env)
                env.reserve()
                return env, False
            finishing = any(env.finishing for env in self._environments.values())
            if finishing and loop.time() < give_up_waiting:
                await self._wait_pool_change(give_up_waiting - loop.time())
                continue
            if not policy.may_start_environment(self._shared_in_flight(), self._concurrency_limit()):
                return None
            env = self._new_environment(provisioned=False)
            try:
                await env.start()
            except BaseException:
                await env.shutdown("failed to start")
                raise
            return env, True

    async def settle_finishing(self) -> None:
        """Wait (briefly) until environments that have answered have also asked for their next event."""
        loop = asyncio.get_running_loop()
        give_up_waiting = loop.time() + _FINISHING_WAIT_S
        while any(env.finishing for env in self._environments.values()) and loop.time() < give_up_waiting:
            await self._wait_pool_change(give_up_waiting - loop.time())

    def _new_environment(self, *, provisioned: bool) -> ExecutionEnvironment:
        self._serial += 1
        prefix = "pc" if provisioned else "env"
        env = ExecutionEnvironment(
            f"{prefix}-{self._serial}",
            self.config,
            self._launcher,
            tmp_root=self._tmp_root,
            aws_endpoint_url=self._aws_endpoint_url,
            emit=self._on_environment_event,
            on_idle=self._on_idle,
            provisioned=provisioned,
            claimed=not provisioned,
            log_cap_bytes=self._log_cap_bytes,
            models_cpu_share=self.models_cpu_share,
            clock=self.clock,
        )
        self._environments[env.id] = env
        return env

    async def _wait_pool_change(self, timeout: float) -> None:
        if self._pool_changed is None:
            self._pool_changed = asyncio.Event()
        event = self._pool_changed
        try:
            await asyncio.wait_for(event.wait(), max(0.0, timeout))
        except asyncio.TimeoutError:
            pass

    def _notify_pool_change(self) -> None:
        if self._pool_changed is not None:
            self._pool_changed.set()
            self._pool_changed = None

    def _on_idle(self, env: ExecutionEnvironment) -> None:
        self._notify_pool_change()
        if not env.provisioned and not self._closed:
            self._cancel_idle_timer(env)
            self._idle_timers[env.id] = asyncio.create_task(self._expire_when_idle(env))

    async def _expire_when_idle(self, env: ExecutionEnvironment) -> None:
        await self.clock.sleep(self.idle_timeout_s)
        self._idle_timers.pop(env.id, None)
        if env.state is EnvironmentState.IDLE:
            await env.shutdown("idle")

    def _cancel_idle_timer(self, env: ExecutionEnvironment) -> None:
        timer = self._idle_timers.pop(env.id, None)
        if timer is not None:
            timer.cancel()

    def _on_environment_event(self, kind: EventKind, env: ExecutionEnvironment, detail: Any) -> None:
        if kind is EventKind.ENVIRONMENT_SHUT_DOWN:
            self._environments.pop(env.id, None)
            self._cancel_idle_timer(env)
            self._notify_pool_change()
        self._publish(kind, env.id, None, detail)
        if kind is EventKind.ENVIRONMENT_SHUT_DOWN and env.provisioned and env.initialised and not self._closed:
            # Lambda keeps the configured number of provisioned environments: one that died (a crash, a
            # timeout, out of memory) is replaced in the background. One whose INIT failed is not: that is
            # a failed allocation, and retrying it forever would only fail again.
            replacement = asyncio.ensure_future(self._provision_one())
            self._replacements.add(replacement)
            replacement.add_done_callback(self._replacements.discard)

    async def _provision_one(self) -> None:
        """Start one provisioned environment and wait for its INIT; its output goes to provisioning_logs."""
        env = self._new_environment(provisioned=True)
        await env.start()
        self.provisioning_logs.extend(await env.wait_initialised())

    def _publish(self, kind: EventKind, environment_id: str | None, request_id: str | None, detail: Any) -> None:
        self.events.publish(RuntimeEvent(kind, self.clock.now(), environment_id, request_id, detail))

    def _count_invocation(self, env: ExecutionEnvironment, cold: bool) -> None:
        self.metrics.invocations += 1
        self.metrics.cold_starts += cold
        if env.provisioned:
            self.metrics.provisioned_concurrency_invocations += 1
        elif self.config.provisioned_concurrency > 0:
            self.metrics.provisioned_concurrency_spillover_invocations += 1
        self.metrics.concurrent_executions = max(self.metrics.concurrent_executions, self.in_flight())

    # -- records ------------------------------------------------------------------------------------------

    def _refused(self, request_id: str, error_type: str, payload: dict, status: str = "error") -> InvocationRecord:
        """A request the service refused before any environment saw it (nothing billed, no logs)."""
        return InvocationRecord(
            request_id=request_id,
            environment_id=None,
            cold_start=False,
            init_duration_ms=None,
            duration_ms=0.0,
            billed_duration_ms=0,
            memory_size_mb=self.config.memory_mb,
            max_memory_used_mb=0,
            status=status,
            error_type=error_type,
            payload=payload,
            cost_usd=0.0,
            executed_version=self.config.version,
        )

    def _record(self, request_id: str, env: ExecutionEnvironment, cold: bool, outcome: InvokeOutcome) -> InvocationRecord:
        payload, error_type = _payload_and_error(request_id, outcome)
        init_failed = outcome.during_init
        billed_ms = outcome.duration_ms
        if outcome.kind is OutcomeKind.TIMEOUT:
            billed_ms = min(billed_ms, self.config.timeout_s * 1000)  # Lambda bills a timeout as the timeout
        billed = billing.billed_duration_ms(billed_ms, outcome.init_duration_ms)
        cost = billing.invocation_cost(
            billed,
            self.config.memory_mb,
            self.config.architecture,
            provisioned=env.provisioned,
            ephemeral_storage_mb=self.config.ephemeral_storage_mb,
        )
        logs = list(outcome.init_lines)
        if init_failed:
            timed_out = outcome.kind is OutcomeKind.TIMEOUT
            logs.append(records.init_report_line(outcome.init_duration_ms or 0.0, error_type, timed_out))
        logs.append(records.start_line(request_id, self.config.version))
        logs.extend(outcome.lines)
        platform_status = None
        if outcome.kind is OutcomeKind.TIMEOUT:
            logs.append(records.timeout_line(request_id, outcome.elapsed_s))
            platform_status = "timeout"
        elif outcome.kind in (OutcomeKind.RUNTIME_EXIT, OutcomeKind.OUT_OF_MEMORY):
            logs.append(payload["errorMessage"])
            logs.append(error_type or "")
            platform_status = "error"
        elif outcome.kind is OutcomeKind.INIT_ERROR:
            platform_status = "error"
        logs.append(records.end_line(request_id))
        logs.append(
            records.report_line(
                request_id,
                outcome.duration_ms,
                billed,
                self.config.memory_mb,
                outcome.max_memory_used_mb,
                init_duration_ms=None if init_failed else outcome.init_duration_ms,
                status=platform_status,
                error_type=error_type if platform_status == "error" else None,
            )
        )
        return InvocationRecord(
            request_id=request_id,
            environment_id=env.id,
            cold_start=cold,
            init_duration_ms=_round(outcome.init_duration_ms),
            duration_ms=round(outcome.duration_ms, 2),
            billed_duration_ms=billed,
            memory_size_mb=self.config.memory_mb,
            max_memory_used_mb=outcome.max_memory_used_mb,
            status="success" if error_type is None else "error",
            error_type=error_type,
            payload=payload,
            cost_usd=cost,
            function_error=None if error_type is None else records.FUNCTION_ERROR_UNHANDLED,
            executed_version=self.config.version,
            cpu_time_ms=_round(outcome.cpu_time_ms),
            logs=logs,
        )


def _request_refusal(body: bytes) -> tuple[str, dict] | None:
    """Why the Invoke API would refuse this payload before running anything (None if it would not)."""
    if len(body) > records.REQUEST_SIZE_LIMIT:
        return "RequestEntityTooLargeException", records.request_too_large_error(len(body))
    try:
        json.loads(body)
    except ValueError as error:
        return "InvalidRequestContentException", records.invalid_request_content_error(str(error))
    return None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _decode_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _payload_and_error(request_id: str, outcome: InvokeOutcome) -> tuple[Any, str | None]:
    """The caller's payload and, for a failed invocation, its error type."""
    kind = outcome.kind
    if kind is OutcomeKind.RESPONSE:
        return _decode_body(outcome.body), None
    if kind in (OutcomeKind.FUNCTION_ERROR, OutcomeKind.INIT_ERROR):
        payload = _decode_body(outcome.body)
        error_type = payload.get("errorType") if isinstance(payload, dict) else None
        return payload, error_type or outcome.error_type or "Unhandled"
    if kind is OutcomeKind.TIMEOUT:
        return records.timeout_error(request_id, outcome.elapsed_s), "Sandbox.Timedout"
    if kind is OutcomeKind.RESPONSE_TOO_LARGE:
        return records.response_too_large_error(), "Function.ResponseSizeTooLarge"
    error = records.runtime_exit_error(request_id, outcome.returncode or 0, kind is OutcomeKind.OUT_OF_MEMORY)
    return error, error["errorType"]


def _trace_id() -> str:
    """An X-Ray trace header like the one Lambda passes in Lambda-Runtime-Trace-Id."""
    return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()};Parent={os.urandom(8).hex()};Sampled=0"


class SyncLambdaRuntime:
    """`LambdaRuntime` for synchronous callers: it runs on its own event loop in a background thread.

    Event subscribers are called on that thread.
    """

    def __init__(self, config: FunctionConfig, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="lambdalearn-runtime", daemon=True)
        self._thread.start()
        self.runtime = LambdaRuntime(config, **options)
        self._call(self.runtime.start())

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def invoke(self, event: Any = None, *, client_context: dict | None = None) -> InvocationRecord:
        return self._call(self.runtime.invoke(event, client_context=client_context))

    def invoke_many(self, events: Iterable[Any], concurrency: int = 1) -> list[InvocationRecord]:
        return self._call(self.runtime.invoke_many(events, concurrency))

    def subscribe(self, subscriber: Callable[[RuntimeEvent], None]) -> Callable[[], None]:
        return self.runtime.events.subscribe(subscriber)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._call(self.runtime.aclose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> SyncLambdaRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
