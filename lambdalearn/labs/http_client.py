"""Real HTTP requests for lab checks (`lab.http(...)`), answered as plain data a check can assert on."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class HttpReply:
    """One HTTP response: status, lower-case headers (repeated ones joined by ", "), the body's bytes."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    set_cookies: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        """The body as text (UTF-8; undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON; AssertionError (a check failure, not a crash) when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError(f"the response body is not JSON: {self.body[:200]!r}") from None


def http_request(base_url: str, method: str, path: str, *, body: str | bytes | None = None,
                 headers: Mapping[str, str] | None = None) -> HttpReply:
    """Send `method path` to `base_url` (loopback; an empty path sends to `base_url` as it is) and return the
    reply, whatever its status."""
    data = body.encode() if isinstance(body, str) else body
    url = base_url.rstrip("/") + "/" + path.lstrip("/") if path else base_url
    request = urllib.request.Request(url, data=data,
                                     headers=dict(headers or {}), method=method.upper())
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as answer:
            return _reply(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return _reply(error.code, error.headers, error.read())


def _reply(status: int, headers: Any, raw: bytes) -> HttpReply:
    joined: dict[str, list[str]] = {}
    for name, value in headers.items():
        joined.setdefault(name.lower(), []).append(value)
    cookies = tuple(joined.pop("set-cookie", []))
    return HttpReply(status, {name: ", ".join(values) for name, values in joined.items()}, raw, cookies)
