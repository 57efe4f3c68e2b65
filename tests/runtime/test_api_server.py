"""The Runtime API server speaks the real endpoints, status codes and headers (checked with a plain client)."""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import socket
import threading

from lambdalearn.runtime import api_server
from lambdalearn.runtime.api_server import NextInvocation, RuntimeApiServer


class FakeEnvironment:
    """Hands out one invocation and records what the runtime posts back."""

    def __init__(self) -> None:
        self.posted: list[tuple] = []
        self.invocation = NextInvocation(
            request_id="req-1",
            body=b'{"k": 1}',
            deadline_ms=1234,
            function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
            trace_id="Root=1-abc",
            client_context='{"custom": {}}',
            cognito_identity='{"cognitoIdentityId": "i"}',
        )

    async def next_invocation(self) -> NextInvocation:
        return self.invocation

    def invocation_response(self, request_id: str, body: bytes, content_type: str) -> bool:
        self.posted.append(("response", request_id, body, content_type))
        return request_id == "req-1"

    def invocation_error(self, request_id: str, body: bytes, error_type: str) -> bool:
        self.posted.append(("error", request_id, body, error_type))
        return request_id == "req-1"

    def response_too_large(self, request_id: str, size: int) -> bool:
        self.posted.append(("too_large", request_id, size))
        return True

    def response_chunk(self, request_id: str, chunk: bytes, content_type: str) -> None:
        self.posted.append(("chunk", request_id, chunk, content_type))

    def init_error(self, body: bytes, error_type: str) -> None:
        self.posted.append(("init_error", body, error_type))


def with_server(client_steps, environment: FakeEnvironment | None = None):
    """Run `client_steps(address)` in a thread against a server for a FakeEnvironment."""

    async def scenario():
        nonlocal environment
        environment = environment or FakeEnvironment()
        server = RuntimeApiServer(environment)
        address = await server.start()
        try:
            result = await asyncio.to_thread(client_steps, address)
        finally:
            await server.aclose()
        return result, environment.posted

    return asyncio.run(scenario())


def test_next_then_response_on_one_keep_alive_connection():
    def steps(address):
        connection = http.client.HTTPConnection(address)
        connection.request("GET", "/2018-06-01/runtime/invocation/next")
        response = connection.getresponse()
        next_result = (response.status, dict(response.getheaders()), response.read())
        connection.request("POST", "/2018-06-01/runtime/invocation/req-1/response", body=b'"ok"')
        response = connection.getresponse()
        return next_result, (response.status, response.read())

    (next_result, posted_result), posted = with_server(steps)
    status, headers, body = next_result
    assert status == 200 and body == b'{"k": 1}'
    assert headers["Lambda-Runtime-Aws-Request-Id"] == "req-1"
    assert headers["Lambda-Runtime-Deadline-Ms"] == "1234"
    assert headers["Lambda-Runtime-Invoked-Function-Arn"].endswith(":function:f")
    assert headers["Lambda-Runtime-Trace-Id"] == "Root=1-abc"
    assert headers["Lambda-Runtime-Client-Context"] == '{"custom": {}}'
    assert headers["Lambda-Runtime-Cognito-Identity"] == '{"cognitoIdentityId": "i"}'
    assert headers["Content-Type"] == "application/json"
    assert posted_result == (202, b'{"status":"OK"}')
    assert posted == [("response", "req-1", b'"ok"', "application/json")]


def test_errors_init_errors_unknown_ids_and_unknown_paths():
    def steps(address):
        connection = http.client.HTTPConnection(address)
        results = []
        for method, path, headers in [
            ("POST", "/2018-06-01/runtime/invocation/req-1/error", {"Lambda-Runtime-Function-Error-Type": "Unhandled"}),
            ("POST", "/2018-06-01/runtime/invocation/other/response", {}),
            ("POST", "/2018-06-01/runtime/init/error", {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"}),
            ("GET", "/2018-06-01/runtime/nowhere", {}),
        ]:
            connection.request(method, path, body=b"{}" if method == "POST" else None, headers=headers)
            response = connection.getresponse()
            results.append((response.status, json.loads(response.read())))
        return results

    results, posted = with_server(steps)
    assert [status for status, _ in results] == [202, 400, 202, 404]
    assert results[1][1]["errorType"] == "InvalidRequestID"
    assert ("error", "req-1", b"{}", "Unhandled") in posted
    assert ("init_error", b"{}", "Runtime.ImportModuleError") in posted


def test_a_response_over_the_limit_gets_413_and_the_environment_is_told():
    def steps(address):
        connection = http.client.HTTPConnection(address)
        connection.request("POST", "/2018-06-01/runtime/invocation/req-1/response", body=b"x" * 6291557)
        response = connection.getresponse()
        return response.status, json.loads(response.read())

    (status, body), posted = with_server(steps)
    assert status == 413 and body["errorType"] == "RequestEntityTooLarge"
    assert posted == [("too_large", "req-1", 6291557)]


def test_chunked_bodies_and_expect_100_continue_are_understood():
    def steps(address):
        host, port = address.split(":")
        with socket.create_connection((host, int(port))) as raw:
            raw.sendall(
                b"POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: x\r\n"
                b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
            )
            continue_line = raw.recv(64)
            raw.sendall(b"3\r\n\"ab\r\n2\r\nc\"\r\n0\r\n\r\n")
            reply = raw.recv(4096)
        return continue_line, reply

    (continue_line, reply), posted = with_server(steps)
    assert continue_line.startswith(b"HTTP/1.1 100 Continue")
    assert reply.startswith(b"HTTP/1.1 202 Accepted")
    assert posted == [("response", "req-1", b'"abc"', "application/json")]


STREAMED_HEAD = (
    b"POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: x\r\n"
    b"Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n"
    b"Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n"
)


def chunks_in(posted: list[tuple]) -> bytes:
    """The streamed bytes handed on so far (TCP may split a chunk into several pieces)."""
    return b"".join(entry[2] for entry in list(posted) if entry[0] == "chunk" and entry[1] == "req-1")


def test_a_streamed_response_is_handed_on_chunk_by_chunk_before_it_ends():
    """AWS docs: runtimes-custom.html#runtimes-custom-response-streaming (streaming mode, chunked encoding)."""
    environment = FakeEnvironment()

    def steps(address):
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(STREAMED_HEAD + b"5\r\nfirst\r\n")
            for _ in range(2000):  # the request is still open: the chunk must already have been handed on
                if chunks_in(environment.posted) == b"first":
                    break
                threading.Event().wait(0.005)
            seen_before_end = chunks_in(environment.posted)
            sock.sendall(b"6\r\nsecond\r\n0\r\n\r\n")
            return seen_before_end, sock.recv(4096)

    (seen_before_end, reply), posted = with_server(steps, environment)
    assert seen_before_end == b"first" and reply.startswith(b"HTTP/1.1 202")
    assert chunks_in(posted) == b"firstsecond" and {entry[3] for entry in posted} == {"text/plain"}
    assert posted[-1] == ("response", "req-1", b"firstsecond", "text/plain")


def test_error_trailers_make_a_streamed_response_a_function_error():
    error = {"errorMessage": "late", "errorType": "ValueError", "requestId": "req-1", "stackTrace": []}
    trailer = base64.b64encode(json.dumps(error).encode())

    def steps(address):
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(STREAMED_HEAD + b"4\r\npart\r\n0\r\nLambda-Runtime-Function-Error-Type: ValueError\r\n"
                         b"Lambda-Runtime-Function-Error-Body: " + trailer + b"\r\n\r\n")
            return sock.recv(4096)

    reply, posted = with_server(steps)
    assert reply.startswith(b"HTTP/1.1 202")
    assert chunks_in(posted) == b"part" and posted[-1] == ("error", "req-1", json.dumps(error).encode(), "ValueError")


def test_a_streamed_response_over_the_limit_is_cut_there_and_refused(monkeypatch):
    """Streamed responses may carry up to 200 MB (config-rs-invoke-furls.html); a 10-byte limit stands in."""
    monkeypatch.setattr(api_server, "STREAM_RESPONSE_SIZE_LIMIT", 10)

    def steps(address):
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(STREAMED_HEAD + b"a\r\n0123456789\r\n5\r\nabcde\r\n0\r\n\r\n")
            return sock.recv(4096)

    reply, posted = with_server(steps)
    assert reply.startswith(b"HTTP/1.1 413") and b"(10 bytes)" in reply
    assert chunks_in(posted) == b"0123456789" and posted[-1] == ("too_large", "req-1", 15)
