"""Sample events: AWS's field names and shapes, options a learner changes, seeds, and the `event` CLI."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.runtime.sample_events import SOURCES, EventOptionError, generate

NOW = datetime(2026, 11, 23, 13, 51, 43, 123000, tzinfo=UTC)


def run(*args: str):
    return CliRunner().invoke(cli, ["event", *args], catch_exceptions=False)


# --- every source ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_every_source_is_json_and_reproducible_with_a_seed(source):
    event = generate(source, seed=11)
    assert json.loads(json.dumps(event)) == event
    assert generate(source, seed=11) == event


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_without_a_seed_each_event_is_fresh(source):
    assert generate(source) != generate(source)


def test_the_issue_lists_at_least_these_sources():
    names = {s.name for s in SOURCES}
    assert {
        "apigateway-rest", "apigateway-http", "alb", "s3-put", "s3-delete", "sqs", "sns",
        "eventbridge-schedule", "eventbridge-custom", "dynamodb-stream", "kinesis", "cloudfront-viewer-request",
    } <= names
    assert all(s.description and "\n" not in s.description for s in SOURCES)


def test_region_and_time_are_written_into_the_event():
    event = generate("s3-put", now=NOW, region="eu-west-1")
    record = event["Records"][0]
    assert record["awsRegion"] == "eu-west-1"
    assert record["eventTime"] == "2026-11-23T13:51:43.123Z"


# --- HTTP ----------------------------------------------------------------------------------------------


def test_rest_api_v1_proxy_event():
    event = generate("apigateway-rest", method="post", path="/orders/42", body='{"qty": 2}', query="a=1&a=2&b=x%20y", now=NOW)
    assert event["httpMethod"] == "POST"
    assert (event["resource"], event["pathParameters"]) == ("/{proxy+}", {"proxy": "orders/42"})
    assert event["queryStringParameters"] == {"a": "2", "b": "x y"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x y"]}
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["multiValueHeaders"]["Host"] == [event["headers"]["Host"]]
    context = event["requestContext"]
    assert context["requestTime"] == "23/Nov/2026:13:51:43 +0000"
    assert context["requestTimeEpoch"] == 1795441903123
    assert context["path"] == "/prod/orders/42" and context["stage"] == "prod"
    assert context["identity"]["sourceIp"].startswith("203.0.113.")
    assert event["body"] == '{"qty": 2}' and event["isBase64Encoded"] is False


def test_rest_api_v1_absent_parts_are_null():
    event = generate("apigateway-rest", path="/")
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None and event["resource"] == "/"
    assert event["body"] is None


def test_http_api_v2_event():
    event = generate("apigateway-http", method="PUT", path="items/7", query="tag=a&tag=b", now=NOW)
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/items/7" and event["rawQueryString"] == "tag=a&tag=b"
    assert event["queryStringParameters"] == {"tag": "a,b"}
    assert event["requestContext"]["http"]["method"] == "PUT"
    assert event["requestContext"]["timeEpoch"] == 1795441903123
    assert all(name == name.lower() for name in event["headers"])
    assert "body" not in event and "pathParameters" not in event


def test_alb_event_keeps_query_undecoded_and_empty_body():
    event = generate("alb", query="q=a%20b")
    assert event["queryStringParameters"] == {"q": "a%20b"}
    assert event["body"] == "" and event["isBase64Encoded"] is False
    assert event["requestContext"]["elb"]["targetGroupArn"].startswith("arn:aws:elasticloadbalancing:us-east-1:")


def test_cloudfront_viewer_request():
    request = generate("cloudfront-viewer-request", path="/img/cat.png", query="w=200")["Records"][0]["cf"]
    assert request["config"]["eventType"] == "viewer-request"
    assert request["request"]["uri"] == "/img/cat.png" and request["request"]["querystring"] == "w=200"
    assert request["request"]["headers"]["host"][0]["key"] == "Host"


@pytest.mark.parametrize(("options", "fragment"), [({"method": "FETCH"}, "not an HTTP method"), ({"path": "/a b"}, "URL path")])
def test_bad_http_options_are_refused(options, fragment):
    with pytest.raises(EventOptionError, match=fragment):
        generate("apigateway-http", **options)


# --- storage -------------------------------------------------------------------------------------------


def test_s3_put_encodes_the_key_like_s3():
    record = generate("s3-put", bucket="photos", key="cats/tom and jerry.jpg", size=2048)["Records"][0]
    assert record["eventName"] == "ObjectCreated:Put" and record["eventSource"] == "aws:s3"
    assert record["s3"]["bucket"] == {**record["s3"]["bucket"], "name": "photos", "arn": "arn:aws:s3:::photos"}
    assert record["s3"]["object"]["key"] == "cats/tom+and+jerry.jpg"
    assert record["s3"]["object"]["size"] == 2048 and len(record["s3"]["object"]["eTag"]) == 32


def test_s3_delete_has_no_size_or_etag():
    record = generate("s3-delete", key="old.txt")["Records"][0]
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert set(record["s3"]["object"]) == {"key", "sequencer"}


@pytest.mark.parametrize("bucket", ["Uppercase", "ab", "a" * 64, "under_score", "-dash", "dots..dots"])
def test_invalid_bucket_names_are_refused(bucket):
    with pytest.raises(EventOptionError, match="not an S3 bucket name"):
        generate("s3-put", bucket=bucket)


@pytest.mark.parametrize(("name", "images"), [("INSERT", {"NewImage"}), ("MODIFY", {"OldImage", "NewImage"}), ("remove", {"OldImage"})])
def test_dynamodb_stream_images_follow_the_event_name(name, images):
    records = generate("dynamodb-stream", event_name=name, table="Orders", count=3)["Records"]
    assert len(records) == 3
    for record in records:
        assert record["eventName"] == name.upper() and record["eventSource"] == "aws:dynamodb"
        assert {"NewImage", "OldImage"} & set(record["dynamodb"]) == images
        assert record["dynamodb"]["Keys"]["OrderId"]["S"].startswith("ord-")
        assert ":table/Orders/stream/" in record["eventSourceARN"]
    sequence_numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence_numbers == sorted(sequence_numbers)


def test_dynamodb_modify_changes_the_status():
    change = generate("dynamodb-stream", event_name="MODIFY")["Records"][0]["dynamodb"]
    assert (change["OldImage"]["Status"], change["NewImage"]["Status"]) == ({"S": "PLACED"}, {"S": "SHIPPED"})


def test_dynamodb_unknown_event_name_is_refused():
    with pytest.raises(EventOptionError, match="INSERT, MODIFY, REMOVE"):
        generate("dynamodb-stream", event_name="UPSERT")


# --- messaging -----------------------------------------------------------------------------------------


def test_sqs_batch_of_n_with_real_md5_and_string_attributes():
    records = generate("sqs", body="hello", count=5, queue="jobs")["Records"]
    assert len(records) == 5 and len({r["messageId"] for r in records}) == 5
    for record in records:
        assert record["md5OfBody"] == hashlib.md5(b"hello").hexdigest()
        assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:jobs"
        assert all(isinstance(value, str) for value in record["attributes"].values())
        assert record["attributes"]["ApproximateFirstReceiveTimestamp"] > record["attributes"]["SentTimestamp"]
        assert "MessageGroupId" not in record["attributes"]


def test_sqs_fifo_queue_adds_fifo_attributes_and_caps_the_batch():
    record = generate("sqs", queue="orders.fifo")["Records"][0]
    assert {"MessageGroupId", "MessageDeduplicationId", "SequenceNumber"} <= set(record["attributes"])
    with pytest.raises(EventOptionError, match="at most 10"):
        generate("sqs", queue="orders.fifo", count=11)


@pytest.mark.parametrize("count", [0, 10_001])
def test_batch_sizes_beyond_what_lambda_delivers_are_refused(count):
    with pytest.raises(EventOptionError, match="between 1 and 10,000"):
        generate("sqs", count=count)


def test_sns_notification():
    record = generate("sns", body="ping", subject="Test", topic="alerts")["Records"][0]
    assert record["EventSource"] == "aws:sns"
    assert record["Sns"]["Message"] == "ping" and record["Sns"]["Subject"] == "Test"
    assert record["Sns"]["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:alerts"
    assert record["EventSubscriptionArn"].startswith(record["Sns"]["TopicArn"] + ":")
    assert generate("sns")["Records"][0]["Sns"]["Subject"] is None


def test_eventbridge_scheduled_event_fires_on_the_minute():
    event = generate("eventbridge-schedule", rule="nightly", now=NOW)
    assert (event["detail-type"], event["source"], event["detail"]) == ("Scheduled Event", "aws.events", {})
    assert event["time"] == "2026-11-23T13:51:00Z"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/nightly"]


def test_eventbridge_custom_event_takes_detail_as_json_or_dict():
    event = generate("eventbridge-custom", source="com.shop", detail_type="OrderPaid", detail='{"id": 1}', now=NOW)
    assert (event["source"], event["detail-type"], event["detail"]) == ("com.shop", "OrderPaid", {"id": 1})
    assert event["time"] == "2026-11-23T13:51:43Z"
    assert generate("eventbridge-custom", detail={"id": 2})["detail"] == {"id": 2}


@pytest.mark.parametrize(("options", "fragment"), [
    ({"detail": "[1, 2]"}, "JSON object"),
    ({"detail": "{oops"}, "not valid JSON"),
    ({"source": "aws.orders"}, "reserved"),
])
def test_eventbridge_custom_refuses_bad_detail_and_aws_sources(options, fragment):
    with pytest.raises(EventOptionError, match=fragment):
        generate("eventbridge-custom", **options)


def test_kinesis_data_is_base64_of_the_body():
    records = generate("kinesis", body="temperature=21", count=3, partition_key="dev-1")["Records"]
    assert [base64.b64decode(r["kinesis"]["data"]) for r in records] == [b"temperature=21"] * 3
    assert {r["kinesis"]["partitionKey"] for r in records} == {"dev-1"}
    assert all(r["eventName"] == "aws:kinesis:record" and r["eventID"].endswith(r["kinesis"]["sequenceNumber"]) for r in records)
    sequences = [int(r["kinesis"]["sequenceNumber"]) for r in records]
    assert sequences == sorted(sequences) and all(len(str(s)) == 56 for s in sequences)


# --- API errors ----------------------------------------------------------------------------------------


def test_unknown_source_and_option_and_region_are_refused():
    with pytest.raises(EventOptionError, match="unknown event source 'nope'"):
        generate("nope")
    with pytest.raises(EventOptionError, match="sqs takes no option 'bucket'"):
        generate("sqs", bucket="x")
    with pytest.raises(EventOptionError, match="not an AWS region"):
        generate("sqs", region="mars")


# --- CLI -----------------------------------------------------------------------------------------------


def test_cli_list_prints_one_line_per_source():
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(SOURCES)
    assert lines[0].split()[0] == SOURCES[0].name


def test_cli_list_json():
    listing = json.loads(run("list", "--json").stdout)
    sqs = next(item for item in listing if item["name"] == "sqs")
    assert sqs["options"] == ["--body", "--count", "--queue"]


def test_cli_generate_prints_valid_json_and_honours_options_and_seed():
    args = ("generate", "s3-put", "--bucket", "photos", "--key", "a b.jpg", "--seed", "3")
    first = run(*args)
    assert first.exit_code == 0
    event = json.loads(first.stdout)
    assert event["Records"][0]["s3"]["object"]["key"] == "a+b.jpg"
    assert run(*args).stdout == first.stdout
    compact = run(*args, "--compact").stdout
    assert compact.count("\n") == 1 and json.loads(compact) == event


def test_cli_generate_takes_dashed_option_names():
    event = json.loads(run("generate", "eventbridge-custom", "--detail-type", "Paid", "--source", "com.shop").stdout)
    assert (event["detail-type"], event["source"]) == ("Paid", "com.shop")


@pytest.mark.parametrize(("args", "fragment"), [
    (("generate", "nope"), "unknown event source 'nope'"),
    (("generate", "sqs", "--bucket", "b"), "--bucket does not apply to sqs; it takes --body, --count, --queue"),
    (("generate", "sqs", "--count", "0"), "count 0 must be between 1 and 10,000"),
    (("generate", "sqs", "--count", "many"), "'many' is not a valid integer"),
    (("generate",), "Missing argument 'SOURCE'"),
    (("generate", "sqs", "--bogus"), "No such option"),
    (("--bogus",), "No such option"),
    (("generate", "eventbridge-custom", "--detail", "{"), "not valid JSON"),
])
def test_cli_bad_usage_is_one_line_and_exit_2(args, fragment):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("lambdalearn event: ") and fragment in result.stderr


def test_cli_event_alone_shows_help():
    result = run()
    assert result.exit_code == 0
    assert "generate" in result.stdout and "list" in result.stdout
