"""A function URL in RESPONSE_STREAM mode: the head of the HTTP response read from the start of the stream.

AWS docs ("Response streaming for Lambda functions", "Implementing response streaming in a custom runtime"):
a stream whose Content-Type is `application/vnd.awslambda.http-integration-response` opens with a JSON prelude
(statusCode, headers, cookies) and eight NUL bytes, then the body, which is what Node.js's
`awslambda.HttpResponseStream.from` writes; any other stream is a 200 with the stream's own Content-Type. An
error after the body has started cannot change the status any more: it travels as the two error trailers.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from lambdalearn.runtime.bootstrap import ERROR_BODY_HEADER, ERROR_TYPE_HEADER, HTTP_INTEGRATION_TYPE, PRELUDE_DELIMITER

Head = tuple[int, list[tuple[str, str]]]
TRAILER_NAMES = f"{ERROR_TYPE_HEADER}, {ERROR_BODY_HEADER}"


class BadPrelude(ValueError):
    """The prelude is not a JSON object with a usable statusCode, headers and cookies."""


class StreamOpening:
    """Collects the first pieces of a stream until the response head is known (at once without a prelude)."""

    def __init__(self) -> None:
        self.pending = bytearray()

    def feed(self, data: bytes, content_type: str) -> tuple[Head | None, bytes]:
        """(the head, the body bytes after it), or (None, b"") while the prelude is incomplete."""
        if content_type != HTTP_INTEGRATION_TYPE:
            return (200, [("Content-Type", content_type)]), data
        self.pending += data
        prelude, found, rest = bytes(self.pending).partition(PRELUDE_DELIMITER)
        if not found:
            return None, b""
        return prelude_head(prelude), rest


def prelude_head(prelude: bytes) -> Head:
    """Status and headers from the prelude; each cookie becomes its own Set-Cookie header."""
    try:
        meta = json.loads(prelude)
        if not isinstance(meta, dict):
            raise TypeError("not an object")
        status = int(meta.get("statusCode", 200))
        headers = [(str(name), str(value)) for name, value in (meta.get("headers") or {}).items()]
        headers += [("Set-Cookie", str(cookie)) for cookie in meta.get("cookies") or []]
    except (TypeError, ValueError, AttributeError) as error:
        raise BadPrelude(f"bad response stream prelude: {error}") from None
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/octet-stream"))
    return status, headers


def error_trailers(error_type: str, error: Any) -> list[tuple[str, str]]:
    """The trailers that end a stream the function broke off: the error type and the base64 error object."""
    body = base64.b64encode(json.dumps(error).encode("utf-8")).decode("ascii")
    return [(ERROR_TYPE_HEADER, error_type), (ERROR_BODY_HEADER, body)]
