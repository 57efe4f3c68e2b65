"""Reading a SAM template: references resolved, limits checked, everything unsupported reported."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lambdalearn.apps.template import TemplateError, check_template, read_app
from lambdalearn.cli import cli

HEADER = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
"""

ORDERS = HEADER + """
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "orders-${Stage}"
      VisibilityTimeout: 45
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt OrdersDlq.Arn
        maxReceiveCount: 3
  OrdersDlq:
    Type: AWS::SQS::Queue
  Failures:
    Type: AWS::SNS::Topic
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 10
      Environment:
        Variables:
          QUEUE_URL: !Ref Orders
      EventInvokeConfig:
        MaximumRetryAttempts: 1
        MaximumEventAgeInSeconds: 120
        DestinationConfig:
          OnFailure: {Type: SNS, Destination: !Ref Failures}
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
            ScalingConfig: {MaximumConcurrency: 2}
"""


def test_references_resolve_to_names_urls_and_arns(write_app):
    app = read_app(write_app(ORDERS))
    orders, worker = app.queues["Orders"], app.functions["Worker"]
    assert orders.name == "orders-dev"
    assert orders.visibility_timeout_s == 45
    assert orders.redrive.dead_letter_arn == "arn:aws:sqs:us-east-1:123456789012:OrdersDlq"
    assert orders.redrive.max_receive_count == 3
    assert worker.environment["QUEUE_URL"] == "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dev"
    assert worker.async_config.maximum_retry_attempts == 1
    assert worker.async_config.maximum_event_age_s == 120
    assert worker.async_config.on_failure == "arn:aws:sns:us-east-1:123456789012:Failures"
    (mapping,) = app.mappings
    assert (mapping.kind, mapping.source_arn, mapping.batch_size) == ("SQS", orders.arn, 5)
    assert mapping.report_batch_item_failures and mapping.maximum_concurrency == 2
    assert app.notices == []


def _errors(write_app, text: str) -> list[str]:
    _, problems = check_template(write_app(text), shown_as="template.yaml")
    return [str(problem) for problem in problems]


def test_async_retry_attempts_above_two_is_refused_at_its_line(write_app):
    """MaximumRetryAttempts is 0 to 2 (docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html)."""
    errors = _errors(write_app, ORDERS.replace("MaximumRetryAttempts: 1", "MaximumRetryAttempts: 3"))
    line = ORDERS.lstrip().splitlines().index("        MaximumRetryAttempts: 1") + 1
    assert errors == [
        f"template.yaml:{line}: Resources.Worker.Properties.EventInvokeConfig.MaximumRetryAttempts: "
        "3 is out of range: must be 0 to 2"
    ]


def test_event_age_below_a_minute_is_refused(write_app):
    """MaximumEventAgeInSeconds is 60 s to 6 h (docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html)."""
    errors = _errors(write_app, ORDERS.replace("MaximumEventAgeInSeconds: 120", "MaximumEventAgeInSeconds: 30"))
    assert len(errors) == 1 and "MaximumEventAgeInSeconds: 30 is out of range: must be 60 to 21600" in errors[0]


def test_sqs_batch_over_ten_needs_a_batching_window(write_app):
    """Batch size up to 10,000 for standard queues, but above 10 only with a batching window
    (docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html)."""
    errors = _errors(write_app, ORDERS.replace("BatchSize: 5", "BatchSize: 50"))
    assert len(errors) == 1 and "BatchSize: a batch size over 10 needs MaximumBatchingWindowInSeconds" in errors[0]
    assert _errors(write_app, ORDERS.replace("BatchSize: 5", "BatchSize: 50\n            MaximumBatchingWindowInSeconds: 2")) == []


def test_a_dangling_reference_is_an_error_naming_the_resource(write_app):
    errors = _errors(write_app, ORDERS.replace("!GetAtt OrdersDlq.Arn", "!GetAtt Nowhere.Arn"))
    assert len(errors) == 1
    assert "Resources.Orders.Properties.RedrivePolicy: GetAtt Nowhere.Arn: no such resource" in errors[0]


def test_unsupported_types_and_properties_are_reported_not_dropped(write_app):
    text = ORDERS + """
      Policies: [AWSLambdaBasicExecutionRole]
  Api:
    Type: AWS::ApiGateway::RestApi
"""
    app = read_app(write_app(text))
    messages = [(notice.path, notice.message) for notice in app.notices]
    assert ("Resources.Worker.Properties.Policies", "AWS::Serverless::Function property Policies is not simulated locally (ignored)") in messages
    assert ("Resources.Api.Type", "AWS::ApiGateway::RestApi is not simulated locally (skipped)") in messages


def test_other_sections_and_resource_attributes_are_reported(write_app):
    text = ORDERS.replace("  OrdersDlq:\n    Type: AWS::SQS::Queue", "  OrdersDlq:\n    Type: AWS::SQS::Queue\n    Condition: IsProd") + """
Outputs:
  QueueUrl: {Value: !Ref Orders}
"""
    app = read_app(write_app(text))
    messages = [(notice.path, notice.message) for notice in app.notices]
    assert ("Outputs", "the Outputs section is not simulated locally (ignored)") in messages
    assert ("Resources.OrdersDlq.Condition", "resource attribute Condition is not simulated locally (ignored)") in messages


def test_sam_translator_errors_come_in_sams_words_at_the_event(write_app):
    """An event property SAM does not define is refused as `sam build` would refuse it."""
    text = ORDERS.replace("BatchSize: 5", "BatchSize: 5\n            Colour: blue")
    errors = _errors(write_app, text)
    line = text.lstrip().splitlines().index("        FromQueue:") + 1
    assert errors == [f"template.yaml:{line}: Resources.Worker.Properties.Events.FromQueue: SAM: property Colour not defined for resource of type SQS"]


def test_read_app_raises_with_every_error(write_app):
    text = ORDERS.replace("Timeout: 10", "Timeout: 1000").replace("BatchSize: 5", "BatchSize: 0")
    with pytest.raises(TemplateError) as caught:
        read_app(write_app(text))
    assert len(caught.value.problems) == 2


def test_yaml_syntax_error_is_located(write_app):
    errors = _errors(write_app, "Resources:\n  A: [unclosed\n")
    assert len(errors) == 1 and errors[0].startswith("template.yaml:") and "YAML syntax error" in errors[0]


def test_cli_validate_exits_2_with_located_errors_and_0_when_clean(write_app):
    path = write_app(ORDERS)
    result = CliRunner().invoke(cli, ["app", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK: 1 function, 2 queues, 1 topic, 1 event source mapping" in result.output
    path.write_text(path.read_text().replace("MaximumRetryAttempts: 1", "MaximumRetryAttempts: 5"))
    result = CliRunner().invoke(cli, ["app", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:" in result.output and "MaximumRetryAttempts: 5 is out of range" in result.output
    assert "Traceback" not in result.output


def test_a_function_configuration_lambda_would_refuse_is_an_error_at_the_function(write_app):
    """Reserved keys such as AWS_REGION cannot be set (docs: configuration-envvars.html, reserved variables)."""
    text = ORDERS.replace("QUEUE_URL: !Ref Orders", "AWS_REGION: eu-west-1")
    errors = _errors(write_app, text)
    assert len(errors) == 1 and "Resources.Worker.Properties.Environment: " in errors[0] and "AWS_REGION" in errors[0]
