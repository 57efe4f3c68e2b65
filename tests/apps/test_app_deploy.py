"""`lambdalearn app deploy`: SAM's AutoPublishAlias and DeploymentPreference, release after release.

AWS docs: SAM "Deploying serverless applications gradually" (AutoPublishAlias publishes a version when the
code changes and points the alias at it; DeploymentPreference shifts it through CodeDeploy; alarms roll it
back), and "AutoPublishAlias" (no new version when nothing changed).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli

pytestmark = pytest.mark.slow

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.13
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Alarms: [!Ref ApiErrors]
  ApiErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: Resource, Value: !Sub "${Api}:live"}]
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
"""
GOOD = "def handler(event, context):\n    return {'version': %r}\n"
BAD = "def handler(event, context):\n    raise RuntimeError('the new version is broken')\n"


@pytest.fixture
def deploy(write_app, tmp_path):
    template = write_app(TEMPLATE, {"app.py": GOOD % "one"})

    def run(code: str | None = None, *extra: str):
        if code is not None:
            (template.parent / "src" / "app.py").write_text(code)
        args = ["--data-dir", str(tmp_path / "data"), "app", "deploy", str(template), "--json",
                "--time-scale", "100000", "--rate", "0.5", *extra]
        result = CliRunner().invoke(cli, args)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        return result, [line for line in lines if line["kind"] == "deployment"], lines

    return run


def test_the_first_deploy_creates_the_alias_and_an_unchanged_one_publishes_nothing(deploy) -> None:
    result, steps, _ = deploy()
    assert result.exit_code == 0, result.output
    assert [(s["event"], s["to_version"]) for s in steps] == [("created", "1")]
    result, steps, _ = deploy()
    assert [(s["event"], s["to_version"]) for s in steps] == [("unchanged", "1")]
    assert "Api: alias live 1 -> 1: Unchanged" in result.stderr


def test_a_changed_function_is_released_by_canary_while_traffic_runs(deploy) -> None:
    deploy()
    result, steps, lines = deploy(GOOD % "two")
    assert result.exit_code == 0, result.output
    assert [s["event"] for s in steps] == ["started", "shifted", "shifted", "succeeded"]
    assert [s["weights"] for s in steps if s["event"] == "shifted"] == [{"1": 0.9, "2": 0.1}, {"2": 1.0}]
    second_shift = [s for s in steps if s["event"] == "shifted"][1]
    assert second_shift["t"] >= 300  # Canary10Percent5Minutes: the rest moves after five minutes of AWS time
    assert {line["executed_version"] for line in lines if line["kind"] == "invocation"} == {"1", "2"}
    _, steps, _ = deploy()
    assert steps[0]["event"] == "unchanged" and steps[0]["to_version"] == "2"


def test_a_broken_release_fires_the_alarm_rolls_back_and_exits_1(deploy) -> None:
    deploy()
    result, steps, lines = deploy(BAD)
    assert result.exit_code == 1
    assert [s["event"] for s in steps] == ["started", "shifted", "alarm", "rolled_back", "failed"]
    assert steps[3]["weights"] == {"1": 1.0} and steps[3]["t"] < 300
    errors = [line for line in lines if line["kind"] == "invocation" and line["status"] == "error"]
    assert errors and all(line["executed_version"] == "2" and line["function_error"] == "Unhandled" for line in errors)
    assert "Api: alias live 1 -> 2: Failed: alarm ApiErrors went to ALARM" in result.stderr
    result, steps, _ = deploy(GOOD % "three")  # the fix is version 3; the alias still stands on version 1
    assert result.exit_code == 0
    assert steps[0]["from_version"] == "1" and steps[0]["to_version"] == "3"


def test_reset_forgets_earlier_deploys(deploy) -> None:
    deploy()
    deploy(GOOD % "two")
    _, steps, _ = deploy(None, "--reset")
    assert [(s["event"], s["to_version"]) for s in steps] == [("created", "1")]


def test_a_template_without_an_auto_publish_alias_has_nothing_to_deploy(write_app, tmp_path) -> None:
    template = write_app(TEMPLATE.replace("      AutoPublishAlias: live\n", "").replace(
        "      DeploymentPreference:\n        Type: Canary10Percent5Minutes\n        Alarms: [!Ref ApiErrors]\n", ""))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "app", "deploy", str(template)])
    assert result.exit_code == 2 and "no function has an AutoPublishAlias" in result.stderr
