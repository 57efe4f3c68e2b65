"""Function URLs: the event built from a real HTTP request, the response mapped back, IAM auth, loopback only.

AWS docs: "Invoking Lambda function URLs" / "Request and response payloads"
(https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html) and "Control access to Lambda function
URLs" (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). The event shape is checked against
Powertools for AWS Lambda's parser model of a function URL event, an independent reference.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lambdalearn.apps.url import http_response, request_event, verify_sigv4
from lambdalearn.labs.http_client import http_request
from lambdalearn.apps.url_server import FunctionUrlServer, NotLoopback, UrlSettings, check_loopback
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.environment import DUMMY_CREDENTIALS
from lambdalearn.runtime.function import LambdaFunction

HANDLER = '''
import base64, json
def handler(event, context):
    path = event["rawPath"]
    if path == "/event":
        return event
    if path == "/boom":
        raise ValueError("boom")
    if path == "/plain":
        return {"just": "json"}
    if path == "/binary":
        return {"statusCode": 201, "isBase64Encoded": True, "body": base64.b64encode(b"\\x89PNG").decode(),
                "headers": {"content-type": "image/png"}}
    return {"statusCode": 200, "headers": {"x-from": "lambda"}, "cookies": ["a=1", "b=2; Secure"], "body": "hi"}
'''


def request(**changes):
    base = dict(
        method="POST",
        target="/orders/42?size=2&tag=a&tag=b",
        headers=[("Host", "localhost"), ("User-Agent", "curl/8"), ("Cookie", "s=1; t=2"), ("X-Multi", "1"), ("X-Multi", "2"),
                 ("Content-Type", "application/json")],
        body=b'{"qty": 2}',
        source_ip="127.0.0.1",
        url_id="abcdefghijklmnopqrstuvwxyz012345",
        now=1764921600.0,
    )
    return request_event(**(base | changes))


def test_the_event_is_payload_format_2_0_as_powertools_models_it() -> None:
    from aws_lambda_powertools.utilities.parser.models import LambdaFunctionUrlModel

    event = request()
    LambdaFunctionUrlModel(**event)  # raises if a field is missing or mistyped
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/orders/42" and event["rawQueryString"] == "size=2&tag=a&tag=b"
    assert event["queryStringParameters"] == {"size": "2", "tag": "a,b"}
    assert event["cookies"] == ["s=1", "t=2"] and "cookie" not in event["headers"]
    assert event["headers"]["x-multi"] == "1,2" and event["headers"]["user-agent"] == "curl/8"
    assert event["body"] == '{"qty": 2}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {"method": "POST", "path": "/orders/42", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "curl/8"}
    assert context["domainName"] == "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"
    assert context["accountId"] == "anonymous" and context["time"] == "05/Dec/2025:08:00:00 +0000"
    assert context["timeEpoch"] == 1764921600000


def test_a_binary_body_arrives_base64_encoded() -> None:
    event = request(headers=[("Content-Type", "application/octet-stream")], body=b"\x00\xff")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\xff"


def test_a_response_object_sets_status_headers_cookies_and_body() -> None:
    response = http_response("success", {"statusCode": 201, "headers": {"x-a": "1"}, "cookies": ["c=1"], "body": "made"})
    assert (response.status, response.body) == (201, b"made")
    assert ("x-a", "1") in response.headers and ("Set-Cookie", "c=1") in response.headers


def test_any_other_json_is_a_200_with_that_json() -> None:
    response = http_response("success", {"just": "json"})
    assert (response.status, json.loads(response.body)) == (200, {"just": "json"})
    assert ("Content-Type", "application/json") in response.headers


def test_a_function_error_is_a_502_and_a_throttle_a_429() -> None:
    assert http_response("error", {"errorMessage": "boom"}).status == 502
    assert http_response("throttled", {}).status == 429


def sign(method: str, url: str, body: bytes, secret: str = DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]) -> list[tuple[str, str]]:
    """Headers of a request signed with SigV4 by botocore, as an AWS SDK or `curl --aws-sigv4` would send it."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signed = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"], secret, DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"]), "lambda", "us-east-1").add_auth(signed)
    return list(signed.headers.items())


def test_sigv4_signatures_are_checked_against_the_local_key() -> None:
    url = "http://127.0.0.1:3000/orders?b=2&a=1"
    good = sign("POST", url, b"{}")
    assert verify_sigv4(method="POST", target="/orders?b=2&a=1", headers=good + [("Host", "127.0.0.1:3000")], body=b"{}", credentials=DUMMY_CREDENTIALS, region="us-east-1")
    bad = sign("POST", url, b"{}", secret="not-the-key")
    assert verify_sigv4(method="POST", target="/orders?b=2&a=1", headers=bad, body=b"{}", credentials=DUMMY_CREDENTIALS, region="us-east-1") is None
    tampered = verify_sigv4(method="POST", target="/orders?b=2&a=1", headers=good, body=b"{ }", credentials=DUMMY_CREDENTIALS, region="us-east-1")
    assert tampered is None
    assert verify_sigv4(method="GET", target="/", headers=[], body=b"", credentials=DUMMY_CREDENTIALS, region="us-east-1") is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_only_loopback_addresses_are_accepted(host: str) -> None:
    with pytest.raises(NotLoopback):
        check_loopback(host)
    assert check_loopback("127.0.0.1") == "127.0.0.1" and check_loopback("localhost") == "localhost"


@pytest.fixture
def url_server(tmp_path: Path):
    (tmp_path / "app.py").write_text(HANDLER)
    servers = []

    def start(auth_type: str = "NONE") -> FunctionUrlServer:
        function = LambdaFunction(FunctionConfig(handler="app.handler", code_dir=tmp_path))
        server = FunctionUrlServer(function, UrlSettings(auth_type=auth_type), port=0)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET (or POST with `data`) through the labs' HTTP client: status, headers, body bytes."""
    reply = http_request(url, "POST" if data is not None else "GET", "", body=data, headers=headers)
    return reply.status, {**reply.headers, "set-cookie": list(reply.set_cookies)}, reply.content


@pytest.mark.slow
def test_a_real_http_request_round_trips_through_the_function(url_server) -> None:
    server = url_server()
    status, headers, body = fetch(server.url + "hello?x=1", headers={"Cookie": "k=v"})
    assert (status, body, headers["x-from"]) == (200, b"hi", "lambda")
    assert headers["set-cookie"] == ["a=1", "b=2; Secure"]
    status, _, body = fetch(server.url + "event?q=1", data=b'{"n": 1}', headers={"Content-Type": "application/json"})
    event = json.loads(body)
    assert status == 200 and event["body"] == '{"n": 1}' and event["queryStringParameters"] == {"q": "1"}
    assert fetch(server.url + "binary")[0::2] == (201, b"\x89PNG")
    assert fetch(server.url + "plain")[0::2] == (200, b'{"just": "json"}')
    assert fetch(server.url + "boom")[0] == 502


@pytest.mark.slow
def test_an_iam_url_refuses_unsigned_requests_and_serves_signed_ones(url_server) -> None:
    server = url_server("AWS_IAM")
    status, _, body = fetch(server.url + "event")
    assert (status, json.loads(body)) == (403, {"Message": "Forbidden"})
    url = server.url + "event"
    status, _, body = fetch(url, data=b"{}", headers=dict(sign("POST", url, b"{}")))
    assert status == 200
    assert json.loads(body)["requestContext"]["authorizer"]["iam"]["accountId"] == "123456789012"


@pytest.mark.slow
def test_lambdalearn_serve_answers_curl_like_requests_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HANDLER)
    process = subprocess.Popen(
        [sys.executable, "-m", "lambdalearn", "serve", "app.handler", "--code", str(tmp_path), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        first = process.stderr.readline()
        assert first.startswith("Function URL (AuthType NONE) for app.handler: http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        assert fetch(url + "hello")[0::2] == (200, b"hi")
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "GET /hello -> 200" in rest and "REPORT RequestId:" in rest


def test_serve_refuses_a_non_loopback_host(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lambdalearn.cli import cli

    result = CliRunner().invoke(cli, ["serve", "app.handler", "--code", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "listens on loopback only" in result.output


@pytest.mark.slow
def test_lambdalearn_serve_gives_each_function_url_of_a_template_its_own_port(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    (tmp_path / "template.yaml").write_text("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Public:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13, AutoPublishAlias: live, FunctionUrlConfig: {AuthType: NONE}}
  Private:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13, FunctionUrlConfig: {AuthType: AWS_IAM}}
  NoUrl:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13}
""")
    process = subprocess.Popen(
        [sys.executable, "-m", "lambdalearn", "serve", str(tmp_path / "template.yaml"), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        public, private = process.stderr.readline(), process.stderr.readline()
        assert public.startswith("Function URL (AuthType NONE) for Public:live: http://127.0.0.1:")
        assert private.startswith("Function URL (AuthType AWS_IAM) for Private: http://127.0.0.1:")
        public_url, private_url = public.rsplit(" ", 1)[1].strip(), private.rsplit(" ", 1)[1].strip()
        status, _, body = fetch(public_url + "event")
        assert status == 200 and json.loads(body)["requestContext"]["accountId"] == "anonymous"
        assert fetch(private_url + "event")[0] == 403
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    assert process.returncode == 0, rest
