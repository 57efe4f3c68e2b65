"""The Lambda Invoke API on loopback, in front of the local AWS (moto): the app's functions answer `lambda.invoke`.

moto's Step Functions interpreter calls Lambda through boto3 on `http://localhost:$MOTO_PORT`, and handlers call
it through `AWS_ENDPOINT_URL`. Both point here: `POST /2015-03-31/functions/{name}/invocations` runs the app's
function in the mini-runtime (on the run's event loop) and answers as Lambda does; every other request is passed
to moto unchanged. Answers (docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):

- RequestResponse: 200, the function's payload, `X-Amz-Executed-Version`, and `X-Amz-Function-Error: Unhandled`
  with the error object as payload when the function failed;
- Event: 202 with no payload, the event queued on the function's async invoker (its retries and destinations);
- DryRun: 204;
- an unknown function or qualifier: 404 ResourceNotFoundException; a throttle: 429 TooManyRequestsException.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from lambdalearn.runtime.invoke_async import function_error
from lambdalearn.runtime.records import InvocationRecord

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
_STATES_CREDENTIAL = "Credential=ak/"  # moto's interpreter signs with access key "ak" (its boto_client_for)
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class UnknownFunction(LookupError):
    """No such function or qualifier: Lambda's 404 ResourceNotFoundException."""


@dataclass(frozen=True)
class InvokeRequest:
    """One Invoke call as the API received it."""

    function: str  # the name, ARN or partial ARN in the path, without its qualifier
    qualifier: str | None
    invocation_type: str
    payload: Any
    caller: str = "Invoke API"  # "Step Functions" for moto's interpreter, for the timeline's `source`


SyncInvoke = Callable[[InvokeRequest], Awaitable[InvocationRecord]]
AsyncInvoke = Callable[[InvokeRequest], None]


def parse_function(path_name: str, qualifier: str | None) -> tuple[str, str | None]:
    """(name, qualifier) from the path's FunctionName (a name, `name:qualifier`, an ARN or a partial ARN)."""
    name = unquote(path_name)
    parts = name.split(":")
    if name.startswith("arn:"):
        name, suffix = parts[6] if len(parts) > 6 else "", parts[7] if len(parts) > 7 else None
    elif len(parts) >= 3 and parts[1] == "function":  # 123456789012:function:name[:qualifier]
        name, suffix = parts[2], parts[3] if len(parts) > 3 else None
    else:
        name, suffix = parts[0], parts[1] if len(parts) > 1 else None
    if suffix and qualifier and suffix != qualifier:
        raise ValueError(f"the qualifier {qualifier} differs from the one in the function name ({suffix})")
    return name, qualifier or suffix


class LambdaApi:
    """An HTTP server on 127.0.0.1 that answers Invoke with `invoke`/`submit` and proxies the rest to `upstream`."""

    def __init__(self, invoke: SyncInvoke, submit: AsyncInvoke, *, upstream: str = "") -> None:
        self._invoke = invoke
        self._submit = submit
        self.upstream = upstream  # moto's endpoint, set before requests other than Invoke arrive
        self.port = 0
        self._server: asyncio.base_events.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader, writer)
                if request is None:
                    break
                method, target, headers, body = request
                status, answer_headers, answer = await self.answer(method, target, headers, body)
                _write_response(writer, status, answer_headers, answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """The status, headers and body for one request."""
        split = urlsplit(target)
        matched = _INVOKE_PATH.match(split.path)
        if method != "POST" or matched is None:
            return await asyncio.to_thread(self._forward, method, target, headers, body)
        query = parse_qs(split.query)
        try:
            name, qualifier = parse_function(matched["name"], (query.get("Qualifier") or [None])[0])
            payload = json.loads(body) if body.strip() else {}
        except ValueError as bad:
            kind = "InvalidRequestContentException" if isinstance(bad, json.JSONDecodeError) else "InvalidParameterValueException"
            return _error(400, kind, str(bad))
        invocation_type = headers.get("x-amz-invocation-type", "RequestResponse")
        caller = "Step Functions" if _STATES_CREDENTIAL in headers.get("authorization", "") else "Invoke API"
        request = InvokeRequest(name, qualifier, invocation_type, payload, caller)
        try:
            if invocation_type == "Event":
                self._submit(request)
                return 202, {"X-Amzn-RequestId": str(uuid.uuid4())}, b""
            if invocation_type == "DryRun":
                return 204, {"X-Amzn-RequestId": str(uuid.uuid4())}, b""
            record = await self._invoke(request)
        except UnknownFunction as missing:
            return _error(404, "ResourceNotFoundException", str(missing))
        if record.status == "throttled":
            return _error(429, "TooManyRequestsException", "Rate Exceeded.")
        answer = {"X-Amz-Executed-Version": record.executed_version, "Content-Type": "application/json", "X-Amzn-RequestId": record.request_id}
        failed = function_error(record)
        if failed:
            answer["X-Amz-Function-Error"] = failed
        return 200, answer, json.dumps(record.payload).encode()

    def _forward(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Pass a request to moto and bring its answer back (one connection a request; moto is local)."""
        upstream = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
        try:
            sent = {name: value for name, value in headers.items() if name not in _HOP_HEADERS and name != "expect"}
            sent["Host"] = upstream.netloc
            connection.request(method, target, body=body or None, headers=sent)
            response = connection.getresponse()
            data = response.read()
            kept = {name: value for name, value in response.getheaders() if name.lower() not in _HOP_HEADERS}
            return response.status, kept, data
        finally:
            connection.close()


def _error(status: int, kind: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"Type": "User", "message": message}).encode()
    return status, {"X-Amzn-ErrorType": kind, "Content-Type": "application/json", "X-Amzn-RequestId": str(uuid.uuid4())}, body


async def _read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, str, dict[str, str], bytes] | None:
    """One HTTP/1.1 request (Content-Length or chunked body); None when the client closed the connection."""
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        header = (await reader.readline()).decode("latin-1")
        if header in ("\r\n", "\n", ""):
            break
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("expect", "").lower() == "100-continue":  # botocore asks before sending an S3 object
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
    return method, target, headers, body


def _write_response(writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes) -> None:
    reason = http.client.responses.get(status, "")
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers.items()), f"Content-Length: {len(body)}", "", ""]
    writer.write("\r\n".join(lines).encode("latin-1") + body)
