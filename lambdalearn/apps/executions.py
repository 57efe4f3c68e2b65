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
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from lambdalearn.apps.state_machines import StateMachine, aws_retry_delay_s, aws_wait_s, for_moto, state_named
from lambdalearn.apps.timeline import Timeline

POLL_S = 0.05  # real seconds between looks at a running execution's history
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
    done: bool = False


def matches(error_equals: list[str], error: str) -> bool:
    """AWS's rule: the error's name is listed, or States.ALL; States.TaskFailed matches every error but
    States.Timeout (docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)."""
    if error in error_equals or "States.ALL" in error_equals:
        return True
    return "States.TaskFailed" in error_equals and error != "States.Timeout"


class DefinitionRefused(ValueError):
    """moto's interpreter cannot parse a definition: `file:line: Resources.X: message`, for the command to print."""


def refusal(app_path: Any, machine: StateMachine, error: Exception) -> DefinitionRefused:
    """The located one-line error for a definition moto refused (its parser's first complaint, shortened)."""
    message = str(error).split(" expecting ")[0]
    return DefinitionRefused(f"{app_path}:{machine.line}: Resources.{machine.logical_id}: the local Step Functions"
                             f" refused the definition: {message}")


class Executions:
    """The app's state machines in the local AWS, and the executions the script starts."""

    def __init__(self, machines: dict[str, StateMachine], timeline: Timeline, app_path: Any = "template.yaml") -> None:
        self.machines = machines
        self._app_path = app_path
        self._timeline = timeline
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
        """Start an execution and follow it to its end."""
        self._count += 1
        name = f"execution-{self._count}"
        started = await asyncio.to_thread(self._sfn.start_execution, stateMachineArn=machine.arn, name=name, input=json.dumps(payload))
        execution = _Execution(machine, started["executionArn"], name)
        self._running.append(execution)
        self._timeline.emit("execution", state_machine=machine.logical_id, execution=name, status="RUNNING", input=payload)
        while not execution.done:
            await self.sync()
            if not execution.done:
                await asyncio.sleep(POLL_S)

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
                extra["wait_s"] = aws_wait_s(declared, state_input)
            emit("state_entered", **common, state=state, type=kind[: -len("StateEntered")], input=state_input, **extra)
        elif kind.endswith("StateExited"):
            details = event.get("stateExitedEventDetails", {})
            state = details.get("name", state)
            self._handled(execution, state, common)
            emit("state_exited", **common, state=state, output=_json(details.get("output")))
        elif kind in ("LambdaFunctionFailed", "TaskFailed", "LambdaFunctionTimedOut", "TaskTimedOut", "LambdaFunctionScheduleFailed"):
            details = next((value for name, value in event.items() if name.endswith("EventDetails")), {})
            error = details.get("error") or ("States.Timeout" if kind.endswith("TimedOut") else "States.TaskFailed")
            execution.failed[state] = error
            emit("task_failed", **common, state=state, error=error, cause=details.get("cause"))
        elif kind in ("LambdaFunctionScheduled", "TaskScheduled") and state in execution.failed:
            self._retry(execution, state, common)
        elif kind in _FINAL:
            execution.done = True
            described = self._sfn.describe_execution(executionArn=execution.arn)
            emit("execution", **common, status=described["status"], output=_json(described.get("output")),
                 error=described.get("error"), cause=described.get("cause"))
        if state:
            execution.state_of[event_id] = state

    def _retry(self, execution: _Execution, state: str, common: dict[str, Any]) -> None:
        error = execution.failed.pop(state)
        declared = state_named(execution.machine.definition, state) or {}
        for index, retrier in enumerate(declared.get("Retry") or []):
            if matches(list(retrier.get("ErrorEquals") or []), error):
                number = execution.retries.get((state, index), 0) + 1
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
