"""Fixtures for the mini-runtime tests: the fixture handlers, a config maker, and a leftover-process probe."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lambdalearn.runtime import procfs
from lambdalearn.runtime.config import FunctionConfig

HANDLERS = Path(__file__).resolve().parents[1] / "fixtures" / "handlers"


@pytest.fixture
def handlers_dir() -> Path:
    """tests/fixtures/handlers, the code directory of every test function."""
    return HANDLERS


@pytest.fixture
def function_config() -> Callable[..., FunctionConfig]:
    """function_config("module.function", **changes): a config whose code is in the fixture handlers."""

    def make(handler: str, **changes: Any) -> FunctionConfig:
        return FunctionConfig(handler=handler, code_dir=HANDLERS, **changes)

    return make


@pytest.fixture
def leftover_processes() -> Callable[[set[int]], dict[int, list[int]]]:
    """leftover_processes(pids): for each environment pid, the processes of its session still alive."""

    def probe(pids: set[int]) -> dict[int, list[int]]:
        left = {}
        for pid in pids:
            members = procfs.session_members(pid)
            if procfs.is_alive(pid) and pid not in members:
                members.append(pid)
            if members:
                left[pid] = members
        return left

    return probe


@pytest.fixture
def run() -> Callable:
    """Run a coroutine to completion in a fresh event loop."""
    return asyncio.run
