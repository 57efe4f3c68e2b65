"""The playground: a small burst against a reserved concurrency shows cold starts, throttles and the pool;
`lambdalearn playground` refuses bad options in one line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.tui.screens.playground import PlaygroundScreen

from .conftest import assert_focus_keeps_one_line, type_text


async def set_input(pilot, input_id: str, text: str) -> None:
    field = pilot.app.screen.query_one(f"#{input_id}")
    field.value = ""
    field.focus()
    await type_text(pilot, text)


async def test_a_burst_over_the_reserved_concurrency_cold_starts_and_throttles(make_app):
    app = make_app(start_screen=PlaygroundScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await set_input(pilot, "requests", "6")
        await set_input(pilot, "concurrency", "4")
        await set_input(pilot, "reserved", "2")
        await pilot.press("f5")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)  # one redraw tick
        tally = screen.tally
        assert tally.cold_starts == 2 and tally.throttles > 0 and tally.invocations + tally.throttles == 6
        counters = str(screen.query_one("#pg-counters").render())
        assert f"cold starts {tally.cold_starts}" in counters and f"throttles {tally.throttles}" in counters
        # Peak concurrency counts admitted requests only: never more than the reserved 2 (it showed 3 when
        # it counted requests on their way to being throttled); both cold starts overlap in their 300 ms INIT.
        assert tally.peak_in_flight == 2 and "(peak 2)" in counters
        pool = str(screen.query_one("#pg-pool").render())
        assert pool.count("■") == 2 and ("2 frozen" in pool or "2 idle" in pool)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.runtime is None, "leaving closes the runtime and its environments"


async def test_a_refused_setting_is_shown_not_raised(make_app):
    app = make_app(start_screen=PlaygroundScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await set_input(pilot, "memory", "64")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = app.screen.query_one("#pg-message")
        assert message.has_class("error") and "memorySize" in str(message.render())


def test_playground_refuses_a_handler_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(cli, ["playground", "--code", str(tmp_path), "--handler", "nope.handler"])
    assert result.exit_code == 2 and "nope.py does not exist" in result.output
    result = CliRunner().invoke(cli, ["playground", "--handler", "app.handler"])
    assert result.exit_code == 2 and "--handler needs --code" in result.output


def test_playground_command_opens_the_app_on_the_playground(tmp_path, monkeypatch):
    from lambdalearn.study.playground import DEMO_HANDLER, demo_code_dir
    from lambdalearn.tui.app import LambdaLearnApp

    started = []
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: started.append(self.start_screen()))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "playground"])
    assert result.exit_code == 0, result.output
    [screen] = started
    assert isinstance(screen, PlaygroundScreen)
    assert (screen.code_dir, screen.handler) == (demo_code_dir(), DEMO_HANDLER)


HANDLER = '''
def handler(event, context):
    if "order_id" in event or "Records" in event:
        return "ok"
    print("the event was", event)
    raise ValueError("the event has neither order_id nor Records")
'''


def picky_function(tmp_path):
    """A fast function that fails unless its event has an order_id or Records (an SQS sample has them)."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(HANDLER)
    (tmp_path / "order.json").write_text('{"order_id": "A-1"}')
    (tmp_path / "broken.json").write_text('{\n  "order_id": "A-1",\n}\n')
    return code


@pytest.fixture
def picky_app(make_app, tmp_path):
    """The app on the playground, running `picky_function`."""
    return make_app(start_screen=lambda: PlaygroundScreen(picky_function(tmp_path)))


async def fire_burst(pilot, requests: int, concurrency: int = 2) -> None:
    screen = pilot.app.screen
    screen.query_one("#requests").value = str(requests)
    screen.query_one("#concurrency").value = str(concurrency)
    await pilot.press("f5")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)  # a few redraw ticks


async def choose_event(pilot, source: str, path: str = "") -> None:
    from textual.widgets import Select

    pilot.app.screen.query_one("#event", Select).value = source
    await pilot.pause()
    pilot.app.screen.query_one("#event-file").value = path
    await pilot.pause()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_a_json_file_event_reaches_every_request_and_a_broken_one_is_named_inline(picky_app, tmp_path):
    from lambdalearn.study.playground import FILE_EVENT

    app = picky_app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.query_one("#event-file").display, "the path box shows only for a file"
        await choose_event(pilot, FILE_EVENT, str(tmp_path / "broken.json"))
        assert screen.query_one("#event-file").display
        await fire_burst(pilot, 4)
        error = screen.query_one("#pg-event-error")
        assert error.display and f"{tmp_path / 'broken.json'}:3:1: invalid JSON" in text_of(screen, "#pg-event-error")
        assert screen.tally is None, "nothing was sent with a broken event"
        await choose_event(pilot, FILE_EVENT, str(tmp_path / "order.json"))
        assert not error.display, "editing the path clears the error"
        await fire_burst(pilot, 4)
        assert (screen.tally.invocations, screen.tally.errors) == (4, 0)
        assert "order.json" in text_of(screen, "#pg-message")


async def test_a_generated_sample_event_can_be_chosen(picky_app, tmp_path):
    app = picky_app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await choose_event(pilot, "sqs")
        await fire_burst(pilot, 3)
        assert (app.screen.tally.invocations, app.screen.tally.errors) == (3, 0)
        assert "a generated sqs event" in text_of(app.screen, "#pg-message")


async def test_failed_invocations_are_listed_with_their_logs_and_each_can_be_read(picky_app, tmp_path):
    from textual.widgets import OptionList

    app = picky_app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.query_one("#pg-failures-row").display, "no pane before anything failed"
        await fire_burst(pilot, 3, concurrency=1)
        assert screen.query_one("#pg-failures-row").display
        listing = screen.query_one("#pg-failures", OptionList)
        assert listing.option_count == 3 and listing.highlighted == 0
        newest = screen.tally.failures[-1]
        log = text_of(screen, "#pg-failure-log")
        assert newest.request_id in log and "ValueError: the event has neither order_id nor Records" in log
        assert "the event was {}" in log and f"REPORT RequestId: {newest.request_id}" in log
        assert "3 of 3 failed" in text_of(screen, "#pg-message")
        listing.focus()
        await pilot.press("down")
        await pilot.pause()
        assert screen.tally.failures[-2].request_id in text_of(screen, "#pg-failure-log")


async def test_a_new_run_starts_from_nothing_not_from_the_last_runs_figures(picky_app, tmp_path):
    from lambdalearn.study.playground import FILE_EVENT

    app = picky_app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await fire_burst(pilot, 5)
        first = screen.tally
        assert first.errors == 5 and screen.query_one("#pg-failures-row").display
        await choose_event(pilot, FILE_EVENT, str(tmp_path / "order.json"))
        await fire_burst(pilot, 2)
        second = screen.tally
        assert second is not first and (second.sent, second.invocations, second.errors) == (2, 2, 0)
        counters = text_of(screen, "#pg-counters")
        assert "sent 2 " in counters and "errors 0" in counters
        assert not screen.query_one("#pg-failures-row").display and text_of(screen, "#pg-failure-log") == ""
        assert screen.query_one("#pg-failures").option_count == 0
        assert sum(bucket.throttles for bucket in second.trace.buckets()) == 0


async def test_starting_a_run_clears_the_previous_figures_before_anything_answers(make_app, tmp_path):
    """The runtime may take a while to start (provisioned environments initialise first): the old figures,
    chart and failures must be gone from the moment F5 is pressed, not from the first answer."""
    import asyncio

    app = make_app(start_screen=lambda: PlaygroundScreen(picky_function(tmp_path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await fire_burst(pilot, 2)
        assert screen.tally.errors == 2 and screen.query_one("#pg-failures-row").display
        starting, proceed = asyncio.Event(), asyncio.Event()
        real_runtime_for = screen._runtime_for

        async def slow_runtime_for(settings):
            starting.set()
            await proceed.wait()
            return await real_runtime_for(settings)

        screen._runtime_for = slow_runtime_for
        await pilot.press("f5")
        await starting.wait()
        await pilot.pause(0.2)
        assert screen.tally is None and "No traffic yet" in text_of(screen, "#pg-counters")
        assert "no run yet" in text_of(screen, "#pg-chart") and not screen.query_one("#pg-failures-row").display
        proceed.set()
        await app.workers.wait_for_complete()
        assert screen.tally.sent == 2


async def test_the_chart_draws_running_requests_throttles_and_the_reserved_line(make_app):
    from lambdalearn.runtime.concurrency_trace import time_label

    app = make_app(start_screen=PlaygroundScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "no run yet" in text_of(screen, "#pg-chart")
        screen.query_one("#reserved").value = "2"
        await fire_burst(pilot, 6, concurrency=4)
        chart = text_of(screen, "#pg-chart")
        width = screen.tally.trace.buckets()[0].width_s
        assert f"Running at once, throttles per {time_label(width)}" in chart
        assert "running" in chart and "throttles" in chart and "reserved" in chart


async def test_command_line_values_and_event_fill_the_screen(make_app, tmp_path):
    from lambdalearn.study.playground import JSON_EVENT, EventChoice

    event = EventChoice(JSON_EVENT, '{"order_id": "X"}')
    app = make_app(start_screen=lambda: PlaygroundScreen(picky_function(tmp_path), event=event,
                                                         values={"requests": 3, "rate": 2.5, "reserved": None}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert (screen.query_one("#requests").value, screen.query_one("#rate").value) == ("3", "2.5")
        await pilot.press("f5")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert (screen.tally.invocations, screen.tally.errors) == (3, 0)


async def test_at_80x24_the_pool_chart_and_failures_all_fit_on_screen(picky_app, tmp_path):
    app = picky_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-short")
        await fire_burst(pilot, 3)
        failures, chart = screen.query_one("#pg-failures-row").region, screen.query_one("#pg-chart").region
        footer = screen.query_one("Footer").region
        assert failures.height >= 5 and failures.bottom <= footer.y, "the failures pane is not pushed off screen"
        assert chart.height >= 5 and chart.bottom <= failures.y
        assert "Running at once per" in text_of(screen, "#pg-chart")


async def test_a_focused_setting_or_button_keeps_its_text_visible(make_app):
    """The app's focus border (tall) and button outline need more than the settings rows' one line."""
    app = make_app(start_screen=PlaygroundScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await assert_focus_keeps_one_line(pilot, ("requests", "reserved", "burst"))
