"""Helpers for app tests: write a template (and a handler folder) into tmp_path."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest

from lambdalearn.apps.run import AppRun
from lambdalearn.apps.template import read_app


@pytest.fixture
def write_app(tmp_path: Path):
    """write_app(template_text, handlers={"app.py": code}) -> path of template.yaml, code in src/."""

    def write(template: str, handlers: dict[str, str] | None = None) -> Path:
        src = tmp_path / "src"
        src.mkdir(exist_ok=True)
        for name, code in (handlers or {"app.py": "def handler(event, context):\n    return event\n"}).items():
            (src / name).write_text(textwrap.dedent(code))
        path = tmp_path / "template.yaml"
        path.write_text(textwrap.dedent(template).lstrip())
        return path

    return write


def run_template(path: Path, actions: list[Any], until: float | None = None) -> tuple[list[dict], AppRun]:
    """Run the app of the template at `path` with `actions`; its timeline and the finished run."""
    app = read_app(path)

    async def go() -> tuple[list[dict], AppRun]:
        async with AppRun(app) as run:
            return await run.run(actions, until=until), run

    return asyncio.run(go())


def of(events: list[dict], kind: str) -> list[dict]:
    """The events of one kind, in order."""
    return [event for event in events if event["kind"] == kind]
