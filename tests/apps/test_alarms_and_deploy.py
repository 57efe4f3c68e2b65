"""Alarms as CloudWatch evaluates them, and gradual deployments as CodeDeploy runs them for a Lambda alias.

AWS docs: CloudWatch "Using Amazon CloudWatch alarms" (periods, EvaluationPeriods, missing data) and "Using
metric math"; CodeDeploy "Deployment configurations on an AWS Lambda compute platform" (canary, linear,
all-at-once) and "AppSpec 'hooks' section for an AWS Lambda deployment" (BeforeAllowTraffic/AfterAllowTraffic,
which SAM calls PreTraffic/PostTraffic); SAM "Deploying serverless applications gradually" (rollback on alarm).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lambdalearn.apps.alarms import Alarm, AlarmDefinitionError, MetricStat, TimedRecord
from lambdalearn.apps.deploy import Deployment, DeploymentError, DeploymentPreference, Traffic, shift_steps
from lambdalearn.runtime.clock import ManualClock
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.function import LambdaFunction
from lambdalearn.runtime.records import InvocationRecord


def record(status: str = "success", version: str = "1", duration: float = 10.0) -> InvocationRecord:
    return InvocationRecord("r", "env", False, None, duration, 10, 128, 20, status, None, {}, 0.0, executed_version=version)


def test_canary_linear_and_all_at_once_shift_as_codedeploy_does() -> None:
    assert shift_steps("Canary10Percent5Minutes") == [(0.0, 0.1), (300.0, 1.0)]
    assert shift_steps("Canary10Percent30Minutes") == [(0.0, 0.1), (1800.0, 1.0)]
    linear = shift_steps("Linear10PercentEvery1Minute")
    assert len(linear) == 10 and linear[0] == (0.0, 0.1) and linear[-1] == (540.0, 1.0)
    assert shift_steps("Linear10PercentEvery10Minutes")[1] == (600.0, 0.2)
    assert shift_steps("AllAtOnce") == [(0.0, 1.0)]
    with pytest.raises(DeploymentError, match="is not one of"):
        shift_steps("Canary50Percent1Minute")


def test_an_error_count_alarm_fires_on_the_last_whole_periods_only() -> None:
    alarm = Alarm("errors", threshold=2, stats={"m": MetricStat("Errors")}, evaluation_periods=2)
    history = [TimedRecord(t, record("error")) for t in (5, 10, 65, 70)] + [TimedRecord(80, record())]
    assert alarm.in_alarm(history, now=120) == (True, 2.0)
    assert alarm.in_alarm(history, now=180)[0] is False  # the last period (120-180) has no data: missing, not breaching


def test_an_error_rate_alarm_uses_metric_math() -> None:
    alarm = Alarm(
        "rate", threshold=10, comparison="GreaterThanThreshold",
        stats={"errors": MetricStat("Errors"), "invocations": MetricStat("Invocations")},
        expression="errors / invocations * 100",
    )
    ok = [TimedRecord(1, record()) for _ in range(19)] + [TimedRecord(2, record("error"))]
    bad = ok + [TimedRecord(3, record("error"))] * 2
    assert alarm.in_alarm(ok, now=60) == (False, 5.0)
    assert alarm.in_alarm(bad, now=60)[0] is True
    throttled = [TimedRecord(1, record("throttled"))]
    assert alarm.in_alarm(throttled, now=60) == (False, None)  # no invocations: 0/0 is no datapoint


def test_a_version_dimension_counts_only_that_version() -> None:
    stat = MetricStat("Errors", executed_version="2")
    assert stat.value([record("error", "1"), record("error", "2"), record(version="2")]) == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stats": {"m": MetricStat("Errors")}, "comparison": "Bigger"}, "comparison"),
        ({"stats": {"a": MetricStat("Errors"), "b": MetricStat("Invocations")}}, "need an expression"),
        ({"stats": {"a": MetricStat("Errors")}, "expression": "a / c"}, "names 'c'"),
        ({"stats": {"a": MetricStat("Errors")}, "expression": "__import__('os')"}, r"only \+ - \* /"),
        ({"stats": {}}, "needs a metric"),
    ],
)
def test_alarms_the_local_cloudwatch_cannot_evaluate_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(AlarmDefinitionError, match=message):
        Alarm("a", threshold=1, **kwargs)


def test_unknown_metrics_are_refused() -> None:
    with pytest.raises(AlarmDefinitionError, match="metric 'Latency'"):
        MetricStat("Latency")


GOOD = "def handler(event, context):\n    return VERSION\nVERSION = %r\n"
BAD = "def handler(event, context):\n    raise RuntimeError('v2 is broken')\n"


@pytest.fixture
def deployment_setup(tmp_path: Path):
    """A function whose alias `live` points at version 1, with version 2 published from `new_code`."""
    functions: list[LambdaFunction] = []

    async def make(new_code: str, *, hook_code: str | None = None, hook_name: str = "PreCheck"):
        code = tmp_path / "code"
        code.mkdir(exist_ok=True)
        (code / "app.py").write_text(GOOD % "one")
        function = LambdaFunction(FunctionConfig(handler="app.handler", code_dir=code, function_name="orders"), seed=3)
        functions.append(function)
        function.versions.publish()
        function.versions.create_alias("live", "1")
        (code / "app.py").write_text(new_code)
        function.versions.publish()
        hooks = {}
        if hook_code is not None:
            hook_dir = tmp_path / "hook"
            hook_dir.mkdir(exist_ok=True)
            (hook_dir / "hook.py").write_text(hook_code)
            hook = LambdaFunction(FunctionConfig(handler="hook.handler", code_dir=hook_dir, function_name="pre"))
            functions.append(hook)
            hooks[hook_name] = hook
        return function, hooks

    yield make


def run_deployment(make, new_code: str, preference: DeploymentPreference, hook_code: str | None = None, hook_name: str = "PreCheck"):
    events: list[dict] = []

    async def scenario():
        function, hooks = await make(new_code, hook_code=hook_code, hook_name=hook_name)
        clock = ManualClock()
        emit = lambda kind, **fields: events.append({"t": clock.now(), "kind": kind, **fields})
        deployment = Deployment(function, "live", preference, clock=clock, emit=emit, hooks=hooks,
                                traffic=Traffic(rate_per_s=0.5), seed=1)
        result = await deployment.run("2")
        alias = function.versions.alias("live")
        for fn in [function, *hooks.values()]:
            await fn.aclose()
        return result, alias

    result, alias = asyncio.run(scenario())
    return result, alias, events


ERRORS_ALARM = Alarm("errors", threshold=1, stats={"e": MetricStat("Errors")})


@pytest.mark.slow
def test_a_healthy_canary_shifts_10_percent_then_all_and_succeeds(deployment_setup) -> None:
    result, alias, events = run_deployment(
        deployment_setup, GOOD % "two", DeploymentPreference("Canary10Percent5Minutes", alarms=(ERRORS_ALARM,))
    )
    shifts = [e["weights"] for e in events if e["kind"] == "deployment" and e["event"] == "shifted"]
    assert shifts == [{"1": 0.9, "2": 0.1}, {"2": 1.0}]
    assert result.status == "Succeeded" and (alias.function_version, alias.routing) == ("2", {})
    served = {e["executed_version"] for e in events if e["kind"] == "invocation"}
    assert served == {"1", "2"}  # traffic ran during the shift and reached both versions
    assert [e["event"] for e in events if e["kind"] == "deployment"][-1] == "succeeded"


@pytest.mark.slow
def test_a_bad_canary_fires_the_alarm_and_rolls_back_to_the_old_version(deployment_setup) -> None:
    result, alias, events = run_deployment(
        deployment_setup, BAD, DeploymentPreference("Canary10Percent5Minutes", alarms=(ERRORS_ALARM,))
    )
    steps = [e["event"] for e in events if e["kind"] == "deployment"]
    assert steps == ["started", "shifted", "alarm", "rolled_back", "failed"]
    assert result.status == "Failed" and "alarm errors went to ALARM" in result.reason
    assert (alias.function_version, alias.routing) == ("1", {})
    rollback = next(e for e in events if e.get("event") == "rolled_back")
    assert rollback["t"] < 300  # before the canary's five minutes were up
    failures = [e for e in events if e["kind"] == "invocation" and e["status"] == "error"]
    assert failures and {e["executed_version"] for e in failures} == {"2"}


@pytest.mark.slow
def test_a_failing_pre_traffic_hook_stops_the_deployment_before_any_shift(deployment_setup) -> None:
    hook = "def handler(event, context):\n    assert event['DeploymentId'].startswith('d-')\n    return {'status': 'Failed'}\n"
    result, alias, events = run_deployment(
        deployment_setup, GOOD % "two", DeploymentPreference("AllAtOnce", pre_traffic_hook="PreCheck"), hook
    )
    assert result.status == "Failed" and result.reason == "PreTraffic hook PreCheck reported Failed"
    assert not [e for e in events if e.get("event") == "shifted"]
    assert alias.function_version == "1"


@pytest.mark.slow
def test_a_failing_post_traffic_hook_rolls_back_after_the_full_shift(deployment_setup) -> None:
    """CodeDeploy runs the AfterAllowTraffic (PostTraffic) hook once all traffic is on the new version; a hook
    that reports Failed fails the deployment and CodeDeploy shifts the alias back to the old version
    (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/automating-updates-to-serverless-apps.html,
    https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-lambda)."""
    hook = "def handler(event, context):\n    return {'status': 'Failed'}\n"
    result, alias, events = run_deployment(
        deployment_setup, GOOD % "two", DeploymentPreference("Linear10PercentEvery1Minute", post_traffic_hook="PostCheck"),
        hook, hook_name="PostCheck")
    steps = [e["event"] for e in events if e["kind"] == "deployment"]
    assert steps == ["started", *["shifted"] * 10, "hook", "rolled_back", "failed"]
    shifts = [e["weights"] for e in events if e.get("event") == "shifted"]
    assert shifts[-1] == {"2": 1.0}  # the hook ran only after the full shift
    (hook_line,) = [e for e in events if e.get("event") == "hook"]
    assert (hook_line["phase"], hook_line["function"], hook_line["status"]) == ("PostTraffic", "PostCheck", "Failed")
    assert result.status == "Failed" and result.reason == "PostTraffic hook PostCheck reported Failed"
    assert (alias.function_version, alias.routing) == ("1", {})
    assert [e["weights"] for e in events if e.get("event") == "rolled_back"] == [{"1": 1.0}]


def test_a_tally_follows_a_deployment_from_its_timeline() -> None:
    from lambdalearn.apps.deploy import DeploymentTally

    tally = DeploymentTally()
    events = [
        {"kind": "deployment", "event": "started", "from_version": "1", "to_version": "2"},
        {"kind": "deployment", "event": "shifted", "weights": {"1": 0.9, "2": 0.1}},
        {"kind": "invocation", "executed_version": "1", "status": "success"},
        {"kind": "invocation", "executed_version": "2", "status": "error"},
        {"kind": "deployment", "event": "alarm"},
        {"kind": "deployment", "event": "rolled_back", "weights": {"1": 1.0}},
        {"kind": "deployment", "event": "failed", "reason": "alarm errors went to ALARM"},
    ]
    statuses = []
    for event in events:
        tally.add(event)
        statuses.append(tally.status)
    assert statuses[:2] == ["deploying", "deploying"] and tally.status == "failed"
    assert tally.weights == {"1": 1.0} and tally.reason == "alarm errors went to ALARM"
    assert (tally.served, tally.failed) == ({"1": 1, "2": 1}, {"1": 0, "2": 1})
