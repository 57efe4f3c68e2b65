"""The mini-Lambda as a learner observes it: payloads, context, variables, errors, log lines, cold/warm."""

from __future__ import annotations

import asyncio
import json
import math
import os
import re

import pytest

from lambdalearn.runtime.events import EventKind
from lambdalearn.runtime.records import RECORD_KEYS
from lambdalearn.runtime.service import LambdaRuntime, SyncLambdaRuntime

pytestmark = pytest.mark.slow


@pytest.fixture
def invoke_twice(run, function_config):
    """Invoke `handler` twice in one runtime; returns both records."""

    def invoke(handler: str, event=None, **config):
        async def scenario():
            async with LambdaRuntime(function_config(handler, **config)) as runtime:
                return await runtime.invoke(event), await runtime.invoke(event)

        return run(scenario())

    return invoke


def test_a_cold_start_then_a_warm_start_in_the_same_environment(invoke_twice):
    first, second = invoke_twice("basic.echo", {"a": 1})
    assert first.payload == {"event": {"a": 1}} and first.status == "success" and first.error_type is None
    assert first.cold_start and first.init_duration_ms is not None and first.init_duration_ms > 0
    assert not second.cold_start and second.init_duration_ms is None
    assert first.environment_id == second.environment_id
    assert set(first.to_dict()) == set(RECORD_KEYS)
    # the cold start's bill covers its INIT too (a warm call's time on a loaded machine can outgrow it, so the
    # two costs are not compared); durations are shown to 0.01 ms, the bill rounds the unrounded sum up
    assert isinstance(first.billed_duration_ms, int)
    assert first.billed_duration_ms >= first.duration_ms + first.init_duration_ms - 0.01
    assert first.cost_usd > 0 and second.cost_usd > 0


def test_log_lines_are_lambdas_start_end_report_with_init_output_first(invoke_twice):
    first, second = invoke_twice("basic.echo", {"a": 1})
    request_id = first.request_id
    assert re.fullmatch(
        r"INIT_START Runtime Version: python:3\.13\.v\d+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}",
        first.logs[0],
    )  # https://docs.aws.amazon.com/lambda/latest/dg/runtime-management-identify.html
    first_logs = first.logs[1:]
    assert first_logs[0] == "INIT: module basic loaded"
    assert first_logs[1] == f"START RequestId: {request_id} Version: $LATEST"
    assert first_logs[2] == 'handling {"a": 1}'
    assert first_logs[3] == f"END RequestId: {request_id}"
    report = first_logs[4]
    assert re.fullmatch(
        rf"REPORT RequestId: {request_id}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB"
        r"\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms",
        report,
    )
    assert "Init Duration" not in second.logs[-1]
    assert second.logs[0].startswith("START RequestId: ")  # INIT_START only when INIT runs


def test_billed_duration_includes_init_on_a_cold_start(invoke_twice):
    first, second = invoke_twice("basic.echo")
    assert first.billed_duration_ms >= first.duration_ms + first.init_duration_ms
    assert second.billed_duration_ms >= second.duration_ms


def test_the_context_object_carries_what_lambda_passes(run, function_config):
    async def scenario():
        config = function_config("basic.context_info", function_name="ctx-fn", memory_mb=256, timeout_s=5)
        async with LambdaRuntime(config) as runtime:
            return await runtime.invoke({}, client_context={"custom": {"team": "blue"}})

    record = run(scenario())
    context = record.payload
    assert context["function_name"] == "ctx-fn"
    assert context["function_version"] == "$LATEST"
    assert context["invoked_function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:ctx-fn"
    assert context["memory_limit_in_mb"] == "256"
    assert context["aws_request_id"] == record.request_id
    assert context["log_group_name"] == "/aws/lambda/ctx-fn"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", context["log_stream_name"])
    assert 4000 < context["remaining_ms"] <= 5000
    assert context["client_context_custom"] == {"team": "blue"}
    assert context["cognito_identity_id"] is None


def test_environment_variables_are_lambdas_own_plus_the_functions_and_no_host_secrets(run, monkeypatch, function_config, handlers_dir):
    monkeypatch.setenv("HOST_SECRET_TOKEN", "do-not-leak")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALHOSTKEY")

    async def scenario():
        config = function_config("basic.environ", environment={"TABLE_NAME": "orders"}, region="eu-west-1")
        async with LambdaRuntime(config, aws_endpoint_url="http://127.0.0.1:5999") as runtime:
            return await runtime.invoke({})

    record = run(scenario())
    environ, cwd = record.payload["environ"], record.payload["cwd"]
    assert "HOST_SECRET_TOKEN" not in environ
    assert environ["AWS_ACCESS_KEY_ID"] != "AKIAREALHOSTKEY"
    assert environ["TABLE_NAME"] == "orders"
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert environ["AWS_LAMBDA_FUNCTION_NAME"] == "lambdalearn-function"
    assert environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert environ["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert environ["_HANDLER"] == "basic.environ"
    assert environ["LAMBDA_TASK_ROOT"] == str(handlers_dir) == cwd
    assert environ["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.13"
    assert environ["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert re.fullmatch(r"127\.0\.0\.1:\d+", environ["AWS_LAMBDA_RUNTIME_API"])
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    assert environ["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert environ["HOME"] == environ["TMPDIR"]
    for key in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_RUNTIME_DIR", "TZ", "LANG", "PATH"):
        assert environ[key]


def test_each_environment_gets_its_own_tmpdir(run, function_config, sandbox_path):
    async def scenario():
        async with LambdaRuntime(function_config("basic.environ")) as runtime:
            return await runtime.invoke_many([{}, {}], concurrency=2)

    first, second = run(scenario())
    assert first.environment_id != second.environment_id
    if sandbox_path == "namespaces":  # the same name, each its own tmpfs (see test_sandbox.py)
        assert first.payload["environ"]["TMPDIR"] == second.payload["environ"]["TMPDIR"] == "/tmp"
    else:
        assert first.payload["environ"]["TMPDIR"] != second.payload["environ"]["TMPDIR"]


def test_a_handler_in_a_nested_package(invoke_twice):
    first, _ = invoke_twice("pkg.sub.mod.handler")
    assert first.payload == {"nested": True, "module": "pkg.sub.mod"}


def test_a_raised_exception_becomes_lambdas_error_object_and_the_environment_is_kept(invoke_twice, handlers_dir):
    first, second = invoke_twice("basic.fails")
    assert first.status == "error" and first.error_type == "ValueError"
    assert first.payload["errorMessage"] == "something went wrong"
    assert first.payload["requestId"] == first.request_id
    assert first.payload["stackTrace"][0].startswith(f'  File "{handlers_dir / "basic.py"}", line ')
    assert "[ERROR] ValueError: something went wrong" in first.logs
    assert not second.cold_start


def test_logging_uses_lambdas_format_with_the_request_id(invoke_twice):
    first, _ = invoke_twice("basic.logs")
    info = next(line for line in first.logs if "info from logging" in line)
    assert re.fullmatch(rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{first.request_id}\tinfo from logging", info)
    assert "plain print" in first.logs
    assert "via context.log" in first.logs


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        ("import_error.handler", "Runtime.ImportModuleError", "Unable to import module 'import_error': No module named 'no_such_module_xyz'"),
        ("basic.missing", "Runtime.HandlerNotFound", "Handler 'missing' missing on module 'basic'"),
        ("basic", "Runtime.MalformedHandlerName", "Bad handler 'basic': not enough values to unpack (expected 2, got 1)"),
        ("syntax_error.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'syntax_error': expected ':' (syntax_error.py, line 4)"),
        ("init_raises.handler", "RuntimeError", "cannot initialise"),
    ],
)
def test_init_failures_are_reported_as_awslambdaric_does_and_retried_cold(handler, error_type, message, invoke_twice):
    first, second = invoke_twice(handler)
    assert first.status == "error" and first.error_type == error_type
    assert first.payload["errorMessage"] == message
    assert first.payload["requestId"] == ""  # posted during INIT, when there is no invocation yet
    assert isinstance(first.payload["stackTrace"], list)
    assert any(line.startswith("INIT_REPORT Init Duration: ") and line.endswith(f"Error Type: {error_type}") for line in first.logs)
    assert first.logs[-1].endswith(f"Status: error\tError Type: {error_type}")
    assert second.cold_start and second.error_type == error_type


def test_an_unserializable_result_is_a_marshal_error(invoke_twice):
    first, second = invoke_twice("basic.unserializable")
    assert first.error_type == "Runtime.MarshalError"
    assert first.payload["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"
    assert first.payload["stackTrace"] == []
    assert not second.cold_start


def test_bytes_are_returned_as_they_are(invoke_twice):
    first, _ = invoke_twice("basic.returns_bytes")
    assert first.status == "success" and first.payload == "raw bytes"


def test_a_response_over_6_mb_is_refused_with_lambdas_error(invoke_twice):
    first, _ = invoke_twice("basic.big_response")
    assert first.error_type == "Function.ResponseSizeTooLarge"
    assert first.payload == {
        "errorType": "Function.ResponseSizeTooLarge",
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
    }


def test_an_event_over_6_mb_is_refused_before_anything_runs(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.echo")) as runtime:
            record = await runtime.invoke({"data": "x" * 6291456})
            return record, runtime.environments(), runtime.metrics

    record, environments, metrics = run(scenario())
    assert record.status == "error" and record.error_type == "RequestEntityTooLargeException"
    assert record.payload["message"].endswith("byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)")
    assert record.environment_id is None and record.billed_duration_ms == 0 and record.cost_usd == 0
    assert environments == [] and metrics.invocations == 0


def test_a_timeout_kills_the_environment_and_says_so_like_lambda(run, function_config, leftover_processes):
    async def scenario():
        runtime = LambdaRuntime(function_config("hostile.misbehave", timeout_s=1))
        pids: set[int] = set()
        runtime.events.subscribe(
            lambda event: event.kind is EventKind.INVOCATION_STARTED
            and pids.update(view.pid for view in runtime.environments() if view.pid)
        )
        async with runtime:
            timed_out = await runtime.invoke({"action": "infinite_loop"})
            after = await runtime.invoke({"action": "ok"})
        return timed_out, after, pids

    timed_out, after, pids = run(scenario())
    request_id = timed_out.request_id
    assert timed_out.error_type == "Sandbox.Timedout"
    assert re.fullmatch(rf"RequestId: {request_id} Error: Task timed out after 1\.\d\d seconds", timed_out.payload["errorMessage"])
    assert any(re.fullmatch(rf"\S+Z {request_id} Task timed out after 1\.\d\d seconds", line) for line in timed_out.logs)
    assert timed_out.logs[-1].endswith("\tStatus: timeout")
    assert timed_out.duration_ms >= 1000
    # Billed as the timeout plus INIT, rounded up to the next millisecond from the durations REPORT shows
    # (https://aws.amazon.com/lambda/pricing/: duration is rounded up to the nearest 1 ms).
    assert timed_out.billed_duration_ms == math.ceil(round(1000 + timed_out.init_duration_ms, 6))
    assert f"Init Duration: {timed_out.init_duration_ms:.2f} ms" in timed_out.logs[-1]
    assert after.status == "success" and after.cold_start
    assert len(pids) == 2 and leftover_processes(pids) == {}


def test_a_frozen_environment_does_not_run_its_background_threads(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("hostile.background_ticker")) as runtime:
            first = await runtime.invoke({})
            await asyncio.sleep(0.5)
            second = await runtime.invoke({})
        return first, second

    first, second = run(scenario())
    # The ticker appends every 10 ms while it runs: frozen for 0.5 s it must not have ticked ~50 times,
    # and its tick history must show the pause.
    assert second.payload["ticks"] - first.payload["ticks"] < 15
    assert second.payload["longest_gap_s"] > 0.4


def test_events_describe_the_environment_life_cycle(run, function_config):
    async def scenario():
        runtime = LambdaRuntime(function_config("basic.echo"))
        seen = []
        runtime.events.subscribe(seen.append)
        async with runtime:
            await runtime.invoke({})
            await runtime.invoke({})
        return seen

    kinds = [event.kind for event in run(scenario())]
    assert kinds[:4] == [
        EventKind.ENVIRONMENT_CREATED,
        EventKind.ENVIRONMENT_INITIALISING,
        EventKind.INVOCATION_STARTED,
        EventKind.ENVIRONMENT_BUSY,
    ]
    assert EventKind.ENVIRONMENT_IDLE in kinds and EventKind.ENVIRONMENT_FROZEN in kinds
    assert kinds.count(EventKind.INVOCATION_FINISHED) == 2
    assert kinds[-1] is EventKind.ENVIRONMENT_SHUT_DOWN


def test_the_sync_wrapper_serves_plain_callers(function_config):
    with SyncLambdaRuntime(function_config("basic.echo")) as runtime:
        records = runtime.invoke_many([{"n": 1}, {"n": 2}], concurrency=1)
        single = runtime.invoke({"n": 3})
    assert [record.payload for record in records] == [{"event": {"n": 1}}, {"event": {"n": 2}}]
    assert single.payload == {"event": {"n": 3}} and not single.cold_start
    assert json.loads(json.dumps(single.to_dict()))["request_id"] == single.request_id


def test_an_environment_that_cannot_start_is_not_left_in_the_pool(run, function_config):
    from lambdalearn.runtime.launcher import LauncherError

    class BrokenLauncher:
        async def spawn(self, spec):
            raise LauncherError("no processes for you")

        async def aclose(self):
            return None

    async def scenario():
        async with LambdaRuntime(function_config("basic.echo"), launcher=BrokenLauncher()) as runtime:
            with pytest.raises(LauncherError):
                await runtime.invoke({})
            return runtime.environments()

    assert run(scenario()) == []


def test_a_payload_that_is_not_json_is_refused_and_an_empty_one_is_an_empty_object(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.echo")) as runtime:
            return await runtime.invoke(b"not json"), await runtime.invoke(b"")

    refused, empty = run(scenario())
    assert refused.status == "error" and refused.error_type == "InvalidRequestContentException"
    assert refused.payload["message"].startswith("Could not parse request body into json: ")
    assert refused.environment_id is None
    assert empty.payload == {"event": {}}


def test_stdout_and_stderr_reach_the_log_in_the_order_they_were_written(invoke_twice):
    first, _ = invoke_twice("basic.interleaved")
    written = [line for line in first.logs if line.startswith(("out ", "err "))]
    assert written == [f"{stream} {number}" for number in range(5) for stream in ("out", "err")]


def test_function_errors_are_flagged_unhandled_and_successes_are_not(invoke_twice):
    failed, _ = invoke_twice("basic.fails")
    succeeded, _ = invoke_twice("basic.echo")
    assert failed.function_error == "Unhandled" and failed.to_dict()["function_error"] == "Unhandled"
    assert succeeded.function_error is None
