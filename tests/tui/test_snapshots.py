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
        shown = pilot.app.screen.entry.question  # choices are shuffled: pick the first wrong one as shown
        await pilot.press(str(next(n for n in range(1, len(shown.choices) + 1) if n != shown.answer)))
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


def test_browse_screen_with_a_suspended_a_flagged_and_a_noted_question(snap_compare, make_app):
    """Browse (issue 17): the marks column and the state, and the detail pane of a question with a note."""

    async def mark(pilot) -> None:
        await loaded(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("s", "down", "f", "down")
        await pilot.pause()
        from lambdalearn.progress.marks import save_card_note

        save_card_note(pilot.app.store, "mini", "h-tf", "reread the handler section", now=pilot.app.now())
        pilot.app.screen.refill()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=mark)


def test_playground_after_a_run_with_throttles_and_failures(snap_compare, make_app):
    """The playground after a burst of 20 at concurrency 10 against Reserved 5: five environments, fifteen
    throttles, two failed invocations (the newest one's log shown), the chart of running requests and throttles.
    The run is replayed from fixed records and runtime events (a real run's timings differ every time)."""
    from lambdalearn.runtime.concurrency_trace import ConcurrencyTrace
    from lambdalearn.runtime.events import EventKind, RuntimeEvent
    from lambdalearn.runtime.records import InvocationRecord, end_line, report_line, start_line
    from lambdalearn.runtime.traffic import TrafficTally
    from lambdalearn.study.playground import PlaygroundSettings
    from lambdalearn.tui.screens.playground import PlaygroundScreen

    def record(n: int, status: str) -> InvocationRecord:
        request_id = f"0000000{n}-1111-2222-3333-444444444444"
        failed = status == "error"
        payload = {"errorType": "KeyError", "errorMessage": "'order_id'"} if failed else {"total_cents": 0}
        logs = [start_line(request_id, "1"), "[ERROR] KeyError: 'order_id'" if failed else "order A-1001: 3 items",
                end_line(request_id), report_line(request_id, 101.5, 102, 128, 31, 310.2 if n < 5 else None)]
        return InvocationRecord(request_id, f"env-{n % 5 + 1}", n < 5, 310.2 if n < 5 else None, 101.5, 102, 128, 31,
                                status, "KeyError" if failed else None, payload, 0.0000002, logs=logs)

    async def replay(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#reserved").value = "5"
        screen.runtime_settings = PlaygroundSettings(reserved_concurrency=5)
        for env in range(1, 6):
            for kind in (EventKind.ENVIRONMENT_CREATED, EventKind.ENVIRONMENT_BUSY, EventKind.ENVIRONMENT_FROZEN):
                screen.pool.on_event(RuntimeEvent(kind, 0.0, f"env-{env}"))
        trace = ConcurrencyTrace(origin=0.0)
        for step, running in enumerate([1, 2, 3, 4, 5]):
            trace.note(step * 0.001, running)
        for throttle in range(15):
            trace.note(0.006 + throttle * 0.001, 5, throttled=True)
        for moment, running in [(0.41, 4), (0.42, 3), (0.43, 2), (0.44, 1), (0.45, 0)]:
            trace.note(moment, running)
        tally = TrafficTally(sent=20, trace=trace)
        for n in range(15):
            tally.add(InvocationRecord(f"t-{n}", None, False, None, 0.0, 0, 128, 0, "throttled", "TooManyRequestsException", {}, 0.0))
        for n, status in enumerate(["success", "error", "success", "success", "error"]):
            tally.add(record(n, status))
            screen._on_record(None, tally)
        screen._say("Fired a burst of 20 at concurrency 10 with events/order.json. [$error]2 of 5 failed[/]: their logs are below.")
        screen._redraw()  # what the screen's timer does, now rather than at its next tick
        await pilot.pause()

    assert snap_compare(make_app(start_screen=PlaygroundScreen), terminal_size=(120, 40), run_before=replay)


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
