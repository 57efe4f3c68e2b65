"""Compatibility: AWS's own runtime interface client runs our fixture handlers against our Runtime API, and
its results match our bootstrap's."""

from __future__ import annotations

import pytest

from lambdalearn.runtime.launcher import CommandLauncher
from lambdalearn.runtime.service import LambdaRuntime

pytest.importorskip("awslambdaric")
pytestmark = pytest.mark.slow

CASES = [
    ("basic.echo", {"a": [1, "two"]}),
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
        payload = {key: value for key, value in payload.items() if key not in ("requestId", "aws_request_id", "log_stream_name", "remaining_ms")}
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
    if isinstance(theirs.payload, dict) and "requestId" in theirs.payload:
        assert theirs.payload["requestId"] == theirs.request_id and ours.payload["requestId"] == ours.request_id
