"""What one invocation produced, and the exact words Lambda uses to report it.

`InvocationRecord` is the result of an invocation as the `--records` output and labs see it. The
functions below build the platform's own log lines (START, END, REPORT, the timeout line) and the error
objects the Lambda service itself returns (timeout, runtime exit, out of memory, size limits, throttling),
in the wording AWS uses, checked against the Runtime Interface Emulator and users' published logs.
"""

from __future__ import annotations

import hashlib
import signal
import time
from dataclasses import asdict, dataclass, field
from typing import Any

REQUEST_SIZE_LIMIT = 6291456  # bytes a synchronous Invoke request may carry
RESPONSE_SIZE_LIMIT = 6291556  # bytes a function may return to a synchronous caller
LOCAL_RUNTIME_VERSION = "v1"  # lambdalearn's runtime is one version; AWS's numbers change with updates
RECORD_KEYS = (
    "request_id",
    "environment_id",
    "cold_start",
    "init_duration_ms",
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "status",
    "error_type",
    "payload",
    "cost_usd",
    "function_error",
    "executed_version",
    "cpu_time_ms",
)
# X-Amz-Function-Error: what a caller of Invoke learns when the function (not the service) failed.
FUNCTION_ERROR_UNHANDLED = "Unhandled"


@dataclass
class InvocationRecord:
    """One invocation: the `--records` fields, plus the log lines it wrote (START ... REPORT)."""

    request_id: str
    environment_id: str | None
    cold_start: bool
    init_duration_ms: float | None
    duration_ms: float
    billed_duration_ms: int
    memory_size_mb: int
    max_memory_used_mb: int
    status: str  # "success", "error" or "throttled"
    error_type: str | None
    payload: Any
    cost_usd: float
    # "Unhandled" when the function failed (its error, a crash, a timeout: Invoke's X-Amz-Function-Error);
    # None for a success and for what the service refused (a throttle, an oversized or invalid request).
    function_error: str | None = None
    executed_version: str = "$LATEST"  # the version that ran (Invoke's X-Amz-Executed-Version)
    # CPU time all processes of the environment had during the invocation. Not a Lambda field (REPORT has
    # none): it lets a check judge CPU-bound work without this machine's load in it (see cpu_share.py).
    cpu_time_ms: float | None = None
    logs: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    def to_dict(self) -> dict[str, Any]:
        """The record as `lambdalearn invoke --records` prints it (no log lines)."""
        data = asdict(self)
        del data["logs"]
        return data


def lambda_timestamp(epoch_seconds: float | None = None) -> str:
    """2026-11-23T14:05:09.123Z, the timestamp format of Lambda's own log lines."""
    epoch_seconds = time.time() if epoch_seconds is None else epoch_seconds
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_seconds))
    return f"{whole}.{int(epoch_seconds * 1000) % 1000:03d}Z"


def start_line(request_id: str, version: str = "$LATEST") -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}"


def report_line(
    request_id: str,
    duration_ms: float,
    billed_duration_ms: int,
    memory_size_mb: int,
    max_memory_used_mb: int,
    init_duration_ms: float | None = None,
    status: str | None = None,
    error_type: str | None = None,
) -> str:
    """REPORT, tab-separated as Lambda writes it; Init Duration only after a cold start's INIT.

    `status` ("timeout" or "error") and `error_type` are added when the platform, not the function,
    ended the invocation (a timeout, a runtime exit, an out-of-memory kill).
    """
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {billed_duration_ms} ms",
        f"Memory Size: {memory_size_mb} MB",
        f"Max Memory Used: {max_memory_used_mb} MB",
    ]
    if init_duration_ms is not None:
        parts.append(f"Init Duration: {init_duration_ms:.2f} ms")
    if status is not None:
        parts.append(f"Status: {status}")
    if error_type is not None:
        parts.append(f"Error Type: {error_type}")
    return "\t".join(parts)


def init_report_line(
    init_duration_ms: float, error_type: str | None, timed_out: bool = False, *, phase: str = "init"
) -> str:
    """INIT_REPORT for an INIT that failed (Status: error, with the error type) or timed out, in the INIT
    phase or (re-run after a timeout) inside the first invocation, `phase="invoke"`, where a successful
    re-run is reported too."""
    line = f"INIT_REPORT Init Duration: {init_duration_ms:.2f} ms\tPhase: {phase}"
    if timed_out:
        return line + "\tStatus: timeout"
    if error_type is None:
        return line
    return line + f"\tStatus: error\tError Type: {error_type}"


def init_start_line(runtime: str, region: str) -> str:
    """INIT_START, written when an environment starts INIT: the runtime version (here a fixed local one)
    and its ARN, as Lambda logs them."""
    language, _, version = runtime.partition("python")
    name = f"python:{version}" if not language and version else runtime
    digest = hashlib.sha256(f"lambdalearn:{name}".encode()).hexdigest()
    return f"INIT_START Runtime Version: {name}.{LOCAL_RUNTIME_VERSION}\tRuntime Version ARN: arn:aws:lambda:{region}::runtime:{digest}"


def timeout_line(request_id: str, elapsed_s: float) -> str:
    return f"{lambda_timestamp()} {request_id} Task timed out after {elapsed_s:.2f} seconds"


def timeout_error(request_id: str, elapsed_s: float) -> dict[str, str]:
    """What a synchronous caller receives when the function timed out."""
    return {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after {elapsed_s:.2f} seconds",
    }


def exit_reason(returncode: int) -> str:
    """Go-style wording Lambda uses: "exit status 3", "signal: killed", "signal: segmentation fault"."""
    if returncode >= 0:
        return f"exit status {returncode}"
    try:
        name = signal.strsignal(-returncode) or f"signal {-returncode}"
    except ValueError:
        name = f"signal {-returncode}"
    return f"signal: {name.lower()}"


def runtime_exit_error(request_id: str, returncode: int, out_of_memory: bool = False) -> dict[str, str]:
    """The caller's error when the runtime process died during the invocation (Runtime.ExitError/OutOfMemory).
    A runtime that exits with status 0 gave Lambda no error, and Lambda says just that."""
    if returncode == 0 and not out_of_memory:
        detail = "Runtime exited without providing a reason"
    else:
        detail = f"Runtime exited with error: {exit_reason(returncode)}"
    return {
        "errorType": "Runtime.OutOfMemory" if out_of_memory else "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: {detail}",
    }


def response_too_large_error() -> dict[str, str]:
    return {
        "errorType": "Function.ResponseSizeTooLarge",
        "errorMessage": f"Response payload size exceeded maximum allowed payload size ({RESPONSE_SIZE_LIMIT} bytes).",
    }


def request_too_large_error(size: int) -> dict[str, str]:
    """The Invoke API's 413 body (RequestEntityTooLargeException) for an oversized event."""
    return {
        "Type": "User",
        "message": f"{size} byte payload is too large for the RequestResponse invocation type (limit {REQUEST_SIZE_LIMIT} bytes)",
    }


def invalid_request_content_error(detail: str) -> dict[str, str]:
    """The Invoke API's 400 body (InvalidRequestContentException) for a payload that is not JSON.

    Lambda's own detail comes from its Java JSON parser; ours is Python's, after the same prefix.
    """
    return {"Type": "User", "message": f"Could not parse request body into json: Could not parse payload into json: {detail}"}


def throttle_error(reserved: bool) -> dict[str, str]:
    """The Invoke API's 429 body (TooManyRequestsException)."""
    reason = "ReservedFunctionConcurrentInvocationLimitExceeded" if reserved else "ConcurrentInvocationLimitExceeded"
    return {"Reason": reason, "Type": "User", "message": "Rate Exceeded."}
