"""EventBridge rules in an app run: pattern matching, the event envelope, async delivery to the rule's function.

Rules from "Amazon EventBridge event patterns" and "Comparison operators for use in event patterns"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html), "Amazon
EventBridge events" for the envelope (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html),
SAM's EventBridgeRule event (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventbridgerule.html:
"If you omit this property, AWS SAM uses the default event bus"), and "Using EventBridge with Lambda": a rule
invokes its Lambda target asynchronously (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
"""

from __future__ import annotations

import pytest

from lambdalearn.apps.eventbridge import rule_matches
from lambdalearn.apps.mappings.filters import pattern_problem
from lambdalearn.apps.script import Action, ScriptError, actions_from
from lambdalearn.apps.template import check_template, read_app

from .conftest import of, run_template

EVENT = {
    "version": "0", "id": "1", "detail-type": "OrderPlaced", "source": "shop.orders", "account": "123456789012",
    "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
    "detail": {"order": {"total": 120.5, "state": "new", "tags": ["gift", "express"]}, "country": "FR", "coupon": None},
}

MATCHES = [
    ({"source": ["shop.orders"]}, True),
    ({"source": ["shop.billing", "shop.orders"]}, True),  # values in an array: any of them
    ({"source": ["shop.billing"]}, False),
    ({"source": ["shop.orders"], "detail-type": ["OrderShipped"]}, False),  # every field must match
    ({"detail": {"order": {"state": ["new"]}}}, True),  # nested detail fields
    ({"detail": {"order": {"state": ["paid"]}}}, False),
    ({"detail": {"order": {"tags": ["express"]}}}, True),  # an array in the event: any element
    ({"detail": {"order": {"tags": [{"prefix": "gi"}]}}}, True),
    ({"detail": {"country": [{"prefix": "F"}]}}, True),
    ({"detail": {"country": [{"prefix": "f"}]}}, False),  # case-sensitive
    ({"detail": {"country": [{"anything-but": ["US", "CA"]}]}}, True),
    ({"detail": {"country": [{"anything-but": "FR"}]}}, False),
    ({"detail": {"country": [{"anything-but": {"prefix": "F"}}]}}, False),
    ({"detail": {"order": {"tags": [{"anything-but": "gift"}]}}}, True),  # "express" is not "gift"
    ({"detail": {"country": [{"exists": True}]}}, True),
    ({"detail": {"refund": [{"exists": False}]}}, True),
    ({"detail": {"refund": [{"exists": True}]}}, False),
    ({"detail": {"refund": ["x"]}}, False),  # a missing field matches no value
    ({"detail": {"coupon": [None]}}, True),  # null matches a field that is null
    ({"detail": {"order": {"total": [{"numeric": [">", 100, "<=", 200]}]}}}, True),
    ({"detail": {"order": {"total": [{"numeric": [">=", 200]}]}}}, False),
    ({"detail": {"order": {"total": [{"numeric": ["=", 120.5]}]}}}, True),
    ({"detail": {"country": [{"numeric": [">", 0]}]}}, False),  # numeric only matches numbers
    ({"detail": {"order": [{"prefix": "n"}]}}, False),  # a value rule does not match an object
]


@pytest.mark.parametrize("pattern, expected", MATCHES)
def test_a_pattern_matches_as_eventbridge_does(pattern, expected):
    assert rule_matches(pattern, EVENT) is expected


@pytest.mark.parametrize("pattern, problem", [
    ({"source": "shop.orders"}, 'source: match values are given in a non-empty array, such as ["shop.orders"]'),
    ({"source": []}, "source: match values are given in a non-empty array"),
    ({}, "the pattern: expected a non-empty JSON object"),
    ({"detail": {"n": [{"wildcard": "a*"}]}}, 'detail.n: {"wildcard": "a*"}: the local matcher knows the operators'),
    ({"$or": [{"source": ["a"]}]}, "$or: $or is not simulated locally"),
])
def test_a_pattern_eventbridge_would_refuse_or_that_is_not_simulated_is_reported(pattern, problem):
    assert problem in (pattern_problem(pattern) or "")


HANDLERS = {
    "app.py": """
        def record(event, context):
            return {"source": event["source"], "type": event["detail-type"], "detail": event["detail"]}

        def fails(event, context):
            raise ValueError("no")
    """
}


def template(bus_name: str = "", handler: str = "record", pattern: str = "{source: [shop.orders], detail: {total: [{numeric: ['>', 100]}]}}") -> str:
    bus = f"EventBusName: {bus_name}" if bus_name else ""
    return f"""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Orders:
            Type: AWS::Events::EventBus
            Properties: {{Name: orders}}
          Results:
            Type: AWS::SQS::Queue
          Big:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.{handler}
              Runtime: python3.12
              EventInvokeConfig:
                MaximumRetryAttempts: 1
                DestinationConfig:
                  OnSuccess: {{Type: SQS, Destination: !GetAtt Results.Arn}}
                  OnFailure: {{Type: SQS, Destination: !GetAtt Results.Arn}}
              Events:
                BigOrder:
                  Type: EventBridgeRule
                  Properties:
                    {bus}
                    Pattern: {pattern}
    """


def put(total: float, bus: str | None = None, source: str = "shop.orders") -> Action:
    args = {"source": source, "detail_type": "OrderPlaced", "detail": {"total": total}}
    if bus:
        args["bus"] = bus
    return Action("events_put", args, 1)


def test_a_matching_event_on_the_default_bus_invokes_the_function_asynchronously_with_the_envelope(write_app):
    path = write_app(template(), HANDLERS)
    events, run = run_template(path, [put(150), put(50), put(500, source="shop.billing"), put(300, bus="Orders")])
    lines = of(events, "bus_event")
    assert [(e["bus"], e["targets"]) for e in lines] == [("default", ["Big"]), ("default", []), ("default", []), ("orders", [])]
    assert lines[0]["rules"] == ["Big-BigOrder"]
    (invocation,) = of(events, "invocation")
    assert (invocation["invocation_type"], invocation["source"], invocation["status"]) == ("Event", "default", "success")
    delivered = run.bus_events["default"][0]
    assert set(delivered) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert (delivered["version"], delivered["account"], delivered["region"]) == ("0", "123456789012", "us-east-1")
    (destination,) = of(events, "destination")
    assert destination["record"]["requestPayload"] == delivered
    assert destination["record"]["responsePayload"] == {"source": "shop.orders", "type": "OrderPlaced", "detail": {"total": 150}}
    assert len(run.bus_events["Orders"]) == 1


def test_a_rule_on_a_custom_bus_sees_only_that_bus_and_a_failing_target_is_retried(write_app):
    path = write_app(template("!Ref Orders", handler="fails"), HANDLERS)
    events, _ = run_template(path, [put(150), put(150, bus="orders")])
    assert [e["targets"] for e in of(events, "bus_event")] == [[], ["Big"]]
    assert [e["attempt"] for e in of(events, "invocation")] == [1, 2]  # MaximumRetryAttempts: 1
    assert of(events, "destination")[0]["condition"] == "RetriesExhausted"


DESTINATION_APP = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Bus:
        Type: AWS::Events::EventBus
      Failing:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.fails
          Runtime: python3.12
          EventInvokeConfig:
            MaximumRetryAttempts: 0
            DestinationConfig:
              OnFailure: {Type: EventBridge, Destination: DESTINATION}
      Alerts:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.record
          Runtime: python3.12
          Events:
            Failures:
              Type: CloudWatchEvent
              Properties:
                BUS
                Pattern: {source: [lambda], detail-type: [Lambda Function Invocation Result - Failure]}
"""


@pytest.mark.parametrize("destination, bus_line, bus", [
    ('!Sub "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"', "", "default"),
    ("!GetAtt Bus.Arn", "EventBusName: !Ref Bus", "Bus"),
])
def test_an_eventbridge_destination_puts_the_record_on_the_bus_where_rules_route_it(write_app, destination, bus_line, bus):
    """Lambda sends the record to the bus (the default one or another) as an event from source `lambda` whose
    detail is the record (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
    a rule there (CloudWatchEvent is SAM's older name for EventBridgeRule) routes it on."""
    path = write_app(DESTINATION_APP.replace("DESTINATION", destination).replace("BUS\n", bus_line + "\n"), HANDLERS)
    events, run = run_template(path, [Action("invoke", {"function": "Failing", "type": "Event", "event": {"n": 1}}, 1)])
    (bus_event,) = of(events, "bus_event")
    assert (bus_event["bus"], bus_event["source"], bus_event["targets"]) == (bus, "lambda", ["Alerts"])
    (put_on_bus,) = run.bus_events[bus]
    assert put_on_bus["resources"][1].endswith(":function:Failing:$LATEST")
    assert put_on_bus["detail"]["requestContext"]["condition"] == "RetriesExhausted"
    assert [(e["function"], e["status"], e["lineage"]) for e in of(events, "invocation")] == [("Failing", "error", 0), ("Alerts", "success", 1)]


def test_template_problems_are_located(write_app):
    path = write_app(template("nowhere", pattern="{source: shop.orders}"), HANDLERS)
    _, problems = check_template(path, sam_check=False)
    messages = [f"{p.field}: {p.message}" for p in problems]
    assert any(m.startswith("Resources.Big.Properties.Events.BigOrder.Properties.Pattern: source: match values") for m in messages), messages
    path = write_app(template("nowhere"), HANDLERS)
    _, problems = check_template(path, sam_check=False)
    assert [f"{p.field}: {p.message}" for p in problems] == [
        "Resources.Big.Properties.Events.BigOrder.Properties.EventBusName: event bus nowhere is neither default nor a bus of this template"]


def test_events_put_is_checked_like_every_action(write_app):
    app = read_app(write_app(template(), HANDLERS), sam_check=False)
    actions_from([{"events_put": {"source": "shop.orders", "detail_type": "OrderPlaced"}}], app)
    with pytest.raises(ScriptError) as raised:
        actions_from([{"events_put": {"bus": "Nope", "source": "aws.s3", "detail_type": "", "detail": [1], "extra": 1}}], app)
    messages = [f"{p.field}: {p.message}" for p in raised.value.problems]
    assert "[0].events_put.bus: 'Nope' is not a bus of the template" in messages
    assert any(m.startswith("[0].events_put.source: 'aws.' sources are reserved") for m in messages)
    assert "[0].events_put.detail_type: non-empty text" in messages
    assert "[0].events_put.detail: a mapping (EventBridge's detail is a JSON object)" in messages
    assert any(m.startswith("[0].events_put.extra: unknown argument") for m in messages)


def test_a_rules_input_replaces_the_event_it_sends(write_app):
    """SAM EventBridgeRule Input: "Valid JSON text passed to the target. If you use this property, nothing from
    the event text itself is passed to the target" (sam-property-function-eventbridgerule.html)."""
    text = template().replace("                    Pattern:", "                    Input: '{\"fixed\": true}'\n                    Pattern:")
    path = write_app(text, {"app.py": "def record(event, context):\n    return event\n"})
    events, _ = run_template(path, [put(150)])
    (destination,) = of(events, "destination")
    assert destination["record"]["requestPayload"] == {"fixed": True} == destination["record"]["responsePayload"]
    assert not [n for n in read_app(path, sam_check=False).notices if "Input" in n.message]
