"""Compatibility: AWS's own runtime interface client runs our fixture handlers against our Runtime API, and
its results match our bootstrap's."""

from __future__ import annotations

import json
import re
from collections import namedtuple
from decimal import Decimal

import pytest

from lambdalearn.runtime.bootstrap import marshal_response
from lambdalearn.runtime.launcher import CommandLauncher
from lambdalearn.runtime.service import LambdaRuntime

pytest.importorskip("awslambdaric")
pytestmark = pytest.mark.slow
Point = namedtuple("Point", "x y")

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
    ("basic.decimals", {}),
    ("basic.named_tuple", {}),
    ("basic.nested_bytes", {}),
    ("hostile.misbehave", {"action": "sys_exit_0"}),
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


MARSHAL_CASES = [
    {"price": Decimal("19.99"), "tiny": Decimal("0.10000000000000000000001"), "big": Decimal("1E+400")},
    {"nan": Decimal("NaN"), "inf": float("inf")},
    {"point": Point(1, 2), "plain": (3, 4), "nested": [Point(x=[Decimal("1.50")], y=None)]},
    {"blob": b"caf\xc3\xa9", "text": "caf\u00e9"},
    [1, "two", None, True, 2.5],
]


@pytest.mark.parametrize("result", MARSHAL_CASES)
@pytest.mark.parametrize("runtime", ["python3.11", "python3.13"])
def test_marshalling_is_byte_for_byte_awslambdarics(monkeypatch, result, runtime):
    """Decimal keeps its digits, a namedtuple is an object, bytes inside a result are text, non-ASCII is
    escaped before python3.12: what AWS's client (simplejson) sends."""
    from awslambdaric.lambda_runtime_marshaller import LambdaMarshaller

    monkeypatch.setenv("AWS_EXECUTION_ENV", f"AWS_Lambda_{runtime}")
    theirs, their_type = LambdaMarshaller().marshal_response(result)
    ours, our_type = marshal_response(result)
    assert (ours, our_type) == (theirs.encode("utf-8"), their_type)


def json_log_lines(record):
    """The function's own log lines (platform lines left out), parsed, with times and ids made stable."""
    lines = []
    for line in record.logs:
        if line.startswith(("INIT_START", "START", "END", "REPORT")) or not line.startswith("{"):
            continue
        document = json.loads(line)
        document["timestamp"] = "<time>"
        if document.get("requestId") == record.request_id:
            document["requestId"] = "<id>"
        for key in ("stackTrace", "location"):
            if key in document:
                document[key] = "<trace>"
        lines.append(document)
    return lines


@pytest.mark.parametrize("level", [None, "WARN", "DEBUG"])
def test_json_log_format_and_log_level_match_awslambdaric(run, function_config, level):
    """Lambda's JSON log format and application log level
    (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html)."""
    environment = {"AWS_LAMBDA_LOG_FORMAT": "JSON", **({"AWS_LAMBDA_LOG_LEVEL": level} if level else {})}

    async def logs_with(launcher, handler):
        async with LambdaRuntime(function_config(handler, environment=environment), launcher=launcher) as runtime:
            return await runtime.invoke({})

    for handler in ("leveled.handler", "basic.fails"):
        theirs = run(logs_with(CommandLauncher.awslambdaric(), handler))
        ours = run(logs_with(None, handler))
        assert json_log_lines(ours) == json_log_lines(theirs), handler
    levels = [line["level"] for line in json_log_lines(run(logs_with(None, "leveled.handler")))]
    assert levels == {None: ["WARNING", "ERROR"], "WARN": ["WARNING", "ERROR"], "DEBUG": ["DEBUG", "INFO", "WARNING", "ERROR"]}[level]


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
