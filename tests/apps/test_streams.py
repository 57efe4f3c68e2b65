"""Stream mappings: DynamoDB Streams records, checkpoints from batchItemFailures, record age, parallelization.

Rules: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html,
https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (ParallelizationFactor, MaximumRecordAgeInSeconds).
"""

from __future__ import annotations

import json

from lambdalearn.apps.script import Action

from .conftest import of, run_template

HANDLERS = {
    "app.py": """
        import base64

        def names(event, context):
            return [record["eventName"] for record in event["Records"]]

        def fail_on_three(event, context):
            for record in event["Records"]:
                if base64.b64decode(record["kinesis"]["data"]) == b"3":
                    return {"batchItemFailures": [{"itemIdentifier": record["kinesis"]["sequenceNumber"]}]}
            return {"batchItemFailures": []}

        def fails(event, context):
            raise ValueError("down")

        def ok(event, context):
            return {}

        def refuses_poison(event, context):
            for record in event["Records"]:
                if record["dynamodb"]["NewImage"]["status"]["S"] == "poison":
                    raise ValueError("poison order " + record["dynamodb"]["Keys"]["id"]["S"])
            return {}
    """
}


def run(write_app, text: str, actions: list, until: float | None = None):
    return run_template(write_app(text, HANDLERS), actions, until)


TABLE = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Orders:
        Type: AWS::DynamoDB::Table
        Properties:
          KeySchema: [{AttributeName: id, KeyType: HASH}]
          AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
          StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.names
          Runtime: python3.12
          Events:
            Changes: {Type: DynamoDB, Properties: {Stream: !GetAtt Orders.StreamArn, StartingPosition: TRIM_HORIZON, BatchSize: 10}}
"""


def test_dynamodb_stream_delivers_insert_then_modify_with_old_and_new_images(write_app):
    actions = [
        Action("ddb_put", {"table": "Orders", "item": {"id": "o1", "status": "NEW"}}, 1),
        Action("wait_s", 1, 2),
        Action("ddb_put", {"table": "Orders", "item": {"id": "o1", "status": "PAID", "total": 12}}, 3),
    ]
    events, app_run = run(write_app, TABLE, actions)
    stream = app_run.streams["Orders"]
    inserted, modified = stream.shards[0].records
    assert (inserted.event_name, modified.event_name) == ("INSERT", "MODIFY")
    record = stream.event_record(modified, stream.shards[0])
    assert record["eventSource"] == "aws:dynamodb" and record["eventSourceARN"].endswith("/stream/1970-01-01T00:00:00.000")
    assert record["dynamodb"]["Keys"] == {"id": {"S": "o1"}}
    assert record["dynamodb"]["OldImage"] == {"id": {"S": "o1"}, "status": {"S": "NEW"}}
    assert record["dynamodb"]["NewImage"]["total"] == {"N": "12"}
    assert [b["result"] for b in of(events, "esm_batch")] == ["success", "success"]


def test_a_dynamodb_stream_failure_is_bisected_and_the_poison_record_goes_on_failure_with_ddb_batch_info(write_app):
    """A failing DynamoDB stream batch blocks its shard; BisectBatchOnFunctionError splits it until the failing
    record is alone; after MaximumRetryAttempts its metadata (DDBStreamBatchInfo, not the record) goes to the
    on-failure destination and the records after it follow in order
    (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html, with-ddb.html)."""
    text = TABLE.replace("Failures-placeholder", "").replace("""      Fn:
""", """      Failures:
        Type: AWS::SQS::Queue
      Fn:
""").replace("Handler: app.names", "Handler: app.refuses_poison").replace(
        "BatchSize: 10}}",
        "BatchSize: 4, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 2, "
        "DestinationConfig: {OnFailure: {Destination: !GetAtt Failures.Arn}}}}")
    statuses = ["new", "new", "poison", "new", "new"]
    actions = [Action("ddb_put", {"table": "Orders", "item": {"id": f"o{n}", "status": status}}, 1) for n, status in enumerate(statuses)]
    events, app_run = run(write_app, text, actions)
    batches = of(events, "esm_batch")
    assert (batches[0]["result"], len(batches[0]["ids"])) == ("failed", 4)
    assert (batches[1]["result"], len(batches[1]["ids"])) == ("success", 2)  # the first half, without the poison record
    assert {len(b["ids"]) for b in batches if b["result"] == "failed"}.issuperset({4, 1})  # split down to the poison record
    succeeded = [sequence for b in batches if b["result"] == "success" for sequence in b["ids"]]
    assert len(succeeded) == 4 and succeeded == sorted(succeeded, key=int)
    (message,) = app_run.queues["Failures"].messages
    failure = json.loads(message.body)
    info = failure["DDBStreamBatchInfo"]
    poison = app_run.streams["Orders"].shards[0].records[2]
    assert "KinesisBatchInfo" not in failure and "Records" not in failure
    assert (info["batchSize"], info["startSequenceNumber"], info["endSequenceNumber"]) == (1, poison.sequence_number, poison.sequence_number)
    assert info["streamArn"].endswith(":table/Orders/stream/1970-01-01T00:00:00.000")
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 3  # the first attempt and two retries
    assert failure["responseContext"]["functionError"] == "Unhandled"


KINESIS = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Clicks:
        Type: AWS::Kinesis::Stream
        Properties: {ShardCount: 1}
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.HANDLER
          Runtime: python3.12
          Events:
            In:
              Type: Kinesis
              Properties:
                Stream: !GetAtt Clicks.Arn
                StartingPosition: TRIM_HORIZON
                BatchSize: 10
EXTRA
"""


def kinesis(handler: str, extra: str = "") -> str:
    return KINESIS.replace("HANDLER", handler).replace("EXTRA", extra)


def put(values, key=lambda value: "k"):
    return Action("kinesis_put", {"stream": "Clicks", "records": [{"partition_key": key(v), "data": str(v)} for v in values]}, 1)


def test_batch_item_failures_checkpoint_retries_from_the_failed_sequence_number(write_app):
    """The function returns the failed record's sequence number; the batch is retried from that record on."""
    extra = "                FunctionResponseTypes: [ReportBatchItemFailures]\n                MaximumRetryAttempts: 1"
    events, _ = run(write_app, kinesis("fail_on_three", extra), [put([1, 2, 3, 4])])
    batches = of(events, "esm_batch")
    assert [(len(b["ids"]), b["result"]) for b in batches[:2]] == [(4, "partial"), (2, "partial")]
    assert batches[1]["ids"] == batches[0]["ids"][2:]  # retried from record 3, records 1-2 checkpointed
    assert batches[-1]["result"] == "RetryAttemptsExhausted"


def test_records_older_than_maximum_record_age_are_skipped(write_app):
    """A failing batch blocks its shard until its records are older than MaximumRecordAgeInSeconds."""
    events, _ = run(write_app, kinesis("fails", "                MaximumRecordAgeInSeconds: 60"), [put([1, 2])])
    assert events[-2]["result"] == "RecordAgeExceeded"
    failed = [b for b in of(events, "esm_batch") if b["result"] == "failed"]
    assert failed and all(b["t"] <= 60 for b in failed)  # retried (blocking) only while the records were young
    assert 60 < events[-2]["t"] <= 121


def test_parallelization_factor_keeps_order_per_partition_key(write_app):
    """With ParallelizationFactor the shard is read by several lanes, but one partition key stays in one lane,
    in order."""
    values = list(range(40))
    events, app_run = run(write_app, kinesis("ok", "                ParallelizationFactor: 4").replace("BatchSize: 10", "BatchSize: 3"), [put(values, key=lambda v: f"user-{v % 5}")])
    lanes = {b["shard"] for b in of(events, "esm_batch")}
    assert len(lanes) > 1
    shard = app_run.streams["Clicks"].shards[0]
    by_sequence = {r.sequence_number: r for r in shard.records}
    seen: dict[str, list[int]] = {}
    for batch in of(events, "esm_batch"):
        for sequence in batch["ids"]:
            record = by_sequence[sequence]
            seen.setdefault(record.partition_key, []).append(int(record.data))
    assert all(order == sorted(order) for order in seen.values())
    assert sum(len(order) for order in seen.values()) == 40


def test_a_stream_batching_window_gathers_records_until_it_closes(write_app):
    """MaximumBatchingWindowInSeconds: Lambda waits up to that long to fill a batch (with-kinesis.html)."""
    extra = "                MaximumBatchingWindowInSeconds: 30"
    actions = [put([1]), Action("wait_s", 10, 2), put([2, 3])]
    events, _ = run(write_app, kinesis("ok", extra), actions)
    assert [(b["t"], len(b["ids"])) for b in of(events, "esm_batch")] == [(30.0, 3)]
