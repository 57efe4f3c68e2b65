"""The Flow screen: an app's resources and arrows, and its run as it happens (pause, step, speed, pick).

The run is `lambdalearn.apps.run.AppRun` on the app's event loop, paced by its clock's `time_scale` (AWS
seconds per wall second; "max" jumps as fast as the work allows). Timeline events are appended to a log and
kept per resource (`apps.flow.FlowLog`); the resource list and the status line are redrawn from a timer, so a
burst of events does not flood the screen. The run starts paused at t=0: space runs or pauses it, n steps to
the next moment something happens, + and - change the speed, Enter on a resource shows what touched it.
An app with state machines also shows each one's states (`StateGraph`), coloured as its latest execution passes;
x shows another execution.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ListItem, ListView, Log, Static

from lambdalearn.apps.flow import FlowLog, diagram_lines, status
from lambdalearn.apps.model import App
from lambdalearn.apps.timeline import as_text
from lambdalearn.tui.widgets.state_graph import StateGraph
from lambdalearn.tui.widgets.text import escape

REDRAW_S = 0.1
SPEEDS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, None)  # None: as fast as the work allows
DEFAULT_SPEED = 3  # 30 AWS seconds a second: an async retry after 60 s takes 2 s to watch


class FlowScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("space", "toggle", "Run/pause"),
        Binding("n", "step", "Step"),
        Binding("plus,equals_sign", "faster", "Faster"),
        Binding("minus", "slower", "Slower"),
        Binding("x", "next_execution", "Execution"),
    ]

    def __init__(self, app_model: App, actions: list[Any] | None = None, until: float | None = None) -> None:
        super().__init__()
        self.model = app_model
        self.actions = list(actions or [])
        self.until = until
        self.flow = FlowLog(app_model)
        self.run: Any = None
        self.speed = DEFAULT_SPEED
        self.state = "ready"  # ready, running, paused, done, failed
        self.picked: str | None = None
        self._stepping = False
        self._changed = True
        self.graphs = [StateGraph(machine.logical_id, machine.definition, classes="flow-machine")
                       for machine in app_model.state_machines.values()]

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield Static("", id="flow-status")
        with Horizontal(id="flow"):
            with Vertical(id="flow-left"):
                yield Label("[b]Wiring[/]")
                yield Static(self._diagram(), id="flow-diagram")
                if self.graphs:
                    yield Label("[b]State machines[/]")
                    yield VerticalScroll(*self.graphs, id="flow-machines")
                yield Label("[b]Resources[/] (Enter: what touched it)")
                yield ListView(*(ListItem(Label("", id=f"res-{r.logical_id}"), name=r.logical_id)
                                 for r in self.model.resources()), id="flow-resources")
            with Vertical(id="flow-right"):
                yield Log(id="flow-timeline", highlight=False)
                yield Static("", id="flow-detail")
        yield Footer()

    def _diagram(self) -> str:
        lines = diagram_lines(self.model)
        return escape("\n".join(lines)) if lines else "[$text-muted]no arrows: invoke the functions from the script[/]"

    def on_mount(self) -> None:
        self.sub_title = f"Flow: {'/'.join(self.model.path.parts[-2:])}"
        self.query_one("#flow-timeline", Log).border_title = "Timeline (AWS time)"
        detail = self.query_one("#flow-detail", Static)
        detail.border_title = "Resource"
        detail.update("[$text-muted]Pick a resource and press Enter: its messages and every event that touched it.[/]")
        self._redraw()
        self.set_interval(REDRAW_S, self._redraw)
        self.query_one("#flow-resources").focus()

    # ----- drawing -----------------------------------------------------------------------------------------
    def _speed_text(self) -> str:
        speed = SPEEDS[self.speed]
        return "max speed" if speed is None else f"{speed:g}x"

    def _redraw(self) -> None:
        clock = self.run.clock if self.run is not None else None
        t = clock.t if clock is not None else 0.0
        hints = {"ready": "space runs, n steps", "running": "space pauses", "paused": "space runs, n steps",
                 "done": "run finished", "failed": "the run failed"}[self.state]
        self.query_one("#flow-status", Static).update(
            f" t = [b]{t:.1f}[/] s AWS time · {self.state} · {self._speed_text()} · {hints}")
        for resource in self.model.resources():
            label = self.query_one(f"#res-{resource.logical_id}", Label)
            label.update(f"{escape(resource.logical_id)}  [$text-muted]{escape(status(self.run, resource))}[/]")
        if self.picked is not None and self._changed:
            self._show_detail(self.picked)
        self._changed = False

    def _show_detail(self, logical_id: str) -> None:
        events = self.flow.by_resource.get(logical_id, [])
        lines = [as_text(event) for event in events[-12:]]
        header = f"[b]{escape(logical_id)}[/]: {len(events)} events" + (" (last 12)" if len(events) > 12 else "")
        queue = self.run.queues.get(logical_id) if self.run is not None else None
        if queue is not None and queue.messages:
            shown = ", ".join(escape(m.body[:24]) for m in queue.messages[:5])
            header += f"\nmessages on it: {shown}" + (" …" if len(queue.messages) > 5 else "")
        self.query_one("#flow-detail", Static).update(header + "\n" + escape("\n".join(lines)))

    def _on_event(self, event: dict) -> None:
        self.flow.on_event(event)
        for graph in self.graphs:
            graph.see(event)
            if event["kind"] == "state_entered" and event.get("execution") == graph.progress.execution:
                self._show_state(graph, event["state"])
        self.query_one("#flow-timeline", Log).write_line(as_text(event))
        self._changed = True

    def _show_state(self, graph: StateGraph, state: str) -> None:
        """Scroll the state machines so the state just entered is in view (a long one does not fit at 80x24)."""
        line = graph.virtual_region.y + graph.line_of(state)
        self.query_one("#flow-machines", VerticalScroll).scroll_to_region(Region(0, line, 1, 1), animate=False)

    # ----- the run ------------------------------------------------------------------------------------------
    async def _ensure_run(self) -> bool:
        """Start the app (its runtimes and, for boto3 handlers, the local AWS) the first time; False if it failed."""
        if self.run is not None:
            return True
        from lambdalearn.apps.run import AppRun

        self.run = AppRun(self.model, time_scale=SPEEDS[self.speed])
        self.run.timeline.subscribe(self._on_event)
        self.run.clock.paused.clear()
        try:
            await self.run.start()
            self.run.perform(self.actions)
        except Exception as error:  # a handler folder or the local AWS that cannot start: say it, one line
            self.state = "failed"
            self.query_one("#flow-timeline", Log).write_line(f"could not start the app: {error}")
            return False
        self._play()
        return True

    @work(exclusive=True, group="flow-run")
    async def _play(self) -> None:
        """The run itself: it waits on the clock's pause flag between moments."""
        try:
            await self.run.run((), until=self.until)  # the script was performed when the run started
            self.state = "done"
        except Exception as error:  # noqa: BLE001 - shown, not raised: the learner's app, not ours
            self.state = "failed"
            self.query_one("#flow-timeline", Log).write_line(f"the run stopped: {type(error).__name__}: {error}")
        finally:
            self._changed = True

    @work(group="flow-control")
    async def action_toggle(self) -> None:
        if self.state in ("done", "failed"):
            return
        if not await self._ensure_run():
            return
        if self.state == "running":
            self.run.clock.paused.clear()
            self.state = "paused"
        else:
            self.state = "running"
            self.run.clock.paused.set()

    @work(group="flow-control")
    async def action_step(self) -> None:
        """Run one moment (everything due at the next time something happens), then pause."""
        if self.state in ("done", "failed") or self._stepping:
            return
        if not await self._ensure_run():
            return
        self.run.clock.paused.clear()
        self.state = "paused"
        self._stepping = True
        try:
            scale, self.run.clock.time_scale = self.run.clock.time_scale, None  # a step does not wait
            more = await self.run.clock.step(self.until)
            self.run.clock.time_scale = scale
            if not more:  # nothing left: let the run end (it writes the summary)
                self.state = "running"
                self.run.clock.paused.set()
        finally:
            self._stepping = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.graphs) if action == "next_execution" else True

    def action_next_execution(self) -> None:
        """Show each state machine's next execution (the script may start several)."""
        for graph in self.graphs:
            graph.show_next()

    def action_faster(self) -> None:
        self._set_speed(min(self.speed + 1, len(SPEEDS) - 1))

    def action_slower(self) -> None:
        self._set_speed(max(self.speed - 1, 0))

    def _set_speed(self, index: int) -> None:
        self.speed = index
        if self.run is not None:
            self.run.clock.time_scale = SPEEDS[index]

    @on(ListView.Selected, "#flow-resources")
    def _picked(self, event: ListView.Selected) -> None:
        self.picked = event.item.name
        self._show_detail(self.picked)

    # ----- leaving ------------------------------------------------------------------------------------------
    async def action_back(self) -> None:
        self.workers.cancel_group(self, "flow-run")
        await self._close_run()
        if len(self.app.screen_stack) > 1:
            self.dismiss()
        else:
            self.app.exit()

    async def _close_run(self) -> None:
        if self.run is not None:
            run, self.run = self.run, None
            await run.aclose()

    async def on_unmount(self) -> None:
        await self._close_run()
