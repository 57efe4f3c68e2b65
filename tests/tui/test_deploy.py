"""The Deploy screen: a release's alias weights and the rollback, drawn from the deployment's timeline."""

from __future__ import annotations

import textwrap
from pathlib import Path

from lambdalearn.tui.screens.deploy import DeployScreen, weight_bars

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
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
"""


def test_weight_bars_show_each_version_with_its_share_and_requests() -> None:
    bars = weight_bars({"2": 0.1, "1": 0.9}, {"1": 9, "2": 1}, {"2": 1})
    first, second = bars.splitlines()
    assert first.startswith("version   1 " + "█" * 36 + "░" * 4) and first.endswith("90%   9 served, 0 failed")
    assert second.startswith("version   2 " + "█" * 4) and second.endswith("10%   1 served, 1 failed")


async def test_a_broken_release_rolls_back_on_screen(make_app, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(textwrap.dedent(TEMPLATE))
    code = tmp_path / "src" / "app.py"
    code.write_text("def handler(event, context):\n    return 'v1'\n")
    app = make_app(start_screen=lambda: DeployScreen(tmp_path / "template.yaml", tmp_path / "state", time_scale=100000))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeployScreen) and screen.tally.status == "created"
        code.write_text("def handler(event, context):\n    raise ValueError('broken release')\n")
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.tally.status == "failed" and screen.tally.weights == {"1": 1.0}
        status = str(screen.query_one("#deploy-status").render())
        assert "rolled back" in status and "alarm ApiErrors went to ALARM" in status
        weights = str(screen.query_one("#deploy-weights").render())
        assert weights.startswith("version   1 " + "█" * 40) and "100%" in weights
        assert "version   2 " + "░" * 40 + "   0%" in weights  # the rolled-back version keeps its tally
        log = "\n".join(line.text for line in screen.query_one("#deploy-log").lines)
        assert "shifted: version 1 90%, version 2 10%" in log and "rolled back: version 1 100%" in log
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DeployScreen)
