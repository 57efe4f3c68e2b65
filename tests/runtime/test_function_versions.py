"""Running versions and aliases: which code runs, what the handler is told, and how concurrency is shared.

AWS docs: "Managing Lambda function versions" (ExecutedVersion, immutability), "Lambda context object in
Python" (function_version, invoked_function_arn), "Configuring provisioned concurrency" (a version or an alias,
never $LATEST) and "Configuring reserved concurrency" (a function-level setting shared by its versions).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.function import LambdaFunction
from lambdalearn.runtime.versions import VersioningError

pytestmark = pytest.mark.slow

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
HANDLER = """
import os, time
def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {"says": SAYS, "version": context.function_version, "arn": context.invoked_function_arn,
            "env_version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"], "stream": context.log_stream_name}
"""


def write_code(folder: Path, says: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "app.py").write_text(f"SAYS = {says!r}\n" + HANDLER)


@pytest.fixture
def code(tmp_path: Path) -> Path:
    write_code(tmp_path / "code", "one")
    return tmp_path / "code"


def make_function(code: Path, **changes) -> LambdaFunction:
    return LambdaFunction(FunctionConfig(handler="app.handler", code_dir=code, function_name="orders", **changes), seed=7)


def test_each_qualifier_runs_its_own_frozen_code_and_says_which_version_ran(run, code: Path) -> None:
    async def scenario():
        async with make_function(code) as function:
            function.versions.publish()
            function.versions.create_alias("live", "1")
            write_code(code, "two")  # edits $LATEST only
            return [await function.invoke({}, qualifier=q) for q in (None, "1", "live")]

    latest, one, live = run(scenario())
    assert latest.payload["says"] == "two" and latest.executed_version == "$LATEST"
    assert latest.payload["arn"] == ARN and latest.payload["version"] == "$LATEST"
    assert one.payload == {**one.payload, "says": "one", "version": "1", "env_version": "1", "arn": f"{ARN}:1"}
    assert one.executed_version == "1"
    assert live.payload["says"] == "one" and live.payload["arn"] == f"{ARN}:live" and live.executed_version == "1"
    assert "/[1]" in one.payload["stream"]
    assert f"START RequestId: {one.request_id} Version: 1" in one.logs


def test_a_weighted_alias_splits_traffic_near_its_weight(run, code: Path) -> None:
    async def scenario():
        async with make_function(code) as function:
            function.versions.publish()
            write_code(code, "two")
            function.versions.publish()
            function.versions.create_alias("live", "1", {"2": 0.2})
            return [await function.invoke({}, qualifier="live") for _ in range(200)]

    counts = Counter(record.executed_version for record in run(scenario()))
    # 200 draws at p=0.2 (seeded): the share of version 2 lies within 0.2 +- 0.08 (over 2.8 standard deviations).
    assert 0.12 <= counts["2"] / 200 <= 0.28
    assert counts["1"] + counts["2"] == 200


def test_provisioned_concurrency_is_refused_on_latest(run, code: Path) -> None:
    with pytest.raises(VersioningError, match="unpublished function versions"):
        make_function(code, provisioned_concurrency=1)

    async def scenario():
        async with make_function(code) as function:
            await function.set_provisioned_concurrency("$LATEST", 1)

    with pytest.raises(VersioningError, match="unpublished function versions"):
        run(scenario())


def test_alias_provisioned_concurrency_removes_cold_starts_only_through_the_alias(run, code: Path) -> None:
    async def scenario():
        async with make_function(code) as function:
            function.versions.publish()
            function.versions.create_alias("live", "1")
            await function.set_provisioned_concurrency("live", 1)
            through_alias = await function.invoke({}, qualifier="live")
            through_version = await function.invoke({}, qualifier="1")
            return through_alias, through_version

    through_alias, through_version = run(scenario())
    assert through_alias.cold_start is False and through_alias.environment_id.startswith("pc-")
    assert through_version.cold_start is True


def test_reserved_concurrency_caps_all_versions_together(run, code: Path) -> None:
    async def scenario():
        async with make_function(code, reserved_concurrency=1) as function:
            function.versions.publish()
            slow = asyncio.create_task(function.invoke({"sleep": 0.5}, qualifier="1"))
            while function.in_flight() == 0:  # version 1 holds the only unit of concurrency
                await asyncio.sleep(0.005)
            other = await function.invoke({}, qualifier=None)
            return await slow, other

    slow, other = run(scenario())
    assert slow.status == "success"
    assert other.status == "throttled"
    assert other.payload["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_an_edit_of_latest_retires_its_warm_environments(run, code: Path) -> None:
    async def scenario():
        async with make_function(code) as function:
            first = await function.invoke({})
            function.versions.update_latest(memory_mb=256)
            second = await function.invoke({})
            return first, second

    first, second = run(scenario())
    assert first.cold_start and second.cold_start and second.memory_size_mb == 256
