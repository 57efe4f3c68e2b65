"""The Scale screen: opened from home, the palette and a lesson link; runs in a worker; charts; A/B compare."""

from __future__ import annotations

from textual.widgets import Markdown

from lambdalearn.tui.screens.scale import ScaleScreen

from .conftest import assert_focus_keeps_one_line, loaded
from .test_lesson import open_first_lesson


async def set_knob(screen, knob_id: str, value: str) -> None:
    screen.query_one(f"#{knob_id}").value = value


async def finish(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_home_opens_the_scale_screen_and_a_run_fills_the_summary_and_charts(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScaleScreen)
        await set_knob(screen, "a-rate", "20")
        await set_knob(screen, "a-for_s", "120")
        await pilot.press("f5")
        await finish(pilot)
        figures = screen.figures["A"]
        assert figures["requests"] > 2000 and figures["cold_starts"] > 0
        summary = str(screen.query_one("#sc-summary").render())
        assert f"requests {figures['requests']:,}" in summary
        assert screen.query_one("#sc-progress").progress == 1.0
        assert sum(screen.results["A"].timeline.arrivals) == figures["requests"]  # what the charts draw
        assert str(screen.query_one("#sc-compare").render()).strip() == ""


async def test_a_b_compare_shows_the_provisioned_cost_and_the_cold_starts_it_saves(make_app):
    app = make_app(start_screen=ScaleScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await set_knob(screen, "a-rate", "10")
        await set_knob(screen, "a-for_s", "300")
        await pilot.press("f7")  # B = A
        await set_knob(screen, "b-provisioned", "20")
        await pilot.press("f6")
        await finish(pilot)
        a, b = screen.figures["A"], screen.figures["B"]
        assert a["cold_starts"] > 0 and b["cold_starts"] == 0 and b["cost_usd"]["provisioned"] > 0
        table = str(screen.query_one("#sc-compare").render())
        assert "Cold starts" in table and "provisioned" in table and "-100.0%" in table


async def test_a_bad_knob_is_named_and_nothing_runs(make_app):
    app = make_app(start_screen=ScaleScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await set_knob(screen, "a-memory_mb", "64")
        await pilot.press("f5")
        await pilot.pause()
        message = screen.query_one("#sc-message")
        assert message.has_class("error") and "A: Memory MB: 64 is out of range" in str(message.render())
        assert screen.figures == {}


async def test_an_example_keeps_its_traffic_and_fills_the_knobs(make_app):
    app = make_app(start_screen=lambda: ScaleScreen("nightly-batch"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#a-invocation").value == "async"
        assert screen.query_one("#a-rate").disabled
        await pilot.press("f5")
        await finish(pilot)
        assert screen.figures["A"]["requests"] == 20000 and screen.figures["A"]["expired_events"] == 0


async def test_the_palette_and_a_lesson_link_open_the_scale_screen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "Scale: simulate Lambda at scale" in commands
        screen = await open_first_lesson(pilot)
        markdown = screen.query_one("#page", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "scale:launch-day"))
        await pilot.pause()
        assert isinstance(app.screen, ScaleScreen) and app.screen.example == "launch-day"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ScaleScreen)


async def test_choosing_an_example_fills_both_sides_and_custom_gives_the_traffic_knobs_back(make_app):
    app = make_app(start_screen=ScaleScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#example").value = "quiet-tool"
        await pilot.pause()
        assert [screen.query_one(f"#{side}-init_ms").value for side in "ab"] == ["600", "600"]
        assert screen.query_one("#b-for_s").disabled
        screen.query_one("#example").value = ""
        await pilot.pause()
        assert not screen.query_one("#b-for_s").disabled and screen.example == ""


async def test_leaving_during_a_long_run_stops_the_simulation(make_app):
    app = make_app(start_screen=ScaleScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await set_knob(screen, "a-rate", "5000")  # three million requests: far longer than this test
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ScaleScreen) and screen.figures == {}


async def test_a_focused_knob_or_button_keeps_its_text_visible(make_app):
    """The app's focus border (tall) and button outline need more than a knob row's one line (found on the
    playground; the Scale screen's rows are the same)."""
    app = make_app(start_screen=ScaleScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await assert_focus_keeps_one_line(pilot, ("a-rate", "run-a", "compare"))
