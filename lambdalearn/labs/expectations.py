"""Judging one check's invocations against its `expect:` mapping; each kind of expectation is one function.

Every function takes the expected value (placeholders already filled in) and a `CheckRun`, and returns None
when the expectation holds or a message for the learner: what was expected, what happened, and for JSON a
diff. Resource expectations (`s3_object`, `dynamodb_item`, ...) read the local AWS after the invocations.

Durations: `duration_model: cpu-share` judges `duration_ms`, `p50_duration_ms` and `cost_usd` on the duration
the function would have on Lambda, where CPU is shared in proportion to memory (one full vCPU at 1,769 MB).
The measured duration is scaled by 1769 / memory below 1,769 MB, unless the runtime already models the CPU
share itself (its `models_cpu_share` is true, as it is by default since the runtime throttles environments to
memory/1769 of a vCPU), in which case the measured duration is used as it is.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lambdalearn.labs.local_aws import LocalAws
from lambdalearn.labs.matching import find_path, readable_diff, same_value, subset_mismatch
from lambdalearn.runtime import billing
from lambdalearn.runtime.records import InvocationRecord

FULL_VCPU_MEMORY_MB = 1769
REQUEST_ID_MARKER = "$request_id"


@dataclass
class CheckRun:
    """What one check's invocations produced, and what to read afterwards."""

    records: Sequence[InvocationRecord]
    architecture: str = "x86_64"
    aws: LocalAws | None = None
    runtime_models_cpu_share: bool = False

    def function_lines(self) -> list[str]:
        return [line for record in self.records for line in record.logs]


def _at_most(bound: Any) -> Any:
    """A bare number bounding a duration or a cost means "at most"."""
    return bound if isinstance(bound, dict) else {"max": bound}


def evaluate(expect: Mapping[str, Any], run: CheckRun) -> list[str]:
    """Messages for every expectation that does not hold (empty: the check passed)."""
    model = expect.get("duration_model", "measured")
    failures = []
    for key, expected in expect.items():
        if key == "duration_model":
            continue
        judge = JUDGES[key]
        if key in _MODELLED:
            messages = [judge(_at_most(expected), run, model)]
        elif key in _LISTABLE and isinstance(expected, list):
            messages = [judge(item, run) for item in expected]
        else:
            messages = [judge(expected, run)]
        failures.extend(message for message in messages if message)
    return failures


# -- outcome -------------------------------------------------------------------------------------------------

def _status(expected: str, run: CheckRun) -> str | None:
    for number, record in enumerate(run.records, start=1):
        if record.status != expected:
            return f"status: expected every invocation to be {_status_word(expected)}, but {_which(number, run)} " \
                   f"{_outcome(record)}"
    return None


def _error_type(expected: str, run: CheckRun) -> str | None:
    for number, record in enumerate(run.records, start=1):
        if record.error_type != expected:
            return f"error_type: expected {expected}, but {_which(number, run)} {_outcome(record)}"
    return None


def _payload(expected: Any, run: CheckRun) -> str | None:
    for number, record in enumerate(run.records, start=1):
        want = with_request_id(expected, record.request_id)
        mismatch = subset_mismatch(want, record.payload)
        if mismatch:
            return f"payload of {_which(number, run)}: {mismatch}\n{readable_diff(want, record.payload)}"
    return None


def _jsonpath(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    for number, record in enumerate(run.records, start=1):
        for path, want in with_request_id(dict(expected), record.request_id).items():
            try:
                got = find_path(record.payload, path)
            except KeyError as missing:
                return f"jsonpath {path} of {_which(number, run)}: {missing.args[0]}\n" \
                       f"payload: {json.dumps(record.payload, default=str)[:400]}"
            mismatch = subset_mismatch(want, got, path)
            if mismatch:
                return f"jsonpath of {_which(number, run)}: {mismatch}"
    return None


# -- counts --------------------------------------------------------------------------------------------------

def _counter(name: str, count: Callable[[Sequence[InvocationRecord]], int]) -> Callable[[Any, CheckRun], str | None]:
    def judge(expected: Any, run: CheckRun) -> str | None:
        actual = count(run.records)
        problem = _outside(expected, actual)
        return f"{name}: expected {problem}, got {actual} (of {len(run.records)} invocations)" if problem else None

    return judge


# -- logs ----------------------------------------------------------------------------------------------------

def _logs(patterns: Sequence[str], run: CheckRun) -> str | None:
    lines = run.function_lines()
    for pattern in patterns:
        if not any(re.search(pattern, line) for line in lines):
            return f"logs: no log line matches /{pattern}/"
    return None


def _log_json(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    for number, record in enumerate(run.records, start=1):
        want = with_request_id(dict(expected), record.request_id)
        documents = [doc for doc in map(_json_object, record.logs) if doc is not None]
        if any(subset_mismatch(want, doc) is None for doc in documents):
            continue
        if not documents:
            return f"log_json: {_which(number, run)} wrote no JSON log line; expected one with {json.dumps(want)}"
        closest = documents[-1]
        return f"log_json: no JSON log line of {_which(number, run)} has {json.dumps(want)}; the last one was:\n" \
               f"{readable_diff(want, closest)}"
    return None


def with_request_id(expected: Any, request_id: str) -> Any:
    """`expected` with every "$request_id" value replaced by the invocation's request id."""
    if expected == REQUEST_ID_MARKER:
        return request_id
    if isinstance(expected, dict):
        return {key: with_request_id(value, request_id) for key, value in expected.items()}
    if isinstance(expected, list):
        return [with_request_id(value, request_id) for value in expected]
    return expected


def _json_object(line: str) -> dict[str, Any] | None:
    start = line.find("{")
    if start < 0:
        return None
    try:
        value = json.loads(line[start:])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# -- durations and cost --------------------------------------------------------------------------------------

def modelled_duration_ms(measured_ms: float, memory_mb: int, runtime_models_cpu_share: bool) -> float:
    """The duration on Lambda's CPU share: below 1,769 MB a function gets memory/1769 of a vCPU."""
    if runtime_models_cpu_share or memory_mb >= FULL_VCPU_MEMORY_MB:
        return measured_ms
    return measured_ms * FULL_VCPU_MEMORY_MB / memory_mb


def _durations(run: CheckRun, model: str) -> list[float]:
    return [
        modelled_duration_ms(r.duration_ms, r.memory_size_mb, run.runtime_models_cpu_share) if model == "cpu-share" else r.duration_ms
        for r in run.records
        if r.status != "throttled"
    ]


def _duration(expected: Any, run: CheckRun, model: str) -> str | None:
    durations = _durations(run, model)
    problem = _outside(expected, max(durations, default=0.0))
    if problem:
        label = "modelled duration" if model == "cpu-share" else "duration"
        shown = ", ".join(f"{d:.1f}" for d in durations[:10])
        return f"duration_ms: expected every {label} {problem} ms, got {max(durations):.1f} ms (all: {shown})"
    return None


def _p50_duration(expected: Any, run: CheckRun, model: str) -> str | None:
    durations = _durations(run, model)
    median = statistics.median(durations) if durations else 0.0
    problem = _outside(expected, median)
    label = "modelled duration" if model == "cpu-share" else "duration"
    return f"p50_duration_ms: expected the median {label} {problem} ms, got {median:.1f} ms" if problem else None


def run_cost_usd(run: CheckRun, model: str = "measured") -> float:
    """What the check's invocations cost, on the modelled durations when `model` is cpu-share."""
    if model != "cpu-share":
        return sum(record.cost_usd for record in run.records)
    totals = billing.RunTotals(architecture=run.architecture)
    for record in run.records:
        if record.status == "throttled":
            totals.add(record)
            continue
        scale = modelled_duration_ms(1.0, record.memory_size_mb, run.runtime_models_cpu_share)
        init = record.init_duration_ms * scale if record.init_duration_ms is not None else None
        billed = billing.billed_duration_ms(record.duration_ms * scale, init)
        totals.add({"status": record.status, "billed_duration_ms": billed, "memory_size_mb": record.memory_size_mb})
    return totals.total


def _cost(expected: Any, run: CheckRun, model: str) -> str | None:
    cost = run_cost_usd(run, model)
    problem = _outside(expected, cost, money=True)
    return f"cost_usd: expected the run to cost {problem}, got ${cost:.10f}" if problem else None


# -- resources -----------------------------------------------------------------------------------------------

def _s3_object(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    aws = _aws(run)
    bucket, key = expected["bucket"], expected["key"]
    body = aws.s3_get(bucket, key)
    where = f"s3://{bucket}/{key}"
    if expected.get("exists") is False:
        return f"s3_object: expected no object at {where}, but there is one" if body is not None else None
    if body is None:
        keys = aws.s3_keys(bucket)
        return f"s3_object: expected an object at {where}; the bucket holds: {', '.join(keys[:10]) or 'nothing'}"
    if "equals" in expected and body != str(expected["equals"]):
        return f"s3_object: {where} holds {json.dumps(body[:200])}, expected {json.dumps(str(expected['equals']))}"
    if "contains" in expected and str(expected["contains"]) not in body:
        return f"s3_object: {where} does not contain {json.dumps(str(expected['contains']))}; it holds {json.dumps(body[:200])}"
    return None


def _dynamodb_item(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    table, key = expected["table"], expected["key"]
    item = _aws(run).get_item(table, dict(key))
    if expected.get("exists") is False:
        return f"dynamodb_item: expected no item {json.dumps(key)} in {table}, found {json.dumps(item, default=str)}" if item else None
    if item is None:
        return f"dynamodb_item: no item with key {json.dumps(key)} in table {table}"
    want = expected.get("equals", {})
    mismatch = subset_mismatch(want, item)
    return f"dynamodb_item {json.dumps(key)} in {table}: {mismatch}\n{readable_diff(want, item)}" if mismatch else None


def _dynamodb_count(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    count = _aws(run).item_count(expected["table"])
    problem = _outside(expected["count"], count)
    return f"dynamodb_count: expected table {expected['table']} to hold {problem} items, it holds {count}" if problem else None


def _sqs_messages(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    count = _aws(run).sqs_count(expected["queue"])
    problem = _outside(expected["count"], count)
    return f"sqs_messages: expected {problem} messages left on {expected['queue']}, found {count}" if problem else None


def _sns_published(expected: Mapping[str, Any], run: CheckRun) -> str | None:
    topic = expected["topic"]
    published = _aws(run).sns_published(topic)
    if "count" in expected:
        problem = _outside(expected["count"], len(published))
        if problem:
            return f"sns_published: expected {problem} messages published to {topic}, found {len(published)}" + \
                   _shown_messages(published)
    wanted = {key: expected[key] for key in ("contains", "json", "subject") if key in expected}
    if not wanted or any(_message_matches(wanted, message) for message in published):
        return None
    described = ", ".join(f"{key} {json.dumps(value)}" for key, value in wanted.items())
    if not published:
        return f"sns_published: nothing was published to {topic}; expected a message with {described}"
    return f"sns_published: no message published to {topic} has {described}" + _shown_messages(published)


def _message_matches(wanted: Mapping[str, Any], published: Mapping[str, Any]) -> bool:
    text = published["message"] if isinstance(published["message"], str) else json.dumps(published["message"])
    if "contains" in wanted and str(wanted["contains"]) not in text:
        return False
    if "subject" in wanted and published.get("subject") != str(wanted["subject"]):
        return False
    if "json" in wanted:
        try:
            document = json.loads(text)
        except ValueError:
            return False
        return subset_mismatch(wanted["json"], document) is None
    return True


def _shown_messages(published: Sequence[Mapping[str, Any]]) -> str:
    if not published:
        return ""
    shown = "\n".join(f"  {json.dumps(message['message'])[:200]}" for message in published[:5])
    more = f"\n  ... and {len(published) - 5} more" if len(published) > 5 else ""
    return f"; published:\n{shown}{more}"


def _aws(run: CheckRun) -> LocalAws:
    if run.aws is None:
        raise RuntimeError("this expectation needs the lab's resources, but the lab declares none")
    return run.aws


# -- helpers -------------------------------------------------------------------------------------------------

def _outside(expected: Any, actual: float, money: bool = False) -> str | None:
    """None if `actual` meets `expected` (a number: equal; {min, max}: within); else the expectation in words."""
    show = (lambda v: f"${v:.10f}") if money else (lambda v: f"{v}")
    if not isinstance(expected, dict):
        return None if same_value(expected, actual) or expected == actual else f"exactly {show(expected)}"
    low, high = expected.get("min"), expected.get("max")
    if low is not None and actual < low:
        return f"at least {show(low)}" + (f" and at most {show(high)}" if high is not None else "")
    if high is not None and actual > high:
        return f"at most {show(high)}" + (f" and at least {show(low)}" if low is not None else "")
    return None


def _which(number: int, run: CheckRun) -> str:
    return "the invocation" if len(run.records) == 1 else f"invocation {number} of {len(run.records)}"


def _status_word(status: str) -> str:
    return {"success": "a success", "error": "an error", "throttled": "throttled"}[status]


def _outcome(record: InvocationRecord) -> str:
    if record.status == "success":
        return "succeeded"
    if record.status == "throttled":
        return "was throttled (TooManyRequestsException: Rate Exceeded.)"
    message = record.payload.get("errorMessage", "") if isinstance(record.payload, dict) else ""
    return f"failed with {record.error_type}" + (f": {message}" if message else "")


JUDGES: dict[str, Callable[..., str | None]] = {
    "status": _status,
    "error_type": _error_type,
    "payload": _payload,
    "jsonpath": _jsonpath,
    "cold_starts": _counter("cold_starts", lambda rs: sum(r.cold_start for r in rs)),
    "warm_starts": _counter("warm_starts", lambda rs: sum(not r.cold_start and r.status != "throttled" and r.environment_id is not None for r in rs)),
    "throttles": _counter("throttles", lambda rs: sum(r.status == "throttled" for r in rs)),
    "errors": _counter("errors", lambda rs: sum(r.status == "error" for r in rs)),
    "logs": _logs,
    "log_json": _log_json,
    "duration_ms": _duration,
    "p50_duration_ms": _p50_duration,
    "cost_usd": _cost,
    "s3_object": _s3_object,
    "dynamodb_item": _dynamodb_item,
    "dynamodb_count": _dynamodb_count,
    "sqs_messages": _sqs_messages,
    "sns_published": _sns_published,
}
_MODELLED = frozenset({"duration_ms", "p50_duration_ms", "cost_usd"})
_LISTABLE = frozenset({"s3_object", "dynamodb_item", "sns_published"})  # a list checks several
