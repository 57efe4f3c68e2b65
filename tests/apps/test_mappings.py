"""Event source mappings in an app run: SQS partial failures and redrive, FIFO order, filters; Kinesis bisect.

Rules from https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html,
https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html and
https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (error handling, bisect, on-failure destination).
"""

from __future__ import annotations

import json

from lambdalearn.apps.script import Action

from .conftest import of, run_template

HANDLERS = {
    "app.py": """
        import base64

        def partial(event, context):
            return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if "bad" in r["body"]]}

        def fails(event, context):
            raise ValueError("no")

        def poison(event, context):
            for record in event["Records"]:
                if base64.b64decode(record["kinesis"]["data"]) == b"poison":
                    raise ValueError("poison")
            return {}
    """
}


def run(write_app, text: str, actions: list, until: float | None = None):
    return run_template(write_app(text, HANDLERS), actions, until)


def sqs_app(handler: str, events: str, queue: str = "", dlq_receives: int = 2) -> str:
    return f"""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Orders:
            Type: AWS::SQS::Queue
            Properties:
              VisibilityTimeout: 30
              RedrivePolicy: {{deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: {dlq_receives}}}
{queue}
          Dlq:
            Type: AWS::SQS::Queue
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.{handler}
              Runtime: python3.12
              Events:
                FromOrders:
                  Type: SQS
                  Properties:
                    Queue: !GetAtt Orders.Arn
{events}
    """


def test_partial_batch_failure_returns_only_failed_messages_until_redrive_to_the_dlq(write_app):
    """With ReportBatchItemFailures only the listed messages come back, after the visibility timeout; the
    queue moves a message received more than maxReceiveCount times to its DLQ."""
    text = sqs_app("partial", "                    FunctionResponseTypes: [ReportBatchItemFailures]")
    events, app_run = run(write_app, text, [Action("sqs_send", {"queue": "Orders", "bodies": ["ok 1", "bad 2", "ok 3"]}, 1)])
    batches = of(events, "esm_batch")
    assert [(b["t"], len(b["ids"]), b["result"]) for b in batches] == [(0.0, 3, "partial"), (30.0, 1, "failed")]
    (redriven,) = of(events, "message_redriven")
    assert (redriven["t"], redriven["receive_count"], redriven["dlq"]) == (60.0, 2, "Dlq")
    assert [m.body for m in app_run.queues["Dlq"].messages] == ["bad 2"]
    assert events[-1]["queues"]["Orders"] == {"visible": 0, "in_flight": 0, "moved_to_dlq": 1}


def test_without_report_batch_item_failures_a_failed_batch_comes_back_whole(write_app):
    text = sqs_app("partial", "")
    events, _ = run(write_app, text, [Action("sqs_send", {"queue": "Orders", "bodies": ["ok 1", "bad 2"]}, 1)])
    assert [b["result"] for b in of(events, "esm_batch")] == ["success"]  # an unreported failure list is ignored
    text = sqs_app("fails", "")
    events, app_run = run(write_app, text, [Action("sqs_send", {"queue": "Orders", "bodies": ["a", "b"]}, 1)])
    assert [(b["t"], b["result"]) for b in of(events, "esm_batch")] == [(0.0, "failed"), (30.0, "failed")]
    assert sorted(m.body for m in app_run.queues["Dlq"].messages) == ["a", "b"]


def test_filter_criteria_deletes_messages_that_match_no_pattern_without_invoking(write_app):
    """SQS messages that do not match the filter are deleted (invocation-eventfiltering.html)."""
    events_block = """                    FilterCriteria:
                      Filters:
                        - Pattern: '{"body": {"kind": ["order"]}}'"""
    text = sqs_app("partial", events_block)
    bodies = [json.dumps({"kind": "order"}), json.dumps({"kind": "spam"})]
    events, _ = run(write_app, text, [Action("sqs_send", {"queue": "Orders", "bodies": bodies}, 1)])
    (invocation,) = of(events, "invocation")
    assert len(invocation["batch"]) == 1
    assert [d["reason"] for d in of(events, "message_deleted")].count("filtered") == 1


def test_fifo_queue_keeps_order_within_a_message_group(write_app):
    """A FIFO queue hands out a group's messages in order, none while one of the group is in flight."""
    queue = "              FifoQueue: true"
    text = sqs_app("partial", "                    BatchSize: 1\n                    FunctionResponseTypes: [ReportBatchItemFailures]", queue, dlq_receives=1)
    bodies = ["bad a1", "a2", "a3"]
    events, _ = run(write_app, text, [Action("sqs_send", {"queue": "Orders", "bodies": bodies, "group": "a"}, 1)])
    order = [(b["t"], b["result"]) for b in of(events, "esm_batch")]
    # a1 fails and blocks the group for the visibility timeout; then it is redriven, and a2, a3 follow in order
    assert order == [(0.0, "failed"), (30.0, "success"), (30.0, "success")]


KINESIS = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Clicks:
        Type: AWS::Kinesis::Stream
        Properties: {ShardCount: 1}
      Failures:
        Type: AWS::SQS::Queue
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.poison
          Runtime: python3.12
          Events:
            FromClicks:
              Type: Kinesis
              Properties:
                Stream: !GetAtt Clicks.Arn
                StartingPosition: TRIM_HORIZON
                BatchSize: 4
                BisectBatchOnFunctionError: true
                MaximumRetryAttempts: 2
                DestinationConfig:
                  OnFailure: {Destination: !GetAtt Failures.Arn}
"""


def test_kinesis_poison_record_is_isolated_by_bisection_and_sent_to_the_on_failure_destination(write_app):
    """A failing batch blocks its shard and is bisected; after MaximumRetryAttempts the remaining batch goes to
    the on-failure destination as batch metadata (KinesisBatchInfo), and the records after it follow in order."""
    data = ["r1", "r2", "poison", "r4", "r5"]
    records = [{"partition_key": "user-1", "data": value} for value in data]
    events, app_run = run(write_app, KINESIS, [Action("kinesis_put", {"stream": "Clicks", "records": records}, 1)])
    succeeded = [sequence for b in of(events, "esm_batch") if b["result"] == "success" for sequence in b["ids"]]
    assert succeeded == sorted(succeeded)  # order kept
    assert len(succeeded) == 4
    (message,) = app_run.queues["Failures"].messages
    info = json.loads(message.body)["KinesisBatchInfo"]
    assert info["batchSize"] == 1 and info["startSequenceNumber"] == info["endSequenceNumber"]
    assert json.loads(message.body)["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert events[-1]["streams"]["Clicks"]["checkpoints"]["shardId-000000000000"] == succeeded[-1]


def test_fifo_content_based_deduplication_drops_a_repeat_within_five_minutes(write_app):
    """A FIFO queue with ContentBasedDeduplication ignores the same body sent again within the 5-minute
    deduplication interval (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html)."""
    queue = "              FifoQueue: true\n              ContentBasedDeduplication: true"
    text = sqs_app("partial", "                    FunctionResponseTypes: [ReportBatchItemFailures]", queue)
    actions = [Action("sqs_send", {"queue": "Orders", "bodies": ["a", "a", "b"]}, 1), Action("wait_s", 301, 2),
               Action("sqs_send", {"queue": "Orders", "bodies": ["a"]}, 3)]
    events, _ = run(write_app, text, actions)
    delivered = [len(b["ids"]) for b in of(events, "esm_batch")]
    assert sum(delivered) == 3  # a and b at once; a again after the interval
