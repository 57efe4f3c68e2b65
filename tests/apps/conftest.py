"""Helpers for app tests: write a template (and a handler folder) into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


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
