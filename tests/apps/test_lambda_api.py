"""The Lambda Invoke API on loopback (apps/lambda_api.py), called with boto3 as moto's interpreter and handlers do.

Answers as docs.aws.amazon.com/lambda/latest/api/API_Invoke.html describes: 200 with X-Amz-Executed-Version,
X-Amz-Function-Error Unhandled and the error object for a failed function, 202 for Event, 404
ResourceNotFoundException for an unknown function.
"""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.config import Config

from lambdalearn.apps.lambda_api import InvokeRequest, LambdaApi, UnknownFunction, parse_function
from lambdalearn.runtime.records import InvocationRecord


def record(status: str, payload, version: str = "$LATEST", error_type: str | None = None) -> InvocationRecord:
    return InvocationRecord("req-1", "env-1", False, None, 1.0, 1, 128, 30, status, error_type, payload, 0.0, executed_version=version)


class Upstream(BaseHTTPRequestHandler):
    """Stands in for moto: answers every request with what it received."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = json.dumps({"path": self.path, "body": body.decode()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


def call_api(check) -> list:
    """Run a LambdaApi on a loop; `check(client, api_url, seen)` runs in a thread with a boto3 Lambda client."""
    seen: list[InvokeRequest] = []
    submitted: list[InvokeRequest] = []

    async def invoke(request: InvokeRequest) -> InvocationRecord:
        seen.append(request)
        if request.function == "Missing" or request.qualifier == "99":
            raise UnknownFunction(f"Function not found: {request.function}")
        if request.function == "Broken":
            return record("error", {"errorMessage": "no", "errorType": "ValueError", "stackTrace": []}, error_type="ValueError")
        if request.function == "Busy":
            return record("throttled", None)
        return record("success", {"echo": request.payload}, version="3" if request.qualifier == "live" else "$LATEST")

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()

    async def go():
        api = LambdaApi(invoke, submitted.append, upstream=f"http://127.0.0.1:{upstream.server_port}")
        await api.start()
        client = boto3.client("lambda", endpoint_url=api.url, region_name="us-east-1", aws_access_key_id="a",
                              aws_secret_access_key="b", config=Config(retries={"max_attempts": 0}))
        try:
            return await asyncio.to_thread(check, client, api.url)
        finally:
            await api.close()

    try:
        result = asyncio.run(go())
    finally:
        upstream.shutdown()
    return [result, seen, submitted]


def test_a_synchronous_invoke_answers_the_payload_and_the_executed_version():
    def check(client, url):
        plain = client.invoke(FunctionName="Worker", Payload=b'{"n": 1}')
        aliased = client.invoke(FunctionName="Worker", Qualifier="live", Payload=b"{}")
        return plain, json.load(plain["Payload"]), aliased["ExecutedVersion"]

    (plain, payload, aliased_version), seen, _ = call_api(check)
    assert plain["StatusCode"] == 200 and "FunctionError" not in plain
    assert plain["ResponseMetadata"]["RequestId"] == "req-1"  # the invocation's id, as x-amzn-RequestId
    assert payload == {"echo": {"n": 1}}
    assert plain["ExecutedVersion"] == "$LATEST" and aliased_version == "3"
    assert [(r.function, r.qualifier, r.invocation_type) for r in seen] == [("Worker", None, "RequestResponse"), ("Worker", "live", "RequestResponse")]


def test_a_failed_function_answers_200_with_unhandled_and_the_error_object():
    def check(client, url):
        answer = client.invoke(FunctionName="Broken", Payload=b"{}")
        return answer["StatusCode"], answer.get("FunctionError"), json.load(answer["Payload"])

    (status, function_error, payload), _, _ = call_api(check)
    assert (status, function_error) == (200, "Unhandled")
    assert payload["errorType"] == "ValueError" and payload["errorMessage"] == "no"


def test_an_event_invocation_is_queued_and_answered_202():
    def check(client, url):
        answer = client.invoke(FunctionName="Worker", InvocationType="Event", Payload=b'{"a": 2}')
        return answer["StatusCode"], answer["Payload"].read()

    (status, body), seen, submitted = call_api(check)
    assert (status, body) == (202, b"")
    assert seen == [] and [(r.function, r.invocation_type, r.payload) for r in submitted] == [("Worker", "Event", {"a": 2})]


def test_an_unknown_function_or_qualifier_is_resource_not_found():
    def check(client, url):
        errors = []
        for name, extra in (("Missing", {}), ("Worker", {"Qualifier": "99"})):
            try:
                client.invoke(FunctionName=name, Payload=b"{}", **extra)
            except client.exceptions.ResourceNotFoundException as error:
                errors.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
        return errors

    (errors, _, _) = call_api(check)
    assert errors == [404, 404]


def test_every_answer_carries_a_request_id():
    """Step Functions' lambda:invoke integration names the request id in a Lambda.* error's cause."""
    def check(client, url):
        try:
            client.invoke(FunctionName="Missing", Payload=b"{}")
        except client.exceptions.ResourceNotFoundException as error:
            missing = error.response["ResponseMetadata"].get("RequestId")
        queued = client.invoke(FunctionName="Worker", InvocationType="Event", Payload=b"{}")["ResponseMetadata"].get("RequestId")
        return missing, queued

    (missing, queued), _, _ = call_api(check)
    assert missing and queued and missing != queued


def test_a_throttle_is_too_many_requests():
    def check(client, url):
        with pytest.raises(client.exceptions.TooManyRequestsException):
            client.invoke(FunctionName="Busy", Payload=b"{}")
        return True

    assert call_api(check)[0] is True


def test_function_arns_and_partial_names_carry_their_qualifier():
    def check(client, url):
        client.invoke(FunctionName="arn:aws:lambda:us-east-1:123456789012:function:Worker:live", Payload=b"{}")
        client.invoke(FunctionName="Worker:live", Payload=b"{}")
        return True

    _, seen, _ = call_api(check)
    assert [(r.function, r.qualifier) for r in seen] == [("Worker", "live"), ("Worker", "live")]
    assert parse_function("123456789012:function:Worker", None) == ("Worker", None)
    with pytest.raises(ValueError):
        parse_function("Worker:1", "2")


def test_every_other_request_is_passed_to_the_local_aws():
    def check(client, url):
        import urllib.request

        with urllib.request.urlopen(urllib.request.Request(f"{url}/some/api?x=1", data=b"hello", method="POST")) as answer:
            return json.load(answer)

    forwarded, seen, _ = call_api(check)
    assert forwarded == {"path": "/some/api?x=1", "body": "hello"} and seen == []
