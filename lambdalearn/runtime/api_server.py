"""The Lambda Runtime API on loopback: the HTTP interface a runtime interface client talks to.

Each execution environment gets its own server (its own port in AWS_LAMBDA_RUNTIME_API), as on Lambda,
so one environment can never answer for another's request. Endpoints, status codes and headers are the
real ones (API version 2018-06-01):

    GET  /2018-06-01/runtime/invocation/next                 200, event body + Lambda-Runtime-* headers
    POST /2018-06-01/runtime/invocation/{request-id}/response  202 (413 if over 6 MB)
    POST /2018-06-01/runtime/invocation/{request-id}/error     202
    POST /2018-06-01/runtime/init/error                        202

It is a small HTTP/1.1 server on asyncio streams (keep-alive, Content-Length or chunked bodies,
`Expect: 100-continue`), just enough for our bootstrap and for AWS's awslambdaric. A response posted with
`Lambda-Runtime-Function-Response-Mode: streaming` is passed on chunk by chunk as it arrives (up to 200 MB),
and its error trailers, if any, make it a function error (AWS docs: runtimes-custom.html, response streaming).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import Protocol

from lambdalearn.runtime.records import RESPONSE_SIZE_LIMIT

_NEXT = "/2018-06-01/runtime/invocation/next"
_INIT_ERROR = "/2018-06-01/runtime/init/error"
_INVOCATION = re.compile(r"^/2018-06-01/runtime/invocation/([^/]+)/(response|error)$")
STREAM_RESPONSE_SIZE_LIMIT = 200 * 1024 * 1024  # bytes a streamed response may carry
_STREAM_ERROR_TYPE = "lambda-runtime-function-error-type"
_STREAM_ERROR_BODY = "lambda-runtime-function-error-body"
_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 413: "Payload Too Large"}


@dataclass
class NextInvocation:
    """The event handed to the runtime by /invocation/next, with the headers Lambda sends along."""

    request_id: str
    body: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str
    client_context: str | None = None
    cognito_identity: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": self.request_id,
            "Lambda-Runtime-Deadline-Ms": str(self.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
            "Lambda-Runtime-Trace-Id": self.trace_id,
        }
        if self.client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = self.client_context
        if self.cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = self.cognito_identity
        return headers


class RuntimeApiHandler(Protocol):
    """What the server asks of its execution environment."""

    async def next_invocation(self) -> NextInvocation: ...

    def invocation_response(self, request_id: str, body: bytes, content_type: str) -> bool:
        """Accept the result; False if `request_id` is not the invocation in progress."""

    def invocation_error(self, request_id: str, body: bytes, error_type: str) -> bool: ...

    def response_too_large(self, request_id: str, size: int) -> bool: ...

    def response_chunk(self, request_id: str, chunk: bytes, content_type: str) -> None:
        """A piece of a streamed response, as it arrives (before the response is complete); an empty first
        piece says the stream has begun."""

    def init_error(self, body: bytes, error_type: str) -> None: ...


@dataclass
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    size: int = 0
    trailers: dict[str, str] | None = None  # a streamed response's trailers (None: not streamed)


class RuntimeApiServer:
    """One environment's Runtime API, listening on 127.0.0.1 at an ephemeral port."""

    def __init__(self, handler: RuntimeApiHandler) -> None:
        self._handler = handler
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[asyncio.Task] = set()
        self.address = ""

    async def start(self) -> str:
        """Listen; returns "127.0.0.1:port", the value of AWS_LAMBDA_RUNTIME_API."""
        self._server = await asyncio.start_server(self._serve_connection, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.address = f"127.0.0.1:{port}"
        return self.address

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                request = await _read_request(reader, writer, self._chunk_sink)
                if request is None:
                    return
                status, body = await self._route(request)
                payload_headers = {"Content-Type": "application/json"}
                if isinstance(body, tuple):
                    body, payload_headers = body
                writer.write(_response_bytes(status, payload_headers, body))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        except asyncio.CancelledError:
            # The server is closing; end quietly (asyncio would otherwise log the cancelled connection task).
            pass
        finally:
            self._connections.discard(task)
            writer.close()

    def _chunk_sink(self, path: str, headers: dict[str, str]) -> Callable[[bytes], None] | None:
        """Where the chunks of a streamed response go as they arrive; None for any other request."""
        match = _INVOCATION.match(path)
        if headers.get("lambda-runtime-function-response-mode") != "streaming" or not match or match[2] != "response":
            return None
        content_type = headers.get("content-type", "application/octet-stream")
        return lambda chunk: self._handler.response_chunk(match[1], chunk, content_type)

    async def _route(self, request: _Request) -> tuple[int, bytes | tuple[bytes, dict[str, str]]]:
        if request.method == "GET" and request.path == _NEXT:
            invocation = await self._handler.next_invocation()
            return 200, (invocation.body, invocation.headers())
        if request.method == "POST" and request.path == _INIT_ERROR:
            self._handler.init_error(request.body, request.headers.get("lambda-runtime-function-error-type", ""))
            return 202, _status_ok()
        match = _INVOCATION.match(request.path) if request.method == "POST" else None
        if match is None:
            return 404, _error_body("InvalidRequest", f"Unknown endpoint {request.method} {request.path}")
        request_id, what = match.groups()
        if request.trailers is not None:
            return self._streamed(request_id, request)
        if what == "response" and request.size > RESPONSE_SIZE_LIMIT:
            self._handler.response_too_large(request_id, request.size)
            return 413, _error_body(
                "RequestEntityTooLarge", f"Exceeded maximum allowed payload size ({RESPONSE_SIZE_LIMIT} bytes)."
            )
        if what == "response":
            accepted = self._handler.invocation_response(
                request_id, request.body, request.headers.get("content-type", "application/json")
            )
        else:
            error_type = request.headers.get("lambda-runtime-function-error-type", "")
            accepted = self._handler.invocation_error(request_id, request.body, error_type)
        if not accepted:
            return 400, _error_body("InvalidRequestID", "Invalid request ID")
        return 202, _status_ok()


    def _streamed(self, request_id: str, request: _Request) -> tuple[int, bytes]:
        """Settle a streamed response: too large, failed mid-stream (error trailers) or complete."""
        if request.size > STREAM_RESPONSE_SIZE_LIMIT:
            self._handler.response_too_large(request_id, request.size)
            return 413, _error_body(
                "RequestEntityTooLarge", f"Exceeded maximum allowed payload size ({STREAM_RESPONSE_SIZE_LIMIT} bytes)."
            )
        error_type = request.trailers.get(_STREAM_ERROR_TYPE) if request.trailers else None
        if error_type:
            try:
                error = base64.b64decode(request.trailers.get(_STREAM_ERROR_BODY, ""), validate=True)
            except binascii.Error:
                error = _error_body(error_type, "")
            accepted = self._handler.invocation_error(request_id, error, error_type)
        else:
            accepted = self._handler.invocation_response(
                request_id, request.body, request.headers.get("content-type", "application/octet-stream")
            )
        if not accepted:
            return 400, _error_body("InvalidRequestID", "Invalid request ID")
        return 202, _status_ok()


def _status_ok() -> bytes:
    return b'{"status":"OK"}'


def _error_body(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()


def _response_bytes(status: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_request(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    chunk_sink: Callable[[str, dict[str, str]], Callable[[bytes], None] | None],
) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    path = target.split("?", 1)[0]
    sink = chunk_sink(path, headers) if method == "POST" else None
    if sink is not None:
        sink(b"")  # the stream has begun (its Content-Type is known), even if no piece ever follows
    body, size, trailers = await _read_body(reader, headers, sink)
    return _Request(method, path, headers, body, size, trailers if sink is not None else None)


async def _read_body(
    reader: asyncio.StreamReader, headers: dict[str, str], sink: Callable[[bytes], None] | None = None
) -> tuple[bytes, int, dict[str, str]]:
    """The body (kept up to the response size limit, counted in full), by Content-Length or chunked, and its
    trailers. With a `sink` (a streamed response), each piece also goes there as it arrives, up to 200 MB."""
    kept = bytearray()
    size = 0
    limit = RESPONSE_SIZE_LIMIT if sink is None else STREAM_RESPONSE_SIZE_LIMIT
    trailers: dict[str, str] = {}

    async def take(count: int) -> None:
        nonlocal size
        while count > 0:
            chunk = await reader.read(min(count, 1 << 16))
            if not chunk:
                raise asyncio.IncompleteReadError(bytes(kept), None)
            count -= len(chunk)
            size += len(chunk)
            if len(kept) <= limit:
                kept.extend(chunk)
                if sink is not None and size <= limit:
                    sink(chunk)

    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await reader.readuntil(b"\r\n")
            chunk_size = int(size_line.split(b";")[0].strip(), 16)
            if chunk_size == 0:
                while line := (await reader.readuntil(b"\r\n")).strip():
                    name, _, value = line.decode("latin-1").partition(":")
                    trailers[name.strip().lower()] = value.strip()
                break
            await take(chunk_size)
            await reader.readexactly(2)
    else:
        await take(int(headers.get("content-length", "0")))
    return bytes(kept), size, trailers
