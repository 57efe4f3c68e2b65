"""Step Functions executions of an app run: created in moto, started by the script, told in the timeline.

moto's Amazon States Language interpreter runs the execution (enabled through moto's config) and calls the
app's functions through the Lambda Invoke API of `apps/lambda_api.py`. This module reads the execution's
history as it grows and turns it into timeline lines:

- `state_entered` / `state_exited` (state, state type, input or output; a Wait state's AWS `wait_s`);
- `task_failed` (state, error, cause), then `retry` (the retry number and the AWS delay of the matching
  retrier) or `caught` (the error and the catcher's `next` state);
- `execution` (status RUNNING at the start, then SUCCEEDED, FAILED, TIMED_OUT or ABORTED with output or
  error and cause).

Each history event links to the one before it in its branch (`previousEventId`), so states of a Parallel or a
Map running side by side are told apart.

Executions follow the run's clock (`AppClock`). While an execution works, it is looked at again and again at the
same AWS time, so time stands still as it does for any work. A Wait state reaches the run as an Invoke of
`WAIT_FUNCTION` (see `state_machines.for_moto`); `wait` answers it once the clock has passed the wait. When every
state an execution has under way is such a wait, the execution stops being looked at and the clock moves on to
the next piece of work (a schedule, a message visible again, another execution's step or the wait's end).
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lambdalearn.apps.clock import AppClock
from lambdalearn.apps.state_machines import (
    WAIT_FUNCTION,
    StateMachine,
    WaitError,
    aws_retry_delay_s,
    effective_input,
    for_moto,
    nested_states,
    state_named,
    wait_seconds,
)
from lambdalearn.apps.timeline import Timeline
from lambdalearn.runtime.records import InvocationRecord

POLL_S = 0.05  # real seconds between looks at a running execution's history
STILL_S = 3.0  # real seconds an execution with a pending wait may stay unchanged before it counts as waiting
_AT_WORK = ("Task", "Wait", "Pass", "Choice")  # states under way until they exit (Succeed and Fail end at once)
ROLE_ARN = "arn:aws:iam::123456789012:role/lambdalearn-states"
_FINAL = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}


@dataclass
class _Execution:
    machine: StateMachine
    arn: str
    name: str
    seen: int = 0
    state_of: dict[int, str] = field(default_factory=dict)  # history event id -> the state it belongs to
    failed: dict[str, str] = field(default_factory=dict)  # state -> the error it failed with, not yet handled
    retries: dict[tuple[str, int], int] = field(default_factory=dict)  # (state, retrier index) -> retries so far
    working: Counter[str] = field(default_factory=Counter)  # state -> how many of its runs are under way
    waits: list[asyncio.Future[None]] = field(default_factory=list)  # its Wait states' pending waits
    looking: bool = False  # a look at its history is scheduled on the run's clock
    still: int = 0  # looks in a row that found nothing new while a wait was pending
    refused: str | None = None  # why a Wait state's time could not be read (the cause of its States.Runtime)
    done: bool = False

    def waiting(self, changed: bool) -> bool:
        """Whether all the execution does now is wait (so the run's clock may move on): every state under way
        is a pending Wait, and the history did not change since the last look. A state whose end the history
        does not tell (one a Parallel left behind when another branch failed) could hold the count up for ever, so a
        history unchanged for STILL_S with a wait pending counts as waiting too."""
        self.still = 0 if changed or not self.waits else self.still + 1
        if changed or not self.waits:
            return False
        return sum(self.working.values()) <= len(self.waits) or self.still * POLL_S >= STILL_S


def matches(error_equals: list[str], error: str) -> bool:
    """AWS's rule: the error's name is listed, or States.ALL; States.TaskFailed matches every error but
    States.Timeout (docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)."""
    if error in error_equals or "States.ALL" in error_equals:
        return True
    return "States.TaskFailed" in error_equals and error != "States.Timeout"


def _answer(status: str, payload: Any, error_type: str | None = None) -> InvocationRecord:
    """The Invoke answer of a Wait state: a call that ran no function and costs nothing."""
    return InvocationRecord(str(uuid.uuid4()), None, False, None, 0.0, 0, 0, 0, status, error_type, payload, 0.0)


class DefinitionRefused(ValueError):
    """moto's interpreter cannot parse a definition: `file:line: Resources.X: message`, for the command to print."""


def refusal(app_path: Any, machine: StateMachine, error: Exception) -> DefinitionRefused:
    """The located one-line error for a definition moto refused (its parser's first complaint, shortened)."""
    message = str(error).split(" expecting ")[0]
    return DefinitionRefused(f"{app_path}:{machine.line}: Resources.{machine.logical_id}: the local Step Functions"
                             f" refused the definition: {message}")


class Executions:
    """The app's state machines in the local AWS, and the executions the script starts."""

    def __init__(self, machines: dict[str, StateMachine], timeline: Timeline, clock: AppClock, app_path: Any = "template.yaml") -> None:
        self.machines = machines
        self._app_path = app_path
        self._timeline = timeline
        self._clock = clock
        self._sfn: Any = None
        self._running: list[_Execution] = []
        self._lock = asyncio.Lock()
        self._count = 0

    def create(self, aws: Any) -> None:
        """Turn moto's interpreter on and create each state machine (blocking: call in a thread)."""
        request = urllib.request.Request(
            f"{aws.endpoint_url}/moto-api/config", method="POST",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        )
        with urllib.request.urlopen(request, timeout=10):
            pass
        self._sfn = aws.client("stepfunctions")
        for machine in self.machines.values():
            try:
                self._sfn.create_state_machine(name=machine.name, definition=for_moto(machine.definition),
                                               roleArn=ROLE_ARN, type=machine.type)
            except self._sfn.exceptions.InvalidDefinition as refused:
                raise refusal(self._app_path, machine, refused) from None

    async def run(self, machine: StateMachine, payload: Any) -> None:
        """Start an execution, then follow it on the run's clock to its end."""
        self._count += 1
        name = f"execution-{self._count}"
        self._timeline.emit("execution", state_machine=machine.logical_id, execution=name, status="RUNNING", input=payload)  # in script order
        started = await asyncio.to_thread(self._sfn.start_execution, stateMachineArn=machine.arn, name=name, input=json.dumps(payload))
        execution = _Execution(machine, started["executionArn"], name)
        self._running.append(execution)
        self._follow(execution)

    def _follow(self, execution: _Execution) -> None:
        """Follow the execution from now (on the clock), unless it is followed already."""
        if not execution.looking and not execution.done:
            execution.looking = True
            self._clock.call_later(0.0, lambda: self._look(execution))

    async def _look(self, execution: _Execution) -> None:
        """Tell what the execution does while it works, as one piece of the run's work (so time stands still,
        and a Flow screen step runs it to its next wait); once it only waits, stop: each wait's end follows it
        again, at its AWS time."""
        while True:
            seen = execution.seen
            await asyncio.sleep(POLL_S)
            await self.sync()
            if execution.done or execution.waiting(changed=execution.seen != seen):
                execution.looking = False
                return

    @staticmethod
    def is_wait(function: str) -> bool:
        """Whether an Invoke is a Wait state's (see `for_moto`), which the run's clock answers, not a function."""
        return function == WAIT_FUNCTION

    async def wait(self, parameters: Any) -> InvocationRecord:
        """Answer a Wait state with its input once the run's clock has passed its wait; a time its input does not
        give fails the state with States.Runtime, as on AWS."""
        try:
            return _answer("success", await self._wait(parameters))
        except WaitError as refused:  # moto's interpreter turns the name into its own States.Runtime error
            return _answer("error", {"errorType": "States.Runtime", "errorMessage": str(refused)}, "States.Runtime")

    async def _wait(self, parameters: Any) -> Any:
        if not isinstance(parameters, dict):
            raise WaitError("the Wait state's call carries no parameters")
        execution = next((e for e in self._running if e.arn == parameters.get("execution")), None)
        if execution is None:
            raise WaitError(f"no running execution {parameters.get('execution')}")
        declared = state_named(execution.machine.definition, str(parameters.get("state"))) or {}
        try:
            seconds = wait_seconds(declared, parameters.get("input"), self._clock.now())
        except WaitError as refused:
            execution.refused = f"state {parameters.get('state')}: {refused}"
            raise
        waiting: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        execution.waits.append(waiting)

        def end() -> None:
            execution.waits.remove(waiting)
            waiting.set_result(None)
            self._follow(execution)

        self._clock.call_later(seconds, end)
        await waiting
        return parameters.get("input")

    async def sync(self) -> None:
        """Tell what the running executions did since the last look (before an invocation, so lines keep order)."""
        async with self._lock:
            for execution in list(self._running):
                history = await asyncio.to_thread(self._history, execution.arn)
                for event in history[execution.seen:]:
                    self._tell(execution, event)
                execution.seen = len(history)
                if execution.done:
                    self._running.remove(execution)

    def _history(self, execution_arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        token: dict[str, str] = {}
        while True:
            page = self._sfn.get_execution_history(executionArn=execution_arn, maxResults=1000, **token)
            events.extend(page["events"])
            if not page.get("nextToken"):
                return events
            token = {"nextToken": page["nextToken"]}

    def _tell(self, execution: _Execution, event: dict[str, Any]) -> None:
        kind, event_id = event["type"], event["id"]
        state = execution.state_of.get(event.get("previousEventId", 0), "")
        emit, common = self._timeline.emit, {"state_machine": execution.machine.logical_id, "execution": execution.name}
        if kind.endswith("StateEntered"):
            details = event.get("stateEnteredEventDetails", {})
            state = details.get("name", "")
            state_input = _json(details.get("input"))
            self._handled(execution, state, common)
            extra: dict[str, Any] = {}
            declared = state_named(execution.machine.definition, state) or {}
            if declared.get("Type") == "Wait":
                extra["wait_s"] = self._wait_s(declared, state_input)
            if declared.get("Type") in _AT_WORK:
                execution.working[state] += 1
            emit("state_entered", **common, state=state, type=declared.get("Type") or kind[: -len("StateEntered")], input=state_input, **extra)
        elif kind.endswith("StateExited"):
            details = event.get("stateExitedEventDetails", {})
            state = details.get("name", state)
            self._handled(execution, state, common)
            execution.working[state] = max(0, execution.working[state] - 1)
            for inner in nested_states(state_named(execution.machine.definition, state) or {}):
                execution.working[inner] = 0  # a Parallel or Map that exits has nothing under way inside
            emit("state_exited", **common, state=state, output=_json(details.get("output")))
        elif kind in ("LambdaFunctionFailed", "TaskFailed", "LambdaFunctionTimedOut", "TaskTimedOut", "LambdaFunctionScheduleFailed"):
            details = next((value for name, value in event.items() if name.endswith("EventDetails")), {})
            error = details.get("error") or ("States.Timeout" if kind.endswith("TimedOut") else "States.TaskFailed")
            execution.failed[state] = error
            execution.working[state] = max(0, execution.working[state] - 1)
            emit("task_failed", **common, state=state, error=error, cause=details.get("cause"))
        elif kind in ("LambdaFunctionScheduled", "TaskScheduled") and state in execution.failed:
            self._retry(execution, state, common)
        elif kind in _FINAL:
            execution.done = True
            described = self._sfn.describe_execution(executionArn=execution.arn)
            error, cause = described.get("error"), described.get("cause")
            if error == "States.Runtime" and execution.refused:  # moto's own words name no field
                cause = execution.refused
            emit("execution", **common, status=described["status"], output=_json(described.get("output")), error=error, cause=cause)
        if state:
            execution.state_of[event_id] = state

    def _wait_s(self, declared: dict[str, Any], state_input: Any) -> float | None:
        """The AWS seconds the Wait state entered now will wait (None when its input does not say)."""
        try:
            return wait_seconds(declared, effective_input(declared, state_input), self._clock.now())
        except WaitError:
            return None

    def _retry(self, execution: _Execution, state: str, common: dict[str, Any]) -> None:
        error = execution.failed.pop(state)
        declared = state_named(execution.machine.definition, state) or {}
        for index, retrier in enumerate(declared.get("Retry") or []):
            if matches(list(retrier.get("ErrorEquals") or []), error):
                number = execution.retries.get((state, index), 0) + 1
                execution.working[state] += 1
                execution.retries[(state, index)] = number
                self._timeline.emit("retry", **common, state=state, error=error, retry=number,
                                    max_attempts=retrier.get("MaxAttempts", 3), delay_s=aws_retry_delay_s(retrier, number))
                return

    def _handled(self, execution: _Execution, state: str, common: dict[str, Any]) -> None:
        """A failed state that exits (or whose catcher is entered) was caught by a Catch."""
        for failed_state, error in list(execution.failed.items()):
            declared = state_named(execution.machine.definition, failed_state) or {}
            catcher = next((c for c in declared.get("Catch") or [] if matches(list(c.get("ErrorEquals") or []), error)), None)
            if catcher is not None and (state in (failed_state, catcher.get("Next"))):
                del execution.failed[failed_state]
                self._timeline.emit("caught", **common, state=failed_state, error=error, next=catcher.get("Next"))


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
