"""Every declarative expectation kind, passing and failing, on made-up invocation records (no processes)."""

from __future__ import annotations

import json

import pytest

from lambdalearn.labs.expectations import CheckRun, evaluate, modelled_duration_ms, run_cost_usd
from lambdalearn.labs.matching import find_path, subset_mismatch
from lambdalearn.runtime.records import InvocationRecord


def record(payload=None, *, status="success", error_type=None, cold=False, duration=10.0, memory=128,
           logs=(), request_id="req-1", billed=None) -> InvocationRecord:
    return InvocationRecord(
        request_id=request_id, environment_id=None if status == "throttled" else "env-1", cold_start=cold,
        init_duration_ms=None, duration_ms=duration, billed_duration_ms=billed or max(1, int(duration) + 1),
        memory_size_mb=memory, max_memory_used_mb=40, status=status, error_type=error_type, payload=payload,
        cost_usd=0.0 if status == "throttled" else 0.000001, logs=list(logs),
    )


PROXY = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"count": 3, "items": ["a"]})}
ERROR = {"errorType": "ValueError", "errorMessage": "bad order"}

CASES = [
    # (expect, records, passes, message fragment when failing)
    ({"status": "success"}, [record(PROXY)], True, ""),
    ({"status": "success"}, [record(PROXY), record(ERROR, status="error", error_type="ValueError")], False,
     "status: expected every invocation to be a success, but invocation 2 of 2 failed with ValueError: bad order"),
    ({"status": "throttled"}, [record(status="throttled")], True, ""),
    ({"error_type": "ValueError"}, [record(ERROR, status="error", error_type="ValueError")], True, ""),
    ({"error_type": "KeyError"}, [record(ERROR, status="error", error_type="ValueError")], False,
     "error_type: expected KeyError, but the invocation failed with ValueError"),
    ({"payload": {"statusCode": 200}}, [record(PROXY)], True, ""),
    ({"payload": {"statusCode": 201}}, [record(PROXY)], False, "payload of the invocation: $.statusCode: expected 201, got 200"),
    ({"payload": {"id": "$request_id"}}, [record({"id": "req-1"})], True, ""),
    ({"payload": {"id": "$request_id"}}, [record({"id": "req-0"})], False, '$.id: expected "req-1", got "req-0"'),
    ({"jsonpath": {"$.body.count": 3, "$.body.items[0]": "a"}}, [record(PROXY)], True, ""),
    ({"jsonpath": {"$.body.count": 4}}, [record(PROXY)], False, "$.body.count: expected 4, got 3"),
    ({"jsonpath": {"$.body.total": 4}}, [record(PROXY)], False, "no 'total' here"),
    ({"cold_starts": 1, "warm_starts": 1}, [record(cold=True), record()], True, ""),
    ({"cold_starts": {"max": 0}}, [record(cold=True), record()], False, "cold_starts: expected at most 0, got 1 (of 2 invocations)"),
    ({"warm_starts": {"min": 2}}, [record(cold=True), record()], False, "warm_starts: expected at least 2, got 1"),
    ({"throttles": 1, "errors": 0}, [record(), record(status="throttled")], True, ""),
    ({"errors": 0}, [record(ERROR, status="error", error_type="ValueError")], False, "errors: expected exactly 0, got 1"),
    ({"logs": [r"Processed \d+ records"]}, [record(logs=["START", "Processed 12 records"])], True, ""),
    ({"logs": [r"Processed \d+ records"]}, [record(logs=["START", "Processed many records"])], False,
     r"logs: no log line matches /Processed \d+ records/"),
    ({"log_json": {"level": "INFO", "requestId": "$request_id"}},
     [record(logs=['{"level": "INFO", "requestId": "req-1", "message": "hi"}'])], True, ""),
    ({"log_json": {"level": "INFO", "requestId": "$request_id"}},
     [record(logs=['{"level": "INFO", "requestId": "other", "message": "hi"}'])], False, "no JSON log line of the invocation has"),
    ({"log_json": {"level": "INFO"}}, [record(logs=["plain text"])], False, "wrote no JSON log line"),
    ({"duration_ms": {"max": 50}}, [record(duration=10), record(duration=40)], True, ""),
    ({"duration_ms": {"max": 50}}, [record(duration=10), record(duration=60)], False, "duration_ms: expected every duration at most 50 ms, got 60.0 ms"),
    ({"p50_duration_ms": {"max": 30}}, [record(duration=10), record(duration=20), record(duration=900)], True, ""),
    ({"p50_duration_ms": {"max": 15}}, [record(duration=10), record(duration=20), record(duration=900)], False, "got 20.0 ms"),
    ({"cost_usd": {"max": 0.00001}}, [record(), record()], True, ""),
    ({"cost_usd": {"max": 0.0000015}}, [record(), record()], False, "cost_usd: expected the run to cost at most $0.0000015000"),
]


@pytest.mark.parametrize(("expect", "records", "passes", "fragment"), CASES)
def test_expectation(expect, records, passes, fragment):
    failures = evaluate(expect, CheckRun(records))
    if passes:
        assert failures == []
    else:
        assert len(failures) == 1 and fragment in failures[0], failures


def test_a_payload_failure_shows_a_diff_of_expected_and_actual():
    [message] = evaluate({"payload": {"statusCode": 200, "body": {"count": 4}}}, CheckRun([record(PROXY)]))
    assert "--- expected\n+++ actual" in message
    assert '-  "statusCode": 200' not in message  # unchanged lines are context, not differences
    assert any(line.strip() == '+    "count": 3,' or line.strip() == '+    "count": 3' for line in message.splitlines())


def test_cpu_share_model_scales_durations_below_one_vcpu():
    assert modelled_duration_ms(100, 1769, False) == 100
    assert modelled_duration_ms(100, 3008, False) == 100
    assert modelled_duration_ms(100, 512, False) == pytest.approx(345.5, abs=0.1)
    assert modelled_duration_ms(100, 512, True) == 100  # the runtime already models the CPU share
    slow = CheckRun([record(duration=100, memory=128)])
    assert evaluate({"duration_ms": {"max": 500}}, slow) == []
    assert evaluate({"duration_ms": {"max": 500}, "duration_model": "cpu-share"}, slow)
    assert run_cost_usd(slow, "cpu-share") > run_cost_usd(CheckRun([record(duration=100, memory=1769)]), "cpu-share") / 2


def test_subset_and_paths():
    assert subset_mismatch({"a": [1, {"b": True}]}, {"a": [1, {"b": True, "c": 2}], "d": 0}) is None
    assert subset_mismatch({"a": 1}, {"a": True}) == "$.a: expected 1, got true"
    assert subset_mismatch({"a": [1]}, {"a": [1, 2]}) == "$.a: expected 1 items, got 2"
    assert find_path({"body": '{"x": [5, 6]}'}, "$.body.x[1]") == 6
    with pytest.raises(KeyError):
        find_path({"body": "plain"}, "$.body.x")


def test_a_bare_number_bounds_durations_and_costs_from_above():
    run = CheckRun([record(duration=40)])
    assert evaluate({"duration_ms": 50, "p50_duration_ms": 50, "cost_usd": 0.001}, run) == []
    assert evaluate({"duration_ms": 30}, run) == [
        "duration_ms: expected every duration at most 30 ms, got 40.0 ms (all: 40.0)"
    ]


class PublishedTo:
    """Stands in for LocalAws: what was published to each topic."""

    def __init__(self, **topics):
        self.topics = topics

    def sns_published(self, topic):
        return [{"message_id": str(n), "message": message, "subject": subject, "attributes": {}}
                for n, (message, subject) in enumerate(self.topics.get(topic, []))]


@pytest.mark.parametrize(("expect", "fragment"), [
    ({"topic": "alerts", "count": 2}, None),
    ({"topic": "alerts", "count": {"min": 3}}, "expected at least 3 messages published to alerts, found 2"),
    ({"topic": "alerts", "contains": "ord-7"}, None),
    ({"topic": "alerts", "json": {"order": "ord-7"}, "subject": "paid"}, None),
    ({"topic": "alerts", "json": {"order": "ord-7"}, "subject": "shipped"},
     'no message published to alerts has json {"order": "ord-7"}, subject "shipped"; published:\n  "plain text"\n'),
    ({"topic": "empty", "contains": "x"}, 'nothing was published to empty; expected a message with contains "x"'),
])
def test_sns_published(expect, fragment):
    aws = PublishedTo(alerts=[("plain text", None), ('{"order": "ord-7", "cents": 5}', "paid")])
    failures = evaluate({"sns_published": expect}, CheckRun([], aws=aws))
    if fragment is None:
        assert failures == []
    else:
        assert len(failures) == 1 and fragment in failures[0], failures
