"""Handlers that misbehave are contained: the runtime reports them as Lambda would, keeps serving, and
leaves no process behind."""

from __future__ import annotations

import re

import pytest

from lambdalearn.runtime.cpu_share import FULL_VCPU_MEMORY_MB
from lambdalearn.runtime.events import EventKind, RuntimeEvent
from lambdalearn.runtime.service import LambdaRuntime

pytestmark = pytest.mark.slow


def record_environment_pids(runtime: LambdaRuntime) -> set[int]:
    """The pids of every environment that ever runs an invocation (collected as invocations start)."""
    pids: set[int] = set()

    def collect(event: RuntimeEvent) -> None:
        if event.kind is EventKind.INVOCATION_STARTED:
            pids.update(view.pid for view in runtime.environments() if view.pid)

    runtime.events.subscribe(collect)
    return pids


@pytest.fixture
def misbehave_then_behave(run, function_config, leftover_processes):
    """Invoke hostile.misbehave with `action`, then with "ok" in the same runtime; check nothing is left."""

    def scenario(action: str, **config):
        async def go():
            runtime = LambdaRuntime(function_config("hostile.misbehave", **config))
            pids = record_environment_pids(runtime)
            async with runtime:
                bad = await runtime.invoke({"action": action})
                good = await runtime.invoke({"action": "ok"})
            return bad, good, pids

        bad, good, pids = run(go())
        assert good.status == "success" and good.payload == {"ok": True}, "the runtime must keep serving"
        assert len(pids) >= 1 and leftover_processes(pids) == {}, "no process may be left behind"
        return bad, good

    return scenario


def test_an_infinite_loop_times_out_and_the_next_invocation_is_a_cold_start(misbehave_then_behave):
    bad, good = misbehave_then_behave("infinite_loop", timeout_s=1)
    assert bad.error_type == "Sandbox.Timedout"
    assert good.cold_start


def test_a_memory_bomb_is_killed_at_the_memory_size_and_reported_as_out_of_memory(misbehave_then_behave):
    bad, good = misbehave_then_behave("memory_bomb", memory_mb=128, timeout_s=10)
    assert bad.error_type == "Runtime.OutOfMemory"
    assert bad.payload["errorMessage"] == f"RequestId: {bad.request_id} Error: Runtime exited with error: signal: killed"
    assert bad.max_memory_used_mb == 128
    assert bad.logs[-1].endswith("\tStatus: error\tError Type: Runtime.OutOfMemory")
    assert good.cold_start


def test_os_exit_is_a_runtime_exit_error_with_the_exit_status(misbehave_then_behave):
    bad, good = misbehave_then_behave("exit_3")
    assert bad.error_type == "Runtime.ExitError"
    assert bad.payload == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {bad.request_id} Error: Runtime exited with error: exit status 3",
    }
    assert f"RequestId: {bad.request_id} Error: Runtime exited with error: exit status 3" in bad.logs
    assert good.cold_start


def test_sys_exit_in_a_handler_ends_the_runtime_too(misbehave_then_behave):
    bad, _ = misbehave_then_behave("sys_exit")
    assert bad.payload["errorMessage"].endswith("Runtime exited with error: exit status 7")


def test_sys_exit_0_is_a_runtime_exit_without_a_reason(misbehave_then_behave):
    bad, _ = misbehave_then_behave("sys_exit_0")
    assert bad.payload == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {bad.request_id} Error: Runtime exited without providing a reason",
    }
    assert bad.function_error == "Unhandled"


def test_a_child_process_left_running_dies_with_its_environment(misbehave_then_behave):
    bad, good = misbehave_then_behave("leave_child")
    assert bad.status == "success" and isinstance(bad.payload["child_pid"], int)
    assert not good.cold_start  # the environment lives on until shut down; the probe checks the child died then


def test_a_child_process_of_a_timed_out_environment_is_killed_with_the_group(misbehave_then_behave):
    bad, _ = misbehave_then_behave("leave_child_and_hang", timeout_s=1)
    assert bad.error_type == "Sandbox.Timedout"
    assert any(line.startswith("child ") for line in bad.logs)


def test_a_log_flood_is_cut_at_the_cap_with_a_marker(misbehave_then_behave):
    bad, good = misbehave_then_behave("log_flood", memory_mb=FULL_VCPU_MEMORY_MB)  # the flood is the point, not CPU
    assert bad.status == "success" and bad.payload == "flooded"
    kept = sum(len(line) + 1 for line in bad.logs)
    assert kept < 1024 * 1024 + 10_000
    assert any(re.fullmatch(r"\[lambdalearn\] output truncated: \d+ more bytes dropped .*", line) for line in bad.logs)
    assert not good.cold_start
    assert len(good.logs) == 3  # START, END, REPORT: the flood did not spill into the next invocation


def test_an_unserializable_result_keeps_the_environment(misbehave_then_behave):
    bad, good = misbehave_then_behave("unserializable_result")
    assert bad.error_type == "Runtime.MarshalError"
    assert not good.cold_start


@pytest.mark.parametrize(
    ("handler", "error_type"),
    [("import_error.handler", "Runtime.ImportModuleError"), ("syntax_error.handler", "Runtime.UserCodeSyntaxError")],
)
def test_init_errors_leave_nothing_behind_and_every_retry_is_a_new_cold_start(
    run, function_config, leftover_processes, handler, error_type
):
    async def scenario():
        runtime = LambdaRuntime(function_config(handler))
        pids = record_environment_pids(runtime)
        async with runtime:
            records = [await runtime.invoke({}) for _ in range(3)]
        return records, pids

    records, pids = run(scenario())
    assert [record.error_type for record in records] == [error_type] * 3
    assert all(record.cold_start for record in records)
    assert len({record.environment_id for record in records}) == 3
    assert leftover_processes(pids) == {}


def test_an_init_over_the_limit_twice_is_a_timeout_and_leaves_nothing(run, function_config, leftover_processes, monkeypatch):
    from lambdalearn.runtime import environment

    monkeypatch.setattr(environment, "INIT_TIMEOUT_S", 0.5)  # Lambda's limit is 10 s; keep the test short

    async def scenario():
        runtime = LambdaRuntime(function_config("slow_init.handler"))
        pids = record_environment_pids(runtime)
        async with runtime:
            record = await runtime.invoke({})
        return record, pids

    record, pids = run(scenario())
    assert len(pids) == 1
    assert record.error_type == "Sandbox.Timedout" and record.cold_start
    reports = [line for line in record.logs if line.startswith("INIT_REPORT Init Duration: ")]
    assert [line.split("\t", 1)[1] for line in reports] == ["Phase: init\tStatus: timeout", "Phase: invoke\tStatus: timeout"]
    assert leftover_processes(pids) == {}


def test_killing_the_fork_server_costs_one_invocation_and_a_new_one_starts(misbehave_then_behave):
    bad, good = misbehave_then_behave("kill_parent", timeout_s=3)
    assert bad.error_type == "Runtime.ExitError"
    assert good.cold_start
