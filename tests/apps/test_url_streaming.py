"""Function URLs with InvokeMode RESPONSE_STREAM: the answer goes out with chunked transfer encoding as the
function produces it; a JSON prelude and eight NUL bytes set status, headers and cookies; an error after the
first chunk ends the body with the error trailers.

AWS docs: "Invoking a response streaming enabled function using Lambda function URLs"
(https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html), "Response streaming for Lambda
functions" (configuration-response-streaming.html) and "Implementing response streaming in a custom runtime"
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lambdalearn.apps.url_server import FunctionUrlServer, UrlSettings
from lambdalearn.apps.url_stream import BadPrelude, StreamOpening, prelude_head
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.function import LambdaFunction

HANDLERS = Path(__file__).resolve().parents[1] / "fixtures" / "handlers"
HANDLER = '''
import os, time
from streaming import chunks, http, fails_midway, plain

def route(event, context):
    path = event["rawPath"]
    if path == "/http":
        return http({"gate": GATE}, context)
    if path == "/octets":
        return chunks({"gate": GATE}, context)
    if path == "/fails":
        return fails_midway(event, context)
    if path == "/empty":
        return iter([])
    if path == "/bad-prelude":
        return iter([{"statusCode": "teapot"}, "body"])
    return plain(event, context)
'''


def test_the_prelude_gives_status_headers_and_one_set_cookie_per_cookie() -> None:
    head = prelude_head(b'{"statusCode": 418, "headers": {"x-a": "1"}, "cookies": ["c=1", "d=2"]}')
    assert head == (418, [("x-a", "1"), ("Set-Cookie", "c=1"), ("Set-Cookie", "d=2"), ("Content-Type", "application/octet-stream")])
    with pytest.raises(BadPrelude):
        prelude_head(b'["not", "an", "object"]')


def test_the_head_waits_for_the_whole_prelude_and_plain_streams_start_at_once() -> None:
    opening = StreamOpening()
    kind = "application/vnd.awslambda.http-integration-response"
    assert opening.feed(b'{"statusCode": 2', kind) == (None, b"")
    head, rest = opening.feed(b'02}\0\0\0\0\0\0\0\0body', kind)
    assert head == (202, [("Content-Type", "application/octet-stream")]) and rest == b"body"
    assert StreamOpening().feed(b"raw", "text/plain") == ((200, [("Content-Type", "text/plain")]), b"raw")


@pytest.fixture
def streaming_server(tmp_path: Path):
    """A RESPONSE_STREAM function URL over the streaming fixtures; returns (server, gate file)."""
    gate = tmp_path / "gate"
    shutil.copy(HANDLERS / "streaming.py", tmp_path / "streaming.py")
    (tmp_path / "app.py").write_text(f"GATE = {str(gate)!r}\n" + HANDLER)
    config = FunctionConfig(handler="app.route", code_dir=tmp_path, timeout_s=10, invoke_mode="RESPONSE_STREAM")
    server = FunctionUrlServer(LambdaFunction(config), UrlSettings(invoke_mode="RESPONSE_STREAM"), port=0)
    server.start()
    yield server, gate
    server.close()


class RawClient:
    """A socket HTTP/1.1 client that shows the chunked framing exactly as it arrives."""

    def __init__(self, url: str, path: str) -> None:
        host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        self.reader = self.sock.makefile("rb")

    def head(self) -> tuple[int, list[tuple[str, str]]]:
        status = int(self.reader.readline().split()[1])
        return status, self._fields()

    def _fields(self) -> list[tuple[str, str]]:
        """Header (or trailer) lines up to the empty line."""
        fields = []
        while (line := self.reader.readline().decode().rstrip("\r\n")):
            name, _, value = line.partition(":")
            fields.append((name.strip(), value.strip()))
        return fields

    def chunk(self) -> bytes:
        size = int(self.reader.readline().strip(), 16)
        if size == 0:
            return b""
        data = self.reader.read(size)
        assert self.reader.read(2) == b"\r\n"
        return data

    def take(self, expected: bytes) -> bytes:
        """Chunks until len(expected) bytes have come (a piece may arrive split in several chunks)."""
        data = b""
        while len(data) < len(expected) and (piece := self.chunk()):
            data += piece
        return data

    def trailers(self) -> dict[str, str]:
        return dict(self._fields())

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.reader.close()
        self.sock.close()


@pytest.mark.slow
def test_chunks_reach_the_http_client_before_the_handler_finishes(streaming_server) -> None:
    server, gate = streaming_server
    with RawClient(server.url, "/http") as client:
        status, headers = client.head()
        assert status == 201 and ("Transfer-Encoding", "chunked") in headers
        assert ("x-stream", "yes") in headers and [v for n, v in headers if n == "Set-Cookie"] == ["a=1", "b=2"]
        assert client.take(b"hello ") == b"hello "
        gate.touch()  # only now can the handler produce "world": the first chunk came before the handler ended
        assert client.take(b"world") == b"world"
        assert client.chunk() == b"" and client.trailers() == {}


@pytest.mark.slow
def test_a_stream_without_prelude_is_a_200_with_its_content_type(streaming_server) -> None:
    server, gate = streaming_server
    with RawClient(server.url, "/octets") as client:
        status, headers = client.head()
        assert status == 200 and ("Content-Type", "application/octet-stream") in headers
        assert client.take(b"one,") == b"one,"
        gate.touch()
        assert client.take(b"two,three") == b"two,three"


@pytest.mark.slow
def test_an_error_mid_stream_ends_the_body_with_the_error_trailers(streaming_server) -> None:
    server, _ = streaming_server
    with RawClient(server.url, "/fails") as client:
        status, headers = client.head()
        assert status == 200 and ("Trailer", "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body") in headers
        assert client.take(b"partial") == b"partial" and client.chunk() == b""
        trailers = client.trailers()
    assert trailers["Lambda-Runtime-Function-Error-Type"] == "ValueError"
    error = json.loads(base64.b64decode(trailers["Lambda-Runtime-Function-Error-Body"]))
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "broke mid-stream"


@pytest.mark.slow
def test_a_function_that_returns_a_value_is_answered_as_in_buffered_mode(streaming_server) -> None:
    server, _ = streaming_server
    with RawClient(server.url, "/plain") as client:
        status, headers = client.head()
        assert status == 200 and ("Content-Length", "12") in headers
        assert client.reader.read(12) == b"not a stream"


@pytest.mark.slow
def test_serve_streams_with_invoke_mode_response_stream_and_a_template_says_its_own(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    shutil.copy(HANDLERS / "streaming.py", tmp_path / "streaming.py")
    (tmp_path / "app.py").write_text(f"GATE = {str(gate)!r}\n" + HANDLER)
    (tmp_path / "template.yaml").write_text("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Streamer:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: ., Handler: app.route, Runtime: python3.13, FunctionUrlConfig: {AuthType: NONE, InvokeMode: RESPONSE_STREAM}}
""")
    for target in (["app.route", "--code", str(tmp_path), "--invoke-mode", "RESPONSE_STREAM"], [str(tmp_path / "template.yaml")]):
        gate.unlink(missing_ok=True)
        process = subprocess.Popen(
            [sys.executable, "-m", "lambdalearn", "serve", *target, "--port", "0", "--timeout", "10"],
            stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        try:
            banner = process.stderr.readline()
            assert "(AuthType NONE, InvokeMode RESPONSE_STREAM)" in banner, banner
            with RawClient(banner.rsplit(" ", 1)[1].strip(), "/http") as client:
                assert client.head()[0] == 201 and client.take(b"hello ") == b"hello "
                gate.touch()
                assert client.take(b"world") == b"world"
        finally:
            process.send_signal(signal.SIGINT)
            _, rest = process.communicate(timeout=30)
        assert process.returncode == 0 and "GET /http -> 201" in rest and "REPORT RequestId:" in rest


@pytest.mark.slow
def test_a_client_that_leaves_mid_stream_does_not_stop_the_url(streaming_server) -> None:
    server, gate = streaming_server
    with RawClient(server.url, "/http") as client:
        assert client.head()[0] == 201 and client.take(b"hello ") == b"hello "
    gate.touch()  # the handler finishes into a closed connection
    with RawClient(server.url, "/http") as client:
        assert client.head()[0] == 201 and client.take(b"hello world") == b"hello world"


@pytest.mark.slow
def test_a_prelude_with_a_bad_status_code_is_a_502(streaming_server) -> None:
    server, _ = streaming_server
    with RawClient(server.url, "/bad-prelude") as client:
        status, headers = client.head()
        assert status == 502 and ("Content-Type", "application/json") in headers


@pytest.mark.slow
def test_a_stream_with_no_chunk_at_all_is_an_empty_200(streaming_server) -> None:
    server, _ = streaming_server
    with RawClient(server.url, "/empty") as client:
        status, headers = client.head()
        assert status == 200 and ("Transfer-Encoding", "chunked") in headers and client.chunk() == b""
