"""Fixtures for the mini-runtime tests: the fixture handlers, a config maker, and a leftover-process probe."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

from lambdalearn.runtime import cgroup, procfs, sandbox
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.service import LambdaRuntime

HANDLERS = Path(__file__).resolve().parents[1] / "fixtures" / "handlers"


def skip_because(reason: str) -> NoReturn:
    """Skip the test, saying why in its output too."""
    print(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def namespaces_refusal() -> str | None:
    """Why the kernel refuses the namespace path here (None: it allows it), probed once."""
    path, reason = sandbox.probe()
    return None if path == sandbox.NAMESPACES else reason


@pytest.fixture(autouse=True, params=sandbox.PATHS)
def sandbox_path(request, monkeypatch, namespaces_refusal) -> str:
    """Every runtime test runs on both containment paths (LAMBDALEARN_SANDBOX forces one)."""
    if request.param == sandbox.NAMESPACES and namespaces_refusal:
        skip_because(f"namespace path unavailable here: {namespaces_refusal}")
    monkeypatch.setenv(sandbox.ENV_VAR, request.param)
    return request.param


@pytest.fixture(scope="session")
def cgroup_refusal() -> str | None:
    """Why environments cannot get cgroups here (None: they can), probed once."""
    choice = cgroup.probe()
    if choice.path:
        cgroup.remove_tree(choice.path)
    return None if choice.kind == cgroup.CGROUP else choice.reason


@pytest.fixture(autouse=True, params=cgroup.CHOICES)
def process_unit(request, monkeypatch, cgroup_refusal) -> str:
    """... and with each environment's processes as one cgroup, and as a walk of /proc (LAMBDALEARN_CGROUP
    forces one). On the cgroup path, no cgroup of a run that has ended may be left behind."""
    if request.param == cgroup.CGROUP and cgroup_refusal:
        skip_because(f"cgroup unit unavailable here: {cgroup_refusal}")
    monkeypatch.setenv(cgroup.ENV_VAR, request.param)
    yield request.param
    if request.param == cgroup.CGROUP:
        assert cgroup.stale(cgroup.own_cgroup()) == [], "a run that ended left its cgroup behind"


def states_of(runtime: LambdaRuntime, sandbox_path: str) -> list[tuple[int, str]]:
    """(pid, state) of every process inside every environment: the letter from /proc/<pid>/stat ("T" when
    stopped) on the process walk; on the cgroup path "T" when its cgroup's cgroup.events says frozen, else
    "thawed" (a process frozen by the cgroup v2 freezer shows as sleeping). On the namespace path the first
    process is the relay outside the PID namespace, which only waits: it is left out."""
    states = []
    for view in runtime.environments():
        members = cgroup.members(view.cgroup) if view.cgroup else procfs.unit_members(view.pid)
        for pid in members:
            if sandbox_path == "namespaces" and pid == view.pid:
                continue
            if view.cgroup:
                states.append((pid, "T" if cgroup.is_frozen(view.cgroup) else "thawed"))
                continue
            with open(f"/proc/{pid}/stat") as stat:
                states.append((pid, stat.read().rsplit(")", 1)[1].split()[0]))
    return states


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
    """leftover_processes(pids): for each pid (an environment's, or one of its processes), what is still alive
    of it and its descendants."""

    def probe(pids: set[int]) -> dict[int, list[int]]:
        left = {}
        for pid in pids:
            members = procfs.unit_members(pid)
            if members:
                left[pid] = members
        return left

    return probe


@pytest.fixture
def run() -> Callable:
    """Run a coroutine to completion in a fresh event loop."""
    return asyncio.run
