"""The INIT phase as AWS runs it: INIT_START, the 10-second limit and the re-run inside the first invocation,
the longer limit of provisioned environments, and provisioned environments replaced when they die.

AWS: "Understanding the Lambda execution environment lifecycle", Init phase and "Failures during the Init
phase" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html): INIT is limited to
10 seconds; if it does not finish, Lambda retries it at the first invocation under the function's timeout.
Provisioned concurrency INIT may take 130 seconds or the function timeout, whichever is higher. INIT_START
carries the runtime version (https://docs.aws.amazon.com/lambda/latest/dg/runtime-management-identify.html).
Long waits run on a ManualClock, so the tests pass Lambda's limits at once.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from lambdalearn.runtime.clock import ManualClock
from lambdalearn.runtime.events import EventKind
from lambdalearn.runtime.service import LambdaRuntime

pytestmark = pytest.mark.slow

INIT_REPORT = r"INIT_REPORT Init Duration: (\d+\.\d\d) ms\tPhase: (\w+)"


async def advance_when_waiting(clock: ManualClock, seconds: float) -> None:
    """Advance the clock once the INIT limit's wait has begun."""
    while clock.sleepers == 0:
        await asyncio.sleep(0.005)
    await clock.advance(seconds)


def invoke_past_the_init_limit(run, config):
    """One invocation of a cold function whose first INIT outlasts the 10-second limit (on a ManualClock);
    the record and the pool afterwards."""
    clock = ManualClock()

    async def scenario():
        async with LambdaRuntime(config, clock=clock) as runtime:
            invocation = asyncio.ensure_future(runtime.invoke({}))
            await advance_when_waiting(clock, 10)
            record = await invocation
            return record, runtime.environments()

    return run(scenario())


def test_an_init_over_10_seconds_is_rerun_inside_the_first_invocation(run, function_config):
    config = function_config("timed_init.handler", environment={"INIT_SLEEP_S": "0.6"}, timeout_s=5)
    record, _ = invoke_past_the_init_limit(run, config)
    assert record.status == "success" and record.payload == {"ok": True} and record.cold_start
    assert record.logs[0].startswith("INIT_START Runtime Version: python:3.13.")
    assert record.logs[1] == "INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout"
    assert record.logs[2] == f"START RequestId: {record.request_id} Version: $LATEST"
    assert record.logs[3] == "INIT: timed_init ready"  # the re-run INIT's output
    rerun = re.fullmatch(INIT_REPORT, record.logs[4])
    assert rerun and rerun.group(2) == "invoke"
    assert record.logs[5] == "handling"
    assert record.init_duration_ms is None and "Init Duration" not in record.logs[-1]
    assert record.duration_ms >= float(rerun.group(1)) >= 600  # the re-run INIT is part of Duration


def test_a_rerun_init_that_outlasts_the_function_timeout_is_a_timeout_of_the_invocation(run, function_config):
    config = function_config("timed_init.handler", environment={"INIT_SLEEP_S": "30"}, timeout_s=1)
    record, pool = invoke_past_the_init_limit(run, config)
    assert record.error_type == "Sandbox.Timedout"
    assert re.fullmatch(r"RequestId: \S+ Error: Task timed out after 1\.\d\d seconds", record.payload["errorMessage"])
    assert any(re.fullmatch(INIT_REPORT + r"\tStatus: timeout", line) and "Phase: invoke" in line for line in record.logs)
    assert record.billed_duration_ms == 1000
    assert pool == []


@pytest.mark.parametrize(
    ("timeout_s", "advance_s", "times_out"),
    [(3, 129, False), (3, 130, True), (300, 299, False), (300, 300, True)],
)
def test_provisioned_init_may_take_130_seconds_or_the_function_timeout(run, function_config, timeout_s, advance_s, times_out):
    clock = ManualClock()
    config = function_config(
        "timed_init.handler", environment={"INIT_SLEEP_S": "0.5"}, timeout_s=timeout_s, provisioned_concurrency=1,
        version="1",
    )

    async def scenario():
        runtime = LambdaRuntime(config, clock=clock)
        try:
            starting = asyncio.ensure_future(runtime.start())  # not `async with`: it would wait for INIT first
            await advance_when_waiting(clock, advance_s)
            await starting
            return runtime.provisioning_logs, [view.state for view in runtime.environments()]
        finally:
            await runtime.aclose()

    logs, states = run(scenario())
    assert logs[0].startswith("INIT_START ")
    if times_out:
        assert logs[-1] == f"INIT_REPORT Init Duration: {max(130, timeout_s) * 1000:.2f} ms\tPhase: init\tStatus: timeout"
        assert states == []
    else:
        assert "INIT: timed_init ready" in logs and states == ["idle"]


def test_a_provisioned_environment_that_dies_is_replaced_in_the_background(run, function_config):
    config = function_config("hostile.misbehave", provisioned_concurrency=1, version="1")

    async def scenario():
        async with LambdaRuntime(config) as runtime:
            ready = asyncio.Event()
            runtime.events.subscribe(lambda event: event.kind is EventKind.ENVIRONMENT_IDLE and ready.set())
            crash = await runtime.invoke({"action": "exit_3"})
            ready.clear()
            await asyncio.wait_for(ready.wait(), timeout=10)
            after = await runtime.invoke({"action": "ok"})
            return crash, after, runtime.metrics

    crash, after, metrics = run(scenario())
    assert crash.environment_id == "pc-1" and crash.error_type == "Runtime.ExitError"
    assert after.environment_id == "pc-2" and not after.cold_start and after.payload == {"ok": True}
    assert metrics.provisioned_concurrency_invocations == 2 and metrics.cold_starts == 0


def test_init_start_is_logged_once_per_environment(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.echo")) as runtime:
            return [await runtime.invoke({}) for _ in range(2)]

    first, second = run(scenario())
    assert sum(line.startswith("INIT_START ") for line in first.logs + second.logs) == 1
