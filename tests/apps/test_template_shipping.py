"""Templates that ship a function: layers, AutoPublishAlias with a DeploymentPreference and alarms, versions and
aliases with routing, function URLs; each mistake located as `file:line: path: message`.

AWS docs: SAM `AWS::Serverless::Function` (AutoPublishAlias, DeploymentPreference, Layers, FunctionUrlConfig,
ProvisionedConcurrencyConfig), `AWS::Serverless::LayerVersion`, CloudFormation `AWS::Lambda::Version`,
`AWS::Lambda::Alias` (RoutingConfig) and `AWS::CloudWatch::Alarm` (Metrics for metric math).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.apps.template import TemplateError, check_template, read_app

SHIPPING = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Common:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: common
      ContentUri: layer/
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.13
      Layers: [!Ref Common]
      AutoPublishAlias: live
      FunctionUrlConfig:
        AuthType: NONE
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Alarms: [!Ref ErrorRate]
        Hooks:
          PreTraffic: !Ref Smoke
  Smoke:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.13
  ErrorRate:
    Type: AWS::CloudWatch::Alarm
    Properties:
      ComparisonOperator: GreaterThanThreshold
      Threshold: 5
      EvaluationPeriods: 1
      Metrics:
        - Id: rate
          Expression: errors / invocations * 100
        - Id: errors
          MetricStat:
            Metric: {Namespace: AWS/Lambda, MetricName: Errors, Dimensions: [{Name: Resource, Value: !Sub "${Api}:live"}]}
            Period: 60
            Stat: Sum
          ReturnData: false
        - Id: invocations
          MetricStat:
            Metric: {Namespace: AWS/Lambda, MetricName: Invocations, Dimensions: [{Name: Resource, Value: !Sub "${Api}:live"}]}
            Period: 60
            Stat: Sum
          ReturnData: false
"""


@pytest.fixture
def layer_dir(tmp_path: Path) -> Path:
    (tmp_path / "layer" / "python").mkdir(parents=True)
    (tmp_path / "layer" / "python" / "shared.py").write_text("WHO = 'layer'\n")
    return tmp_path / "layer"


def test_a_shipping_template_reads_into_the_app_model(write_app, layer_dir) -> None:
    app = read_app(write_app(SHIPPING))
    api = app.functions["Api"]
    assert api.layers == ["Common"] and app.layers["Common"].content_dir == layer_dir.resolve()
    assert api.auto_publish_alias == "live"
    assert api.url is not None and (api.url.auth_type, api.url.invoke_mode) == ("NONE", "BUFFERED")
    assert api.deployment is not None and api.deployment.type == "Canary10Percent5Minutes"
    assert api.deployment.alarms == ["ErrorRate"] and api.deployment.pre_traffic_hook == "Smoke"
    alarm = app.alarms["ErrorRate"].alarm
    assert alarm.expression == "errors / invocations * 100" and set(alarm.stats) == {"errors", "invocations"}
    assert (alarm.threshold, alarm.comparison, alarm.period_s) == (5.0, "GreaterThanThreshold", 60)


def test_versions_and_weighted_aliases_read_with_their_numbers(write_app) -> None:
    app = read_app(write_app("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13}
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
                AdditionalVersionWeights:
                  - FunctionVersion: !GetAtt V2.Version
                    FunctionWeight: 0.1
              ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}
    """))
    assert (app.versions["V1"].number, app.versions["V2"].number) == ("1", "2")
    live = app.aliases["Live"]
    assert (live.alias_name, live.version, live.routing, live.provisioned_concurrency) == ("live", "1", {"2": 0.1}, 2)


@pytest.mark.parametrize(
    ("properties", "field", "message"),
    [
        ("ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}", "ProvisionedConcurrencyConfig", "set AutoPublishAlias too"),
        ("DeploymentPreference: {Type: Canary10Percent5Minutes}", "DeploymentPreference", "set AutoPublishAlias"),
        ("AutoPublishAlias: live\n      DeploymentPreference: {Type: Canary50Percent1Minute}", "DeploymentPreference.Type", "is not one of"),
        ("AutoPublishAlias: live\n      DeploymentPreference: {Type: AllAtOnce, Alarms: [NoSuchAlarm]}", "DeploymentPreference.Alarms[0]", "not an AWS::CloudWatch::Alarm"),
        ("Layers: [arn:aws:lambda:us-east-1:123456789012:layer:elsewhere:3]", "Layers[0]", "not a LayerVersion of this template"),
        ("FunctionUrlConfig: {AuthType: OPEN}", "FunctionUrlConfig.AuthType", "is not one of NONE, AWS_IAM"),
    ],
)
def test_shipping_mistakes_are_located(write_app, properties: str, field: str, message: str) -> None:
    path = write_app(f"""
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.13
      {properties}
""")
    _, problems = check_template(path, sam_check=False)
    assert any(p.field == f"Resources.Fn.Properties.{field}" and message in p.message for p in problems), problems
    located = next(p for p in problems if message in p.message)
    assert located.line >= 8


def test_an_alarm_on_another_namespace_is_refused(write_app) -> None:
    path = write_app("""
Resources:
  Cpu:
    Type: AWS::CloudWatch::Alarm
    Properties: {Namespace: AWS/EC2, MetricName: CPUUtilization, Statistic: Average, Period: 60, EvaluationPeriods: 1, Threshold: 90, ComparisonOperator: GreaterThanThreshold}
""")
    with pytest.raises(TemplateError, match="namespace AWS/EC2 is not simulated locally"):
        read_app(path, sam_check=False)


def test_invoke_mode_response_stream_is_read_and_served_without_a_notice(write_app) -> None:
    """InvokeMode is BUFFERED or RESPONSE_STREAM (AWS::Lambda::Url); streaming is simulated, so no notice."""
    app = read_app(write_app("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13,
                         FunctionUrlConfig: {AuthType: NONE, InvokeMode: RESPONSE_STREAM}}
    """))
    assert app.functions["Fn"].url.invoke_mode == "RESPONSE_STREAM" and app.notices == []
    with pytest.raises(TemplateError, match="InvokeMode"):
        read_app(write_app("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.13,
                             FunctionUrlConfig: {AuthType: NONE, InvokeMode: STREAM}}
        """))
