"""Snapshots pin how the home, lesson, question and exam-result screens look at 80x24.

Deterministic: the mini fixture pack, a fresh data folder, a fixed clock and seed. After a deliberate
change of look, refresh with `pytest tests/tui/test_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from .conftest import loaded, type_text


def test_home_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=loaded)


def test_lesson_screen(snap_compare, make_app):
    async def open_lesson(pilot) -> None:
        await loaded(pilot)
        await pilot.press("down", "down", "enter")  # lesson 2 (under lesson 1 sits its lab)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_lesson)


def test_question_screen_after_a_wrong_answer(snap_compare, make_app):
    async def answer_wrong(pilot) -> None:
        await loaded(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=answer_wrong)


def test_exam_result_screen(snap_compare, make_app):
    async def take_exam(pilot) -> None:
        await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = pilot.app.screen
        if screen.exam.items[0].entry.question.type == "numeric":
            await type_text(pilot, "900")
            await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=take_exam)


def test_lab_screen(snap_compare, make_app):
    async def open_lab(pilot) -> None:
        await loaded(pilot)
        await pilot.press("down", "enter")  # the hello lab sits under its lesson
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#lab-log").clear()  # the workspace path differs from run to run
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_lab)


def test_scale_screen_after_an_a_b_comparison(snap_compare, make_app):
    """The Scale screen with A (on-demand) against B (20 provisioned) on the same seeded Poisson traffic."""
    from lambdalearn.tui.screens.scale import ScaleScreen

    async def compare(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#a-rate").value = "10"
        screen.query_one("#a-for_s").value = "300"
        await pilot.press("f7")
        screen.query_one("#b-provisioned").value = "20"
        await pilot.press("f6")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen.query_one("#scale").scroll_end(animate=False)
        await pilot.pause()

    assert snap_compare(make_app(start_screen=ScaleScreen), terminal_size=(120, 40), run_before=compare)
def test_flow_screen_before_the_run(snap_compare, make_app):
    """The Flow screen of examples/sqs-partial-batch: wiring, resources, status; the run not yet started."""
    from pathlib import Path

    from lambdalearn.apps.template import read_app
    from lambdalearn.tui.screens.flow import FlowScreen

    template = Path(__file__).resolve().parents[2] / "examples" / "sqs-partial-batch" / "template.yaml"
    app = make_app(start_screen=lambda: FlowScreen(read_app(template, sam_check=False)))
    assert snap_compare(app, terminal_size=(100, 24))


def test_flow_screen_colours_a_state_machine(snap_compare, make_app):
    """The Flow screen of the saga lab (80x24): its state machine drawn under the wiring, coloured by the
    timeline lines of an execution whose car failed (fed to the screen, so no run and no timing)."""
    from pathlib import Path

    from lambdalearn.apps.template import read_app
    from lambdalearn.tui.screens.flow import FlowScreen

    lab = Path(__file__).resolve().parents[2] / "labs" / "saga-compensation"
    screen = FlowScreen(read_app(lab / "solution" / "template.yaml", sam_check=False))
    common = {"t": 0.0, "state_machine": "BookTrip", "execution": "execution-1"}
    lines = [{"kind": "execution", "status": "RUNNING", "input": {"trip": 7, "fail": "car"}}]
    for state in ("Flight", "Hotel"):
        lines += [{"kind": "state_entered", "state": state, "type": "Task", "input": {}}, {"kind": "state_exited", "state": state, "output": {}}]
    lines += [{"kind": "state_entered", "state": "Car", "type": "Task", "input": {}},
              {"kind": "task_failed", "state": "Car", "error": "BookingFailed", "cause": "no car"},
              {"kind": "caught", "state": "Car", "error": "BookingFailed", "next": "UndoHotel"},
              {"kind": "state_entered", "state": "UndoHotel", "type": "Task", "input": {}}]

    async def feed(pilot) -> None:
        await pilot.pause()
        for line in lines:
            screen._on_event({**common, **line})
        await pilot.pause()

    assert snap_compare(make_app(start_screen=lambda: screen), terminal_size=(80, 24), run_before=feed)
