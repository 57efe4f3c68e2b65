"""Runs your durable handler with AWS's local testing runner, inside one invocation (do not change this file).

`aws-durable-execution-sdk-python-testing` plays the durable execution service on your machine: it invokes
`app.handler`, records each checkpoint, skips the time a wait would take, and replays your handler exactly
as Lambda would, with no AWS account. This handler returns what happened, so you can read it too:

    lambdalearn invoke harness.handler --event events/order.json
"""

from __future__ import annotations

import json

from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner

import app
import shop


def handler(event, context):
    shop.reset()
    runs = 0

    def counted(durable_event, durable_context):
        nonlocal runs
        runs += 1
        return app.handler(durable_event, durable_context)

    with DurableFunctionTestRunner(handler=counted) as runner:
        result = runner.run(input=json.dumps(event), execution_timeout=60)
    error = result.error
    return {
        "status": result.status.name,
        "result": json.loads(result.result) if result.result else None,
        "error": {"type": error.type, "message": error.message} if error else None,
        "handler_runs": runs,
        "operations": [_operation(op) for op in sorted(result.get_all_operations(), key=_started)],
        "shop_calls": [list(call) for call in shop.calls()],
    }


def _started(operation) -> str:
    return operation.start_timestamp.isoformat() if operation.start_timestamp else ""


def _operation(operation) -> dict:
    seconds = None
    if operation.start_timestamp and operation.end_timestamp:
        seconds = round((operation.end_timestamp - operation.start_timestamp).total_seconds())
    return {
        "name": operation.name,
        "type": operation.operation_type.value,
        "status": operation.status.value,
        "attempts": getattr(operation, "attempt", None),
        "seconds": seconds,
    }
