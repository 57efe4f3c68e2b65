"""One execution environment: a process (a session of its own), its Runtime API server and its log pipes.

Life cycle, as on Lambda: created -> initialising (INIT: the bootstrap imports the handler module) ->
busy (an invocation) -> idle, frozen (every process of the environment, so even background threads and
detached children stop) -> busy again (thawed) ... -> shut down (all of them killed). An environment that
timed out, ran out of memory, failed INIT or whose runtime exited is discarded. Its processes are one unit
(unit.py): its own cgroup where the kernel delegates one, else a walk of /proc.

Memory is watched while the environment runs: the memory of all its processes is sampled every few
milliseconds and the environment is killed when it goes over the function's memory size, which is how an
out-of-memory kill looks on Lambda. The backstop for allocations faster than the sampling is the cgroup's
`memory.max` where the memory controller is delegated, else an address-space limit well above the memory size.
"""

from __future__ import annotations

import asyncio
import enum
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdalearn.runtime import procfs, sandbox
from lambdalearn.runtime.unit import Unit, unit_for
from lambdalearn.runtime.api_server import NextInvocation, RuntimeApiServer
from lambdalearn.runtime.clock import Clock, RealClock
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.cpu_share import cpu_share, throttle
from lambdalearn.runtime.events import EventKind
from lambdalearn.runtime.launcher import EnvironmentProcess, Launcher, SpawnSpec
from lambdalearn.runtime.logs import LogCapture
from lambdalearn.runtime.records import init_report_line, init_start_line

INIT_TIMEOUT_S = 10.0  # Lambda's limit for the INIT phase of an on-demand environment
PROVISIONED_INIT_MIN_TIMEOUT_S = 130.0  # provisioned INIT may take max(this, the function timeout)
MEMORY_POLL_S = 0.005
_MEMBER_SCAN_EVERY = 4  # samples between looks for new child processes
_ADDRESS_SPACE_HEADROOM_MB = 1024
_KILL_WAIT_S = 5.0

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "lambdalearn-local-session-token",
}


class EnvironmentState(enum.Enum):
    INITIALISING = "initialising"
    BUSY = "busy"
    IDLE = "idle"
    SHUT_DOWN = "shut_down"


class OutcomeKind(enum.Enum):
    RESPONSE = "response"
    FUNCTION_ERROR = "function_error"
    INIT_ERROR = "init_error"
    TIMEOUT = "timeout"
    RUNTIME_EXIT = "runtime_exit"
    OUT_OF_MEMORY = "out_of_memory"
    RESPONSE_TOO_LARGE = "response_too_large"


@dataclass
class InvokeOutcome:
    """What happened to one invocation inside the environment, before the service turns it into a record."""

    kind: OutcomeKind
    body: bytes = b""
    error_type: str = ""
    returncode: int | None = None
    init_duration_ms: float | None = None
    duration_ms: float = 0.0
    elapsed_s: float = 0.0  # seconds from handing the event over to the end (a timeout's "N.NN seconds")
    max_memory_used_mb: int = 0
    cpu_time_ms: float | None = None  # CPU time of every process of the environment while the event ran
    during_init: bool = False  # the environment failed before the event was handed over
    init_lines: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def environment_survives(self) -> bool:
        return self.kind in (OutcomeKind.RESPONSE, OutcomeKind.FUNCTION_ERROR)


def lambda_environment_variables(
    config: FunctionConfig,
    *,
    api_address: str,
    tmpdir: str,
    log_stream_name: str,
    aws_endpoint_url: str,
    provisioned: bool,
) -> dict[str, str]:
    """The variables a Python function sees on Lambda, plus the function's own; nothing from the host."""
    code_dir = str(config.code_dir.resolve())
    variables = {
        "AWS_LAMBDA_FUNCTION_NAME": config.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": config.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency" if provisioned else "on-demand",
        "AWS_REGION": config.region,
        "AWS_DEFAULT_REGION": config.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}",
        "_HANDLER": config.handler,
        "LAMBDA_TASK_ROOT": code_dir,
        "LAMBDA_RUNTIME_DIR": os.path.dirname(os.path.abspath(__file__)),
        "AWS_LAMBDA_RUNTIME_API": api_address,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PYTHONPATH": code_dir,
        "TMPDIR": tmpdir,
        # AWS SDK calls must never reach a real account: a loopback endpoint, dummy keys, no config files.
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        **DUMMY_CREDENTIALS,
    }
    if config.invoke_mode == "RESPONSE_STREAM":
        variables["LAMBDALEARN_INVOKE_MODE"] = config.invoke_mode  # tells our bootstrap to stream iterators
    variables.update(config.environment)
    return variables


def new_log_stream_name(version: str = "$LATEST") -> str:
    """2026/12/05/[3]0f1e..., as Lambda names an environment's log stream (the version in brackets)."""
    return time.strftime("%Y/%m/%d", time.gmtime()) + f"/[{version}]" + uuid.uuid4().hex


@dataclass
class _Inflight:
    invocation: NextInvocation
    result: asyncio.Future[tuple[OutcomeKind, bytes, str]]
    dispatched_at: float | None = None


EventSink = Callable[[EventKind, "ExecutionEnvironment", Any], None]
ChunkSink = Callable[[bytes, str], None]  # (a piece of a streamed response, its Content-Type)


class ExecutionEnvironment:
    """One environment of one function. Driven by the service (`LambdaRuntime`) and by its own Runtime API."""

    def __init__(
        self,
        environment_id: str,
        config: FunctionConfig,
        launcher: Launcher,
        *,
        tmp_root: str,
        aws_endpoint_url: str,
        emit: EventSink,
        on_idle: Callable[[ExecutionEnvironment], None],
        provisioned: bool = False,
        claimed: bool = False,
        log_cap_bytes: int | None = None,
        models_cpu_share: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.id = environment_id
        self.config = config
        self.provisioned = provisioned
        self.state = EnvironmentState.INITIALISING
        self.frozen = False
        self.finishing = False  # the result is in, the runtime has not asked for the next event yet
        # Claimed by an invocation (a cold start is claimed from birth): its first /next must not make it idle.
        self._claimed = claimed
        self._models_cpu_share = models_cpu_share
        self.init_duration_ms: float | None = None
        self.initialised = False  # INIT completed (the runtime asked for its first event)
        self.process: EnvironmentProcess | None = None
        self._clock = clock or RealClock()
        self._api_address = ""
        self._log_stream_name = new_log_stream_name(config.version)
        self._init_start_logged = False
        self.unit: Unit | None = None  # the environment's processes as one (see unit.py), once it has one
        self._launcher = launcher
        self._tmp_root = tmp_root
        self._aws_endpoint_url = aws_endpoint_url
        self._emit = emit
        self._on_idle = on_idle
        self._logs = LogCapture(log_cap_bytes) if log_cap_bytes else LogCapture()
        self._server = RuntimeApiServer(self)
        self._queue: asyncio.Queue[NextInvocation] = asyncio.Queue()
        self._inflight: _Inflight | None = None
        self._on_chunk: ChunkSink | None = None  # where the invocation in progress streams its response
        self._init_done: asyncio.Future[tuple[bytes, str] | None] | None = None
        self._exited: asyncio.Future[int] | None = None
        self._running = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._init_started = 0.0
        self._invoked = False
        self._runtime_waiting = False  # the runtime is blocked in /invocation/next
        self._peak_bytes = 0
        self._out_of_memory = False
        self._tmpdir = ""

    # -- life cycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Create the process and start its INIT; returns once the process exists (INIT goes on)."""
        self._emit(EventKind.ENVIRONMENT_CREATED, self, None)
        self._tmpdir = tempfile.mkdtemp(prefix=f"{self.id}-tmp-", dir=self._tmp_root)
        self._api_address = await self._server.start()
        self._emit(EventKind.ENVIRONMENT_INITIALISING, self, None)
        await self._spawn()

    async def _spawn(self) -> None:
        """Start the environment's first process (again, for an INIT re-run) and watch it."""
        loop = asyncio.get_running_loop()
        self._init_done = loop.create_future()
        self._exited = loop.create_future()
        output_w = self._logs.open()
        memory_bytes = self.config.memory_mb * procfs.MIB
        spec = SpawnSpec(
            handler=self.config.handler,
            cwd=str(self.config.code_dir.resolve()),
            env=lambda_environment_variables(
                self.config,
                api_address=self._api_address,
                tmpdir=self._tmpdir,
                log_stream_name=self._log_stream_name,
                aws_endpoint_url=self._aws_endpoint_url,
                provisioned=self.provisioned,
            ),
            address_space_bytes=2 * memory_bytes + _ADDRESS_SPACE_HEADROOM_MB * procfs.MIB,
            stdout_fd=output_w,
            stderr_fd=output_w,
            tmp_dir=self._tmpdir,
            ephemeral_storage_mb=self.config.ephemeral_storage_mb,
            opt_dir=str(self.config.opt_dir.resolve()) if self.config.opt_dir else None,
            memory_mb=self.config.memory_mb,
        )
        self._init_started = time.perf_counter()
        self._running.set()
        try:
            self.process = await self._launcher.spawn(spec)
        finally:
            os.close(output_w)
        self.unit = self._unit_of(self.process)
        self._tasks.append(asyncio.create_task(self._watch_exit(self.process)))
        self._tasks.append(asyncio.create_task(self._watch_memory(self.unit)))

    def _unit_of(self, process: EnvironmentProcess) -> Unit:
        """Its cgroup where the launcher gave it one, else the walk from its first process."""
        choice = getattr(self._launcher, "unit", None)
        namespaces = self._has_relay()
        return unit_for(
            process.pid,
            getattr(process, "cgroup", None),
            relay=namespaces,
            controllers=choice.controllers if choice is not None else (),
            private_tmpfs=namespaces,
        )

    async def _respawn(self) -> None:
        """Kill the process whose INIT ran out of time and start INIT again in a fresh one."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._kill_process()
        self._peak_bytes = 0
        await self._spawn()

    async def _kill_process(self) -> None:
        """Kill every process of the environment, wait for the first to be reaped, remove its cgroup."""
        if self.process is None or self.unit is None:
            return
        self.unit.kill()
        try:
            await asyncio.wait_for(self.process.wait(), _KILL_WAIT_S)
        except asyncio.TimeoutError:
            pass
        self.unit.kill()
        self.unit.close()
        forget = getattr(self._launcher, "forget", None)
        if forget is not None:
            forget(self.process.pid)

    def init_timeout_s(self) -> float:
        """How long INIT may take: 10 s on demand; max(130 s, the function timeout) when provisioned."""
        if self.provisioned:
            return max(PROVISIONED_INIT_MIN_TIMEOUT_S, self.config.timeout_s)
        return INIT_TIMEOUT_S

    async def _await_init(self) -> bool:
        """Wait for INIT to finish or the process to end, at most `init_timeout_s` of the runtime's clock
        (an injected clock lets tests pass Lambda's long INIT limits at once); False if time ran out."""
        assert self._init_done is not None and self._exited is not None
        if self._init_done.done() or self._exited.done():
            return True
        limit = asyncio.ensure_future(self._clock.sleep(self.init_timeout_s()))
        try:
            await asyncio.wait({self._init_done, self._exited, limit}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            limit.cancel()
        return self._init_done.done() or self._exited.done()

    def _take_init_lines(self) -> list[str]:
        """The output of INIT so far, after the INIT_START line the first time."""
        lines = self._logs.take_lines()
        if not self._init_start_logged:
            self._init_start_logged = True
            lines.insert(0, init_start_line(self.config.runtime, self.config.region))
        return lines

    async def wait_initialised(self) -> list[str]:
        """Wait for INIT to finish ahead of traffic (provisioned concurrency); returns INIT's log lines.
        An environment whose INIT runs out of time is shut down."""
        finished = await self._await_init()
        lines = self._take_init_lines()
        if not finished:
            lines.append(init_report_line(self.init_timeout_s() * 1000, None, timed_out=True))
            await self.shutdown("init timed out")
        return lines

    async def shutdown(self, reason: str) -> None:
        """Kill every process of the environment and release its server, pipes and TMPDIR."""
        if self.state is EnvironmentState.SHUT_DOWN:
            return
        self.state = EnvironmentState.SHUT_DOWN
        self._running.set()
        await self._kill_process()
        # shutdown may run inside one of these tasks (the exit watcher): never cancel or await that one.
        others = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        await self._server.aclose()
        self._logs.close()
        shutil.rmtree(self._tmpdir, ignore_errors=True)
        self._emit(EventKind.ENVIRONMENT_SHUT_DOWN, self, reason)

    async def _watch_exit(self, process: EnvironmentProcess) -> None:
        returncode = await process.wait()
        assert self._exited is not None
        if not self._exited.done():
            self._exited.set_result(returncode)
        # During an invocation (or a cold start's INIT) `invoke` reports the exit; otherwise nobody waits.
        if self._inflight is None and not self._claimed:
            await self.shutdown(f"runtime exited ({returncode})")

    async def _watch_memory(self, unit: Unit) -> None:
        """Sample the memory of every process of the environment; kill them all past the memory size."""
        limit = self.config.memory_mb * procfs.MIB
        members: list[int] = []
        samples = 0
        while True:
            await self._running.wait()
            if self.state is EnvironmentState.SHUT_DOWN:
                return
            if samples % _MEMBER_SCAN_EVERY == 0:
                members = unit.members()
            samples += 1
            used = unit.memory_bytes(members)
            self._peak_bytes = max(self._peak_bytes, used)
            if used > limit and not self._out_of_memory:
                self._out_of_memory = True
                unit.kill()
            await asyncio.sleep(MEMORY_POLL_S)

    def _ran_out_of_memory(self) -> bool:
        """The sampling killed the environment over its memory size, or the kernel did (cgroup memory.max)."""
        if not self._out_of_memory and self.unit is not None and self.unit.oom_killed():
            self._out_of_memory = True
        return self._out_of_memory

    def _has_relay(self) -> bool:
        chosen = getattr(self._launcher, "sandbox", None)
        return chosen is not None and chosen[0] == sandbox.NAMESPACES

    def max_memory_used_mb(self) -> int:
        """Peak memory of the environment so far, in MB as REPORT shows it."""
        if self.unit is not None:  # the kernel's high-water mark, where it has one, catches peaks between samples
            self._peak_bytes = max(self._peak_bytes, self.unit.peak_bytes())
        if self._ran_out_of_memory():  # it reached its memory size, whoever noticed first (we or the kernel)
            return self.config.memory_mb
        return -(-self._peak_bytes // procfs.MIB)

    # -- freezing ---------------------------------------------------------------------------------------

    def _freeze(self) -> None:
        """Stop every process of the environment."""
        if self.unit is not None and not self.frozen:
            self._running.clear()
            self.unit.freeze()
            self.frozen = True
            self._emit(EventKind.ENVIRONMENT_FROZEN, self, None)

    def _thaw(self) -> None:
        if self.unit is not None and self.frozen:
            self.unit.thaw()
            self.frozen = False
        self._running.set()

    def reserve(self) -> None:
        """Claim the environment for an invocation (synchronously, so no one else can take it)."""
        self._claimed = True
        self.state = EnvironmentState.BUSY
        self._emit(EventKind.ENVIRONMENT_BUSY, self, None)

    # -- invoking ---------------------------------------------------------------------------------------

    async def invoke(self, invocation: NextInvocation, on_chunk: ChunkSink | None = None) -> InvokeOutcome:
        """Run one invocation: finish INIT if needed, hand the event over, wait for the result or the end.
        `on_chunk` gets a streamed response's pieces as the runtime posts them."""
        assert self._init_done is not None and self._exited is not None
        self._on_chunk = on_chunk
        if self.state is not EnvironmentState.BUSY:
            self.reserve()
        first_invocation = not self._invoked
        self._invoked = True
        if not await self._await_init() and not self.provisioned:
            return await self._invoke_after_suppressed_init(invocation)
        failed = self._init_failure(invocation.request_id)
        if failed is not None:
            return failed
        init_lines = self._take_init_lines()
        outcome = await self._dispatch(invocation, self.config.timeout_s)
        outcome.init_duration_ms = self.init_duration_ms if first_invocation and not self.provisioned else None
        outcome.init_lines = init_lines
        return self._finish(outcome)

    async def _invoke_after_suppressed_init(self, invocation: NextInvocation) -> InvokeOutcome:
        """INIT ran past its 10 s: as Lambda does, log the timeout, start INIT again inside this invocation
        under the function's timeout, then run the event in what is left of it. Duration covers both; the
        REPORT has no Init Duration."""
        assert self._init_done is not None and self._exited is not None
        init_lines = self._take_init_lines()
        init_lines.append(init_report_line(self.init_timeout_s() * 1000, None, timed_out=True))
        began = time.perf_counter()
        await self._respawn()
        await asyncio.wait({self._init_done, self._exited}, timeout=self.config.timeout_s, return_when=asyncio.FIRST_COMPLETED)
        reinit_s = time.perf_counter() - began
        reinit_lines = self._logs.take_lines()
        if self._init_done.done() and self._init_done.result() is None:
            self.init_duration_ms = None
            outcome = await self._dispatch(invocation, max(0.0, self.config.timeout_s - reinit_s))
            report = init_report_line(reinit_s * 1000, None, phase="invoke")
            outcome.lines = [*reinit_lines, report, *outcome.lines]
            outcome.elapsed_s += reinit_s
        else:
            if self._init_done.done():
                body, error_type = self._init_done.result()  # type: ignore[misc]
                outcome = InvokeOutcome(OutcomeKind.INIT_ERROR, body, error_type)
                report = init_report_line(reinit_s * 1000, error_type, phase="invoke")
            elif self._exited.done():
                kind = OutcomeKind.OUT_OF_MEMORY if self._ran_out_of_memory() else OutcomeKind.RUNTIME_EXIT
                outcome = InvokeOutcome(kind, returncode=self._exited.result())
                error_type = "Runtime.OutOfMemory" if self._ran_out_of_memory() else "Runtime.ExitError"
                report = init_report_line(reinit_s * 1000, error_type, phase="invoke")
            else:
                outcome = InvokeOutcome(OutcomeKind.TIMEOUT)
                report = init_report_line(reinit_s * 1000, None, timed_out=True, phase="invoke")
            outcome.lines = [*reinit_lines, report]
            outcome.elapsed_s = reinit_s
            outcome.max_memory_used_mb = self.max_memory_used_mb()
        outcome.duration_ms = outcome.elapsed_s * 1000
        outcome.init_lines = init_lines
        return self._finish(outcome)

    async def _dispatch(self, invocation: NextInvocation, budget_s: float) -> InvokeOutcome:
        """Hand the event to the initialised runtime and wait, at most `budget_s`, for how it ends."""
        assert self._exited is not None
        self.finishing = False
        loop = asyncio.get_running_loop()
        inflight = _Inflight(invocation, loop.create_future())
        self._inflight = inflight
        invocation.deadline_ms = int((time.time() + budget_s) * 1000)
        self._thaw()
        cpu_before = self._cpu_seconds()
        self._queue.put_nowait(invocation)
        started = time.perf_counter()
        throttler = asyncio.create_task(self._throttle())
        try:
            await asyncio.wait({inflight.result, self._exited}, timeout=budget_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            throttler.cancel()
            await asyncio.gather(throttler, return_exceptions=True)
        if inflight.result.done():
            kind, body, error_type = inflight.result.result()
            outcome = InvokeOutcome(kind, body, error_type)
        elif self._exited.done():
            kind = OutcomeKind.OUT_OF_MEMORY if self._ran_out_of_memory() else OutcomeKind.RUNTIME_EXIT
            outcome = InvokeOutcome(kind, returncode=self._exited.result())
        else:
            outcome = InvokeOutcome(OutcomeKind.TIMEOUT)
            if self.unit is not None:
                self.unit.kill()
        ended = time.perf_counter()
        cpu_after = self._cpu_seconds()
        self._inflight = None
        outcome.elapsed_s = ended - (inflight.dispatched_at or started)
        outcome.duration_ms = outcome.elapsed_s * 1000
        outcome.lines = self._logs.take_lines()
        outcome.max_memory_used_mb = self.max_memory_used_mb()
        if cpu_before is not None and cpu_after is not None:
            outcome.cpu_time_ms = max(0.0, cpu_after - cpu_before) * 1000
        return outcome

    def _cpu_seconds(self) -> float | None:
        """CPU time the environment's processes have had so far (the whole cgroup's, where it has one)."""
        return self.unit.cpu_seconds() if self.unit is not None else None

    def _finish(self, outcome: InvokeOutcome) -> InvokeOutcome:
        """After an invocation: a surviving environment goes back to the pool."""
        if outcome.environment_survives:
            self._claimed = False
            self.finishing = not self._runtime_waiting
            self._maybe_become_idle()
        return outcome

    async def _throttle(self) -> None:
        """CPU in proportion to memory during INVOKE (see cpu_share.py), unless switched off: the kernel's
        cpu.max where the cgroup has the cpu controller (lifted when the invocation ends), else SIGSTOP/SIGCONT."""
        unit = self.unit
        if unit is None or not self._models_cpu_share:
            return
        share = cpu_share(self.config.memory_mb)
        if not unit.limits_cpu:
            await throttle(unit, share)
            return
        try:
            unit.limit_cpu(share)
            await asyncio.Event().wait()
        except OSError:
            return  # the cgroup is gone with the environment
        finally:
            try:
                unit.limit_cpu(None)
            except OSError:
                pass

    def _init_failure(self, request_id: str) -> InvokeOutcome | None:
        """The outcome of a cold start whose INIT did not complete, or None if INIT went well."""
        assert self._init_done is not None and self._exited is not None
        if self._init_done.done() and self._init_done.result() is None:
            return None
        init_ms = (time.perf_counter() - self._init_started) * 1000
        if self._init_done.done():
            # The caller gets the runtime's init error as posted: awslambdaric posts it with "requestId": ""
            # (there is no invocation during INIT), and that is what recent Lambda responses show.
            body, error_type = self._init_done.result()  # type: ignore[misc]
            outcome = InvokeOutcome(OutcomeKind.INIT_ERROR, body, error_type)
        elif self._exited.done():
            kind = OutcomeKind.OUT_OF_MEMORY if self._ran_out_of_memory() else OutcomeKind.RUNTIME_EXIT
            outcome = InvokeOutcome(kind, returncode=self._exited.result())
        else:
            outcome = InvokeOutcome(OutcomeKind.TIMEOUT)
            outcome.elapsed_s = init_ms / 1000
        outcome.init_duration_ms = init_ms
        outcome.during_init = True
        outcome.init_lines = self._take_init_lines()
        outcome.max_memory_used_mb = self.max_memory_used_mb()
        return outcome

    # -- the Runtime API side (called by RuntimeApiServer) ----------------------------------------------

    async def next_invocation(self) -> NextInvocation:
        assert self._init_done is not None
        if not self._init_done.done() and self.state is not EnvironmentState.SHUT_DOWN:
            # (An environment being shut down, INIT timed out, may still get its request in before it dies:
            # it did not complete INIT.)
            self.init_duration_ms = (time.perf_counter() - self._init_started) * 1000
            self.initialised = True
            self._init_done.set_result(None)
        self.finishing = False
        self._runtime_waiting = True
        self._maybe_become_idle()
        try:
            invocation = await self._queue.get()
        finally:
            self._runtime_waiting = False
        if self._inflight is not None and self._inflight.invocation is invocation:
            self._inflight.dispatched_at = time.perf_counter()
        return invocation

    def _maybe_become_idle(self) -> None:
        """Idle (and frozen) once the runtime waits for an event and no invocation holds the environment."""
        if (
            self._runtime_waiting
            and not self._claimed
            and self._queue.empty()
            and self.state not in (EnvironmentState.IDLE, EnvironmentState.SHUT_DOWN)
        ):
            self.state = EnvironmentState.IDLE
            self._emit(EventKind.ENVIRONMENT_IDLE, self, None)
            self._freeze()
            self._on_idle(self)

    def _settle(self, request_id: str, kind: OutcomeKind, body: bytes, error_type: str) -> bool:
        inflight = self._inflight
        if inflight is None or inflight.invocation.request_id != request_id or inflight.result.done():
            return False
        inflight.result.set_result((kind, body, error_type))
        return True

    def invocation_response(self, request_id: str, body: bytes, content_type: str) -> bool:
        return self._settle(request_id, OutcomeKind.RESPONSE, body, content_type)

    def invocation_error(self, request_id: str, body: bytes, error_type: str) -> bool:
        return self._settle(request_id, OutcomeKind.FUNCTION_ERROR, body, error_type)

    def response_chunk(self, request_id: str, chunk: bytes, content_type: str) -> None:
        inflight = self._inflight
        if self._on_chunk is not None and inflight is not None and inflight.invocation.request_id == request_id:
            if not inflight.result.done():
                self._on_chunk(chunk, content_type)

    def response_too_large(self, request_id: str, size: int) -> bool:
        return self._settle(request_id, OutcomeKind.RESPONSE_TOO_LARGE, b"", "Function.ResponseSizeTooLarge")

    def init_error(self, body: bytes, error_type: str) -> None:
        assert self._init_done is not None
        if not self._init_done.done():
            self.init_duration_ms = (time.perf_counter() - self._init_started) * 1000
            self._init_done.set_result((body, error_type))
