"""GET /hello?name=Ada behind API Gateway: one handler for REST APIs (payload 1.0) and HTTP APIs (2.0)."""

import json


def handler(event, context):
    if http_method(event) != "GET":
        return respond(405, {"error": "only GET is allowed"}, extra_headers={"Allow": "GET"})
    name = (event.get("queryStringParameters") or {}).get("name")
    if not name:
        return respond(400, {"error": "name is required"})
    return respond(200, {"message": f"Hello, {name}!"})


def http_method(event):
    """REST APIs (1.0) send httpMethod; HTTP APIs (2.0) put it under requestContext.http."""
    if event.get("version") == "2.0":
        return event["requestContext"]["http"]["method"]
    return event["httpMethod"]


def respond(status_code, document, extra_headers=None):
    """The proxy response both payload versions understand: the body is a JSON *string*."""
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": "application/json", **(extra_headers or {})},
        "body": json.dumps(document),
        "isBase64Encoded": False,
    }
