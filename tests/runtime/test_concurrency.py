"""Concurrency as Lambda counts it: one environment per in-flight invocation, throttling beyond the limit,
provisioned environments initialised before traffic, idle shutdown on the runtime's clock."""

from __future__ import annotations

import asyncio

import pytest

from lambdalearn.runtime.clock import CompressedClock, ManualClock
from lambdalearn.runtime.events import EventKind
from lambdalearn.runtime.service import LambdaRuntime

pytestmark = pytest.mark.slow

SLOW_EVENT = {"action": "sleep_then_return", "seconds": 0.4}


def test_invocations_beyond_reserved_concurrency_are_throttled_with_lambdas_429_body(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("hostile.misbehave", reserved_concurrency=2)) as runtime:
            records = await runtime.invoke_many([SLOW_EVENT] * 4, concurrency=4)
            return records, runtime.metrics

    records, metrics = run(scenario())
    statuses = sorted(record.status for record in records)
    assert statuses == ["success", "success", "throttled", "throttled"]
    throttled = next(record for record in records if record.status == "throttled")
    assert throttled.error_type == "TooManyRequestsException"
    assert throttled.payload == {
        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
        "Type": "User",
        "message": "Rate Exceeded.",
    }
    assert throttled.environment_id is None and throttled.cost_usd == 0 and throttled.logs == []
    assert (metrics.invocations, metrics.throttles, metrics.concurrent_executions) == (2, 2, 2)


def test_reserved_concurrency_zero_throttles_everything(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.echo", reserved_concurrency=0)) as runtime:
            return await runtime.invoke({}), runtime.environments()

    record, environments = run(scenario())
    assert record.status == "throttled" and environments == []


def test_the_account_pool_limits_functions_without_reserved_concurrency(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("hostile.misbehave", account_concurrency_limit=2)) as runtime:
            return await runtime.invoke_many([SLOW_EVENT] * 3, concurrency=3)

    records = run(scenario())
    throttled = [record for record in records if record.status == "throttled"]
    assert len(throttled) == 1
    assert throttled[0].payload["Reason"] == "ConcurrentInvocationLimitExceeded"


def test_sequential_invocations_reuse_one_environment_without_throttling(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.echo", reserved_concurrency=1)) as runtime:
            return await runtime.invoke_many([{}] * 5, concurrency=1)

    records = run(scenario())
    assert [record.status for record in records] == ["success"] * 5
    assert [record.cold_start for record in records] == [True, False, False, False, False]
    assert len({record.environment_id for record in records}) == 1


def test_provisioned_environments_are_initialised_before_traffic_and_show_no_cold_start(run, function_config):
    async def scenario():
        runtime = LambdaRuntime(function_config("hostile.misbehave", provisioned_concurrency=2, version="1"))
        kinds_before_traffic: list[EventKind] = []
        runtime.events.subscribe(lambda event: kinds_before_traffic.append(event.kind))
        async with runtime:
            before = list(kinds_before_traffic)
            records = await runtime.invoke_many([SLOW_EVENT] * 3, concurrency=3)
            return before, records, runtime.metrics

    before, records, metrics = run(scenario())
    assert before.count(EventKind.ENVIRONMENT_CREATED) == 2 and before.count(EventKind.ENVIRONMENT_FROZEN) == 2
    provisioned = [record for record in records if record.environment_id.startswith("pc-")]
    spillover = [record for record in records if record.environment_id.startswith("env-")]
    assert len(provisioned) == 2 and len(spillover) == 1
    assert all(not record.cold_start and record.init_duration_ms is None for record in provisioned)
    assert all("Init Duration" not in record.logs[-1] for record in provisioned)
    assert spillover[0].cold_start and spillover[0].init_duration_ms is not None
    assert metrics.provisioned_concurrency_invocations == 2
    assert metrics.provisioned_concurrency_spillover_invocations == 1


def test_provisioned_environments_know_their_initialization_type(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.environ", provisioned_concurrency=1, version="1")) as runtime:
            return await runtime.invoke({})

    record = run(scenario())
    assert record.payload["environ"]["AWS_LAMBDA_INITIALIZATION_TYPE"] == "provisioned-concurrency"


async def _wait_until_idle(runtime: LambdaRuntime) -> None:
    for _ in range(1000):
        if all(view.state == "idle" for view in runtime.environments()):
            for _ in range(5):  # let the idle timer the runtime just created start sleeping on the clock
                await asyncio.sleep(0)
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"environments never became idle: {runtime.environments()}")


def test_an_idle_environment_is_shut_down_after_the_idle_timeout_of_the_clock(run, function_config):
    async def scenario():
        clock = ManualClock()
        async with LambdaRuntime(function_config("basic.echo"), clock=clock, idle_timeout_s=300) as runtime:
            first = await runtime.invoke({})
            await _wait_until_idle(runtime)
            await clock.advance(299)
            still_there = len(runtime.environments())
            await clock.advance(2)
            for _ in range(1000):
                if not runtime.environments():
                    break
                await asyncio.sleep(0.01)
            gone = runtime.environments() == []
            second = await runtime.invoke({})
        return first, still_there, gone, second

    first, still_there, gone, second = run(scenario())
    assert still_there == 1 and gone
    assert second.cold_start and second.environment_id != first.environment_id


def test_a_compressed_clock_makes_idle_minutes_pass_in_fractions_of_a_second(run, function_config):
    async def scenario():
        clock = CompressedClock(factor=3000)
        shut_down = asyncio.Event()
        runtime = LambdaRuntime(function_config("basic.echo"), clock=clock, idle_timeout_s=300)
        runtime.events.subscribe(lambda event: event.kind is EventKind.ENVIRONMENT_SHUT_DOWN and shut_down.set())
        async with runtime:
            await runtime.invoke({})
            await asyncio.wait_for(shut_down.wait(), timeout=10)
            return runtime.environments()

    assert run(scenario()) == []


def test_the_event_stream_yields_throttles_as_they_happen(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.echo", reserved_concurrency=0)) as runtime:
            stream = runtime.events.stream()
            pending = asyncio.ensure_future(stream.__anext__())
            await asyncio.sleep(0)
            record = await runtime.invoke({})
            event = await asyncio.wait_for(pending, timeout=5)
            await stream.aclose()
            return record, event

    record, event = run(scenario())
    assert event.kind is EventKind.INVOCATION_THROTTLED
    assert event.request_id == record.request_id and event.detail is record


def test_a_provisioned_environment_whose_init_fails_is_shut_down_and_traffic_goes_on_demand(run, function_config):
    async def scenario():
        runtime = LambdaRuntime(function_config("import_error.handler", provisioned_concurrency=1, version="1"))
        shut_down = asyncio.Event()
        runtime.events.subscribe(lambda event: event.kind is EventKind.ENVIRONMENT_SHUT_DOWN and shut_down.set())
        async with runtime:
            await asyncio.wait_for(shut_down.wait(), timeout=10)
            pool_after_failure = runtime.environments()
            record = await runtime.invoke({})
        return pool_after_failure, record, runtime.provisioning_logs

    pool_after_failure, record, provisioning_logs = run(scenario())
    assert pool_after_failure == []
    assert any("Runtime.ImportModuleError" in line for line in provisioning_logs)
    assert record.cold_start and record.error_type == "Runtime.ImportModuleError"


def test_a_launcher_passed_in_is_shared_and_left_running_for_its_owner(run, function_config):
    from lambdalearn.runtime.launcher import ForkServerLauncher
    from lambdalearn.runtime.procfs import is_alive

    async def scenario():
        launcher = ForkServerLauncher()
        try:
            for handler in ("basic.echo", "pkg.sub.mod.handler"):
                async with LambdaRuntime(function_config(handler), launcher=launcher) as runtime:
                    record = await runtime.invoke({})
                    assert record.status == "success"
            return launcher.pid, is_alive(launcher.pid)
        finally:
            await launcher.aclose()

    pid, alive_between_runtimes = run(scenario())
    assert alive_between_runtimes and not is_alive(pid)


def test_a_cancelled_invocation_does_not_keep_its_environment(run, function_config, leftover_processes):
    async def scenario():
        async with LambdaRuntime(function_config("hostile.misbehave", timeout_s=30)) as runtime:
            task = asyncio.create_task(runtime.invoke({"action": "infinite_loop"}))
            while not runtime.environments() or runtime.environments()[0].pid is None:
                await asyncio.sleep(0.01)
            pids = {view.pid for view in runtime.environments()}
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            pool_after_cancel = runtime.environments()
            after = await runtime.invoke({"action": "ok"})
        return pids, pool_after_cancel, after

    pids, pool_after_cancel, after = run(scenario())
    assert pool_after_cancel == [] and after.status == "success"
    assert leftover_processes(pids) == {}


def test_concurrent_first_invocations_wait_for_provisioned_environments(run, function_config):
    async def scenario():
        runtime = LambdaRuntime(function_config("hostile.misbehave", provisioned_concurrency=2, version="1"))
        try:
            return await runtime.invoke_many([SLOW_EVENT] * 2, concurrency=2)  # no explicit start()
        finally:
            await runtime.aclose()

    records = run(scenario())
    assert sorted(record.environment_id for record in records) == ["pc-1", "pc-2"]
