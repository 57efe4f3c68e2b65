"""A function URL on loopback: an HTTP server in front of a local function, for `lambdalearn serve`.

The server is the standard library's threading HTTP server: each request is turned into a function URL event
(`apps/url.py`), invoked on the function's own event loop (a background thread, as `SyncLambdaRuntime`
does), and answered as Lambda would answer it; with InvokeMode RESPONSE_STREAM the answer goes out with chunked
transfer encoding as the function produces it (`apps/url_stream.py`). It binds to loopback only: a learner's handler is code
that runs with the learner's rights, so nothing off this machine may reach it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lambdalearn.apps.url import HttpResponse, forbidden, http_response, request_event, verify_sigv4
from lambdalearn.apps.url_stream import TRAILER_NAMES, BadPrelude, StreamOpening, error_trailers
from lambdalearn.runtime.environment import DUMMY_CREDENTIALS
from lambdalearn.runtime.function import LambdaFunction
from lambdalearn.runtime.records import InvocationRecord

MAX_REQUEST_BYTES = 6 * 1024 * 1024  # a function URL request carries at most 6 MB, like a synchronous Invoke


class NotLoopback(ValueError):
    """A bind address off this machine: refused, because the handler runs with the learner's rights."""


def check_loopback(host: str) -> str:
    """`host` if every address it names is loopback (127.0.0.0/8, ::1, localhost); NotLoopback otherwise."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise NotLoopback(f"cannot resolve {host!r}; use 127.0.0.1 or ::1") from None
    if not addresses or not all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses):
        raise NotLoopback(
            f"refusing to listen on {host}: lambdalearn serve listens on loopback only (127.0.0.1, ::1 or localhost),"
            " because the function runs your code with your rights"
        )
    return host


@dataclass(frozen=True)
class UrlSettings:
    """A function URL's configuration: who may call it, under which qualifier it runs, buffered or streamed."""

    auth_type: str = "NONE"
    invoke_mode: str = "BUFFERED"
    qualifier: str | None = None
    url_id: str = "lambdalearnlocalurl0000000000000"


class FunctionUrlServer:
    """Serve one function at http://HOST:PORT/ until `close()`; `on_record` sees every invocation (for logs)."""

    def __init__(
        self,
        function: LambdaFunction,
        settings: UrlSettings,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_record: Callable[[str, str, InvocationRecord | None, HttpResponse], None] | None = None,
    ) -> None:
        check_loopback(host)
        self.function = function
        self.settings = settings
        self._on_record = on_record or (lambda method, target, record, response: None)
        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._loop.run_forever, name="lambdalearn-url", daemon=True)
        self._loop_thread.start()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        server_class = type("_Server", (ThreadingHTTPServer,), {"address_family": family, "daemon_threads": True})
        self._http = server_class((host, port), _handler_class(self))
        self._serving: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in str(host) else f"http://{host}:{port}/"

    def start(self) -> None:
        """Serve in a background thread (tests); `serve_forever` serves in this one (the CLI)."""
        self._serving = threading.Thread(target=self._http.serve_forever, name="lambdalearn-http", daemon=True)
        self._serving.start()

    def serve_forever(self) -> None:
        self._http.serve_forever()

    def close(self) -> None:
        """Stop taking requests, then shut every environment down; nothing is left running."""
        if self._serving is not None:  # serve_forever in the caller's thread has already returned
            self._http.shutdown()
        self._http.server_close()
        asyncio.run_coroutine_threadsafe(self.function.aclose(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop_thread.join()
        self._loop.close()

    def handle(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str) -> HttpResponse:
        """Answer one request as the function URL would (used by the HTTP handler, and directly by tests)."""
        event = self._event(method, target, headers, body, source_ip)
        if isinstance(event, HttpResponse):
            return event
        invocation = self.function.invoke(event, qualifier=self.settings.qualifier)
        record = asyncio.run_coroutine_threadsafe(invocation, self._loop).result()
        response = http_response(record.status, record.payload)
        self._on_record(method, target, record, response)
        return response

    def handle_streaming(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str, out: StreamOut
    ) -> None:
        """Answer one request in RESPONSE_STREAM mode: the head once the stream's start says it, then every
        piece as it arrives. A function that streams nothing is answered as in BUFFERED mode."""
        event = self._event(method, target, headers, body, source_ip)
        if isinstance(event, HttpResponse):
            out.whole(event)
            return
        pieces: queue.SimpleQueue[tuple[bytes, str] | None] = queue.SimpleQueue()
        invocation = self.function.invoke(
            event, qualifier=self.settings.qualifier, on_chunk=lambda data, content_type: pieces.put((data, content_type))
        )
        future = asyncio.run_coroutine_threadsafe(invocation, self._loop)
        future.add_done_callback(lambda _: pieces.put(None))
        opening, head, broken = StreamOpening(), None, False
        while (piece := pieces.get()) is not None:  # drained to the end, even after a bad prelude
            if head is None and not broken:
                try:
                    head, data = opening.feed(*piece)
                except BadPrelude:
                    broken = True
                    continue
                if head is not None:
                    out.start(*head)
                    out.write(data)
            elif head is not None:
                out.write(piece[0])
        record = future.result()
        if head is None:
            response = http_response("error" if broken or opening.pending else record.status, record.payload)
            out.whole(response)
        else:
            failed = record.status == "error"
            out.finish(error_trailers(record.error_type or "Unhandled", record.payload) if failed else [])
            response = HttpResponse(head[0], head[1], b"")
        self._on_record(method, target, record, response)

    def _event(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str) -> dict[str, Any] | HttpResponse:
        """The function URL event for a request, or the 403 an unsigned request to an AWS_IAM URL gets."""
        caller: dict[str, Any] | None = None
        if self.settings.auth_type == "AWS_IAM":
            caller = verify_sigv4(
                method=method,
                target=target,
                headers=headers,
                body=body,
                credentials=DUMMY_CREDENTIALS,
                region=self.function.versions.latest.region,
            )
            if caller is None:
                response = forbidden()
                self._on_record(method, target, None, response)
                return response
        return request_event(
            method=method,
            target=target,
            headers=headers,
            body=body,
            source_ip=source_ip,
            url_id=self.settings.url_id,
            region=self.function.versions.latest.region,
            caller=caller,
        )


class StreamOut:
    """The HTTP side of a streamed answer: a head with chunked transfer encoding, chunks, trailers. A client
    that went away is noticed and the rest is dropped (the invocation still runs to its end, as on Lambda)."""

    def __init__(self, handler: BaseHTTPRequestHandler, send_whole: Callable[[HttpResponse], None]) -> None:
        self._handler = handler
        self._send_whole = send_whole
        self._gone = False

    def whole(self, response: HttpResponse) -> None:
        self._send_whole(response)

    def start(self, status: int, headers: list[tuple[str, str]]) -> None:
        self._handler.send_response(status)
        for name, value in headers:
            self._handler.send_header(name, value)
        self._handler.send_header("Transfer-Encoding", "chunked")
        self._handler.send_header("Trailer", TRAILER_NAMES)
        self._handler.end_headers()

    def write(self, data: bytes) -> None:
        if data and self._handler.command != "HEAD":
            self._send(b"%x\r\n%s\r\n" % (len(data), data))

    def finish(self, trailers: list[tuple[str, str]]) -> None:
        if self._handler.command != "HEAD":
            self._send(b"0\r\n" + "".join(f"{name}: {value}\r\n" for name, value in trailers).encode("latin-1") + b"\r\n")

    def _send(self, raw: bytes) -> None:
        if self._gone:
            return
        try:
            self._handler.wfile.write(raw)
            self._handler.wfile.flush()
        except OSError:
            self._gone = True
            self._handler.close_connection = True


def _handler_class(server: FunctionUrlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "lambdalearn-function-url"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES:
                self.close_connection = True  # the unread body must not be taken for the next request
                self._send(HttpResponse(413, [("Content-Type", "application/json")], b'{"Message":"Request Entity Too Large"}'))
                return
            body = self.rfile.read(length) if length else b""
            request = (self.command, self.path, list(self.headers.items()), body, self.client_address[0])
            if server.settings.invoke_mode == "RESPONSE_STREAM":
                server.handle_streaming(*request, StreamOut(self, self._send))
            else:
                self._send(server.handle(*request))

        def _send(self, response: HttpResponse) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass  # the CLI prints its own line per request through on_record

    return Handler
