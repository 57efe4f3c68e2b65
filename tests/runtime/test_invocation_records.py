"""Lambda's own wording: REPORT lines, exit reasons and the service's error bodies."""

from __future__ import annotations

import re
import signal

from lambdalearn.runtime import records


def test_report_line_is_tab_separated_with_init_duration_only_when_given():
    assert records.report_line("id", 12.345, 13, 128, 40, init_duration_ms=95.123) == (
        "REPORT RequestId: id\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB"
        "\tMax Memory Used: 40 MB\tInit Duration: 95.12 ms"
    )
    assert "Init Duration" not in records.report_line("id", 1.0, 1, 128, 40)
    assert records.report_line("id", 3000.5, 3001, 128, 40, status="timeout").endswith("\tStatus: timeout")
    assert records.report_line("id", 1, 1, 128, 128, status="error", error_type="Runtime.OutOfMemory").endswith(
        "\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory"
    )


def test_exit_reasons_use_lambdas_go_style_words():
    assert records.exit_reason(3) == "exit status 3"
    assert records.exit_reason(-signal.SIGKILL) == "signal: killed"
    assert records.exit_reason(-signal.SIGSEGV) == "signal: segmentation fault"


def test_timeout_error_and_log_line():
    assert records.timeout_error("abc", 3.004) == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: abc Error: Task timed out after 3.00 seconds",
    }
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z abc Task timed out after 3\.00 seconds", records.timeout_line("abc", 3.0)
    )


def test_out_of_memory_and_exit_errors():
    assert records.runtime_exit_error("r", -9, out_of_memory=True) == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": "RequestId: r Error: Runtime exited with error: signal: killed",
    }
    assert records.runtime_exit_error("r", 1)["errorType"] == "Runtime.ExitError"


def test_service_error_bodies():
    assert records.throttle_error(reserved=False)["Reason"] == "ConcurrentInvocationLimitExceeded"
    assert records.request_too_large_error(7_000_000)["message"] == (
        "7000000 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)"
    )


def test_a_record_as_json_has_exactly_the_documented_keys():
    record = records.InvocationRecord("r", "env-1", True, 1.0, 2.0, 3, 128, 20, "success", None, {}, 0.1, ["START"])
    assert tuple(record.to_dict()) == records.RECORD_KEYS
