"""The lab screen on the mini pack's `hello` lab: red then green, hints, reset, solution gating, XP once.

The checks really run (one small function in the mini-Lambda per run), so these tests wait on the run's
worker rather than on time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.progress.labs import lab_progress
from lambdalearn.progress.xp import total_xp
from lambdalearn.tui.screens.lab import LabScreen
from lambdalearn.tui.screens.lab_solution import SolutionScreen

from .conftest import loaded

SOLVED = 'def handler(event, context):\n    return {"message": f"Hello, {event[\'name\']}!"}\n'



@pytest.fixture
def hinted_pack(mini_pack: Path) -> Path:
    """The mini pack whose hello lab has two README hints and a second section."""
    readme = mini_pack / "labs" / "hello" / "README.md"
    readme.write_text(readme.read_text() + "\n## What to return\n\nA dict.\n\n## Hint 1\n\nRead event['name'].\n\n"
                      "## Hint 2\n\nUse an f-string.\n")
    return mini_pack


async def open_hello(pilot) -> LabScreen:
    await loaded(pilot)
    table = pilot.app.screen.query_one("#course-map")
    labs = [i for i in range(table.row_count) if "Lab: Hello handler" in str(table.get_row_at(i)[1])]
    assert labs, "the course map lists the lab beside its lesson"
    table.move_cursor(row=labs[0])
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LabScreen)
    return screen


async def run(pilot, screen: LabScreen):
    await pilot.press("r")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen.last_report


def checks_text(screen: LabScreen) -> str:
    return str(screen.query_one("#lab-checks").render())


async def test_lab_runs_red_then_green_and_awards_xp_once(make_app, data_dir):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        assert (screen.workspace / "app.py").is_file(), "opening the lab starts its workspace"
        report = await run(pilot, screen)
        assert not report.passed
        assert "✗ greets whoever" in checks_text(screen)
        log_lines = [str(line.text) for line in screen.query_one("#lab-log").lines]
        assert any(line.startswith("REPORT RequestId") for line in log_lines), "the function's log shows"
        assert any(line.startswith("INIT_START Runtime Version: python:") for line in log_lines), "INIT_START shows"
        (screen.workspace / "app.py").write_text(SOLVED)
        report = await run(pilot, screen)
        assert report.passed and "✓ greets whoever" in checks_text(screen)
        xp_after_first_pass = total_xp(app.store)
        assert xp_after_first_pass == 20
        await run(pilot, screen)
        assert total_xp(app.store) == xp_after_first_pass, "XP is awarded once"
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one("#course-map")
        assert any(table.get_row_at(i)[2] == "✓ completed" for i in range(table.row_count))


async def test_hints_come_one_at_a_time_and_are_remembered(make_app, hinted_pack):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        assert [page.title for page in screen.pages] == ["Introduction", "What to return"]
        assert all("Hint" not in page.text for page in screen.pages)
        await pilot.press("i")
        await pilot.pause()
        assert screen.pages[-1].title == "Hints" and "event['name']" in screen.pages[-1].text
        assert "f-string" not in screen.pages[-1].text
        await pilot.press("i")
        await pilot.pause()
        assert "f-string" in screen.pages[-1].text
        assert lab_progress(app.store, "mini", "hello").hints_shown == 2


async def test_solution_only_after_a_first_attempt(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen, "no solution before a first run"
        await run(pilot, screen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SolutionScreen)
        await pilot.press("escape")


async def test_reset_asks_and_keeps_a_backup(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        (screen.workspace / "app.py").write_text(SOLVED)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")  # said no
        await pilot.pause()
        assert (screen.workspace / "app.py").read_text() == SOLVED
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "TODO" in (screen.workspace / "app.py").read_text()
        backups = list(screen.workspace.parent.glob("hello.backup-*"))
        assert len(backups) == 1 and (backups[0] / "app.py").read_text() == SOLVED


async def test_watch_mode_runs_again_on_save_and_keeps_watching_after_a_reset(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        await pilot.press("w")
        for _ in range(600):  # the first run starts at once
            if screen.runs == 1 and not screen.running:
                break
            await pilot.pause(0.05)
        assert screen.last_report is not None and not screen.last_report.passed
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.5)  # let the watcher settle on the fresh folder
        (screen.workspace / "app.py").write_text(SOLVED)
        for _ in range(600):  # a save is seen within about a second, then the checks run
            if screen.last_report is not None and screen.last_report.passed:
                break
            await pilot.pause(0.05)
        assert screen.last_report.passed, "saving the fresh workspace re-ran the checks"
        await pilot.press("w")
        assert not screen.watching


async def test_brackets_in_a_check_message_are_shown_as_text(make_app):
    from lambdalearn.labs.report import FAIL, CheckResult

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        screen.runs = 1
        screen._check_done(CheckResult("greets whoever is named in the event", FAIL, '-  "copied": [\n+  [/b] ]'))
        await pilot.pause()
        text = checks_text(screen)
        assert '-  "copied": [\n' in text and "[/b] ]" in text and "[/]" not in text


async def reopen_hello(pilot):
    """Open the hello lab from the course map again; return the screen on top (a dialog, for a completed lab)."""
    table = pilot.app.screen.query_one("#course-map")
    table.move_cursor(row=next(i for i in range(table.row_count) if "Lab: Hello handler" in str(table.get_row_at(i)[1])))
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen


async def test_a_completed_lab_asks_before_it_starts_over_and_keeps_the_passing_workspace(make_app):
    """Issue 17, finding 6, in the app: opening a completed lab says where its passing workspace is; it opens
    that workspace, or starts over with it kept as a backup, or goes back, as the learner chooses."""
    from lambdalearn.tui.screens.confirm import ConfirmScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        workspace = screen.workspace
        (workspace / "app.py").write_text(SOLVED)
        assert (await run(pilot, screen)).passed
        await pilot.press("escape")
        await pilot.pause()
        dialog = await reopen_hello(pilot)
        assert isinstance(dialog, ConfirmScreen)
        assert f"Hello handler is completed (every check passed); its passing workspace is {workspace}." in dialog.question
        await pilot.press("escape")  # Back: home again, nothing touched
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen" and (workspace / "app.py").read_text() == SOLVED
        await reopen_hello(pilot)
        await pilot.press("y")  # open it as it is
        await pilot.pause()
        assert isinstance(app.screen, LabScreen) and app.screen.workspace == workspace
        assert (workspace / "app.py").read_text() == SOLVED
        await pilot.press("escape")
        await pilot.pause()
        await reopen_hello(pilot)
        await pilot.press("s")  # start over
        await pilot.pause()
        assert isinstance(app.screen, LabScreen) and "TODO" in (workspace / "app.py").read_text()
        [backup] = list(workspace.parent.glob("hello.backup-*"))
        assert (backup / "app.py").read_text() == SOLVED
        assert f"your passing workspace is kept in {backup}" in " ".join(
            str(line.text) for line in app.screen.query_one("#lab-log").lines)


async def test_a_run_that_cannot_start_says_why_as_written(make_app):
    """The reason a run could not start (an exception's text, a path) went to a notification as markup: `[/]`
    in it ended the app."""
    from textual.widgets._toast import Toast

    from lambdalearn.labs.report import LabReport

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        screen._finish(LabReport("hello", (), error="checks.py: ValueError: bad [/] value in C:\\\\x\\\\"))
        await pilot.pause()
        shown = str(Toast(list(app._notifications)[-1]).render())  # as the notification's toast draws it
        assert shown == "Cannot run the checks: checks.py: ValueError: bad [/] value in C:\\\\x\\\\"


async def test_escape_sequences_in_check_messages_and_function_logs_never_reach_the_terminal(make_app):
    """Check names and messages come from the pack's checks.py at run time and log lines from the learner's
    function, so validation never sees them: an OSC 52 clipboard write in one went to the terminal as is."""
    from lambdalearn.labs.report import FAIL, CheckResult

    osc52 = "\x1b]52;c;aGk=\x07"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_hello(pilot)
        screen.runs = 1
        screen._check_done(CheckResult(f"greets {osc52}you", FAIL, f"expected hello{osc52}\x1b[2J"))
        screen._log(f"START RequestId: 1 {osc52}\x1b[31mred")
        await pilot.pause()
        assert "\x1b" not in checks_text(screen) and "greets you" in checks_text(screen)
        logged = "".join(strip.text for strip in screen.query_one("#lab-log").lines)
        assert "\x1b" not in logged and "red" in logged
