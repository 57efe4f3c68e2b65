"""The runtime interface client that runs inside every execution environment.

It is what AWS's `awslambdaric` is on Lambda: a small client of the Runtime API that imports the handler
(INIT), then loops forever asking `/invocation/next` for an event, calling the handler, and posting the result
to `/invocation/{id}/response` or an error object to `/invocation/{id}/error`. Fault types, messages, the
stack-trace shape and the log format follow awslambdaric, so a learner sees what Lambda would show.

It must stay importable on its own with the standard library only (it runs as
`python -m lambdalearn.runtime.bootstrap` or is called by the fork server), so nothing here imports the rest
of lambdalearn.
"""

from __future__ import annotations

import base64
import decimal
import importlib
import io
import json
import logging
import math
import os
import socket
import sys
import time
import traceback
from collections.abc import Iterator
from typing import Any, Callable

RUNTIME_PATH = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
# Response streaming, as a custom runtime does it (AWS docs: runtimes-custom.html#runtimes-custom-response-streaming).
ERROR_BODY_HEADER = "Lambda-Runtime-Function-Error-Body"
RESPONSE_MODE_HEADER = "Lambda-Runtime-Function-Response-Mode"
HTTP_INTEGRATION_TYPE = "application/vnd.awslambda.http-integration-response"
PRELUDE_DELIMITER = b"\0" * 8
STREAM_MODE_VARIABLE = "LAMBDALEARN_INVOKE_MODE"  # our runtime's own setting (RESPONSE_STREAM), not Lambda's
# Runtimes whose JSON keeps non-ASCII characters as they are (awslambdaric does the same from python3.12 on).
_UNESCAPED_JSON_RUNTIMES = {"AWS_Lambda_python3.12", "AWS_Lambda_python3.13", "AWS_Lambda_python3.14"}
_UNHANDLED_INIT_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in"
    " rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed"
    " runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To"
    " determine if the runtime has been updated, check the runtime version in the INIT_START log entry. If this"
    " error correlates with a change in the runtime version, you may be able to mitigate this error by"
    " temporarily rolling back to the previous runtime version. For more information, see"
    " https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_current_request_id = ""
_DECIMAL_MARK = "\x00decimal\x00"
_JSON_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# LogRecord attributes that are not "extra" fields of a JSON log line.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "aws_request_id"}


class Fault(Exception):
    """A failure of the runtime itself (not of the handler's code), reported as a `Runtime.*` error type."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def load_handler(handler: str) -> Callable[[Any, Any], Any]:
    """Import the handler's module and return the function, raising Fault with awslambdaric's wording."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise Fault("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {error}") from None
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise Fault(
                "Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module"
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise Fault("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}") from None
    except SyntaxError as error:
        trace = [f'  File "{error.filename}" Line {error.lineno}\n    {error.text}']
        raise Fault("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}", trace) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'") from None


def error_object(message: str, error_type: str, stack_trace: list[str] | None, request_id: str = "") -> dict:
    """The error payload Lambda returns: {errorMessage, errorType, requestId, stackTrace}."""
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id,
        "stackTrace": stack_trace or [],
    }


def error_from_exception(error: BaseException, request_id: str = "") -> dict:
    """An error object for an exception raised by user code, its traceback starting at the first user frame."""
    frames = traceback.extract_tb(error.__traceback__)
    for index, frame in enumerate(frames):
        if "/bootstrap.py" not in frame.filename:
            frames = frames[index:]
            break
    return error_object(str(error), type(error).__name__, traceback.format_list(frames), request_id)


def _json_logs() -> bool:
    """AWS_LAMBDA_LOG_FORMAT=JSON (any case), as awslambdaric reads it."""
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def log_error(error: dict) -> None:
    """Print an error the way awslambdaric logs it: `[ERROR] Type: message` and the traceback, or in the JSON
    log format one JSON object with a timestamp and "level": "ERROR" before the error's own fields (awslambdaric 4.2)."""
    if _json_logs():
        stamp = time.strftime(_JSON_TIME_FORMAT, time.gmtime())
        sys.stdout.write(_encode_log({"timestamp": stamp, "level": "ERROR", **error}) + "\n")
        return
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        description += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        lines.extend(element.splitlines() or [""])
    sys.stdout.write("\n".join(lines) + "\n")


def _marshallable(value: Any, decimals: list[str]) -> Any:
    """`value` with what AWS's client (simplejson) encodes differently from the json module made plain:
    a namedtuple becomes an object, bytes inside a result become UTF-8 text, and a Decimal becomes a marker
    replaced afterwards by its exact digits (a float would lose precision)."""
    if isinstance(value, dict):
        return {key: _marshallable(item, decimals) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {key: _marshallable(item, decimals) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_marshallable(item, decimals) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, decimal.Decimal):
        if value.is_nan():
            return math.nan
        decimals.append(str(value))
        return f"{_DECIMAL_MARK}{len(decimals) - 1}{_DECIMAL_MARK}"
    return value


def marshal_response(result: Any) -> tuple[bytes, str]:
    """Encode the handler's return value as Lambda does: bytes pass through, everything else is JSON."""
    if isinstance(result, bytes):
        return result, "application/unknown"
    ensure_ascii = os.environ.get("AWS_EXECUTION_ENV") not in _UNESCAPED_JSON_RUNTIMES
    decimals: list[str] = []
    try:
        text = json.dumps(_marshallable(result, decimals), ensure_ascii=ensure_ascii, allow_nan=True)
    except Exception as error:
        raise Fault("Runtime.MarshalError", f"Unable to marshal response: {error}") from None
    for index, digits in enumerate(decimals):
        text = text.replace(json.dumps(f"{_DECIMAL_MARK}{index}{_DECIMAL_MARK}"), digits, 1)
    return text.encode("utf-8"), "application/json"


def _object_from(cls: type, values: dict | None) -> Any:
    if values is None:
        return None
    instance = cls()
    for name in cls.__slots__:
        setattr(instance, name, values.get(name))
    return instance


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")


class ClientContext:
    __slots__ = ("custom", "env", "client")


class LambdaContext:
    """The `context` argument: the same attributes and method as awslambdaric's context object."""

    def __init__(self, request_id: str, headers: Headers) -> None:
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        client_context = _parse_json_header(headers.get("Lambda-Runtime-Client-Context"), "Client Context")
        self.client_context = _object_from(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _object_from(Client, self.client_context.client)
        cognito = _parse_json_header(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity") or {}
        self.identity = CognitoIdentity()
        self.identity.cognito_identity_id = cognito.get("cognitoIdentityId")
        self.identity.cognito_identity_pool_id = cognito.get("cognitoIdentityPoolId")

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, message: Any) -> None:
        """Write to the function's log, as `print` does but without adding a newline."""
        sys.stdout.write(str(message))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},function_name={self.function_name},"
            f"function_version={self.function_version},invoked_function_arn={self.invoked_function_arn},"
            f"memory_limit_in_mb={self.memory_limit_in_mb}])"
        )


def _parse_json_header(value: str | None, name: str) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError as error:
        raise Fault("Runtime.LambdaContextUnmarshalError", f"Unable to parse {name} JSON: {error}") from None


class Headers(dict):
    """Response headers, looked up without regard to case (keys are stored lower-cased)."""

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


class RuntimeApiClient:
    """HTTP/1.1 keep-alive client of the Lambda Runtime API at `address` (host:port).

    A raw socket rather than http.client: http.client pulls in email and ssl, which would make every
    environment start slower and hide the cost of those imports from a handler that makes them itself.
    """

    def __init__(self, address: str) -> None:
        host, port = address.rsplit(":", 1)
        self._address = (host, int(port))
        self._socket: socket.socket | None = None
        self._reader: Any = None

    def _connect(self) -> None:
        self._socket = socket.create_connection(self._address)
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._socket.makefile("rb")

    def _close(self) -> None:
        if self._socket is not None:
            self._reader.close()
            self._socket.close()
        self._socket = self._reader = None

    def _call(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[bytes, Headers]:
        lines = [f"{method} {RUNTIME_PATH}{path} HTTP/1.1", f"Host: {self._address[0]}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in (1, 2):
            try:
                if self._socket is None:
                    self._connect()
                assert self._socket is not None
                self._socket.sendall(request)
                return self._read_response()
            except (OSError, ValueError):
                self._close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read_response(self) -> tuple[bytes, Headers]:
        status_line = self._reader.readline()
        if not status_line:
            raise ConnectionResetError("the Runtime API closed the connection")
        response_headers = Headers()
        while True:
            line = self._reader.readline().decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            response_headers[name.strip().lower()] = value.strip()
        body = self._reader.read(int(response_headers.get("Content-Length", "0")))
        return body, response_headers

    def next_invocation(self) -> tuple[bytes, Headers]:
        return self._call("GET", "/invocation/next")

    def post_response(self, request_id: str, body: bytes, content_type: str) -> None:
        self._call("POST", f"/invocation/{request_id}/response", body, {"Content-Type": content_type})

    def post_stream(self, request_id: str, first: Any, rest: Iterator) -> None:
        """Post a handler's chunks as it produces them: one HTTP/1.1 chunk each, then close the connection.
        A dict first is the HTTP prelude of a function URL (status, headers, cookies); an error after the first
        chunk goes in the error trailers, the way AWS asks custom runtimes to report it."""
        content_type = HTTP_INTEGRATION_TYPE if isinstance(first, dict) else "application/octet-stream"
        head = [f"POST {RUNTIME_PATH}/invocation/{request_id}/response HTTP/1.1", f"Host: {self._address[0]}",
                f"{RESPONSE_MODE_HEADER}: streaming", "Transfer-Encoding: chunked", f"Content-Type: {content_type}",
                f"Trailer: {ERROR_TYPE_HEADER}, {ERROR_BODY_HEADER}"]
        if self._socket is None:
            self._connect()
        assert self._socket is not None
        send = self._socket.sendall
        send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        trailers = b""
        try:
            if isinstance(first, dict):
                send(_http_chunk(json.dumps(first).encode("utf-8") + PRELUDE_DELIMITER))
            elif first is not None:
                send(_http_chunk(_chunk_bytes(first)))
            for item in rest:
                send(_http_chunk(_chunk_bytes(item)))
        except Fault as fault:
            trailers = _error_trailers(error_object(fault.message, fault.error_type, fault.trace, request_id))
        except Exception as exception:
            trailers = _error_trailers(error_from_exception(exception, request_id))
        send(b"0\r\n" + trailers + b"\r\n")
        self._read_response()
        self._close()

    def post_error(self, request_id: str, error: dict) -> None:
        body = json.dumps(error).encode("utf-8")
        self._call("POST", f"/invocation/{request_id}/error", body, {ERROR_TYPE_HEADER: error["errorType"]})

    def post_init_error(self, error: dict) -> None:
        body = json.dumps(error).encode("utf-8")
        self._call("POST", "/init/error", body, {ERROR_TYPE_HEADER: error["errorType"]})


def _chunk_bytes(item: Any) -> bytes:
    if isinstance(item, str):
        return item.encode("utf-8")
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    raise Fault("Runtime.MarshalError", f"Unable to marshal response: a streamed chunk must be str or bytes, not {type(item).__name__}")


def _http_chunk(data: bytes) -> bytes:
    """One chunk of chunked transfer encoding; nothing for empty data (a zero-size chunk ends the body)."""
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b""


def _error_trailers(error: dict) -> bytes:
    """Log the mid-stream error as any error is logged, and return it as the two error trailers."""
    log_error(error)
    body = base64.b64encode(json.dumps(error).encode("utf-8")).decode("ascii")
    return f"{ERROR_TYPE_HEADER}: {error['errorType']}\r\n{ERROR_BODY_HEADER}: {body}\r\n".encode("latin-1")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _current_request_id
        return True


class _JsonLogFormatter(logging.Formatter):
    """One JSON object per log record, with the fields and order of awslambdaric's JSON log format."""

    def format(self, record: logging.LogRecord) -> str:
        level = min(50, max(0, record.levelno)) // 10 * 10
        failure = record.exc_info
        fields: dict[str, Any] = {
            "timestamp": time.strftime(_JSON_TIME_FORMAT, time.gmtime(record.created)),
            "level": logging.getLevelName(level),
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(failure[2]) if failure else None,
            "errorType": failure[0].__name__ if failure and failure[0] else None,
            "errorMessage": str(failure[1]) if failure else None,
            "requestId": getattr(record, "aws_request_id", None) or None,
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if failure else None,
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in fields:
                fields[key] = value
        return _encode_log({key: value for key, value in fields.items() if value is not None}) + "\n"


def _encode_log(fields: dict) -> str:
    return json.dumps(fields, ensure_ascii=False, default=str)


def _setup_output() -> None:
    """Unbuffered stdout/stderr (each write reaches the log at once) and Lambda's logging format and level
    (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL, as awslambdaric honours them)."""
    sys.stdout = io.TextIOWrapper(open(1, "wb", 0, closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(open(2, "wb", 0, closefd=False), encoding="utf-8", write_through=True)
    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.terminator = ""
    if _json_logs():
        handler.setFormatter(_JsonLogFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
            )
        )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = "DEBUG" if level == "TRACE" else level
    if level in logging.getLevelNamesMapping():
        root.setLevel(level)


def _handle_one(client: RuntimeApiClient, handler: Callable[[Any, Any], Any]) -> None:
    global _current_request_id
    body, headers = client.next_invocation()
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    _current_request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    error = stream = None
    try:
        context = LambdaContext(request_id, headers)
        try:
            event = json.loads(body) if headers.get("Content-Type", "application/json") == "application/json" else body
        except ValueError as bad_json:
            raise Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {bad_json}") from None
        result = handler(event, context)
        if isinstance(result, Iterator) and os.environ.get(STREAM_MODE_VARIABLE) == "RESPONSE_STREAM":
            stream = (next(result, None), result)  # an error before the first chunk is an ordinary error
        else:
            payload, content_type = marshal_response(result)
    except Fault as fault:
        error = error_object(fault.message, fault.error_type, fault.trace, request_id)
    except Exception as exception:
        error = error_from_exception(exception, request_id)
    if error is not None:
        log_error(error)
        client.post_error(request_id, error)
    elif stream is not None:
        client.post_stream(request_id, *stream)
    else:
        client.post_response(request_id, payload, content_type)


def run(handler_name: str, api_address: str) -> None:
    """INIT (import the handler) then serve invocations until the environment is shut down."""
    _setup_output()
    client = RuntimeApiClient(api_address)
    try:
        handler = load_handler(handler_name)
    except Fault as fault:
        init_error = error_object(fault.message, fault.error_type, fault.trace)
    except Exception as exception:
        init_error = error_from_exception(exception)
    else:
        init_error = None
    if init_error is not None:
        logging.warning(_UNHANDLED_INIT_WARNING)
        log_error(init_error)
        client.post_init_error(init_error)
        sys.exit(1)
    while True:
        _handle_one(client, handler)


def main() -> None:
    handler_name = sys.argv[1] if len(sys.argv) > 1 else os.environ["_HANDLER"]
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    run(handler_name, os.environ["AWS_LAMBDA_RUNTIME_API"])


if __name__ == "__main__":
    main()
