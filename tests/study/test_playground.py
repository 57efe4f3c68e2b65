"""The playground's model: the pool as the runtime's events describe it, and settings checked by Lambda's rules."""

from __future__ import annotations

import pytest

from lambdalearn.runtime.config import ConfigError
from lambdalearn.runtime.events import EventKind, RuntimeEvent
from lambdalearn.study.playground import DEMO_HANDLER, PlaygroundSettings, PoolView, demo_code_dir


def test_pool_view_follows_the_event_stream():
    pool = PoolView()
    for kind in (EventKind.ENVIRONMENT_CREATED, EventKind.ENVIRONMENT_BUSY, EventKind.ENVIRONMENT_IDLE,
                 EventKind.ENVIRONMENT_FROZEN):
        pool.on_event(RuntimeEvent(kind, 0.0, "env-1"))
    pool.on_event(RuntimeEvent(EventKind.ENVIRONMENT_CREATED, 0.0, "env-2"))
    assert pool.states == {"env-1": "frozen", "env-2": "initialising"} and pool.changed
    pool.on_event(RuntimeEvent(EventKind.ENVIRONMENT_SHUT_DOWN, 0.0, "env-1"))
    assert pool.counts()["shut down"] == 1
    pool.clear_shut_down()
    assert list(pool.states) == ["env-2"]


def test_settings_build_a_checked_config_for_the_bundled_demo():
    config = PlaygroundSettings(memory_mb=512, reserved_concurrency=5).config(demo_code_dir(), DEMO_HANDLER)
    assert (config.memory_mb, config.reserved_concurrency) == (512, 5)
    assert (demo_code_dir() / "app.py").is_file()
    with pytest.raises(ConfigError):
        PlaygroundSettings(memory_mb=64).config(demo_code_dir(), DEMO_HANDLER)
