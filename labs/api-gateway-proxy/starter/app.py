"""GET /hello?name=Ada behind API Gateway: one handler for REST APIs (payload 1.0) and HTTP APIs (2.0)."""


def handler(event, context):
    # This works when an HTTP API (payload 2.0) calls it: API Gateway guesses status 200 and turns the dict
    # into a JSON body. A REST API (payload 1.0) guesses nothing and answers 502 to the client.
    # TODO: return a full proxy response: statusCode, headers, body (a JSON string), isBase64Encoded.
    # TODO: answer 400 when there is no ?name=, and 405 (with an Allow header) for anything but GET.
    name = event["queryStringParameters"]["name"]
    return {"message": f"Hello, {name}!"}
