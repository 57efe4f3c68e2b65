"""A function's configuration, validated against AWS Lambda's limits and refused in Lambda's own words.

Labs and `lambdalearn invoke` build a `FunctionConfig`; `validated()` checks it the way CreateFunction /
UpdateFunctionConfiguration / PutFunctionConcurrency / PutProvisionedConcurrencyConfig would, so that a
learner who asks for 20,000 MB sees the message AWS would send. Wording was checked (November 2026) against
error messages users quote from the Lambda API:

- range and pattern checks are a `ValidationException` listing every violated constraint:
  ``1 validation error detected: Value '20000' at 'memorySize' failed to satisfy constraint: Member must have
  value less than or equal to 10240`` (several are joined with ``; `` as the API does);
- reserved and oversized environment variables are an `InvalidParameterValueException`:
  ``Lambda was unable to configure your environment variables because the environment variables you have
  provided contains reserved keys that are currently not supported for modification. Reserved keys used in
  this request: AWS_REGION`` and ``... exceeded the 4KB limit. String measured: {...}``. Lambda measures
  the variables as the JSON object it stores, so that is what is measured here;
- reserved concurrency must leave the account's unreserved pool at least 100 (or the whole account limit
  when that is under 100): ``Specified ReservedConcurrentExecutions for function decreases account's
  UnreservedConcurrentExecution below its minimum value of [100].``

Deliberate differences: `timeout_s` may be fractional (Lambda takes whole seconds), and names are checked
against the plain-name part of Lambda's pattern only (we never accept ARNs as names).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

ACCOUNT_ID = "123456789012"

MEMORY_MB_RANGE = (128, 10240)
TIMEOUT_S_RANGE = (1, 900)
EPHEMERAL_STORAGE_MB_RANGE = (512, 10240)
ENVIRONMENT_MAX_BYTES = 4096
MIN_UNRESERVED_CONCURRENCY = 100
FUNCTION_NAME_MAX_LENGTH = 64
HANDLER_MAX_LENGTH = 128
ARCHITECTURES = ("x86_64", "arm64")
PYTHON_RUNTIMES = ("python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
INVOKE_MODES = ("BUFFERED", "RESPONSE_STREAM")  # a function URL's InvokeMode

# The keys Lambda sets itself and refuses to let a function configure (AWS docs, "Defined runtime environment
# variables"). Other AWS_LAMBDA_* names such as AWS_LAMBDA_EXEC_WRAPPER are settable, and so are TZ, LANG,
# PATH, PYTHONPATH and LD_LIBRARY_PATH.
RESERVED_ENVIRONMENT_KEYS = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)

_FUNCTION_NAME_PATTERN = r"[a-zA-Z0-9-_]+"
_VERSION_PATTERN = r"\$LATEST|[0-9]+"
# PutProvisionedConcurrencyConfig's refusal for $LATEST: provisioned concurrency needs a version or an alias.
UNPUBLISHED_PROVISIONED_MESSAGE = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
_HANDLER_PATTERN = r"[^\s]+"
_ENV_KEY_PATTERN = r"[a-zA-Z]([a-zA-Z0-9_])+"
REGION_PATTERN = r"[a-z]{2}(-gov)?-[a-z]+-\d{1}"
_MEASURED_PREVIEW_CHARS = 200


class ReadOnlyEnvironment(dict):
    """The function's environment variables: a dict that refuses changes, so a frozen config stays frozen.

    Unlike `types.MappingProxyType` it pickles, deep-copies and survives `dataclasses.asdict`.
    """

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a FunctionConfig's environment is read-only; use config.replace(environment=...)")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict[str, str]]]:
        return (type(self), (dict(self),))


class ConfigError(ValueError):
    """One-line message in Lambda's own wording of the violated limit.

    `error_type` names the exception the Lambda API would return (`ValidationException`,
    `InvalidParameterValueException`), so a lesson can show both.
    """

    def __init__(self, message: str, error_type: str = "ValidationException") -> None:
        super().__init__(message)
        self.error_type = error_type


@dataclass(frozen=True)
class FunctionConfig:
    """Everything the mini-runtime needs to know about one function; immutable, checked by `validated()`."""

    handler: str
    code_dir: Path
    function_name: str = "lambdalearn-function"
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: Mapping[str, str] = field(default_factory=dict)
    architecture: str = "x86_64"
    ephemeral_storage_mb: int = 512
    reserved_concurrency: int | None = None
    provisioned_concurrency: int = 0
    region: str = "us-east-1"
    runtime: str = "python3.13"
    account_concurrency_limit: int = 1000
    opt_dir: Path | None = None  # the folder the environment sees as /opt (the function's layers, merged)
    version: str = "$LATEST"  # the function version this configuration is; a published one is a number
    invoke_mode: str = "BUFFERED"  # RESPONSE_STREAM: a handler returning an iterator streams its chunks

    def __post_init__(self) -> None:
        # A private read-only copy: changing the caller's dict later must not change a frozen config.
        object.__setattr__(self, "code_dir", Path(self.code_dir))
        if self.opt_dir is not None:
            object.__setattr__(self, "opt_dir", Path(self.opt_dir))
        object.__setattr__(self, "environment", ReadOnlyEnvironment(self.environment or {}))

    @property
    def function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"

    def validated(self) -> FunctionConfig:
        """Return self if every limit holds; otherwise raise ConfigError with Lambda's message."""
        violations = _constraint_violations(self)
        if violations:
            count = len(violations)
            noun = "validation error" if count == 1 else "validation errors"
            raise ConfigError(f"{count} {noun} detected: " + "; ".join(violations))
        _check_environment(self.environment)
        _check_concurrency(self)
        return self

    def replace(self, **changes: Any) -> FunctionConfig:
        """A copy with `changes` applied, validated."""
        return dataclasses.replace(self, **changes).validated()


def _constraint_violations(config: FunctionConfig) -> list[str]:
    """The API-model constraints (ranges, lengths, patterns, enums), in Lambda's per-field wording."""
    found: list[str] = []

    def value(raw: object) -> str:
        return f"Value '{raw}' at"

    def check_range(raw: object, at: str, low: float, high: float, *, integer: bool = True) -> None:
        if not _is_number(raw) or (integer and isinstance(raw, float) and not raw.is_integer()):
            kind = "an integer" if integer else "a number"
            found.append(f"{value(raw)} '{at}' failed to satisfy constraint: Member must be {kind}")
        elif raw < low:  # type: ignore[operator]
            found.append(
                f"{value(raw)} '{at}' failed to satisfy constraint: Member must have value greater than or equal to {low}"
            )
        elif raw > high:  # type: ignore[operator]
            found.append(
                f"{value(raw)} '{at}' failed to satisfy constraint: Member must have value less than or equal to {high}"
            )

    def check_pattern(raw: str, at: str, pattern: str, max_length: int | None = None) -> None:
        if not isinstance(raw, str) or not re.fullmatch(pattern, raw):
            found.append(
                f"{value(raw)} '{at}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
            )
        elif max_length is not None and len(raw) > max_length:
            found.append(
                f"{value(raw)} '{at}' failed to satisfy constraint: Member must have length less than or equal to {max_length}"
            )

    def check_enum(raw: object, at: str, allowed: tuple[str, ...]) -> None:
        if raw not in allowed:
            found.append(
                f"{value(raw)} '{at}' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
            )

    check_pattern(config.function_name, "functionName", _FUNCTION_NAME_PATTERN, FUNCTION_NAME_MAX_LENGTH)
    check_pattern(config.handler, "handler", _HANDLER_PATTERN, HANDLER_MAX_LENGTH)
    check_enum(config.runtime, "runtime", PYTHON_RUNTIMES)
    check_range(config.memory_mb, "memorySize", *MEMORY_MB_RANGE)
    check_range(config.timeout_s, "timeout", *TIMEOUT_S_RANGE, integer=False)
    check_range(config.ephemeral_storage_mb, "ephemeralStorage.size", *EPHEMERAL_STORAGE_MB_RANGE)
    if config.architecture not in ARCHITECTURES:
        found.append(
            f"Value '[{config.architecture}]' at 'architectures' failed to satisfy constraint: Member must satisfy"
            f" constraint: [Member must satisfy enum value set: [{', '.join(ARCHITECTURES)}]]"
        )
    bad_keys = [key for key in config.environment if not isinstance(key, str) or not re.fullmatch(_ENV_KEY_PATTERN, key)]
    if bad_keys:
        found.append(
            "Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint:"
            f" [Member must satisfy regular expression pattern: {_ENV_KEY_PATTERN}]"
        )
    bad_values = [key for key, val in config.environment.items() if not isinstance(val, str)]
    if bad_values:
        found.append(
            f"Value at 'environment.variables' failed to satisfy constraint: Map value of '{bad_values[0]}' must be a string"
        )
    check_pattern(config.region, "region", REGION_PATTERN)
    check_pattern(config.version, "qualifier", _VERSION_PATTERN)
    check_enum(config.invoke_mode, "invokeMode", INVOKE_MODES)
    if config.reserved_concurrency is not None:
        check_range(config.reserved_concurrency, "reservedConcurrentExecutions", 0, float("inf"))
    check_range(config.provisioned_concurrency, "provisionedConcurrentExecutions", 0, float("inf"))
    check_range(config.account_concurrency_limit, "accountConcurrencyLimit", 1, float("inf"))
    return found


def _check_environment(environment: Mapping[str, str]) -> None:
    reserved = [key for key in environment if key in RESERVED_ENVIRONMENT_KEYS]
    if reserved:
        raise ConfigError(
            "Lambda was unable to configure your environment variables because the environment variables you have"
            " provided contains reserved keys that are currently not supported for modification. Reserved keys"
            f" used in this request: {', '.join(reserved)}",
            "InvalidParameterValueException",
        )
    measured = json.dumps(dict(environment), separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode("utf-8")) > ENVIRONMENT_MAX_BYTES:
        preview = measured if len(measured) <= _MEASURED_PREVIEW_CHARS else measured[:_MEASURED_PREVIEW_CHARS] + "..."
        raise ConfigError(
            "Lambda was unable to configure your environment variables because the environment variables you have"
            f" provided exceeded the 4KB limit. String measured: {preview}",
            "InvalidParameterValueException",
        )


def _check_concurrency(config: FunctionConfig) -> None:
    minimum_unreserved = min(MIN_UNRESERVED_CONCURRENCY, config.account_concurrency_limit)
    claimed = config.reserved_concurrency if config.reserved_concurrency is not None else config.provisioned_concurrency
    if config.account_concurrency_limit - claimed < minimum_unreserved:
        which = "ReservedConcurrentExecutions" if config.reserved_concurrency is not None else "ConcurrentExecutions"
        raise ConfigError(
            f"Specified {which} for function decreases account's UnreservedConcurrentExecution below its minimum"
            f" value of [{minimum_unreserved}].",
            "InvalidParameterValueException",
        )
    if config.provisioned_concurrency > 0 and config.version == "$LATEST":
        raise ConfigError(UNPUBLISHED_PROVISIONED_MESSAGE, "InvalidParameterValueException")
    if config.reserved_concurrency is not None and config.provisioned_concurrency > config.reserved_concurrency:
        raise ConfigError(
            "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for"
            " function",
            "InvalidParameterValueException",
        )


def _is_number(raw: object) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw)


def interpreter_note(runtime: str, running: tuple[int, int] | None = None) -> str:
    """The runtime a function claims (AWS_EXECUTION_ENV) beside the Python that really runs it here, with a
    warning when they differ: code that needs the newer language or library passes here and fails there."""
    major, minor = running or sys.version_info[:2]
    here = f"python{major}.{minor}"
    line = f"runtime {runtime} (AWS_EXECUTION_ENV=AWS_Lambda_{runtime}); handlers run on Python {major}.{minor} here"
    if here != runtime:
        line += f" - not {runtime}: what differs between the two versions behaves as {here}, not as on Lambda"
    return line
