"""async-retries-destination: the app of the learner's template.yaml, run with events they have not seen."""

import json


def _notification(lab, domain):
    return {"order_id": f"ord-{lab.rng.randint(1000, 9999)}", "to": f"{lab.word(5)}@{domain}"}


def check_failure_is_retried_once_and_recorded(lab):
    event = _notification(lab, "down.example")
    run = lab.run_app("template.yaml", [{"invoke": {"function": "Notify", "type": "Event", "event": event}}])
    attempts = [line["t"] for line in run.timeline.of_kind("invocation")]
    assert attempts == [0.0, 60.0], (
        f"the failing event was tried at {attempts} s (AWS time); expected two attempts, at 0 and 60 s:"
        " MaximumRetryAttempts sets how many retries follow the first attempt (the default is 2)"
    )
    records = [json.loads(message.body) for message in run.queues["FailedNotifications"].messages]
    assert len(records) == 1, (
        f"FailedNotifications holds {len(records)} messages; expected Lambda's invocation record of the failed"
        " event (an OnFailure destination in EventInvokeConfig.DestinationConfig)"
    )
    record = records[0]
    assert record.get("requestContext", {}).get("condition") == "RetriesExhausted", f"unexpected record: {record}"
    assert record.get("requestPayload") == event, "the record should carry the event that failed as requestPayload"
    assert record["requestContext"].get("approximateInvokeCount") == 2


def check_success_leaves_no_record(lab):
    event = _notification(lab, "mail.example")
    run = lab.run_app("template.yaml", [{"invoke": {"function": "Notify", "type": "Event", "event": event}}])
    invocations = run.timeline.of_kind("invocation")
    assert len(invocations) == 1 and invocations[0]["status"] == "success", (
        f"a notification that succeeds should run once; it ran {len(invocations)} times"
    )
    left = [message.body for message in run.queues["FailedNotifications"].messages]
    assert not left, f"a success must not reach the on-failure destination, but FailedNotifications holds {left}"
