"""The playground: a small burst against a reserved concurrency shows cold starts, throttles and the pool;
`lambdalearn playground` refuses bad options in one line."""

from __future__ import annotations

from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.tui.screens.playground import PlaygroundScreen

from .conftest import type_text


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
