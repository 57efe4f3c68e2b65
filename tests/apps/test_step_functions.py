"""Step Functions state machines of an app run on moto's interpreter, their Tasks on the mini-runtime.

The rules tested here are AWS's:
- states: docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html (Task, Choice,
  Parallel, Map with MaxConcurrency, Wait, Pass, Succeed, Fail);
- errors: docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (a Lambda function's
  errorType is the error name; ErrorEquals with custom names, States.TaskFailed and States.ALL; a retrier's
  MaxAttempts and the delay IntervalSeconds x BackoffRate^(n-1); a Catch moves to its Next with ResultPath);
- Lambda Invoke: docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (a handler's boto3 invoke, sync or Event).
"""

from __future__ import annotations

import asyncio
import textwrap

import pytest

from lambdalearn.apps.executions import matches
from lambdalearn.apps.run import AppRun
from lambdalearn.apps.script import Action
from lambdalearn.apps.state_machines import WAIT_FUNCTION, WaitError, aws_retry_delay_s, for_moto, substitute, wait_seconds
from lambdalearn.apps.template import check_template, read_app

pytestmark = pytest.mark.slow

HANDLERS = {
    "app.py": """
        import json
        import boto3

        class SoldOut(Exception):
            pass

        def double(event, context):
            return event["n"] * 2

        def sold_out(event, context):
            raise SoldOut("no seats left")

        def crash(event, context):
            raise ValueError("bad input")

        def echo(event, context):
            return event

        def call_other(event, context):
            client = boto3.client("lambda")
            answer = client.invoke(FunctionName="Double", Payload=json.dumps({"n": 21}))
            client.invoke(FunctionName="Echo", InvocationType="Event", Payload=json.dumps({"async": True}))
            return json.load(answer["Payload"])
    """
}

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Globals:
  # A full vCPU: Caller makes a boto3 client in INVOKE, which at 128 MB (7% of a vCPU) can outlast 3 s.
  Function: {CodeUri: src, Runtime: python3.12, MemorySize: 1769}
Resources:
  Double: {Type: AWS::Serverless::Function, Properties: {Handler: app.double, FunctionName: Double}}
  SoldOutFn: {Type: AWS::Serverless::Function, Properties: {Handler: app.sold_out}}
  Crash: {Type: AWS::Serverless::Function, Properties: {Handler: app.crash}}
  Echo: {Type: AWS::Serverless::Function, Properties: {Handler: app.echo, FunctionName: Echo}}
  Caller: {Type: AWS::Serverless::Function, Properties: {Handler: app.call_other}}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionSubstitutions: {DoubleArn: !GetAtt Double.Arn}
      Definition:
        StartAt: Start
        States:
          Start: {Type: Pass, Result: {n: 3, items: [1, 2, 3, 4]}, Next: Both}
          Both:
            Type: Parallel
            ResultPath: $.results
            Next: Pick
            Branches:
              - StartAt: Twice
                States:
                  Twice:
                    Type: Task
                    Resource: arn:aws:states:::lambda:invoke
                    Parameters: {FunctionName: "${DoubleArn}", "Payload.$": "$"}
                    ResultSelector: {"value.$": "$.Payload"}
                    End: true
              - StartAt: Each
                States:
                  Each:
                    Type: Map
                    ItemsPath: $.items
                    MaxConcurrency: 2
                    ItemSelector: {"n.$": "$$.Map.Item.Value"}
                    ItemProcessor:
                      StartAt: Item
                      States:
                        Item: {Type: Task, Resource: "${DoubleArn}", End: true}
                    End: true
          Pick:
            Type: Choice
            Choices:
              - {Variable: $.n, NumericGreaterThan: 2, Next: Nap}
            Default: Stop
          Nap: {Type: Wait, Seconds: 120, Next: Done}
          Done: {Type: Succeed}
          Stop: {Type: Fail, Error: TooSmall, Cause: n was 2 or less}
  Booking:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: booking.asl.json
"""

BOOKING = """{
  "StartAt": "Reserve",
  "States": {
    "Reserve": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:SoldOutFn",
      "Retry": [{"ErrorEquals": ["SoldOut"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 2.0}],
      "Catch": [{"ErrorEquals": ["SoldOut"], "ResultPath": "$.error", "Next": "Validate"}],
      "Next": "Validate"
    },
    "Validate": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Crash",
      "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.crash", "Next": "Call"}],
      "Next": "Call"
    },
    "Call": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Caller",
      "ResultPath": "$.called", "Next": "Last"
    },
    "Last": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Crash",
      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Fine"}],
      "End": true
    },
    "Fine": {"Type": "Pass", "End": true}
  }
}"""


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    """One run of both state machines (one local AWS for every test here)."""
    import textwrap

    root = tmp_path_factory.mktemp("sfn")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(textwrap.dedent(HANDLERS["app.py"]))
    (root / "booking.asl.json").write_text(BOOKING)
    (root / "template.yaml").write_text(textwrap.dedent(TEMPLATE).lstrip())
    return run_app(read_app(root / "template.yaml"), Action("start_execution", {"state_machine": "Flow", "input": {}}, 1),
                   Action("start_execution", {"state_machine": "Booking", "input": {"trip": 7}}, 2))


def machine_template(states: str, *, resources: str = "", name: str = "Machine") -> str:
    """A template with `resources` (YAML lines under Resources) and one state machine whose Definition has
    StartAt (the first state) and `states` (YAML lines, a state a line or a block, at no indent)."""
    first = states.strip().split(":")[0]
    indented = textwrap.indent(textwrap.dedent(states).strip(), " " * 10)
    extra = textwrap.indent(textwrap.dedent(resources).strip(), "  ") + "\n" if resources.strip() else ""
    return (f"Resources:\n{extra}  {name}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
            f"      Definition:\n        StartAt: {first}\n        States:\n{indented}\n")


def run_app(app, *actions: Action):
    """Run `app` with `actions`; the timeline."""
    async def go():
        async with AppRun(app) as run:
            return await run.run(list(actions))

    return asyncio.run(go())


def lines(events, kind, machine):
    return [e for e in events if e["kind"] == kind and e.get("state_machine") == machine]


def entered(events, machine):
    return [(e["state"], e["type"]) for e in lines(events, "state_entered", machine)]


def test_pass_parallel_map_choice_wait_and_succeed_run_in_order(timeline):
    states = entered(timeline, "Flow")
    assert states[:2] == [("Start", "Pass"), ("Both", "Parallel")]
    assert states[-3:] == [("Pick", "Choice"), ("Nap", "Wait"), ("Done", "Succeed")]
    assert states.count(("Item", "Task")) == 4 and ("Twice", "Task") in states and ("Each", "Map") in states
    final = lines(timeline, "execution", "Flow")
    assert [e["status"] for e in final] == ["RUNNING", "SUCCEEDED"]
    assert final[-1]["output"]["results"] == [{"value": 6}, [2, 4, 6, 8]]


def test_a_wait_state_reports_its_aws_seconds(timeline):
    (nap,) = [e for e in lines(timeline, "state_entered", "Flow") if e["state"] == "Nap"]
    assert nap["wait_s"] == 120.0


def test_tasks_run_the_template_functions_in_the_runtime(timeline):
    doubles = [e for e in timeline if e["kind"] == "invocation" and e["function"] == "Double"]
    assert len(doubles) == 5 + 1  # Twice, four Map items, and the Caller's own boto3 invoke
    assert sum(e["cold_start"] for e in doubles) >= 1 and all(e["status"] == "success" for e in doubles)
    assert sorted(e["source"] for e in doubles) == ["Invoke API"] + ["Step Functions"] * 5  # the handler's call, the Tasks


def test_a_custom_error_name_is_retried_max_attempts_times_with_backoff_then_caught(timeline):
    failed = [e for e in lines(timeline, "task_failed", "Booking") if e["state"] == "Reserve"]
    retries = [e for e in lines(timeline, "retry", "Booking") if e["state"] == "Reserve"]
    assert [e["error"] for e in failed] == ["SoldOut"] * 3  # the first attempt and MaxAttempts 2 retries
    assert [(e["retry"], e["delay_s"]) for e in retries] == [(1, 3.0), (2, 6.0)]  # 3 s, then 3 x 2.0
    caught = [e for e in lines(timeline, "caught", "Booking") if e["state"] == "Reserve"]
    assert [(e["error"], e["next"]) for e in caught] == [("SoldOut", "Validate")]


def test_states_task_failed_matches_a_runtime_error(timeline):
    caught = [e for e in lines(timeline, "caught", "Booking") if e["state"] == "Validate"]
    assert [(e["error"], e["next"]) for e in caught] == [("ValueError", "Call")]


def test_states_all_catches_and_the_execution_output_keeps_the_catch_result_path(timeline):
    caught = [e for e in lines(timeline, "caught", "Booking") if e["state"] == "Last"]
    assert [e["next"] for e in caught] == ["Fine"]
    final = lines(timeline, "execution", "Booking")[-1]
    assert final["status"] == "SUCCEEDED"
    assert final["output"]["error"]["Error"] == "SoldOut" and final["output"]["crash"]["Error"] == "ValueError"
    assert final["output"]["called"] == 42


def test_a_handler_invokes_another_function_through_the_same_endpoint(timeline):
    echoes = [e for e in timeline if e["kind"] == "invocation" and e["function"] == "Echo"]
    assert [(e["invocation_type"], e["status"]) for e in echoes] == [("Event", "success")]


def test_a_fail_state_fails_the_execution_with_its_error_and_cause(write_app):
    template = machine_template("""
        Check: {Type: Choice, Choices: [{Variable: $.ok, BooleanEquals: true, Next: Allow}], Default: Deny}
        Allow: {Type: Succeed}
        Deny: {Type: Fail, Error: NotOk, Cause: ok was false}
    """, name="Gate")
    events = run_app(read_app(write_app(template)), Action("start_execution", {"state_machine": "Gate", "input": {"ok": False}}, 1))
    final = [e for e in events if e["kind"] == "execution"][-1]
    assert (final["status"], final["error"], final["cause"]) == ("FAILED", "NotOk", "ok was false")
    assert [e["state"] for e in events if e["kind"] == "state_entered"] == ["Check", "Deny"]


# -- without moto: the template reader and the rules the timeline applies ----------------------------------


def test_a_task_naming_no_template_function_is_reported_at_its_line(write_app):
    template = machine_template('A: {Type: Task, Resource: "arn:aws:lambda:us-east-1:123456789012:function:Nope", End: true}')
    app, problems = check_template(write_app(template), sam_check=False)
    assert [(p.line, p.field, "Nope" in p.message) for p in problems] == [(5, "Resources.Machine.Properties.Definition", True)]


def test_a_function_may_not_take_the_name_wait_states_are_answered_by(write_app):
    template = machine_template("Nap: {Type: Wait, Seconds: 5, End: true}", resources=f"""
        Fn: {{Type: AWS::Serverless::Function, Properties: {{CodeUri: src, Handler: app.handler, Runtime: python3.12, FunctionName: {WAIT_FUNCTION}}}}}
    """)
    _, problems = check_template(write_app(template), sam_check=False)
    assert [(p.field, p.message) for p in problems] == [("Resources.Machine.Properties.Definition",
        f"state Nap: a Wait state runs here as a call to {WAIT_FUNCTION}, so no function of the template may take that name")]


def test_definition_and_definition_uri_are_exclusive_and_the_type_is_checked(write_app):
    template = """
    Resources:
      Machine:
        Type: AWS::Serverless::StateMachine
        Properties:
          Type: FAST
          Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
          DefinitionUri: x.json
    """
    _, problems = check_template(write_app(template), sam_check=False)
    messages = " ".join(p.message for p in problems)
    assert "'FAST' is not one of STANDARD, EXPRESS" in messages and "exactly one of Definition and DefinitionUri" in messages


def test_substitutions_replace_placeholders_keeping_a_whole_value_type():
    assert substitute({"a": "${X}", "b": "arn:${Y}:z", "c": ["${Z}"]}, {"X": 5, "Y": "q", "Z": True}) == {"a": 5, "b": "arn:q:z", "c": [True]}


def test_error_matching_follows_aws():
    assert matches(["SoldOut"], "SoldOut") and not matches(["SoldOut"], "ValueError")
    assert matches(["States.ALL"], "States.Timeout")
    assert matches(["States.TaskFailed"], "Lambda.ServiceException") and not matches(["States.TaskFailed"], "States.Timeout")


def test_retry_delays_grow_by_the_backoff_rate_up_to_the_cap():
    retrier = {"IntervalSeconds": 2, "BackoffRate": 3, "MaxDelaySeconds": 10}
    assert [aws_retry_delay_s(retrier, n) for n in (1, 2, 3)] == [2.0, 6.0, 10.0]
    assert aws_retry_delay_s({}, 2) == 2.0  # defaults: 1 s, rate 2.0


def test_moto_runs_each_wait_as_a_task_the_run_answers_and_retries_without_long_sleeps():
    """No real waiting in moto: a Wait state (any of its four forms) becomes a Task invoking the run's reserved
    WAIT_FUNCTION with its effective input, execution and name (the run's clock answers it); a retrier sleeps
    1 s, the least ASL allows."""
    import json

    prepared = json.loads(for_moto({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "SecondsPath": "$.s", "InputPath": "$.in", "OutputPath": "$.out", "Next": "T"},
        "T": {"Type": "Task", "Resource": "x", "Next": "U", "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 30, "BackoffRate": 4, "MaxDelaySeconds": 60}]},
        "U": {"Type": "Wait", "Timestamp": "2026-01-01T00:05:00Z", "End": True},
    }}))
    parameters = {"input.$": "$", "execution.$": "$$.Execution.Id"}
    assert prepared["States"]["W"] == {"Type": "Task", "Resource": f"arn:aws:lambda:us-east-1:123456789012:function:{WAIT_FUNCTION}",
                                       "Parameters": {**parameters, "state": "W"}, "InputPath": "$.in", "OutputPath": "$.out", "Next": "T"}
    assert prepared["States"]["U"]["Parameters"] == {**parameters, "state": "U"} and prepared["States"]["U"]["End"] is True
    assert prepared["States"]["T"]["Retry"] == [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 1.0}]


def test_wait_seconds_reads_each_form_as_aws_does():
    """docs.aws.amazon.com/step-functions/latest/dg/state-wait.html: Seconds and SecondsPath are integers from 0;
    a Timestamp is RFC 3339 with an uppercase T (Z or an offset), milliseconds truncated; a past one waits 0 s."""
    now = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    assert wait_seconds({"Seconds": 300}, {}, now) == 300.0
    assert wait_seconds({"SecondsPath": "$.delay.s"}, {"delay": {"s": 45}}, now) == 45.0
    assert wait_seconds({"Timestamp": "2026-01-01T00:05:00.900Z"}, {}, now + 0.5) == 299.5
    assert wait_seconds({"TimestampPath": "$.at"}, {"at": "2026-01-01T02:00:00+02:00"}, now) == 0.0  # an hour ago
    for state, problem in [({"SecondsPath": "$.s"}, "SecondsPath: $.s: no 's' here"),
                           ({"SecondsPath": "$.s"}, 'SecondsPath: expected an integer from 0, got 1.5'),
                           ({"Seconds": -1}, "Seconds: expected an integer from 0, got -1"),
                           ({"Timestamp": "2026-01-01 00:05:00Z"}, "Timestamp: expected an RFC 3339 timestamp")]:
        with pytest.raises(WaitError, match=problem.replace("$", r"\$").replace(".", r"\.")):
            wait_seconds(state, {"s": 1.5} if "1.5" in problem else {}, now)


def test_step_functions_lines_read_as_text_and_stay_one_json_object_a_line():
    from lambdalearn.apps.timeline import as_json, as_text

    common = {"t": 0.0, "state_machine": "Trip", "execution": "execution-1"}
    lines = [
        {**common, "kind": "execution", "status": "RUNNING", "input": {"trip": 1}},
        {**common, "kind": "state_entered", "state": "Nap", "type": "Wait", "input": {}, "wait_s": 30.0},
        {**common, "kind": "task_failed", "state": "Car", "error": "BookingFailed", "cause": "no\ncar"},
        {**common, "kind": "retry", "state": "Car", "error": "BookingFailed", "retry": 1, "max_attempts": 2, "delay_s": 3.0},
        {**common, "kind": "caught", "state": "Car", "error": "BookingFailed", "next": "UndoHotel"},
        {**common, "kind": "state_exited", "state": "Car", "output": {"x": "y" * 100}},
        {**common, "kind": "execution", "status": "FAILED", "output": None, "error": "TripNotBooked", "cause": "undone"},
    ]
    texts = [as_text(line) for line in lines]
    assert texts[1].endswith("execution-1 Nap (Wait) waits 30s")
    assert texts[3].endswith("execution-1 Car retry 1 of 2 after 3s (BookingFailed)")
    assert texts[4].endswith("execution-1 Car: BookingFailed caught -> UndoHotel")
    assert texts[5].endswith("...") and texts[6].endswith("execution-1 of Trip: FAILED TripNotBooked: undone")
    assert all("\n" not in as_json(line) for line in lines)


def test_unreachable_states_and_missing_targets_are_refused_as_aws_does(write_app):
    """AWS: "MISSING_TRANSITION_TARGET: State ... is not reachable" and a Next naming no state; moto accepts both."""
    template = machine_template("""
        A: {Type: Pass, Next: B}
        B: {Type: Pass, End: true, Catch: [{ErrorEquals: [States.ALL], Next: Gone}]}
        Lonely: {Type: Succeed}
        P:
          Type: Parallel
          End: true
          Branches: [{StartAt: X, States: {X: {Type: Pass, End: true}, Y: {Type: Pass, End: true}}}]
    """)
    _, problems = check_template(write_app(template), sam_check=False)
    messages = sorted(p.message for p in problems)
    assert messages == [
        "P branch 1: state Y is not reachable from X (AWS refuses the definition)",
        "state B goes to Gone, which is not a state here",
        "state Lonely is not reachable from A (AWS refuses the definition)",
        "state P is not reachable from A (AWS refuses the definition)",
    ]


def test_app_run_reports_a_definition_moto_refuses_as_one_located_line(write_app, tmp_path):
    from click.testing import CliRunner

    from lambdalearn.cli import cli

    template = machine_template("A: {Type: Task, Resource: !GetAtt Fn.Arn, OutputSelector: {x: 1}, End: true}",
                                resources="Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12}}")
    path = write_app(template)
    script = tmp_path / "actions.yaml"
    script.write_text("- start_execution: {state_machine: Machine}\n")
    result = CliRunner().invoke(cli, ["app", "run", str(path), "--script", str(script)])
    assert result.exit_code == 2, result.output
    assert f"{path}:3: Resources.Machine: the local Step Functions refused the definition:" in result.output
    assert "OutputSelector" in result.output and "Traceback" not in result.output


def test_a_script_names_a_state_machine_of_the_template(write_app, tmp_path):
    from lambdalearn.apps.script import ScriptError, read_script

    app = read_app(write_app("""
    Resources:
      Machine: {Type: AWS::Serverless::StateMachine, Properties: {Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}}}
    """))
    script = tmp_path / "actions.yaml"
    script.write_text("- start_execution: {state_machine: Nope, input: {}}\n- start_execution: {input: {}}\n")
    with pytest.raises(ScriptError) as error:
        read_script(script, app)
    assert [(p.line, p.message) for p in error.value.problems] == [
        (1, "'Nope' is not a state_machine of the template"), (2, "required")]


def test_a_throttled_lambda_invoke_task_fails_with_lambda_too_many_requests(write_app):
    """The lambda:invoke integration names Lambda's own API errors Lambda.<code> (Lambda.TooManyRequestsException
    for a throttle: docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), so a Catch or
    Retry can single them out."""
    template = machine_template("""
        Call:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          Parameters: {FunctionName: !GetAtt Stopped.Arn, "Payload.$": "$"}
          Catch: [{ErrorEquals: [Lambda.TooManyRequestsException], Next: Later}]
          End: true
        Later: {Type: Pass, End: true}
    """, resources="""
        Stopped:
          Type: AWS::Serverless::Function
          Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12, ReservedConcurrentExecutions: 0}
    """)
    events = run_app(read_app(write_app(template)), Action("start_execution", {"state_machine": "Machine", "input": {}}, 1))
    assert [(e["state"], e["error"]) for e in events if e["kind"] == "caught"] == [("Call", "Lambda.TooManyRequestsException")]
    assert [e["kind"] for e in events if e.get("function") == "Stopped"] == ["throttle"]
    assert [e["status"] for e in events if e["kind"] == "execution"] == ["RUNNING", "SUCCEEDED"]


# -- Wait states on the run's clock ------------------------------------------------------------------------

WAIT_HANDLERS = {"app.py": """
    def handler(event, context):
        return event
"""}
ECHO = """
        Echo: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12}}
"""


def times(events, kind, state=None):
    return [e["t"] for e in events if e["kind"] == kind and (state is None or e.get("state") == state)]


def test_a_wait_of_300_s_lets_a_schedule_fire_meanwhile_in_aws_order(write_app):
    """A Wait state pauses the execution for 300 AWS seconds on the run's clock, so a rate(1 minute) schedule
    fires four times while it waits, and the state after the Wait runs at 300 s, after them."""
    template = machine_template("""
        Nap: {Type: Wait, Seconds: 300, Next: After}
        After: {Type: Task, Resource: !GetAtt Echo.Arn, End: true}
    """, resources=ECHO + """
        Ticker:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: src
            Handler: app.handler
            Runtime: python3.12
            Events: {Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute)}}}
    """)
    events = run_app(read_app(write_app(template, WAIT_HANDLERS)), Action("start_execution", {"state_machine": "Machine", "input": {}}, 1))
    ticks = [e["t"] for e in events if e["kind"] == "invocation" and e["function"] == "Ticker"]
    after = [e["t"] for e in events if e["kind"] == "invocation" and e["function"] == "Echo"]
    assert ticks[:4] == [60.0, 120.0, 180.0, 240.0] and after == [300.0]
    order = [e["kind"] if e["kind"] != "invocation" else e["function"] for e in events if e["kind"] in ("state_entered", "state_exited", "invocation")]
    assert order[:5] == ["state_entered", "Ticker", "Ticker", "Ticker", "Ticker"]  # then, at 300 s, a tick and the exit
    assert times(events, "state_exited", "Nap") == [300.0] and times(events, "state_entered", "After") == [300.0]


def test_each_wait_form_waits_its_aws_time_and_is_never_an_invocation(write_app):
    """Seconds, SecondsPath, Timestamp and TimestampPath (docs.aws.amazon.com/step-functions/latest/dg/state-wait.html)
    each end at their AWS time; the timeline shows Wait states with their seconds, and the run's waiting is no
    Lambda invocation: no invocation line, no record (`--records`), nothing counted."""
    template = machine_template("""
        Fixed: {Type: Wait, Seconds: 10, Next: FromInput}
        FromInput: {Type: Wait, SecondsPath: $.pause.s, Next: Until}
        Until: {Type: Wait, Timestamp: "2026-01-01T00:01:00Z", Next: UntilInput}
        UntilInput: {Type: Wait, TimestampPath: $.until, InputPath: $.later, OutputPath: $.kept, Next: Done}
        Done: {Type: Task, Resource: !GetAtt Echo.Arn, End: true}
    """, resources=ECHO)
    app = read_app(write_app(template, WAIT_HANDLERS))
    records = []

    async def go():
        async with AppRun(app) as run:
            run.record_listeners.append(lambda function, record: records.append(function))
            return await run.run([Action("start_execution", {"state_machine": "Machine", "input": {
                "pause": {"s": 20}, "later": {"until": "2026-01-01T00:02:00Z", "kept": {"ok": True}}}}, 1)]), run.stats

    events, stats = asyncio.run(go())
    waits = [(e["state"], e["type"], e["wait_s"], e["t"]) for e in events if e["kind"] == "state_entered" and e["type"] == "Wait"]
    assert waits == [("Fixed", "Wait", 10.0, 0.0), ("FromInput", "Wait", 20.0, 10.0), ("Until", "Wait", 30.0, 30.0), ("UntilInput", "Wait", 60.0, 60.0)]
    assert times(events, "state_exited") == [10.0, 30.0, 60.0, 120.0, 120.0]
    final = [e for e in events if e["kind"] == "execution"][-1]
    assert (final["status"], final["output"], final["t"]) == ("SUCCEEDED", {"ok": True}, 120.0)
    assert [e["function"] for e in events if e["kind"] == "invocation"] == ["Echo"] and records == ["Echo"]
    assert stats == {"Echo": {"invocations": 1, "errors": 0, "throttles": 0}}


def test_a_wait_whose_input_gives_no_time_fails_the_execution_with_states_runtime(write_app):
    template = machine_template("Nap: {Type: Wait, SecondsPath: $.s, End: true}")
    events = run_app(read_app(write_app(template)), Action("start_execution", {"state_machine": "Machine", "input": {"s": "soon"}}, 1))
    final = [e for e in events if e["kind"] == "execution"][-1]
    assert (final["status"], final["error"]) == ("FAILED", "States.Runtime")
    assert final["cause"] == 'state Nap: SecondsPath: expected an integer from 0, got "soon"'
    assert [(e["state"], e["wait_s"]) for e in events if e["kind"] == "state_entered"] == [("Nap", None)]


def test_a_waiting_execution_does_not_hold_up_another_nor_its_own_parallel_branch(write_app):
    """Two executions and two Parallel branches: each waits on the clock alone; a branch that works while the
    other waits keeps the clock still until it too waits."""
    template = machine_template("""
        Split:
          Type: Parallel
          End: true
          Branches:
            - {StartAt: Long, States: {Long: {Type: Wait, Seconds: 200, End: true}}}
            - StartAt: Work
              States:
                Work: {Type: Task, Resource: !GetAtt Echo.Arn, Next: Short}
                Short: {Type: Wait, Seconds: 50, Next: Again}
                Again: {Type: Task, Resource: !GetAtt Echo.Arn, End: true}
    """, resources=ECHO + """
        Quick:
          Type: AWS::Serverless::StateMachine
          Properties: {Definition: {StartAt: Once, States: {Once: {Type: Task, Resource: !GetAtt Echo.Arn, End: true}}}}
    """)
    events = run_app(read_app(write_app(template, WAIT_HANDLERS)), Action("start_execution", {"state_machine": "Machine", "input": {}}, 1),
                     Action("start_execution", {"state_machine": "Quick", "input": {}}, 2))
    ends = {(e["state_machine"], e["status"]): e["t"] for e in events if e["kind"] == "execution"}
    assert ends == {("Machine", "RUNNING"): 0.0, ("Quick", "RUNNING"): 0.0, ("Quick", "SUCCEEDED"): 0.0, ("Machine", "SUCCEEDED"): 200.0}
    assert times(events, "state_exited", "Work") == [0.0] and times(events, "state_exited", "Short") == [50.0]
    assert times(events, "state_exited", "Long") == [200.0] and times(events, "state_exited", "Again") == [50.0]


def test_an_execution_waits_when_every_state_under_way_is_a_pending_wait():
    """The accounting that lets the run's clock move on: a Task under way holds it; a Fail state (it ends at
    once) does not; a Parallel that exits takes whatever its branches left under way with it."""
    from lambdalearn.apps.clock import AppClock
    from lambdalearn.apps.executions import Executions, _Execution
    from lambdalearn.apps.state_machines import StateMachine
    from lambdalearn.apps.timeline import Timeline

    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "Later", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Later"}], "Branches": [
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope"}}},
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "x", "End": True}}},
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}]},
        "Later": {"Type": "Wait", "Seconds": 60, "End": True}}}
    machine = StateMachine("M", 1, "M", definition=definition)
    clock = AppClock()
    executions = Executions({"M": machine}, Timeline(lambda: clock.t), clock)
    execution = _Execution(machine, "arn", "execution-1")
    loop = asyncio.new_event_loop()

    def history(event_id, kind, name, previous=0):
        executions._tell(execution, {"id": event_id, "type": kind, "previousEventId": previous,
                                     "stateEnteredEventDetails": {"name": name, "input": "{}"}, "stateExitedEventDetails": {"name": name, "output": "{}"}})

    for event_id, kind, name in [(1, "ParallelStateEntered", "P"), (2, "FailStateEntered", "F"), (3, "TaskStateEntered", "T"), (4, "TaskStateEntered", "W")]:
        history(event_id, kind, name, 1 if event_id > 1 else 0)
    execution.waits = [loop.create_future()]  # W's wait (a Wait is a Task in moto)
    assert not execution.waiting(changed=False), "T is at work"
    history(5, "TaskStateExited", "T", 3)
    assert execution.waiting(changed=False), "only W is under way: F ended at once"
    assert not execution.waiting(changed=True), "the history moved since the last look"
    history(6, "TaskStateEntered", "T", 1)  # T again, left behind when the Parallel fails and is caught
    execution.waits = []
    history(7, "ParallelStateExited", "P", 4)
    history(8, "TaskStateEntered", "Later", 7)
    execution.waits = [loop.create_future()]
    assert execution.waiting(changed=False), "the Parallel took what its branches left under way with it"
    loop.close()


def test_one_clock_step_runs_an_execution_to_its_next_wait(write_app):
    """What the Flow screen's n does: a step runs the execution until it waits (time standing still), the next
    step moves to the wait's end and runs what follows."""
    template = machine_template("""
        First: {Type: Task, Resource: !GetAtt Echo.Arn, Next: Nap}
        Nap: {Type: Wait, Seconds: 60, Next: Second}
        Second: {Type: Task, Resource: !GetAtt Echo.Arn, End: true}
    """, resources=ECHO)
    app = read_app(write_app(template, WAIT_HANDLERS))

    async def go():
        async with AppRun(app) as run:
            run.perform([Action("start_execution", {"state_machine": "Machine", "input": {}}, 1)])
            moments = []
            for _ in range(2):
                await run.clock.step()
                moments.append((run.clock.t, [(e["kind"], e.get("state") or e.get("function") or e.get("status")) for e in run.timeline.events]))
            return moments

    (first_t, first), (second_t, second) = asyncio.run(go())
    assert first_t == 0.0 and first[-1] == ("state_entered", "Nap") and ("invocation", "Echo") in first
    assert second_t == 60.0 and second[-1] == ("execution", "SUCCEEDED") and second.count(("invocation", "Echo")) == 2
