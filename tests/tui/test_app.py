"""Home, stats, settings, themes, the command palette, help, and `lambdalearn quiz` opening the app."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import DataTable

from lambdalearn.cli import cli
from lambdalearn.progress.lessons import complete_lesson
from lambdalearn.progress.settings import load_settings
from lambdalearn.progress.store import ProgressStore
from lambdalearn.tui.app import LambdaLearnApp, QuizRequest
from lambdalearn.tui.screens.help import HelpScreen
from lambdalearn.tui.screens.home import HomeScreen
from lambdalearn.tui.screens.quiz import QuizScreen
from lambdalearn.tui.screens.settings import SettingsScreen
from lambdalearn.tui.screens.stats import StatsScreen

from .conftest import T0, loaded
from .test_quiz import answer


async def test_home_shows_standing_map_continue_and_packs(make_app, data_dir):
    with ProgressStore.open(data_dir) as store:
        complete_lesson(store, "mini", "handlers", 40)
    app = make_app(fixed_clock=False)
    async with app.run_test() as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await loaded(pilot)
        assert str(home.query_one("#level").render()) == "Level 1 · 40 XP"
        assert "60 XP to level 2" in str(home.query_one("#xp-left").render())
        assert "Streak 1 day" in str(home.query_one("#today").render())
        table = home.query_one("#course-map")
        assert [table.get_row_at(i)[1:3] for i in range(table.row_count)] == [
            ["Handlers", "✓ done"], ["  ⚗ Lab: Hello handler", "· new"], ["Limits", "·"]]
        assert "Read lesson 2: Limits" in str(home.query_one("#continue").label)
        assert "Mini pack for tests 1.0.0 (external): 2 lessons, 8 questions, 1 lab, an exam" in str(
            home.query_one("#packs").render())
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.lesson.id == "limits"


async def test_home_lists_content_skipped_by_validation(make_app, mini_pack):
    (mini_pack / "quizzes" / "broken.yaml").write_text("id: broken\ntitle: Broken\nquestions: [{id: x, type: single}]\n")
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert "skipped: they failed validation" in str(app.screen.query_one("#packs").render())
        await pilot.press("v")
        await pilot.pause()
        assert any("broken.yaml" in str(option.prompt) for option in app.screen.query_one("OptionList").options)


async def test_stats_show_the_figures_of_lambdalearn_stats(make_app, data_dir):
    app = make_app(fixed_clock=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=2))
        await pilot.pause()
        for _ in range(2):
            await answer(pilot, right=True)
            await pilot.press("enter")
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        headline = str(app.screen.query_one("#headline").render())
        heatmap = str(app.screen.query_one("#heatmap").render())
    printed = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "stats"]).output
    personal = printed.split("\nCourse")[0]  # the course rows follow the CLI's packs (bundled), not the mini pack
    for line in personal.splitlines():
        name, value = re.split(r"\s{2,}", line, maxsplit=1)
        assert f"{name:<13}{value}" in headline, line
    assert "Course       0% · 0/2 lessons · 0/1 labs" in headline
    assert "Exam readiness" in headline and "on mini's mock exam" in headline
    assert "█" in heatmap or "▓" in heatmap


async def test_settings_are_validated_and_stored(make_app, data_dir):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("comma")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#desired_retention").value = "2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "desired_retention" in str(screen.query_one("#settings-error").render())
        screen.query_one("#desired_retention").value = "0.85"
        screen.query_one("#daily_new_limit").value = "5"
        screen.query_one("#exam_questions").value = "2"
        screen.query_one("#theme").value = "nord"
        await pilot.press("f2")
        await pilot.pause()
        assert str(screen.query_one("#settings-error").render()) == ""
    with ProgressStore.open(data_dir) as store:
        settings = load_settings(store)
    assert (settings.desired_retention, settings.daily_new_limit, settings.exam_questions, settings.theme) == (0.85, 5, 2, "nord")


async def test_theme_chosen_anywhere_is_remembered(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.theme = "gruvbox"
        await pilot.pause()
    second = make_app()
    async with second.run_test() as pilot:
        await loaded(pilot)
        assert second.theme == "gruvbox"


async def test_palette_offers_every_screen_and_lesson_and_help_opens(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        names = [command.title for command in app.get_system_commands(app.screen)]
        for expected in ("Home", "Continue", "Quiz: due cards", "Quiz: cram", "Mock exam", "Stats", "Settings",
                         "Search lessons", "Help", "Lesson 1: Handlers", "Quiz me on: Limits", "Theme", "Quit",
                         "Playground", "Lab: Hello handler"):
            assert expected in names
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)


async def test_start_in_the_quiz_with_filters(make_app):
    app = make_app(start_quiz=QuizRequest(deck="limits-quiz"))
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert [e.question.id for e in app.screen.session.queue] == ["l-num", "l-cloze"]


def test_quiz_command_opens_the_app_on_the_quiz_with_its_filters(mini_pack, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: started.append(self))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "quiz", "--pack-dir", str(mini_pack),
                                      "--deck", "limits-quiz", "--cram", "--limit", "3"])
    assert result.exit_code == 0, result.output
    [app] = started
    assert app.start_quiz_request == QuizRequest(deck="limits-quiz", limit=3, cram=True)
    assert [p.id for p in app.catalog.packs] == ["mini"] and app.data_dir == tmp_path / "d"


def test_quiz_command_rejects_unknown_filters_before_opening_the_app(mini_pack, monkeypatch):
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: (_ for _ in ()).throw(AssertionError("opened")))
    result = CliRunner().invoke(cli, ["quiz", "--pack-dir", str(mini_pack), "--deck", "nope"])
    assert result.exit_code == 2 and "no deck named 'nope'" in result.output


def test_quiz_command_says_it_is_loading_while_it_checks_the_filters(mini_pack, monkeypatch):
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: None)
    monkeypatch.setattr("lambdalearn.commands.quiz._stderr_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["quiz", "--pack-dir", str(mini_pack), "--deck", "limits-quiz"])
    assert result.exit_code == 0 and "Loading the course to check the filters" in result.output


def test_lambdalearn_alone_opens_the_app(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: started.append(self))
    assert CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d")]).exit_code == 0
    assert started and started[0].start_quiz_request is None


async def test_an_unusable_data_folder_ends_the_app_with_the_reason(tmp_path, mini_pack):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = LambdaLearnApp(blocker / "data", pack_roots=[mini_pack])
    async with app.run_test() as pilot:
        for _ in range(400):
            if app.load_error:
                break
            await pilot.pause(0.025)
    assert app.return_code == 1 and "Cannot" in app.load_error and str(blocker) in app.load_error


def test_opening_the_app_imports_no_plotting_and_no_services():
    import subprocess
    import sys

    code = ("import sys, lambdalearn.cli, lambdalearn.commands.app, lambdalearn.tui.app\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('plotext', 'textual_plotext', 'yaml', 'sqlite_utils', 'fsrs'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_course_map_is_drawn_before_the_readiness_and_its_imports(mini_pack, tmp_path):
    """Issue 20: what home needs after its map (the exam readiness: FSRS over every exam question, the exam
    module) is imported only once the map is drawn; the store never imports sqlite-utils."""
    import json
    import subprocess
    import sys

    watched = ["lambdalearn.study.readiness", "lambdalearn.study.exam", "lambdalearn.tui.widgets.readiness",
               "sqlite_utils"]
    code = f"""
import asyncio, json, sys
from pathlib import Path
from lambdalearn.tui.app import LambdaLearnApp
from lambdalearn.tui.screens.home import HomeScreen

WATCHED, seen = {watched!r}, {{}}
fill = HomeScreen._fill_map

def spy(self, rows, labs):
    fill(self, rows, labs)
    seen.setdefault("map", [m for m in WATCHED if m in sys.modules])

HomeScreen._fill_map = spy

async def main():
    app = LambdaLearnApp(Path({str(tmp_path / "data")!r}), pack_roots=[Path({str(mini_pack)!r})])
    async with app.run_test() as pilot:
        for _ in range(400):
            if app.ready and app.screen.complete:
                break
            await pilot.pause(0.025)
        seen["complete"] = [m for m in WATCHED if m in sys.modules]
        seen["progress"] = str(app.screen.query_one("#progress").render())
    app.close_store()

asyncio.run(main())
print(json.dumps(seen))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["map"] == []
    assert seen["complete"] == watched[:3] and "Exam readiness" in seen["progress"]


def test_quiz_without_filters_opens_the_app_before_loading_the_course(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: started.append(self))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "quiz", "--cram"])
    assert result.exit_code == 0, result.output
    [app] = started
    assert app.catalog is None and app.start_quiz_request == QuizRequest(cram=True)


async def test_todays_goal_counts_answers_to_cards_in_learning_steps(make_app, data_dir):
    """Issue 17, finding 5: "today's goal: 0/N reviews" never counted up, as due cards were in learning steps."""
    from datetime import timedelta

    from lambdalearn.progress.clock import local_date, local_day_start
    from lambdalearn.progress.reviews import record_answer
    from lambdalearn.progress.store import ProgressStore

    # Local noon, whatever the machine's zone: answers 10 and 5 minutes earlier fall on the same local day
    # (with the real clock, a run in the first 5 minutes after midnight put both on yesterday).
    now = local_day_start(local_date(T0)) + timedelta(hours=12)
    with ProgressStore.open(data_dir) as store:
        for minutes_ago in (10, 5):  # a new card missed, then answered again in its learning step
            record_answer(store, "mini", "h-tf", question_type="truefalse", difficulty="beginner", rating=1,
                          correct=False, duration_ms=3000, now=now - timedelta(minutes=minutes_ago))
    app = make_app(clock=lambda: now)
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert "today's goal: 1/" in str(app.screen.query_one("#today").render())


async def test_a_live_resize_keeps_every_course_map_column_in_view(make_app):
    """Issue 17, finding 5: from 80x24 to 200x50, State/Min/XP were hidden until a restart."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        table = app.screen.query_one("#course-map")
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        await pilot.pause()
        needed = sum(column.get_render_width(table) for column in table.columns.values())
        assert table.size.width >= needed


async def test_a_first_run_shows_a_tour_of_the_keys_until_the_learner_starts(make_app):
    """Rustlings' habit (issue 17): a new learner is shown the keys; once a lesson is opened, the tour goes."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        tour = app.screen.query_one("#tour")
        assert tour.display and "New here?" in str(tour.render()) and "F1" in str(tour.render())
        await pilot.press("enter")  # opens lesson 1
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one("#tour").display


def _many_lessons(pack: Path, count: int) -> None:
    for order in range(3, count + 1):
        (pack / "content" / f"{order:02d}-extra.md").write_text(
            f"---\nid: extra-{order}\ntitle: Extra lesson {order}\norder: {order}\ndifficulty: beginner\nxp: 10\n"
            f"minutes: 1\ntags: [extra]\nsummary: One more.\n---\n\n## Part\n\nText {order}.\n")


async def test_a_map_longer_than_the_screen_is_filled_in_order_and_once_even_when_refreshed(make_app, mini_pack):
    """The rows past the first screen go in just after the first frame (the table measures every row it is
    given); the map still ends complete, in course order, with nothing doubled by a refresh meanwhile."""
    _many_lessons(mini_pack, 70)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        home = app.screen
        table = home.query_one("#course-map", DataTable)
        expected = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert table.row_count == 71  # 70 lessons and the mini pack's lab
        assert [title for title in expected if title.startswith("Extra")] == [
            f"Extra lesson {order}" for order in range(3, 71)]
        table.move_cursor(row=10)
        home.refresh_figures()
        shown_at_once = table.row_count
        home.refresh_figures()  # a second fill before the first one's remaining rows went in
        for _ in range(200):  # the readiness line comes after the remaining rows: then the fill is over
            if home.complete:
                break
            await pilot.pause(0.01)
        assert shown_at_once < 71 and table.cursor_row == 10  # the rows through the cursor's came at once
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == expected
