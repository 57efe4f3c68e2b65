"""Several packs in the app: an installed pack is listed beside the bundled course, and the pack filter
narrows the course map, labs, quizzes and exams to one pack."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.content.install import install_pack
from lambdalearn.content.registry import PackRegistry
from lambdalearn.tui.screens.exam_setup import ExamSetupScreen
from lambdalearn.tui.screens.pick import PickScreen
from lambdalearn.tui.screens.quiz import QuizScreen

from .conftest import loaded

LAB_PACK = Path(__file__).parent.parent / "fixtures" / "labs" / "pack"


def map_titles(screen) -> list[str]:
    table = screen.query_one("#course-map")
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def pick(pilot, index: int) -> None:
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PickScreen)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_an_installed_pack_is_listed_and_the_filter_narrows_everything(make_app, data_dir):
    install_pack(PackRegistry(data_dir), LAB_PACK)
    app = make_app(pack_roots=None)  # the app's own choice: the bundled course and what is installed
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert [pack.id for pack in app.catalog.packs] == ["lambda-core", "labtests"]
        packs = str(app.screen.query_one("#packs").render())
        assert "2 packs, showing all" in packs and "Lab engine test pack (installed)" in packs
        everything = map_titles(app.screen)
        await pick(pilot, 2)  # the installed pack
        assert app.pack_filter == "labtests"
        narrowed = map_titles(app.screen)
        assert narrowed and len(narrowed) < len(everything)
        assert all(title.strip().startswith("⚗ Lab:") or title in {"Basics"} for title in narrowed)
        assert "showing labtests only" in str(app.screen.query_one("#packs").render())
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, ExamSetupScreen), "the lab pack has no exam blueprint"
        await pick(pilot, 1)  # the bundled course
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamSetupScreen) and [p.id for p in app.screen.packs] == ["lambda-core"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.request.pack == "lambda-core"
