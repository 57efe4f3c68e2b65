"""The playground: fire a burst or a steady stream at a function and watch its environment pool live.

Every figure comes from the real mini-Lambda (`lambdalearn.runtime.traffic.fire`). The runtime runs on the
app's event loop (it is asyncio and never blocks); its events only update a `PoolView`, and the pool and
counters are redrawn from a timer at most every `REDRAW_S`, so a hundred environments starting at once do
not flood the screen with repaints. The runtime is kept between runs (warm environments stay warm) until
a setting changes, and it is closed when the learner leaves.

Each run carries the event chosen in the Event row (none, a generated sample, a JSON file), draws admitted
concurrency and throttles over time (textual-plotext, imported with this screen only), and lists its last
failed invocations with their logs. Starting a run clears every figure, the chart and the failures of the
previous one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from lambdalearn.study.playground import (
    BUSY,
    DEMO_HANDLER,
    FILE_EVENT,
    FROZEN,
    IDLE,
    INITIALISING,
    JSON_EVENT,
    PLAYGROUND_IDLE_TIMEOUT_S,
    POOL_STATES,
    SHUT_DOWN,
    EventChoice,
    PlaygroundSettings,
    PoolView,
    demo_code_dir,
    event_sources,
)
from lambdalearn.textsafe import printable
from lambdalearn.tui.widgets.concurrency_chart import ConcurrencyChart
from lambdalearn.tui.widgets.failures_pane import FailuresPane
from lambdalearn.tui.widgets.text import escape

REDRAW_S = 0.08
SHORT_ROWS = 32  # below this terminal height the rows lose their spacing, so the pool, chart and failures fit
CHART_EVERY = 4  # redraw ticks between chart redraws while a run is going (plotting costs more than text)
_CELL = {INITIALISING: "$warning", BUSY: "$success", IDLE: "$primary", FROZEN: "$accent", SHUT_DOWN: "$text-disabled"}
_NUMBER = {"type": "integer", "compact": True}


def _cells(pool: PoolView, provisioned: set[str]) -> str:
    """One cell an environment, in order of creation; neighbours in the same state share one colour tag
    (markup is parsed on every redraw: a hundred tags cost more than a handful)."""
    runs: list[tuple[str, list[str]]] = []
    for env, state in pool.states.items():
        if not runs or runs[-1][0] != state:
            runs.append((state, []))
        runs[-1][1].append("◆" if env in provisioned else "■")
    return " ".join(f"[{_CELL[state]}]{' '.join(marks)}[/]" for state, marks in runs)


def _input_text(value: int | float | None) -> str:
    """A command-line value as an input shows it: 5, 2.5, blank for none."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


class PlaygroundScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f5", "burst", "Burst"),
        Binding("f6", "steady", "Steady"),
        Binding("f7", "stop", "Stop"),
        Binding("f8", "shut_down_idle", "Shut down idle"),
    ]

    def __init__(self, code_dir: Path | None = None, handler: str | None = None, *,
                 event: EventChoice | None = None, values: dict[str, Any] | None = None) -> None:
        """`event` preselects the event (the CLI's --event options); `values` fills inputs by id (--requests...)."""
        super().__init__()
        self.code_dir = Path(code_dir) if code_dir is not None else demo_code_dir()
        self.code_label = str(code_dir) if code_dir is not None else "the bundled demo"
        self.handler = handler or DEMO_HANDLER
        self.initial_event = event or EventChoice()
        self.initial_values = values or {}
        self.pool = PoolView()
        self.runtime = None
        self.runtime_settings: PlaygroundSettings | None = None
        self.tally = None
        self.running = False
        self._figures_changed = False
        self._ticks = 0

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Vertical(id="playground"):
            with Horizontal(classes="pg-row"):
                yield Label("Burst")
                yield Input("20", id="requests", **_NUMBER)
                yield Label("requests, at most")
                yield Input("10", id="concurrency", **_NUMBER)
                yield Label("at once")
                yield Button("Fire burst F5", id="burst", compact=True, variant="primary")
            with Horizontal(classes="pg-row"):
                yield Label("Steady")
                yield Input("5", id="rate", type="number", compact=True)
                yield Label("a second, for")
                yield Input("10", id="duration", type="number", compact=True)
                yield Label("seconds")
                yield Button("Fire steady F6", id="steady", compact=True)
            with Horizontal(classes="pg-row"):
                yield Label("Memory MB")
                yield Input("128", id="memory", **_NUMBER)
                yield Label("Reserved")
                yield Input("", id="reserved", placeholder="none", **_NUMBER)
                yield Label("Provisioned")
                yield Input("0", id="provisioned", **_NUMBER)
            with Horizontal(classes="pg-row"):
                yield Label("Event")
                yield Select(self._event_options(), value=self.initial_event.source, allow_blank=False, compact=True,
                             id="event")
                yield Input(self.initial_event.value if self.initial_event.source == FILE_EVENT else "",
                            placeholder="path/to/event.json", id="event-file", compact=True)
            yield Static("", id="pg-event-error")
            yield Static("", id="pg-message")
            yield Static("", id="pg-counters")
            with Horizontal(id="pg-main"):
                with Vertical(id="pg-pool-side"):
                    yield Static(self._legend(), id="pg-legend")
                    with VerticalScroll(id="pg-pool-scroll"):
                        yield Static("", id="pg-pool")
                yield ConcurrencyChart(id="pg-chart")
            yield FailuresPane(id="pg-failures-row")
        yield Footer()

    def _event_options(self) -> list[tuple[str, str]]:
        options = event_sources()
        if self.initial_event.source == JSON_EVENT:  # --event-json: offered as long as the screen lives
            options.insert(1, ("the --event-json event", JSON_EVENT))
        return options

    def on_mount(self) -> None:
        self.sub_title = f"Playground: {self.handler} in {self.code_label}"
        for input_id, value in self.initial_values.items():
            self.query_one(f"#{input_id}", Input).value = _input_text(value)
        self._show_event_file()
        self._clear_run()
        self.set_class(self.app.size.height < SHORT_ROWS, "-short")
        self._say(f"Function {escape(self.handler)}. Set the traffic and settings, then F5 or F6. Esc leaves.")
        self._draw_counters()
        self.set_interval(REDRAW_S, self._redraw)
        self.query_one("#burst").focus()
        self._warm_imports()

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT_ROWS, "-short")
        self._figures_changed = True  # a short terminal gets the chart without its legend

    @work(thread=True, group="playground-imports")
    def _warm_imports(self) -> None:
        """Import the runtime (about 0.1 s) now, off the event loop, rather than on the first F5 in one block."""
        import lambdalearn.runtime.service  # noqa: F401
        import lambdalearn.runtime.traffic  # noqa: F401

    # ----- drawing -----------------------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#pg-message", Static)
        message.set_class(error, "error")
        message.update(text)

    @staticmethod
    def _legend() -> str:
        marks = [f"[{_CELL[state]}]■[/] {state}" for state in POOL_STATES] + ["◆ provisioned"]
        return "Pool: " + "  ".join(marks[:3]) + "\n      " + "  ".join(marks[3:])

    def _redraw(self) -> None:
        """Repaint what changed since the last tick (the runtime's events only mark it)."""
        if self.pool.changed:
            self.pool.changed = False
            views = self.runtime.environments() if self.runtime is not None else []
            provisioned = {view.environment_id for view in views if view.provisioned}
            counts = self.pool.counts()
            summary = " · ".join(f"{counts[state]} {state}" for state in POOL_STATES if counts[state])
            self.query_one("#pg-pool", Static).update(f"{summary or 'no environments yet'}\n" + _cells(self.pool, provisioned))
        self._ticks += 1
        if self._figures_changed:
            self._figures_changed = False
            self._draw_counters()
            self._draw_failures()
            if not self.running or self._ticks % CHART_EVERY == 0:
                self._draw_chart()
            else:
                self._figures_changed = True  # the chart still owes this change: draw it on a later tick

    def _draw_counters(self) -> None:
        tally = self.tally
        if tally is None:
            waiting = "[b]running[/]: waiting for the first answers…" if self.running else "No traffic yet."
            self.query_one("#pg-counters", Static).update(f"[$text-muted]{waiting}[/]")
            return

        def ms(value: float | None) -> str:
            return "–" if value is None else f"{value:.0f} ms"

        state = "[b]running[/] (F7 stops)" if self.running else "done"
        self.query_one("#pg-counters", Static).update(
            f"{state} · sent {tally.sent} · invocations [b]{tally.invocations}[/] · cold starts "
            f"[b $warning]{tally.cold_starts}[/] · throttles [b $error]{tally.throttles}[/] · errors {tally.errors}\n"
            f"in flight {tally.in_flight} (peak {tally.peak_in_flight}) · p50 {ms(tally.p50_ms)} · "
            f"p99 {ms(tally.p99_ms)} · cost ${tally.cost_usd:.8f}"
        )

    def _draw_chart(self) -> None:
        buckets = self.tally.trace.buckets() if self.tally is not None else []
        reserved = self.runtime_settings.reserved_concurrency if self.runtime_settings is not None else None
        self.query_one(ConcurrencyChart).show(buckets, reserved, compact=self.has_class("-short"))

    def _draw_failures(self) -> None:
        tally = self.tally
        self.query_one(FailuresPane).show(tally.failures if tally else [], tally.errors if tally else 0)

    def _clear_run(self) -> None:
        """Forget the previous run: its counters, chart and failures (the pool stays: it is still there)."""
        self.tally = None
        self._draw_counters()
        self._draw_failures()
        self._draw_chart()

    # ----- the event ------------------------------------------------------------------------------------------
    def _event_choice(self) -> EventChoice:
        source = self.query_one("#event", Select).value
        if source == FILE_EVENT:
            return EventChoice(FILE_EVENT, self.query_one("#event-file", Input).value)
        if source == JSON_EVENT:
            return self.initial_event
        return EventChoice(str(source))

    def _show_event_file(self) -> None:
        self.query_one("#event-file").display = self.query_one("#event", Select).value == FILE_EVENT

    @on(Select.Changed, "#event")
    def _event_changed(self) -> None:
        self._show_event_file()
        self._event_problem(None)
        chooser = self.query_one("#event", Select)
        if chooser.value == FILE_EVENT and chooser.has_focus:  # the learner picked it (not the --event-file start)
            self.query_one("#event-file").focus()

    @on(Input.Changed, "#event-file")
    def _event_file_edited(self) -> None:
        self._event_problem(None)

    def _event_problem(self, problem: str | None) -> None:
        """Show (or clear) what is wrong with the chosen event, right under the Event row."""
        error = self.query_one("#pg-event-error", Static)
        error.display = problem is not None
        error.update(Content(printable(problem or "")))

    def _checked_event(self) -> tuple[EventChoice, Any] | None:
        """The chosen event, or None after showing why it cannot be used."""
        choice = self._event_choice()
        try:
            return choice, choice.event()
        except ValueError as problem:
            self._event_problem(str(problem))
            return None

    # ----- settings and the runtime ------------------------------------------------------------------------
    def _number(self, input_id: str, *, blank: bool = False, real: bool = False) -> float | int | None:
        text = self.query_one(f"#{input_id}", Input).value.strip()
        if not text and blank:
            return None
        try:
            return float(text) if real else int(text)
        except ValueError:
            raise ValueError(f"{input_id}: '{text}' is not a number") from None

    def _settings(self) -> PlaygroundSettings:
        return PlaygroundSettings(self._number("memory"), self._number("reserved", blank=True),
                                  self._number("provisioned", blank=True) or 0)

    async def _runtime_for(self, settings: PlaygroundSettings):
        """The runtime for these settings: the current one, or a new one (the old one is closed)."""
        from lambdalearn.runtime.service import LambdaRuntime

        if self.runtime is not None and settings == self.runtime_settings:
            return self.runtime
        config = settings.config(self.code_dir, self.handler)  # ConfigError before anything closes
        await self._close_runtime()
        self.pool.clear_shut_down()
        self.runtime = LambdaRuntime(config, idle_timeout_s=PLAYGROUND_IDLE_TIMEOUT_S)
        self.runtime_settings = settings
        self.runtime.events.subscribe(self.pool.on_event)
        if settings.provisioned_concurrency:
            self._say(f"Initialising {settings.provisioned_concurrency} provisioned environment(s) first…")
        await self.runtime.start()
        return self.runtime

    async def _close_runtime(self) -> None:
        if self.runtime is not None:
            runtime, self.runtime = self.runtime, None
            await runtime.aclose()

    # ----- firing -------------------------------------------------------------------------------------------
    def action_burst(self) -> None:
        from lambdalearn.runtime.traffic import Burst

        try:
            plan = Burst(self._number("requests"), self._number("concurrency"))
        except ValueError as problem:
            self._say(f"Burst: {problem}", error=True)
            return
        self.fire_plan(plan, f"a burst of {plan.requests} at concurrency {plan.concurrency}")

    def action_steady(self) -> None:
        from lambdalearn.runtime.traffic import Steady

        try:
            plan = Steady(self._number("rate", real=True), self._number("duration", real=True))
        except ValueError as problem:
            self._say(f"Steady: {problem}", error=True)
            return
        self.fire_plan(plan, f"{plan.rate_per_s:g} requests a second for {plan.duration_s:g} s")

    @work(exclusive=True, group="playground")
    async def fire_plan(self, plan, description: str) -> None:
        from lambdalearn.runtime.config import ConfigError
        from lambdalearn.runtime.traffic import fire

        self._clear_run()
        checked = self._checked_event()
        if checked is None:
            self._say("Fix the event (above), then fire again.", error=True)
            return
        choice, event = checked
        try:
            runtime = await self._runtime_for(self._settings())
        except (ValueError, ConfigError) as problem:
            self._say(escape(str(problem)), error=True)
            return
        self._say(f"Firing {description} with {escape(choice.describe())}…")
        self.running = True
        self._figures_changed = True
        try:
            self.tally = await fire(runtime, plan, lambda _n: event, on_record=self._on_record)
            failed = self.tally.errors
            outcome = (f" [$error]{failed} of {self.tally.invocations} failed[/]: their logs are below."
                       if failed else " Change the settings, the event or the traffic and fire again.")
            self._say(f"Fired {description} with {escape(choice.describe())}.{outcome}")
        finally:
            self.running = False
            self._figures_changed = True

    def _on_record(self, _record, tally) -> None:
        self.tally = tally
        self._figures_changed = True

    def action_stop(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "playground")
            self._say("Stopped sending; invocations already running finish.")

    @work(exclusive=True, group="playground")
    async def action_shut_down_idle(self) -> None:
        if self.runtime is not None:
            count = await self.runtime.shut_down_idle()
            self._say(f"Shut down {count} idle environment(s): the next invocations are cold starts.")

    @on(Button.Pressed, "#burst")
    def _burst_pressed(self) -> None:
        self.action_burst()

    @on(Button.Pressed, "#steady")
    def _steady_pressed(self) -> None:
        self.action_steady()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("rate", "duration"):
            self.action_steady()
        else:
            self.action_burst()

    # ----- leaving ------------------------------------------------------------------------------------------
    async def action_back(self) -> None:
        self.workers.cancel_group(self, "playground")
        await self._close_runtime()
        if len(self.app.screen_stack) > 1:
            self.dismiss()
        else:
            self.app.exit()

    async def on_unmount(self) -> None:
        await self._close_runtime()
