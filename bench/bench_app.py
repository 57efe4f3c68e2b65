"""Benchmark of `app run`: how long a learner waits for minutes of AWS time to play out.

Two apps, each run in this process through `AppRun` (the engine of `lambdalearn app run`):

- SQS: 1,000 messages, 5% of them failing (reported with ReportBatchItemFailures), batch size 10, visibility
  timeout 30 s, redrive to a DLQ after 3 receives: every good message deleted, every bad one in the DLQ;
- async: 100 Event invocations of a function that always fails, each retried twice (1 and 2 minutes later),
  then sent to an on-failure destination: 300 invocations over 3 minutes of AWS time;
- Step Functions: a Map over 10 items (MaxConcurrency 3), each waiting 60 to 600 s in a Wait state then
  invoking a function, then an hour's Wait: over an hour of AWS time on the run's clock. The same machine with
  every wait at 0 s runs beside it; the ratio of the two walls is what the waiting costs in real time.

Goal: each under 10 s of wall time (the Step Functions run: its local AWS starts in it too). Prints wall seconds,
AWS seconds covered and invocations per run.

    python bench/bench_app.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

from lambdalearn.apps.run import AppRun
from lambdalearn.apps.script import Action
from lambdalearn.apps.template import read_app

HANDLER = '''
def consume(event, context):
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"].startswith("fail")]}

def work(event, context):
    return event

def always_fails(event, context):
    raise RuntimeError("downstream unavailable")
'''

TEMPLATE = '''
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
      RedrivePolicy: {deadLetterTargetArn: !GetAtt OrdersDlq.Arn, maxReceiveCount: 3}
  OrdersDlq:
    Type: AWS::SQS::Queue
  Failed:
    Type: AWS::SQS::Queue
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.consume
      Runtime: python3.12
      Events:
        FromOrders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 10
            FunctionResponseTypes: [ReportBatchItemFailures]
  Notifier:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.always_fails
      Runtime: python3.12
      EventInvokeConfig:
        DestinationConfig:
          OnFailure: {Type: SQS, Destination: !GetAtt Failed.Arn}
'''


STATES_TEMPLATE = '''
Resources:
  Work: {Type: AWS::Serverless::Function, Properties: {CodeUri: src/, Handler: app.work, Runtime: python3.12}}
  Batch:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Each
        States:
          Each:
            Type: Map
            ItemsPath: $.waits
            MaxConcurrency: 3
            ItemSelector: {"s.$": "$$.Map.Item.Value"}
            ItemProcessor:
              StartAt: Nap
              States:
                Nap: {Type: Wait, SecondsPath: $.s, Next: Step}
                Step: {Type: Task, Resource: !GetAtt Work.Arn, End: true}
            ResultPath: null
            Next: Hour
          Hour: {Type: Wait, SecondsPath: $.hour, End: true}
'''


def states_actions(scale: int) -> list[Action]:
    payload = {"waits": [60 * (i + 1) * scale for i in range(10)], "hour": 3600 * scale}
    return [Action("start_execution", {"state_machine": "Batch", "input": payload}, 1)]


def sqs_actions() -> list[Action]:
    bodies = [f"fail {i}" if i % 20 == 0 else f"order {i}" for i in range(1000)]
    return [Action("sqs_send", {"queue": "Orders", "bodies": bodies}, 1)]


def async_actions() -> list[Action]:
    return [Action("invoke", {"function": "Notifier", "type": "Event", "event": {"n": i}}, 1) for i in range(100)]


async def one_run(folder: Path, actions: list[Action]) -> tuple[float, float, int, dict]:
    app = read_app(folder / "template.yaml")
    started = time.perf_counter()
    async with AppRun(app) as app_run:
        events = await app_run.run(actions)
    wall = time.perf_counter() - started
    summary = events[-1]
    invocations = sum(f["invocations"] for f in summary["functions"].values())
    return wall, summary["t"], invocations, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        folder = Path(tmp)
        (folder / "src").mkdir()
        (folder / "src" / "app.py").write_text(textwrap.dedent(HANDLER))
        (folder / "template.yaml").write_text(TEMPLATE)
        for name, actions in (("sqs 1000 msgs, 5% to DLQ", sqs_actions), ("async 100 failing events", async_actions)):
            report(name, [asyncio.run(one_run(folder, actions())) for _ in range(runs)])
        states = folder / "states"
        (states / "src").mkdir(parents=True)
        (states / "src" / "app.py").write_text(textwrap.dedent(HANDLER))
        (states / "template.yaml").write_text(STATES_TEMPLATE)
        medians = {}
        for name, scale in (("step functions, waits at 0 s", 0), ("step functions, 10 waits + 1 h", 1)):
            medians[scale] = report(name, [asyncio.run(one_run(states, states_actions(scale))) for _ in range(runs)])
        print(f"step functions: waiting over an hour of AWS time costs x{medians[1] / medians[0]:.2f} the wall of the same run without waits")


def report(name: str, results: list[tuple[float, float, int, dict]]) -> float:
    """Print each run and the median wall; the median."""
    for wall, aws_t, invocations, summary in results:
        print(f"{name}: {wall:.2f} s wall, {aws_t:.0f} s AWS time, {invocations} invocations, queues {summary['queues']}")
    walls = [result[0] for result in results]
    print(f"{name}: median {statistics.median(walls):.2f} s, min {min(walls):.2f} s (goal < 10 s)")
    return statistics.median(walls)

if __name__ == "__main__":
    main()
