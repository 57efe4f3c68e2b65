"""HTTP-shaped events: API Gateway REST (v1 proxy) and HTTP API (2.0), ALB, and CloudFront viewer-request.

Each front door hands Lambda the same request in its own shape, and the differences are what lessons are
about: v1 keeps `multiValue*` maps and null for absent parts; 2.0 lower-cases headers, joins repeated query
values with commas and leaves absent parts out; ALB passes query values undecoded and an empty body as "";
CloudFront wraps headers as lists of {key, value} under `Records[0].cf`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from lambdalearn.runtime.sample_events.context import EventContext, EventOptionError

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
USER_AGENT = "curl/8.5.0"


def apigateway_rest(
    ctx: EventContext, *, method: str = "GET", path: str = "/orders/42", body: str | None = None, query: str | None = None
) -> dict[str, Any]:
    """A REST API request through a `/{proxy+}` resource with Lambda proxy integration, stage `prod`."""
    method, path = _method(method), _path(path)
    pairs = _query_pairs(query)
    api_id = ctx.lower_id(10)
    host = f"{api_id}.execute-api.{ctx.region}.amazonaws.com"
    source_ip = ctx.ip()
    headers = {"Accept": "*/*", "Host": host, "User-Agent": USER_AGENT, "X-Amzn-Trace-Id": ctx.trace_id()}
    headers |= _content_headers(body, lower=False)
    headers |= {"X-Forwarded-For": source_ip, "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https"}
    resource = "/" if path == "/" else "/{proxy+}"
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        multi_query.setdefault(name, []).append(value)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": None if path == "/" else {"proxy": path[1:]},
        "stageVariables": None,
        "requestContext": {
            "resourceId": ctx.lower_id(6),
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": ctx.b64(11),
            "requestTime": ctx.clf_time(),
            "path": f"/prod{path}",
            "accountId": ctx.account,
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": api_id,
            "requestTimeEpoch": ctx.epoch_ms(),
            "requestId": ctx.uuid(),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": USER_AGENT,
                "user": None,
            },
            "domainName": host,
            "apiId": api_id,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def apigateway_http(
    ctx: EventContext, *, method: str = "GET", path: str = "/orders/42", body: str | None = None, query: str | None = None
) -> dict[str, Any]:
    """An HTTP API request, payload format version 2.0, `$default` route and stage."""
    method, path = _method(method), _path(path)
    pairs = _query_pairs(query)
    api_id = ctx.lower_id(10)
    host = f"{api_id}.execute-api.{ctx.region}.amazonaws.com"
    source_ip = ctx.ip()
    headers = {"accept": "*/*"} | _content_headers(body, lower=True)
    headers |= {
        "host": host,
        "user-agent": USER_AGENT,
        "x-amzn-trace-id": ctx.trace_id(),
        "x-forwarded-for": source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": (query or "").lstrip("?"),
        "headers": headers,
    }
    if pairs:
        joined: dict[str, list[str]] = {}
        for name, value in pairs:
            joined.setdefault(name, []).append(value)
        event["queryStringParameters"] = {name: ",".join(values) for name, values in joined.items()}
    event["requestContext"] = {
        "accountId": ctx.account,
        "apiId": api_id,
        "domainName": host,
        "domainPrefix": api_id,
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": source_ip, "userAgent": USER_AGENT},
        "requestId": ctx.b64(11),
        "routeKey": "$default",
        "stage": "$default",
        "time": ctx.clf_time(),
        "timeEpoch": ctx.epoch_ms(),
    }
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = False
    return event


def alb(
    ctx: EventContext, *, method: str = "GET", path: str = "/orders/42", body: str | None = None, query: str | None = None
) -> dict[str, Any]:
    """A request an Application Load Balancer forwards to a Lambda target group (multi-value headers off)."""
    method, path = _method(method), _path(path)
    raw_query = (query or "").lstrip("?")
    undecoded: dict[str, str] = {}
    for part in filter(None, raw_query.split("&")):
        name, _, value = part.partition("=")
        undecoded[name] = value
    headers = {"accept": "*/*"} | _content_headers(body, lower=True)
    headers |= {
        "host": f"lambdalearn-alb-{ctx.digits(9)}.{ctx.region}.elb.amazonaws.com",
        "user-agent": USER_AGENT,
        "x-amzn-trace-id": ctx.trace_id(),
        "x-forwarded-for": ctx.ip(),
        "x-forwarded-port": "80",
        "x-forwarded-proto": "http",
    }
    target_group = f"arn:aws:elasticloadbalancing:{ctx.region}:{ctx.account}:targetgroup/lambdalearn-targets/{ctx.hex(16)}"
    return {
        "requestContext": {"elb": {"targetGroupArn": target_group}},
        "httpMethod": method,
        "path": path,
        "queryStringParameters": undecoded,
        "headers": headers,
        "body": body if body is not None else "",
        "isBase64Encoded": False,
    }


def cloudfront_viewer_request(
    ctx: EventContext, *, method: str = "GET", path: str = "/index.html", query: str | None = None
) -> dict[str, Any]:
    """A Lambda@Edge viewer-request event: the request as CloudFront received it from the viewer."""
    method, path = _method(method), _path(path)
    domain = f"d{ctx.lower_id(13)}.cloudfront.net"
    request_id = ctx.b64(42).replace("+", "-").replace("/", "_")
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": domain,
                        "distributionId": "E" + ctx.upper_id(13),
                        "eventType": "viewer-request",
                        "requestId": request_id,
                    },
                    "request": {
                        "clientIp": ctx.ip(),
                        "headers": {
                            "host": [{"key": "Host", "value": domain}],
                            "user-agent": [{"key": "User-Agent", "value": USER_AGENT}],
                            "accept": [{"key": "accept", "value": "*/*"}],
                        },
                        "method": method,
                        "querystring": (query or "").lstrip("?"),
                        "uri": path,
                    },
                }
            }
        ]
    }


def _method(method: str) -> str:
    upper = method.upper()
    if upper not in HTTP_METHODS:
        raise EventOptionError(f"method {method!r} is not an HTTP method ({', '.join(HTTP_METHODS)})")
    return upper


def _path(path: str) -> str:
    if not path or any(char.isspace() for char in path) or "?" in path:
        raise EventOptionError(f"path {path!r} must be a URL path such as /orders/42 (put the query in --query)")
    return path if path.startswith("/") else "/" + path


def _query_pairs(query: str | None) -> list[tuple[str, str]]:
    return parse_qsl((query or "").lstrip("?"), keep_blank_values=True)


def _content_headers(body: str | None, *, lower: bool) -> dict[str, str]:
    if body is None:
        return {}
    try:
        json.loads(body)
        content_type = "application/json"
    except ValueError:
        content_type = "text/plain"
    headers = {"Content-Length": str(len(body.encode("utf-8"))), "Content-Type": content_type}
    return {name.lower(): value for name, value in headers.items()} if lower else headers
