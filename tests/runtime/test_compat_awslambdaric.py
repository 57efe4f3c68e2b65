"""Compatibility: AWS's own runtime interface client runs our fixture handlers against our Runtime API, and
its results match our bootstrap's."""

from __future__ import annotations

import re

import pytest

from lambdalearn.runtime.launcher import CommandLauncher
from lambdalearn.runtime.service import LambdaRuntime

pytest.importorskip("awslambdaric")
pytestmark = pytest.mark.slow

CASES = [
    ("basic.echo", {"a": [1, "two"]}),
    ("basic.logs", {}),
    ("basic.context_info", {}),
    ("basic.returns_bytes", {}),
    ("basic.fails", {}),
    ("basic.unserializable", {}),
    ("basic.big_response", {}),
    ("pkg.sub.mod.handler", {}),
    ("hostile.misbehave", {"action": "exit_3"}),
    ("import_error.handler", {}),
    ("syntax_error.handler", {}),
    ("basic.missing", {}),
    ("basic", {}),
]


def comparable(record):
    """What must agree between the two clients (ids, times and paths that differ by nature removed)."""
    payload = record.payload
    if isinstance(payload, dict):
        payload = {key: value for key, value in payload.items() if key not in ("aws_request_id", "log_stream_name", "remaining_ms")}
        if "requestId" in payload:
            payload["requestId"] = payload["requestId"].replace(record.request_id, "<id>")
        if "errorMessage" in payload:
            payload["errorMessage"] = payload["errorMessage"].replace(record.request_id, "<id>")
        if "stackTrace" in payload:
            payload["stackTrace"] = [frame.splitlines()[0].rsplit(",", 1)[0] for frame in payload["stackTrace"]][-1:]
    return record.status, record.error_type, payload


@pytest.mark.parametrize(("handler", "event"), CASES)
def test_awslambdaric_and_our_bootstrap_agree(run, function_config, handler, event):
    async def invoke_with(launcher):
        async with LambdaRuntime(function_config(handler), launcher=launcher) as runtime:
            record = await runtime.invoke(event, client_context={"custom": {"k": "v"}})
            return record, comparable(record)

    theirs, their_view = run(invoke_with(CommandLauncher.awslambdaric()))
    ours, our_view = run(invoke_with(None))
    assert our_view == their_view


def test_function_output_and_logging_format_match_awslambdaric(run, function_config):
    def normalised(record):
        lines = [line.replace(record.request_id, "<id>") for line in record.logs]
        return [re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "<time>", line) for line in lines if not line.startswith("REPORT")]

    async def logs_with(launcher):
        async with LambdaRuntime(function_config("basic.logs"), launcher=launcher) as runtime:
            return normalised(await runtime.invoke({}))

    theirs = run(logs_with(CommandLauncher.awslambdaric()))
    ours = run(logs_with(None))
    assert ours == theirs
    assert "[INFO]\t<time>\t<id>\tinfo from logging" in ours
