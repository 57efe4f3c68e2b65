"""The playground's model: the function's settings, the runtime built from them, and the pool as the
runtime's event stream describes it, one environment at a time.

Headless: the playground screen and its benchmark drive it. `PoolView.on_event` is a plain runtime
subscriber (cheap: it only records states), so a screen can redraw from it on its own timer instead of
once per event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.events import EventKind, RuntimeEvent

DEMO_HANDLER = "app.handler"
# Idle environments shut down after a minute here (minutes on AWS), so a learner sees it happen.
PLAYGROUND_IDLE_TIMEOUT_S = 60.0
INITIALISING, BUSY, IDLE, FROZEN, SHUT_DOWN = "initialising", "busy", "idle", "frozen", "shut down"
POOL_STATES = (INITIALISING, BUSY, IDLE, FROZEN, SHUT_DOWN)
_STATE_OF_EVENT = {
    EventKind.ENVIRONMENT_CREATED: INITIALISING,
    EventKind.ENVIRONMENT_INITIALISING: INITIALISING,
    EventKind.ENVIRONMENT_BUSY: BUSY,
    EventKind.ENVIRONMENT_IDLE: IDLE,
    EventKind.ENVIRONMENT_FROZEN: FROZEN,
    EventKind.ENVIRONMENT_SHUT_DOWN: SHUT_DOWN,
}


def demo_code_dir() -> Path:
    """The bundled demo function (a 300 ms INIT, 100 ms invocations)."""
    return Path(__file__).resolve().parent.parent / "labs" / "playground_demo"


# The playground's function stands for a published version (provisioned concurrency is refused on $LATEST).
PLAYGROUND_VERSION = "1"


@dataclass(frozen=True)
class PlaygroundSettings:
    """What the learner may change between runs."""

    memory_mb: int = 128
    reserved_concurrency: int | None = None
    provisioned_concurrency: int = 0

    def config(self, code_dir: Path, handler: str) -> FunctionConfig:
        """The function's configuration; ConfigError (Lambda's own wording) when a value is refused."""
        return FunctionConfig(
            handler=handler, code_dir=code_dir, function_name="playground", memory_mb=self.memory_mb,
            reserved_concurrency=self.reserved_concurrency, provisioned_concurrency=self.provisioned_concurrency,
            version=PLAYGROUND_VERSION,
        ).validated()


@dataclass
class PoolView:
    """Each environment's latest state, in order of creation; `changed` tells a screen to redraw."""

    states: dict[str, str] = field(default_factory=dict)
    changed: bool = False
    keep_shut_down: int = 200  # shut-down environments kept for the picture, the oldest dropped first

    def on_event(self, event: RuntimeEvent) -> None:
        state = _STATE_OF_EVENT.get(event.kind)
        if state is None or event.environment_id is None:
            return
        self.states[event.environment_id] = state
        self.changed = True
        if state == SHUT_DOWN:
            gone = [env for env, s in self.states.items() if s == SHUT_DOWN]
            for env in gone[: max(0, len(gone) - self.keep_shut_down)]:
                del self.states[env]

    def counts(self) -> dict[str, int]:
        """How many environments are in each state (every state listed, zeros included)."""
        counts = dict.fromkeys(POOL_STATES, 0)
        for state in self.states.values():
            counts[state] += 1
        return counts

    def clear_shut_down(self) -> None:
        self.states = {env: state for env, state in self.states.items() if state != SHUT_DOWN}
        self.changed = True
