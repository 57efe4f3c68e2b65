"""Apps for the TUI tests: the mini fixture pack, a throwaway data folder, a fixed clock and seed."""

from __future__ import annotations

import asyncio
import inspect
from datetime import datetime, timezone
from pathlib import Path

import pytest

from lambdalearn.tui.app import LambdaLearnApp
from lambdalearn.tui.screens.home import HomeScreen

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no async plugin needed for Pilot tests)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def make_app(mini_pack: Path, data_dir: Path):
    """Build apps on the mini pack; their databases are closed after the test."""
    apps: list[LambdaLearnApp] = []

    def make(fixed_clock: bool = True, clock=None, **kwargs) -> LambdaLearnApp:
        kwargs.setdefault("pack_roots", [mini_pack])
        clock = clock or ((lambda: T0) if fixed_clock else None)
        app = LambdaLearnApp(data_dir, seed=7, clock=clock, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close_store()


async def loaded(pilot) -> None:
    """Wait until the app has loaded the packs and opened the database (the loader starts after the
    first frame, so wait for `ready` rather than for workers)."""
    for _ in range(400):
        home_filled = not isinstance(pilot.app.screen, HomeScreen) or pilot.app.screen.complete
        if pilot.app.load_error or (pilot.app.ready and home_filled):
            break
        await pilot.pause(0.025)
    await pilot.pause()
    assert pilot.app.ready


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ".": "full_stop", ",": "comma"}.get(ch, ch) for ch in text])


async def sort_steps(pilot, pad) -> None:
    """Put an order question's steps right with the keys a learner would use (↑/↓ to pick, - to move up)."""
    steps = pad.query_one("OptionList")
    for target in range(len(pad.order)):
        at = pad.order.index(target + 1)
        while steps.highlighted != at:
            await pilot.press("down" if steps.highlighted < at else "up")
        for _ in range(at - target):
            await pilot.press("minus")


async def assert_focus_keeps_one_line(pilot, widget_ids: tuple[str, ...]) -> None:
    """Focus each widget in turn: the app's focus border (tall) and button outline must leave its one line of
    text visible (the playground's and the Scale screen's settings rows)."""
    for widget_id in widget_ids:
        widget = pilot.app.screen.query_one(f"#{widget_id}")
        widget.focus()
        await pilot.pause()
        assert widget.has_focus and widget.content_region.height == 1, widget_id
