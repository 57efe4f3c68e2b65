"""Shared fixtures: a throwaway copy of the mini pack and an isolated data directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI_PACK = FIXTURES / "packs" / "mini"


@pytest.fixture
def mini_pack(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture pack (every question type, two lessons, one lab folder)."""
    target = tmp_path / "mini"
    shutil.copytree(MINI_PACK, target)
    return target


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user data folder: every test gets its own LAMBDALEARN_HOME."""
    home = tmp_path / "home"
    monkeypatch.setenv("LAMBDALEARN_HOME", str(home))
    return home
