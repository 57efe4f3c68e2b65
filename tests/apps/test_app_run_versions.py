"""`app run` with the versions, aliases and layers a template declares.

AWS docs: CloudFormation `AWS::Lambda::Version` and `AWS::Lambda::Alias` (RoutingConfig); SAM AutoPublishAlias
("event sources are wired to the alias"); "Managing Lambda dependencies with layers".
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections import Counter

import pytest

from lambdalearn.apps.run import AppRun
from lambdalearn.apps.script import Action
from lambdalearn.apps.template import read_app

pytestmark = pytest.mark.slow

HANDLER = """
import os, shared
def handler(event, context):
    return {"version": context.function_version, "shared": shared.WHO, "arn": context.invoked_function_arn}
"""


def auto_published(resources: str, properties: str) -> str:
    """A template whose function Fn has AutoPublishAlias live, next to `resources`, with more `properties`."""
    head = "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.13\n      AutoPublishAlias: live\n"
    return ("Transform: AWS::Serverless-2016-10-31\nResources:\n" + textwrap.indent(textwrap.dedent(resources).strip() + "\n", "  ")
            + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n" + head
            + textwrap.indent(textwrap.dedent(properties).strip() + "\n", "      "))


def run_app(path, actions):
    async def go():
        async with AppRun(read_app(path, sam_check=False)) as app_run:
            return await app_run.run(actions)

    return asyncio.run(go())


def test_an_alias_with_routing_splits_a_scripts_invocations_between_its_versions(write_app, tmp_path) -> None:
    (tmp_path / "layer" / "python").mkdir(parents=True)
    (tmp_path / "layer" / "python" / "shared.py").write_text("WHO = 'layer'\n")
    path = write_app("""
        Resources:
          Common:
            Type: AWS::Serverless::LayerVersion
            Properties: {ContentUri: layer/}
          Fn:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13, Layers: [!Ref Common]}
          V1:
            Type: AWS::Lambda::Version
            Properties: {FunctionName: !Ref Fn}
          V2:
            Type: AWS::Lambda::Version
            Properties: {FunctionName: !Ref Fn}
          Live:
            Type: AWS::Lambda::Alias
            Properties:
              FunctionName: !Ref Fn
              Name: live
              FunctionVersion: !GetAtt V1.Version
              RoutingConfig:
                AdditionalVersionWeights: [{FunctionVersion: !GetAtt V2.Version, FunctionWeight: 0.5}]
    """, {"app.py": HANDLER})
    actions = [Action("invoke", {"function": "Fn", "qualifier": "live"}, 0) for _ in range(40)]
    actions.append(Action("invoke", {"function": "Fn"}, 0))
    events = run_app(path, actions)
    invocations = [e for e in events if e["kind"] == "invocation"]
    assert all(e["status"] == "success" for e in invocations), invocations
    through_alias = Counter(e["executed_version"] for e in invocations if e["qualifier"] == "live")
    assert set(through_alias) == {"1", "2"} and sum(through_alias.values()) == 40
    unqualified = [e for e in invocations if e["qualifier"] == "$LATEST"]
    assert [e["executed_version"] for e in unqualified] == ["$LATEST"]


def test_an_auto_publish_alias_receives_the_event_sources(write_app) -> None:
    path = write_app(auto_published("""
        Jobs:
          Type: AWS::SQS::Queue
    """, """
        Events:
          Queue: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, BatchSize: 1}}
    """), {"app.py": "def handler(event, context):\n    return context.invoked_function_arn\n"})
    events = run_app(path, [Action("sqs_send", {"queue": "Jobs", "bodies": ["a", "b"]}, 0)])
    invocations = [e for e in events if e["kind"] == "invocation"]
    assert len(invocations) == 2
    assert {(e["qualifier"], e["executed_version"]) for e in invocations} == {("live", "1")}


def test_an_async_invocation_through_the_alias_records_the_version_that_ran(write_app) -> None:
    """The invocation record sent to a destination names the qualified ARN that was invoked and the version
    that ran ("Capturing records of Lambda asynchronous invocations",
    https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html; Invoke's
    ExecutedVersion: "when you invoke a function with an alias, the version the alias resolved to")."""
    path = write_app(auto_published("""
        Done:
          Type: AWS::SQS::Queue
    """, """
        EventInvokeConfig:
          DestinationConfig:
            OnSuccess: {Type: SQS, Destination: !GetAtt Done.Arn}
    """), {"app.py": "def handler(event, context):\n    return context.function_version\n"})
    events = run_app(path, [Action("invoke", {"function": "Fn", "type": "Event", "event": {}}, 0)])
    (destination,) = [e for e in events if e["kind"] == "destination"]
    record = destination["record"]
    assert record["requestContext"]["functionArn"].endswith(":function:Fn:live")
    assert record["responseContext"]["executedVersion"] == "1" and record["responsePayload"] == "1"


def test_a_stream_mappings_on_failure_record_names_the_version_that_ran(write_app) -> None:
    """SAM wires a stream's mapping to the AutoPublishAlias, so the failing batch ran on version 1; the
    on-failure record's responseContext says so
    (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html)."""
    path = write_app(auto_published("""
        Clicks:
          Type: AWS::Kinesis::Stream
        Failures:
          Type: AWS::SQS::Queue
    """, """
        Events:
          In:
            Type: Kinesis
            Properties:
              Stream: !GetAtt Clicks.Arn
              StartingPosition: TRIM_HORIZON
              MaximumRetryAttempts: 0
              DestinationConfig: {OnFailure: {Destination: !GetAtt Failures.Arn}}
    """), {"app.py": "def handler(event, context):\n    raise ValueError('no')\n"})

    async def go():
        async with AppRun(read_app(path, sam_check=False)) as app_run:
            await app_run.run([Action("kinesis_put", {"stream": "Clicks", "records": [{"partition_key": "k", "data": "x"}]}, 0)])
            return [json.loads(message.body) for message in app_run.queues["Failures"].messages]

    (record,) = asyncio.run(go())
    assert record["responseContext"]["executedVersion"] == "1"
