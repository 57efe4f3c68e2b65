"""Shared fixtures: a throwaway copy of the mini pack, an isolated data directory, pinned property tests, and a
check that no run of the mini-runtime (invoke, lab check, the playground, the app) leaves its cgroup behind."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"
MINI_PACK = FIXTURES / "packs" / "mini"

# Every property test draws the same examples on every run and on every machine, and none fails for being
# slow on a loaded one: a failure is then a fact about the code, reproducible by running the test again.
settings.register_profile("pinned", derandomize=True, deadline=None, database=None)
settings.load_profile("pinned")


def pytest_configure(config: pytest.Config) -> None:
    """A suite started in the background by a non-interactive shell inherits SIGINT ignored, and one started
    under `nohup` SIGHUP ignored, and so would every command a test starts: the tests that press Ctrl+C on
    `serve` or a lab check, or close a program's terminal, then wait for nothing. Take both back (a handler
    is reset to the default in each child), in the controller and in every worker."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGHUP) == signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


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


@pytest.fixture(scope="session", autouse=True)
def no_cgroup_left_behind():
    """Every run of the runtime removes its cgroup (lambdalearn/runtime/cgroup.py) when it ends, whatever
    started it; checked over the whole session (runs that ended before it are not ours to judge)."""
    from lambdalearn.runtime import cgroup

    try:
        own = cgroup.own_cgroup()
    except cgroup.CgroupUnavailable:
        yield
        return
    before = set(cgroup.stale(own))
    yield
    assert sorted(set(cgroup.stale(own)) - before) == [], "a run left its cgroup behind"
