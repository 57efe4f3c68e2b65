"""Asynchronous invocation in an app run: retries, event age, destinations, DLQ, throttles, loops.

Rules from "How Lambda handles errors and retries with asynchronous invocation"
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html) and "Configuring error
handling settings" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html).
"""

from __future__ import annotations

import json

import pytest

from lambdalearn.apps.run import LOOP_LIMIT
from lambdalearn.apps.script import Action
from lambdalearn.runtime.invoke_async import ASYNC_PAYLOAD_LIMIT, AsyncInvoker, PayloadTooLarge, RetryPolicy

from .conftest import of, run_template

HANDLERS = {
    "app.py": """
        def fails(event, context):
            raise ValueError("boom " + str(event.get("n")))

        def works(event, context):
            return {"ok": event}

        def small(event, context):
            return "done"

        def twenty_hops(event, context):
            depth = 0
            while isinstance(event, dict) and "requestPayload" in event:
                event, depth = event["requestPayload"], depth + 1
            if depth >= 20:
                raise RuntimeError("enough")
            return "done"
    """
}


def template(handler: str, invoke_config: str = "", extra: str = "", function_extra: str = "") -> str:
    return f"""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Failed:
            Type: AWS::SQS::Queue
          Succeeded:
            Type: AWS::SQS::Queue
          Dead:
            Type: AWS::SQS::Queue
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.{handler}
              Runtime: python3.12
{function_extra}
              EventInvokeConfig:
                DestinationConfig:
                  OnFailure: {{Type: SQS, Destination: !GetAtt Failed.Arn}}
                  OnSuccess: {{Type: SQS, Destination: !GetAtt Succeeded.Arn}}
{invoke_config}
{extra}
    """


def run(write_app, text: str, actions: list, until: float | None = None):
    return run_template(write_app(text, HANDLERS), actions, until)


def invoke_event(payload) -> Action:
    return Action("invoke", {"function": "Fn", "type": "Event", "event": payload}, 1)


def test_function_error_is_retried_twice_one_then_two_minutes_later_then_goes_to_on_failure(write_app):
    """Two retries by default, one minute then two minutes apart; the on-failure record has the request
    payload, condition RetriesExhausted, approximateInvokeCount 3 and the error as responsePayload."""
    events, app_run = run(write_app, template("fails"), [invoke_event({"n": 7})])
    attempts = of(events, "invocation")
    assert [(e["t"], e["attempt"], e["invocation_type"]) for e in attempts] == [(0.0, 1, "Event"), (60.0, 2, "Event"), (180.0, 3, "Event")]
    assert len({e["request_id"] for e in attempts}) == 1  # retries keep the request id
    assert [e["delay_s"] for e in of(events, "retry_scheduled")] == [60.0, 120.0]
    (destination,) = of(events, "destination")
    record = destination["record"]
    assert destination["target"].endswith(":Failed")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["requestId"] == attempts[0]["request_id"]
    assert record["requestPayload"] == {"n": 7}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "ValueError"
    (message,) = app_run.queues["Failed"].messages
    assert json.loads(message.body) == record
    assert events[-1]["kind"] == "summary"
    assert events[-1]["functions"]["Fn"] == {"invocations": 3, "errors": 3, "throttles": 0}


@pytest.mark.parametrize("retries, expected_attempts", [(0, 1), (1, 2)])
def test_maximum_retry_attempts_limits_the_retries(write_app, retries, expected_attempts):
    """MaximumRetryAttempts 0-2 (invocation-async-configuring.html)."""
    text = template("fails", f"                MaximumRetryAttempts: {retries}")
    events, _ = run(write_app, text, [invoke_event({})])
    assert len(of(events, "invocation")) == expected_attempts
    assert of(events, "destination")[0]["record"]["requestContext"]["approximateInvokeCount"] == expected_attempts


def test_an_event_older_than_maximum_event_age_is_not_retried(write_app):
    """MaximumEventAgeInSeconds 60: the retry due at 60 s still runs (the event is 60 s old, not older); the
    one due at 180 s is discarded with condition EventAgeExceeded."""
    text = template("fails", "                MaximumEventAgeInSeconds: 60")
    events, _ = run(write_app, text, [invoke_event({})])
    assert [e["t"] for e in of(events, "invocation")] == [0.0, 60.0]
    (destination,) = of(events, "destination")
    assert (destination["t"], destination["record"]["requestContext"]["condition"]) == (180.0, "EventAgeExceeded")


def test_success_goes_to_the_on_success_destination(write_app):
    events, app_run = run(write_app, template("works"), [invoke_event({"n": 1})])
    (destination,) = of(events, "destination")
    assert destination["condition"] == "Success" and destination["target"].endswith(":Succeeded")
    assert destination["record"]["responsePayload"] == {"ok": {"n": 1}}
    assert "functionError" not in destination["record"]["responseContext"]


def test_dead_letter_queue_gets_the_event_only(write_app):
    """A DLQ receives the event itself, not an invocation record (invocation-async-retain-records.html)."""
    text = template("fails", function_extra="              DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Dead.Arn}")
    events, app_run = run(write_app, text, [invoke_event({"n": 3})])
    (dlq,) = of(events, "dlq")
    assert dlq["message"] == {"n": 3}
    assert [json.loads(m.body) for m in app_run.queues["Dead"].messages] == [{"n": 3}]


def test_throttles_are_retried_with_backoff_until_the_event_is_too_old(write_app):
    """Throttles do not use up attempts; retried from 1 s with exponential backoff, up to the event age."""
    text = template("works", "                MaximumEventAgeInSeconds: 60", function_extra="              ReservedConcurrentExecutions: 0")
    events, _ = run(write_app, text, [invoke_event({})])
    delays = [e["delay_s"] for e in of(events, "retry_scheduled")]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert {e["reason"] for e in of(events, "retry_scheduled")} == {"throttle"}
    assert len(of(events, "throttle")) == 6 and not of(events, "invocation")
    assert of(events, "destination")[0]["record"]["requestContext"]["condition"] == "EventAgeExceeded"


def test_payload_over_one_megabyte_is_refused():
    """An Event invocation carries at most 1 MB."""
    invoker = AsyncInvoker("arn", RetryPolicy(), invoke=None, now=lambda: 0.0, call_later=lambda *a: None, on_retry=None, on_done=None)  # type: ignore[arg-type]
    with pytest.raises(PayloadTooLarge, match="too large for the Event invocation type"):
        invoker.submit("x" * ASYNC_PAYLOAD_LIMIT)


SELF = "OnSuccess: {Type: Lambda, Destination: !GetAtt Fn.Arn}"


@pytest.mark.parametrize("setting", ["", "              RecursiveLoop: Terminate"])
def test_a_recursive_loop_is_stopped_after_about_16_invocations(write_app, setting):
    """Lambda stops a chain of invocations after about 16 invocations when RecursiveLoop is Terminate, the
    default, and sends the event to the on-failure destination (invocation-recursion.html)."""
    text = template("small", function_extra=setting).replace("OnSuccess: {Type: SQS, Destination: !GetAtt Succeeded.Arn}", SELF)
    events, _ = run(write_app, text, [invoke_event({})])
    assert len(of(events, "invocation")) == LOOP_LIMIT
    (stopped,) = of(events, "loop_stopped")
    assert stopped["function"] == "Fn"
    failures = [e for e in of(events, "destination") if e["condition"] == "RecursiveLoop"]
    assert len(failures) == 1 and failures[0]["target"].endswith(":Failed")


def test_recursive_loop_allow_lets_the_chain_run(write_app):
    """With RecursiveLoop Allow the chain runs on (here until the handler itself ends it at 21 invocations)."""
    text = template("twenty_hops", "                MaximumRetryAttempts: 0", function_extra="              RecursiveLoop: Allow").replace("OnSuccess: {Type: SQS, Destination: !GetAtt Succeeded.Arn}", SELF)
    events, _ = run(write_app, text, [invoke_event({})])
    assert len(of(events, "invocation")) == 21
    assert not of(events, "loop_stopped")


@pytest.mark.parametrize("kind, target", [("EventBridge", "!GetAtt Bus.Arn"), ("S3Bucket", "!GetAtt Archive.Arn")])
def test_on_failure_can_go_to_an_event_bus_or_a_bucket(write_app, kind, target):
    """Destinations may be SQS, SNS, Lambda, EventBridge, and for failures S3 (invocation-async-retain-records.html)."""
    extra = """
          Bus:
            Type: AWS::Events::EventBus
          Archive:
            Type: AWS::S3::Bucket
"""
    text = template("fails", "                MaximumRetryAttempts: 0", extra=extra).replace(
        "OnFailure: {Type: SQS, Destination: !GetAtt Failed.Arn}", f"OnFailure: {{Type: {kind}, Destination: {target}}}")
    events, app_run = run(write_app, text, [invoke_event({"n": 5})])
    (destination,) = of(events, "destination")
    stored = [e["detail"] for e in app_run.bus_events["Bus"]] if kind == "EventBridge" else [json.loads(body) for body in app_run.objects["Archive"].values()]
    assert stored == [destination["record"]] and stored[0]["requestPayload"] == {"n": 5}


def test_on_success_cannot_be_a_bucket(write_app):
    from lambdalearn.apps.template import check_template

    text = template("works", extra="          Archive:\n            Type: AWS::S3::Bucket\n").replace(
        "OnSuccess: {Type: SQS, Destination: !GetAtt Succeeded.Arn}", "OnSuccess: {Type: S3Bucket, Destination: !GetAtt Archive.Arn}")
    _, problems = check_template(write_app(text, HANDLERS), sam_check=False)
    assert [p.message for p in problems] == ["an S3 bucket can only be an on-failure destination"]


def test_an_sns_dead_letter_queue_and_an_sns_on_failure_destination_publish_to_the_topic(write_app):
    """A DeadLetterQueue may be an SNS topic (it gets the event itself) and an on-failure destination may be
    Type SNS (it gets the invocation record); the topic fans both out to its subscribers
    (invocation-async-retain-records.html; SAM DeadLetterQueue: "Type: SQS or SNS")."""
    extra = """
          Alarms:
            Type: AWS::SNS::Topic
            Properties:
              Subscription: [{Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}]
          Inbox:
            Type: AWS::SQS::Queue
"""
    text = template("fails", "                MaximumRetryAttempts: 0", extra=extra,
                    function_extra="              DeadLetterQueue: {Type: SNS, TargetArn: !Ref Alarms}").replace(
        "OnFailure: {Type: SQS, Destination: !GetAtt Failed.Arn}", "OnFailure: {Type: SNS, Destination: !Ref Alarms}")
    events, app_run = run(write_app, text, [invoke_event({"n": 9})])
    (destination,) = of(events, "destination")
    (dlq,) = of(events, "dlq")
    assert destination["target"].startswith("arn:aws:sns:") and dlq["queue"].startswith("arn:aws:sns:")
    notifications = [json.loads(m.body) for m in app_run.queues["Inbox"].messages]
    assert {n["Type"] for n in notifications} == {"Notification"} and all(n["TopicArn"].endswith(":Alarms") for n in notifications)
    record, event = (json.loads(n["Message"]) for n in notifications)
    assert record["requestContext"]["condition"] == "RetriesExhausted" and record["requestPayload"] == {"n": 9}
    assert record == destination["record"]
    assert event == {"n": 9}  # the dead-letter queue gets the event only
    assert not app_run.queues["Failed"].messages
