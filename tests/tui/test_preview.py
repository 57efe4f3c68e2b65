"""`lambdalearn pack preview`: the app on a pack folder, its problems listed, a fix reloads it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lambdalearn.cli import cli

from .conftest import loaded


async def wait_for(pilot, condition, tries: int = 400) -> None:
    """Wait until `condition()` holds (the watcher reacts to a save within a second or so)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_a_broken_file_shows_its_problem_and_fixing_it_reloads(make_app, mini_pack: Path):
    lesson = mini_pack / "content" / "02-limits.md"
    good = lesson.read_text()
    lesson.write_text(good.replace("difficulty:", "difficulty: impossible\nold_difficulty:", 1))
    app = make_app(pack_roots=[mini_pack], preview=mini_pack)
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        problems = app.screen.query_one("#problems")
        assert "content/02-limits.md:" in str(problems.render())
        assert app.screen.query_one("#problems-scroll").has_class("failing")
        table = app.screen.query_one("#course-map")
        assert table.row_count == 2, "the broken lesson is skipped, the rest shows"
        lesson.write_text(good)
        await wait_for(pilot, lambda: "No problems" in str(problems.render()))
        assert app.screen.query_one("#course-map").row_count == 3


def test_preview_refuses_a_folder_without_a_manifest(tmp_path: Path):
    result = CliRunner().invoke(cli, ["pack", "preview", str(tmp_path)])
    assert result.exit_code == 2 and "no pack.yaml here" in result.output
