"""`lambdalearn app run`: the JSON-lines timeline, scripts with located errors, fan-out, schedules, pacing.

SNS to SQS fan-out and SNS/S3/schedule triggers invoke asynchronously
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html); SQS MaximumConcurrency and the batching
window: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html, services-sqs-parameters.html.
"""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

from lambdalearn.cli import cli

HANDLERS = {"app.py": "def ok(event, context):\n    return {}\n\ndef fails(event, context):\n    raise ValueError('x')\n"}

FAN_OUT = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Orders:
        Type: AWS::SNS::Topic
        Properties:
          Subscription:
            - {Protocol: sqs, Endpoint: !GetAtt Billing.Arn}
            - {Protocol: sqs, Endpoint: !GetAtt Shipping.Arn}
      Billing:
        Type: AWS::SQS::Queue
      Shipping:
        Type: AWS::SQS::Queue
      Notify:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.ok
          Runtime: python3.12
          Events:
            OnOrder: {Type: SNS, Properties: {Topic: !Ref Orders}}
            Hourly: {Type: Schedule, Properties: {Schedule: rate(1 hour)}}
"""


def app_run(write_app, template: str, script: str, *extra: str):
    path = write_app(template, HANDLERS)
    script_path = path.parent / "actions.yaml"
    script_path.write_text(textwrap.dedent(script).lstrip())
    return CliRunner().invoke(cli, ["app", "run", str(path), "--script", str(script_path), *extra])


def test_json_lines_have_t_and_kind_and_end_with_the_summary(write_app):
    result = app_run(write_app, FAN_OUT, "- sns_publish: {topic: Orders, message: order-1}\n", "--json", "--for", "3600")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all({"t", "kind"} <= set(line) for line in lines)
    assert lines[-1]["kind"] == "summary"
    invocations = [line for line in lines if line["kind"] == "invocation"]
    assert [(i["t"], i["source"], i["invocation_type"]) for i in invocations] == [(0.0, "Orders", "Event"), (3600.0, "schedule", "Event")]
    summary = lines[-1]
    assert summary["queues"]["Billing"]["visible"] == 1 and summary["queues"]["Shipping"]["visible"] == 1
    assert summary["functions"]["Notify"]["invocations"] == 2
    documented = {"function", "qualifier", "request_id", "attempt", "invocation_type", "source", "status",
                  "error_type", "function_error", "cold_start", "batch"}
    assert all(documented <= set(line) for line in invocations)
    assert {"queues", "streams", "functions"} <= set(summary)


def test_sqs_fan_out_delivers_the_sns_notification_envelope(write_app):
    from lambdalearn.apps.run import AppRun
    from lambdalearn.apps.script import Action
    from lambdalearn.apps.template import read_app
    import asyncio

    app = read_app(write_app(FAN_OUT, HANDLERS))

    async def go():
        async with AppRun(app) as run:
            await run.run([Action("sns_publish", {"topic": "Orders", "message": "hello"}, 1)], until=10)
            return run

    run = asyncio.run(go())
    (message,) = run.queues["Billing"].messages
    envelope = json.loads(message.body)
    assert envelope["Type"] == "Notification" and envelope["Message"] == "hello"
    assert envelope["TopicArn"].endswith(":Orders")


def test_script_errors_are_located_and_exit_2(write_app):
    result = app_run(write_app, FAN_OUT, "- sns_publish: {topic: Nowhere, message: x}\n- wait_s: -1\n- fly: {}\n"
                                         "- invoke: {function: Notify, qualifier: live}\n")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].endswith("actions.yaml:1: [0].sns_publish.topic: 'Nowhere' is not a topic of the template")
    assert "actions.yaml:2: [1].wait_s: seconds of AWS time" in lines[1]
    assert "actions.yaml:3: [2]: an action is one of invoke" in lines[2]
    assert "actions.yaml:4: [3].invoke.qualifier: 'live' is not a version or alias of Notify (it has: $LATEST)" in lines[3]


QUEUE = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Jobs:
        Type: AWS::SQS::Queue
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.ok
          Runtime: python3.12
          Events:
            In:
              Type: SQS
              Properties:
                Queue: !GetAtt Jobs.Arn
                BatchSize: 1
                ScalingConfig: {MaximumConcurrency: 2}
"""


def test_maximum_concurrency_bounds_batches_in_flight(write_app):
    from lambdalearn.apps.mappings.sqs import SqsPoller

    seen = []
    original = SqsPoller._deliver_batch

    async def watch(self, messages):
        seen.append(self._in_flight)
        await original(self, messages)

    SqsPoller._deliver_batch = watch
    try:
        result = app_run(write_app, QUEUE, "- sqs_send: {queue: Jobs, bodies: [a, b, c, d, e, f]}\n", "--json")
    finally:
        SqsPoller._deliver_batch = original
    assert result.exit_code == 0, result.output
    assert max(seen) == 2 and len(seen) == 6


def test_batching_window_waits_to_fill_the_batch(write_app):
    text = QUEUE.replace("BatchSize: 1", "BatchSize: 5\n                MaximumBatchingWindowInSeconds: 20").replace("                ScalingConfig: {MaximumConcurrency: 2}\n", "")
    script = "- sqs_send: {queue: Jobs, bodies: [a]}\n- wait_s: 5\n- sqs_send: {queue: Jobs, bodies: [b, c]}\n"
    result = app_run(write_app, text, script, "--json")
    batches = [json.loads(line) for line in result.stdout.splitlines() if '"esm_batch"' in line]
    assert [(b["t"], len(b["ids"])) for b in batches] == [(20.0, 3)]


def test_readable_timeline_without_json(write_app):
    result = app_run(write_app, QUEUE, "- sqs_send: {queue: Jobs, bodies: [a]}\n")
    assert result.exit_code == 0, result.output
    assert "invocation       Worker attempt 1 (RequestResponse from Jobs) batch of 1 cold: success" in result.stdout
    assert "summary          queue Jobs: 0 visible, 0 in flight, 0 to DLQ" in result.stdout


def test_a_full_batch_does_not_wait_for_the_window(write_app):
    text = QUEUE.replace("BatchSize: 1", "BatchSize: 2\n                MaximumBatchingWindowInSeconds: 20").replace("                ScalingConfig: {MaximumConcurrency: 2}\n", "")
    result = app_run(write_app, text, "- sqs_send: {queue: Jobs, bodies: [a]}\n- wait_s: 5\n- sqs_send: {queue: Jobs, bodies: [b]}\n", "--json")
    batches = [json.loads(line) for line in result.stdout.splitlines() if '"esm_batch"' in line]
    assert [(b["t"], len(b["ids"])) for b in batches] == [(5.0, 2)]


def test_the_timeline_never_sends_a_handlers_escape_sequences_to_the_terminal(write_app):
    """An error type is the handler's text (any class name): it reaches the terminal without its control codes."""
    template = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Loud:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}
    """
    path = write_app(template, {"app.py": "def handler(event, context):\n    raise type('Value\\x1b[2JError\\x07', (Exception,), {})('x')\n"})
    script = path.parent / "actions.yaml"
    script.write_text("- invoke: {function: Loud, event: {}}\n")
    result = CliRunner().invoke(cli, ["app", "run", str(path), "--script", str(script)])
    assert "ValueError" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_a_batch_of_one_reads_one_record():
    from lambdalearn.apps.timeline import as_text

    line = {"t": 60.0, "kind": "esm_batch", "mapping": "Charge-FromOrders", "ids": ["77838019"], "result": "failed",
            "failed_ids": ["77838019"]}
    assert as_text(line).endswith("Charge-FromOrders: 1 record, failed (not done: 77838019)")
    assert "4 records, partial" in as_text({**line, "ids": ["a", "b", "c", "d"], "result": "partial"})
