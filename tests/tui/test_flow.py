"""The Flow screen: the template's wiring, a run that starts paused, steps, runs to the end, and a picked
resource showing the events that touched it; `lambdalearn app flow` refuses a bad template in one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from lambdalearn.apps.script import Action
from lambdalearn.apps.template import read_app
from lambdalearn.cli import cli
from lambdalearn.tui.screens.flow import FlowScreen

TEMPLATE = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Jobs:
        Type: AWS::SQS::Queue
        Properties:
          VisibilityTimeout: 30
          RedrivePolicy: {deadLetterTargetArn: !GetAtt JobsDlq.Arn, maxReceiveCount: 2}
      JobsDlq:
        Type: AWS::SQS::Queue
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: python3.12
          Events:
            In: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, FunctionResponseTypes: [ReportBatchItemFailures]}}
"""
HANDLER = """
def handler(event, context):
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "bad"]}
"""


def write_app(folder: Path) -> Path:
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "app.py").write_text(HANDLER)
    path = folder / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE).lstrip())
    return path


def flow_screen(folder: Path) -> FlowScreen:
    app = read_app(write_app(folder), sam_check=False)
    return FlowScreen(app, [Action("sqs_send", {"queue": "Jobs", "bodies": ["good", "bad"]}, 1)])


async def wait_for(pilot, condition, tries: int = 300) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition()


async def test_the_run_starts_paused_steps_then_runs_to_the_summary(make_app, tmp_path):
    screen = flow_screen(tmp_path)
    app = make_app(start_screen=lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        diagram = str(app.screen.query_one("#flow-diagram").render())
        assert "Jobs ──SQS mapping──▶ Worker" in diagram and "Jobs ──redrive after 2 receives──▶ JobsDlq" in diagram
        assert screen.state == "ready" and screen.run is None
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.run is not None and any(e["kind"] == "esm_batch" for e in screen.flow.events)
                       and not screen._stepping)
        assert screen.state == "paused" and screen.run.clock.t == 0.0
        assert [e["kind"] for e in screen.flow.events if e["kind"] == "invocation"] == ["invocation"]
        await pilot.press("minus")
        assert screen.run.clock.time_scale == 10.0
        for _ in range(6):
            await pilot.press("plus")
        assert screen.run.clock.time_scale is None  # max speed
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "done")
        kinds = [e["kind"] for e in screen.flow.events]
        assert kinds[-1] == "summary" and "message_redriven" in kinds
        await pilot.pause(0.15)
        status = str(app.screen.query_one("#flow-status").render())
        assert "t = 60.0 s" in status and "done" in status
        await pilot.press("escape")
        await pilot.pause()
        assert screen.run is None, "leaving closes the run (its runtimes and environments)"


async def test_picking_a_resource_shows_what_touched_it(make_app, tmp_path):
    screen = flow_screen(tmp_path)
    app = make_app(start_screen=lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(6):
            await pilot.press("plus")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "done")
        await pilot.press("down", "enter")  # the second resource: JobsDlq
        await pilot.pause()
        detail = str(app.screen.query_one("#flow-detail").render())
        assert "JobsDlq" in detail and "message_redriven" in detail and "messages on it: bad" in detail


def test_app_flow_refuses_a_bad_template_in_one_line(tmp_path):
    path = write_app(tmp_path)
    path.write_text(path.read_text().replace("maxReceiveCount: 2", "maxReceiveCount: 0"))
    result = CliRunner().invoke(cli, ["app", "flow", str(path)])
    assert result.exit_code == 2
    assert "RedrivePolicy: maxReceiveCount must be 1 to 1000, got 0" in result.output


SAGA = Path(__file__).resolve().parents[2] / "labs" / "saga-compensation"


def saga_screen(folder: Path, *trips: dict) -> FlowScreen:
    """The Flow screen of the saga lab's solution, with a script that books each of `trips`."""
    import shutil

    shutil.copy(SAGA / "starter" / "app.py", folder / "app.py")
    shutil.copy(SAGA / "solution" / "template.yaml", folder / "template.yaml")
    actions = [Action("start_execution", {"state_machine": "BookTrip", "input": trip}, 1) for trip in trips]
    return FlowScreen(read_app(folder / "template.yaml", sam_check=False), actions)


async def test_the_state_machine_is_drawn_and_coloured_as_the_execution_passes(make_app, tmp_path):
    """The wiring shows the functions the state machine's Tasks invoke. Two trips; the latest has no car left:
    the bookings succeed, the car's failure is caught, the hotel and the flight are undone, and the Fail state
    fails the execution; the graph colours each state so, and x shows the first trip instead."""
    from lambdalearn.apps.state_graph import CAUGHT, FAILED, PENDING, SUCCEEDED
    from lambdalearn.tui.widgets.state_graph import StateGraph

    screen = saga_screen(tmp_path, {"trip": 6}, {"trip": 7, "fail": "car"})
    app = make_app(start_screen=lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        diagram = str(app.screen.query_one("#flow-diagram").render())
        assert "BookTrip ──Task──▶ BookFlight" in diagram and "BookTrip ──Task──▶ CancelFlight" in diagram  # once each
        assert diagram.count("──▶ CancelFlight") == 1
        (graph,) = app.screen.query(StateGraph)
        assert graph.machine == "BookTrip" and {graph.progress.status_of(s) for s in ("Flight", "Car", "TripFailed")} == {PENDING}
        for _ in range(6):
            await pilot.press("plus")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "done")
        statuses = {state: graph.progress.status_of(state) for state in ("Flight", "Hotel", "Car", "UndoHotel", "UndoFlight", "TripFailed")}
        assert statuses == {"Flight": SUCCEEDED, "Hotel": SUCCEEDED, "Car": CAUGHT, "UndoHotel": SUCCEEDED,
                            "UndoFlight": SUCCEEDED, "TripFailed": FAILED}
        shown = str(graph.render())
        assert "BookTrip  execution-2 FAILED (2 of 2, x: next)" in shown
        assert "⤷ Car" in shown and "✗ TripFailed" in shown and "✓ UndoHotel" in shown
        await pilot.press("x")  # the first trip, which booked everything
        await pilot.pause()
        assert graph.progress.execution == "execution-1" and graph.progress.status == "SUCCEEDED"
        assert [graph.progress.status_of(s) for s in ("Flight", "Hotel", "Car", "UndoHotel")] == [SUCCEEDED] * 3 + [PENDING]
