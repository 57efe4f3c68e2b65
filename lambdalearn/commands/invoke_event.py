"""`lambdalearn invoke --invocation-type Event`: the 202 answer, then Lambda's async queue played out.

The function becomes a one-function app (`apps.run.AppRun`), so the retries, their delays and the event age
are exactly those of `app run`; minutes of AWS time pass at once. Standard output gets one JSON line per event
(`{"StatusCode": 202, ...}`) and then the outcome of each; standard error gets the timeline and Lambda's log lines.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

from lambdalearn.apps.model import App, AsyncConfig, Function
from lambdalearn.runtime.config import FunctionConfig


def invoke_event(config: FunctionConfig, event: Any, times: int, retries: int, event_age_s: int) -> bool:
    """Queue `times` events and run until each has ended; True when every one finally succeeded."""
    from lambdalearn.apps.run import AppRun
    from lambdalearn.apps.timeline import as_text
    from lambdalearn.runtime.invoke_async import ASYNC_PAYLOAD_LIMIT, SUCCESS

    size = len(json.dumps(event).encode())
    if size > ASYNC_PAYLOAD_LIMIT:
        click.echo(json.dumps({"StatusCode": 413, "Type": "User", "message": f"{size} byte payload is too large for the Event invocation type (limit {ASYNC_PAYLOAD_LIMIT} bytes)"}))
        return False
    function = Function(
        config.function_name, 0, name=config.function_name, code_dir=Path(config.code_dir), handler=config.handler,
        runtime=config.runtime, memory_mb=config.memory_mb, timeout_s=config.timeout_s, environment=dict(config.environment),
        architecture=config.architecture, reserved_concurrency=config.reserved_concurrency,
        async_config=AsyncConfig(maximum_retry_attempts=retries, maximum_event_age_s=event_age_s),
    )
    app = App(path=Path(config.code_dir), functions={config.function_name: function})
    outcomes: dict[str, str] = {}

    async def go() -> None:
        async with AppRun(app) as run:
            run.timeline.subscribe(lambda line: click.echo(as_text(line), err=True))
            run.record_listeners.append(lambda _name, record: [click.echo(log, err=True) for log in record.logs])
            run.add_async_listener(lambda event_, condition: outcomes.__setitem__(event_.request_id, condition))
            for _ in range(times):
                queued = run.invoke_async(config.function_name, event, source="invoke")
                if queued is not None:
                    click.echo(json.dumps({"StatusCode": 202, "RequestId": queued.request_id}))
            await run.run()

    asyncio.run(go())
    for request_id, condition in outcomes.items():
        click.echo(json.dumps({"RequestId": request_id, "condition": condition}))
    return len(outcomes) == times and all(condition == SUCCESS for condition in outcomes.values())
