"""The playground's model: the function's settings, the runtime built from them, and the pool as the
runtime's event stream describes it, one environment at a time.

Also which event every request of a run carries (`EventChoice`): none (`{}`), a generated sample event
(`lambdalearn event list`), a JSON file or a JSON string, read the way `lambdalearn invoke` reads them.

Headless: the playground screen, `lambdalearn playground --plain` and the benchmark drive it. `PoolView.on_event` is a plain runtime
subscriber (cheap: it only records states), so a screen can redraw from it on its own timer instead of
once per event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.event_input import EventInputError, parse_event_json, read_event_file
from lambdalearn.runtime.events import EventKind, RuntimeEvent
from lambdalearn.runtime.records import InvocationRecord
from lambdalearn.runtime.sample_events import SOURCES, generate, source_named

if TYPE_CHECKING:
    from lambdalearn.runtime.traffic import Burst, Steady, TrafficTally

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


NO_EVENT, FILE_EVENT, JSON_EVENT = "none", "file", "json"


@dataclass(frozen=True)
class EventChoice:
    """The event each request of a run carries: `source` is NO_EVENT ({}), FILE_EVENT (`value` is the path),
    JSON_EVENT (`value` is the JSON text) or the name of a sample source (generated afresh for each run)."""

    source: str = NO_EVENT
    value: str = ""

    def event(self) -> Any:
        """The event; EventInputError (file:line:col) or EventOptionError (an unknown sample) when unusable."""
        if self.source == NO_EVENT:
            return {}
        if self.source == FILE_EVENT:
            if not self.value.strip():
                raise EventInputError("event file: type the path of a JSON file")
            return read_event_file(Path(self.value.strip()).expanduser())
        if self.source == JSON_EVENT:
            return parse_event_json(self.value, "--event-json")  # only the command line gives JSON text
        return generate(self.source)

    def describe(self) -> str:
        """A few words for the screen and the CLI: "{}", "an s3-put sample event", "events/order.json"."""
        if self.source == NO_EVENT:
            return "the empty event {}"
        if self.source in (FILE_EVENT, JSON_EVENT):
            return self.value.strip() if self.source == FILE_EVENT else "the given JSON event"
        return f"a generated {source_named(self.source).name} event"


def event_sources() -> list[tuple[str, str]]:
    """(label, source) for an event selector: no event, each sample source, then a JSON file."""
    samples = [(f"{source.name} sample", source.name) for source in SOURCES]
    return [("{} no event", NO_EVENT), *samples, ("a JSON file…", FILE_EVENT)]


def failure_headline(record: InvocationRecord) -> str:
    """"ValueError: order B-2002 has no items", from the error object the caller received."""
    payload = record.payload if isinstance(record.payload, dict) else {}
    error_type = payload.get("errorType") or record.error_type or "error"
    message = str(payload.get("errorMessage", "")).strip()
    return f"{error_type}: {message}" if message else str(error_type)


def log_tail(record: InvocationRecord, lines: int = 15) -> list[str]:
    """The last `lines` log lines of an invocation (its START ... REPORT, and INIT's lines on a cold start)."""
    return record.logs[-lines:]


async def run_traffic(
    code_dir: Path, handler: str, settings: PlaygroundSettings, plan: Burst | Steady, event: Any
) -> TrafficTally:
    """One run on a fresh function, closed afterwards: what `lambdalearn playground --plain` prints."""
    from lambdalearn.runtime.service import LambdaRuntime
    from lambdalearn.runtime.traffic import fire

    config = settings.config(code_dir, handler)
    async with LambdaRuntime(config, idle_timeout_s=PLAYGROUND_IDLE_TIMEOUT_S) as runtime:
        return await fire(runtime, plan, lambda _n: event)
