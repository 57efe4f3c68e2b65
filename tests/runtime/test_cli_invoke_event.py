"""`lambdalearn invoke --invocation-type Event`: 202 at once, then the async retries played out on AWS time.

Retry rules: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli

pytestmark = pytest.mark.slow


def invoke(*args: str):
    return CliRunner().invoke(cli, ["invoke", "--invocation-type", "Event", *args])


def test_event_answers_202_then_prints_each_retry_and_the_outcome(handlers_dir):
    result = invoke("basic.fails", "--code", str(handlers_dir), "--event-json", '{"n": 1}')
    assert result.exit_code == 1, result.output
    first, last = [json.loads(line) for line in result.stdout.splitlines()]
    assert first["StatusCode"] == 202
    assert last == {"RequestId": first["RequestId"], "condition": "RetriesExhausted"}
    attempts = [line for line in result.stderr.splitlines() if " invocation " in line]
    assert [line.split("s ")[0].strip() for line in attempts] == ["0.000", "60.000", "180.000"]
    assert sum(line.startswith("START RequestId: ") for line in result.stderr.splitlines()) == 3


def test_event_retries_can_be_turned_off_and_success_exits_0(handlers_dir):
    result = invoke("basic.fails", "--code", str(handlers_dir), "--maximum-retry-attempts", "0")
    assert result.exit_code == 1
    assert sum(" invocation " in line for line in result.stderr.splitlines()) == 1
    result = invoke("basic.echo", "--code", str(handlers_dir))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["condition"] == "Success"


def test_event_payload_over_one_megabyte_is_refused_with_413(handlers_dir):
    result = invoke("basic.echo", "--code", str(handlers_dir), "--event-json", json.dumps({"x": "y" * 1_048_576}))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["StatusCode"] == 413


def test_event_refuses_options_that_only_mean_something_synchronously(handlers_dir):
    result = invoke("basic.echo", "--code", str(handlers_dir), "--records")
    assert result.exit_code == 2 and "takes no --records" in result.output
