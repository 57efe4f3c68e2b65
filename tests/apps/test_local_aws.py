"""Handlers' boto3 writes in the local AWS come back into the run: chains, loops and streams.

Loop rule: https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html (Lambda, SQS, SNS and S3 chains
stopped after about 16 invocations; the event goes to the DLQ or on-failure destination).
"""

from __future__ import annotations

import json

import pytest

from lambdalearn.apps.run import LOOP_LIMIT
from lambdalearn.apps.script import Action

from .conftest import of, run_template

pytestmark = pytest.mark.slow

# Each template gives its functions a full vCPU (1,769 MB): a boto3 client made in INVOKE at 128 MB (7% of a
# vCPU) took seconds on a slow machine and timed out at 3 s. These tests are about where writes flow, not CPU.
HANDLERS = {
    "app.py": """
        import json, os
        import boto3

        def copy_back(event, context):
            s3 = boto3.client("s3")
            record = event["Records"][0]["s3"]
            key = record["object"]["key"].replace("+", " ")
            body = s3.get_object(Bucket=record["bucket"]["name"], Key=key)["Body"].read()
            s3.put_object(Bucket=record["bucket"]["name"], Key=os.environ["OUT_PREFIX"] + key.split("/")[-1], Body=body)
            return "copied"

        def forward(event, context):
            sqs = boto3.client("sqs")
            for record in event["Records"]:
                sqs.send_message(QueueUrl=os.environ["NEXT_URL"], MessageBody=record["body"] + "!")
            return {}

        def send_back(event, context):
            sqs = boto3.client("sqs")
            for record in event["Records"]:
                sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=record["body"])
            return {}

        def record_order(event, context):
            table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
            for record in event["Records"]:
                table.put_item(Item={"id": record["messageId"][:8], "body": record["body"]})
            return {}

        def republish(event, context):
            message = event["Records"][0]["Sns"]["Message"]
            boto3.client("sns").publish(TopicArn=os.environ["TOPIC"], Message=message)
            return "published"

        def count_changes(event, context):
            return [record["eventName"] for record in event["Records"]]
    """
}


def run(write_app, text: str, actions: list, until: float | None = None):
    return run_template(write_app(text, HANDLERS), actions, until)


S3_LOOP = """
    Transform: AWS::Serverless-2016-10-31
    Globals: {Function: {MemorySize: 1769}}
    Resources:
      Uploads:
        Type: AWS::S3::Bucket
      Failed:
        Type: AWS::SQS::Queue
      Copier:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.copy_back
          Runtime: python3.12
          Environment: {Variables: {OUT_PREFIX: "@OUT@"}}
          EventInvokeConfig:
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: !GetAtt Failed.Arn}
          Events:
            Upload:
              Type: S3
              Properties:
                Bucket: !Ref Uploads
                Events: s3:ObjectCreated:*
                Filter: {S3Key: {Rules: [{Name: prefix, Value: in/}]}}
"""


def test_a_function_writing_back_into_its_own_trigger_is_stopped_after_16_invocations(write_app):
    events, app_run = run(write_app, S3_LOOP.replace("@OUT@", "in/copy-"), [Action("s3_put", {"bucket": "Uploads", "key": "in/a.txt", "body": "hi"}, 1)])
    assert len(of(events, "invocation")) == LOOP_LIMIT
    (stopped,) = of(events, "loop_stopped")
    assert stopped["function"] == "Copier" and stopped["depth"] == LOOP_LIMIT
    assert [e["condition"] for e in of(events, "destination")] == ["RecursiveLoop"]
    assert len(app_run.queues["Failed"].messages) == 1


def test_writing_to_another_prefix_breaks_the_loop(write_app):
    events, _ = run(write_app, S3_LOOP.replace("@OUT@", "out/"), [Action("s3_put", {"bucket": "Uploads", "key": "in/a.txt", "body": "hi"}, 1)])
    assert len(of(events, "invocation")) == 1 and not of(events, "loop_stopped")


CHAIN = """
    Transform: AWS::Serverless-2016-10-31
    Globals: {Function: {MemorySize: 1769}}
    Resources:
      First:
        Type: AWS::SQS::Queue
      Second:
        Type: AWS::SQS::Queue
      Orders:
        Type: AWS::DynamoDB::Table
        Properties:
          KeySchema: [{AttributeName: id, KeyType: HASH}]
          AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
          StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      Forward:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.forward
          Runtime: python3.12
          Environment: {Variables: {NEXT_URL: !Ref Second}}
          Events:
            In: {Type: SQS, Properties: {Queue: !GetAtt First.Arn}}
      Record:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.record_order
          Runtime: python3.12
          Environment: {Variables: {TABLE: !Ref Orders}}
          Events:
            In: {Type: SQS, Properties: {Queue: !GetAtt Second.Arn}}
      Audit:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.count_changes
          Runtime: python3.12
          Events:
            Changes: {Type: DynamoDB, Properties: {Stream: !GetAtt Orders.StreamArn, StartingPosition: TRIM_HORIZON}}
"""


def test_messages_and_items_written_by_handlers_flow_on_through_mappings_and_streams(write_app):
    """SQS -> Forward sends to Second -> Record writes DynamoDB -> its stream reaches Audit, one link each."""
    events, app_run = run(write_app, CHAIN, [Action("sqs_send", {"queue": "First", "bodies": ["a", "b"]}, 1)])
    by_function = [(e["function"], e["lineage"]) for e in of(events, "invocation")]
    assert by_function == [("Forward", 0), ("Record", 1), ("Audit", 2)]
    assert sorted(item["body"] for item in app_run.items["Orders"].values()) == ["a!", "b!"]
    (audit,) = [e for e in of(events, "esm_batch") if e["mapping"].startswith("Audit")]
    assert len(audit["ids"]) == 2


SQS_LOOP = """
    Transform: AWS::Serverless-2016-10-31
    Globals: {Function: {MemorySize: 1769}}
    Resources:
      Work:
        Type: AWS::SQS::Queue
        Properties:
          RedrivePolicy: {deadLetterTargetArn: !GetAtt WorkDlq.Arn, maxReceiveCount: 5}
      WorkDlq:
        Type: AWS::SQS::Queue
      Echo:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.send_back
          Runtime: python3.12
          Environment: {Variables: {QUEUE_URL: !Ref Work}}
          Events:
            In: {Type: SQS, Properties: {Queue: !GetAtt Work.Arn}}
"""


def test_a_function_sending_to_its_own_queue_is_stopped_and_the_message_parked_in_the_dlq(write_app):
    """SQS loops are stopped too; the message goes to the queue's dead-letter queue (invocation-recursion.html)."""
    events, app_run = run(write_app, SQS_LOOP, [Action("sqs_send", {"queue": "Work", "bodies": ["again"]}, 1)])
    assert len(of(events, "invocation")) == LOOP_LIMIT
    (stopped,) = of(events, "loop_stopped")
    assert stopped["source"] == "Work"
    assert [m.body for m in app_run.queues["WorkDlq"].messages] == ["again"]


SNS_LOOP = """
    Transform: AWS::Serverless-2016-10-31
    Globals: {Function: {MemorySize: 1769}}
    Resources:
      Alerts:
        Type: AWS::SNS::Topic
      Failed:
        Type: AWS::SQS::Queue
      Echo:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.republish
          Runtime: python3.12
          Environment: {Variables: {TOPIC: !Ref Alerts}}
          EventInvokeConfig:
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: !GetAtt Failed.Arn}
          Events:
            FromAlerts: {Type: SNS, Properties: {Topic: !Ref Alerts}}
"""


def test_a_function_publishing_to_the_topic_that_invokes_it_is_stopped_after_16_invocations(write_app):
    """A Lambda -> SNS -> Lambda loop is detected like the SQS and S3 ones; the event that would have been the
    next invocation goes to the on-failure destination with condition RecursiveLoop (invocation-recursion.html)."""
    events, app_run = run(write_app, SNS_LOOP, [Action("sns_publish", {"topic": "Alerts", "message": "ping"}, 1)])
    invocations = of(events, "invocation")
    assert len(invocations) == LOOP_LIMIT and all(e["status"] == "success" for e in invocations)
    assert [e["lineage"] for e in invocations] == list(range(LOOP_LIMIT))
    (stopped,) = of(events, "loop_stopped")
    assert (stopped["function"], stopped["source"], stopped["depth"]) == ("Echo", "Alerts", LOOP_LIMIT)
    (destination,) = of(events, "destination")
    assert destination["condition"] == "RecursiveLoop"
    (parked,) = app_run.queues["Failed"].messages
    record = json.loads(parked.body)
    assert record["requestContext"]["condition"] == "RecursiveLoop"
    assert record["requestPayload"]["Records"][0]["Sns"]["Message"] == "ping"
