"""Function URLs: a real HTTP request in, a payload-format-2.0 event to the function, its answer mapped back.

What a learner should be able to see with `curl` (AWS docs: "Invoking Lambda function URLs", "Request and
response payloads", "Control access to Lambda function URLs"):

- the request becomes an HTTP API 2.0 event: lower-case headers (repeated ones joined by commas), cookies
  moved out of the headers into `cookies`, query values joined by commas, a binary body base64-encoded with
  `isBase64Encoded: true`, `requestContext.http` with method, path and source IP, `routeKey`/`stage`
  `$default`;
- the function's return value becomes the response: a dict with `statusCode` is read for status, headers,
  cookies (one Set-Cookie each) and a body that may be base64; any other JSON value is sent as
  `200 application/json` with that JSON as the body; an error or timeout in the function is a 502;
- `AuthType: AWS_IAM` accepts only requests signed with Signature Version 4 by a known key (here, the local
  dummy key every lab uses) and answers anything else with 403 `{"Message":"Forbidden"}`; `NONE` takes anyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from lambdalearn.runtime.config import ACCOUNT_ID
from lambdalearn.runtime.sample_events.context import EventContext

AUTH_TYPES = ("NONE", "AWS_IAM")
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class HttpResponse:
    """What goes back to the HTTP client: status, headers in order (Set-Cookie may repeat), body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def request_event(
    *,
    method: str,
    target: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    source_ip: str,
    url_id: str,
    region: str = "us-east-1",
    caller: dict[str, Any] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The event Lambda builds for a function URL from one HTTP request (`target` is the path and query)."""
    now = time.time() if now is None else now
    raw_path, _, raw_query = target.partition("?")
    joined: dict[str, list[str]] = {}
    cookies: list[str] = []
    for name, value in headers:
        if name.lower() == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            joined.setdefault(name.lower(), []).append(value)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": unquote(raw_path) or "/",
        "rawQueryString": raw_query,
        "headers": {name: ",".join(values) for name, values in joined.items()},
    }
    if cookies:
        event["cookies"] = cookies
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    if query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in query.items()}
    domain = f"{url_id}.lambda-url.{region}.on.aws"
    context: dict[str, Any] = {
        "accountId": caller["accountId"] if caller else "anonymous",
        "apiId": url_id,
        "domainName": domain,
        "domainPrefix": url_id,
        "http": {
            "method": method.upper(),
            "path": event["rawPath"],
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": event["headers"].get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": "$default",
        "stage": "$default",
        "time": EventContext(random.Random(), datetime.fromtimestamp(now, UTC)).clf_time(),
        "timeEpoch": int(now * 1000),
    }
    if caller:
        context["authorizer"] = {"iam": caller}
    event["requestContext"] = context
    if body:
        content_type = event["headers"].get("content-type", "")
        text = _as_text(body, content_type)
        event["body"] = text if text is not None else base64.b64encode(body).decode("ascii")
        event["isBase64Encoded"] = text is None
    else:
        event["isBase64Encoded"] = False
    return event


def http_response(status: str, payload: Any) -> HttpResponse:
    """Map an invocation's outcome (`status` of its record, `payload`) to the client's HTTP response."""
    if status == "throttled":
        return _json_response(429, {"Message": "Rate Exceeded."})
    if status != "success":
        return HttpResponse(502, [("Content-Type", "application/json")], b'{"Message":"Internal Server Error"}')
    if not (isinstance(payload, dict) and "statusCode" in payload):
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(payload).encode())
    try:
        code = int(payload["statusCode"])
        headers = [(str(name), str(value)) for name, value in (payload.get("headers") or {}).items()]
        headers += [("Set-Cookie", str(cookie)) for cookie in payload.get("cookies") or []]
        body = payload.get("body") or ""
        if not isinstance(body, str):
            body = json.dumps(body)
        data = base64.b64decode(body) if payload.get("isBase64Encoded") else body.encode("utf-8")
    except (TypeError, ValueError, AttributeError):
        # A malformed response object is the function's fault, and Lambda answers it as one.
        return HttpResponse(502, [("Content-Type", "application/json")], b'{"Message":"Internal Server Error"}')
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(code, headers, data)


def forbidden() -> HttpResponse:
    return _json_response(403, {"Message": "Forbidden"})


def verify_sigv4(
    *,
    method: str,
    target: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    credentials: dict[str, str],
    region: str,
) -> dict[str, Any] | None:
    """The IAM caller of a request signed with SigV4 for service `lambda` by `credentials`; None if it is not."""
    header_map: dict[str, list[str]] = {}
    for name, value in headers:
        header_map.setdefault(name.lower(), []).append(value.strip())
    authorization = ",".join(header_map.get("authorization", []))
    fields = _authorization_fields(authorization)
    if fields is None:
        return None
    access_key, date, scope_region, service = fields["Credential"]
    if access_key != credentials["AWS_ACCESS_KEY_ID"] or scope_region != region or service != "lambda":
        return None
    amz_date = ",".join(header_map.get("x-amz-date", []))
    signed = fields["SignedHeaders"]
    if not amz_date.startswith(date) or any(name not in header_map for name in signed):
        return None
    raw_path, _, raw_query = target.partition("?")
    canonical_query = "&".join(
        f"{quote(name, safe='-_.~')}={quote(value, safe='-_.~')}"
        for name, value in sorted(parse_qsl(raw_query, keep_blank_values=True))
    )
    canonical = "\n".join(
        [
            method.upper(),
            quote(unquote(raw_path) or "/", safe="/-_.~"),
            canonical_query,
            "".join(f"{name}:{','.join(' '.join(v.split()) for v in header_map[name])}\n" for name in signed),
            ";".join(signed),
            ",".join(header_map.get("x-amz-content-sha256", [])) or hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{region}/lambda/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + credentials["AWS_SECRET_ACCESS_KEY"]).encode()
    for part in (date, region, "lambda", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        return None
    return {
        "accessKey": access_key,
        "accountId": ACCOUNT_ID,
        "callerId": "AIDALAMBDALEARNLOCAL",
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": f"arn:aws:iam::{ACCOUNT_ID}:user/learner",
        "userId": "AIDALAMBDALEARNLOCAL",
    }


def _authorization_fields(authorization: str) -> dict[str, Any] | None:
    scheme, _, rest = authorization.partition(" ")
    if scheme != "AWS4-HMAC-SHA256":
        return None
    fields: dict[str, Any] = {}
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    credential = fields.get("Credential", "").split("/")
    if len(credential) != 5 or credential[4] != "aws4_request" or not fields.get("SignedHeaders") or not fields.get("Signature"):
        return None
    fields["Credential"] = credential[:4]
    fields["SignedHeaders"] = fields["SignedHeaders"].split(";")
    return fields


def _as_text(body: bytes, content_type: str) -> str | None:
    lowered = content_type.lower()
    textual = any(lowered.startswith(kind) for kind in _TEXT_TYPES) or "+json" in lowered or "+xml" in lowered
    if not textual:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _json_response(status: int, body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(body, separators=(",", ":")).encode())
