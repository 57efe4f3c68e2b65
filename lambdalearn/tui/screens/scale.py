"""The Scale screen: Lambda at scale in the simulator, with knobs, charts and an A/B comparison.

The learner picks a bundled example or turns the knobs (traffic shape and rate, duration, INIT, memory,
architecture, reserved, provisioned, account limit, invocation type) for two configurations, A and B. F5 runs
A, F6 runs both and compares them. Runs happen in a thread worker with a progress bar (a million requests
take a second or two); everything is computed by `lambdalearn.simulate`, this screen only collects strings
and draws.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from lambdalearn.simulate.examples import example_blurb, example_names
from lambdalearn.simulate.knobs import LABELS, SHAPES, KnobError, Knobs, build_scenario, compare, knobs_from_example
from lambdalearn.tui.widgets.text import escape

CUSTOM = ""
_TEXT_KNOBS = ("rate", "for_s", "duration_ms", "init_ms", "memory_mb", "reserved", "provisioned", "account_limit")
_CHOICES = {"shape": SHAPES, "architecture": ("x86_64", "arm64"), "invocation": ("sync", "async")}
_ROWS = (("shape", "rate", "for_s"), ("duration_ms", "init_ms"), ("memory_mb", "architecture"),
         ("reserved", "provisioned"), ("account_limit", "invocation"))


class SimulationCancelled(Exception):
    """The learner left or started another run: stop simulating."""


class ScaleScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f5", "run_a", "Run A"),
        Binding("f6", "compare", "Compare A/B"),
        Binding("f7", "copy_a_to_b", "A → B"),
    ]

    def __init__(self, example: str = CUSTOM) -> None:
        super().__init__()
        self.example = example
        self.figures: dict[str, dict[str, Any]] = {}  # "A"/"B" -> the last run's --json figures
        self.results: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with VerticalScroll(id="scale"):
            with Horizontal(classes="sc-row", id="sc-top"):
                yield Label("Example")
                options = [("Custom (knobs)", CUSTOM)] + [(name, name) for name in example_names()]
                yield Select(options, value=self.example, allow_blank=False, id="example", compact=True)
                yield Static("", id="sc-blurb")
            with Horizontal(id="sc-knobs"):
                for side in "ab":
                    with Vertical(classes="sc-side", id=f"sc-{side}") as column:
                        column.border_title = side.upper()
                        for row in _ROWS:
                            with Horizontal(classes="sc-row"):
                                for name in row:
                                    yield Label(LABELS[name])
                                    yield self._knob_widget(side, name)
            with Horizontal(classes="sc-row"):
                yield Button("Run A  F5", id="run-a", variant="primary", compact=True)
                yield Button("Compare A/B  F6", id="compare", compact=True)
                yield Button("Copy A → B  F7", id="copy", compact=True)
                yield ProgressBar(total=1.0, show_eta=False, id="sc-progress")
            yield Static("", id="sc-message")
            yield Static("", id="sc-summary")
            with Grid(id="sc-charts"):
                for chart in ("concurrency", "failures", "latency", "cost"):
                    yield PlotextPlot(id=f"sc-{chart}")
            yield Static("", id="sc-compare")
        yield Footer()

    def _knob_widget(self, side: str, name: str) -> Input | Select:
        default = getattr(Knobs(), name)
        if name in _CHOICES:
            return Select([(choice, choice) for choice in _CHOICES[name]], value=default, allow_blank=False,
                          id=f"{side}-{name}", compact=True)
        placeholder = "none" if name == "reserved" else ""
        return Input(default, id=f"{side}-{name}", placeholder=placeholder, compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Lambda at scale: the simulator"
        self._apply_example(self.example)
        self._say("Pick an example or set the knobs; F5 runs A, F6 runs A and B and compares them. Esc leaves.")
        self.query_one("#run-a").focus()

    # ----- knobs ---------------------------------------------------------------------------------------
    def knobs(self, side: str) -> Knobs:
        values: dict[str, Any] = {"example": self.example}
        for name in _TEXT_KNOBS:
            values[name] = self.query_one(f"#{side}-{name}", Input).value
        for name in _CHOICES:
            values[name] = str(self.query_one(f"#{side}-{name}", Select).value)
        return replace(Knobs(), **values)

    def set_knobs(self, side: str, knobs: Knobs) -> None:
        for name in _TEXT_KNOBS:
            self.query_one(f"#{side}-{name}", Input).value = getattr(knobs, name)
        for name in _CHOICES:
            self.query_one(f"#{side}-{name}", Select).value = getattr(knobs, name)

    @on(Select.Changed, "#example")
    def _example_chosen(self, event: Select.Changed) -> None:
        if event.value != self.example:
            self._apply_example(str(event.value))

    def _apply_example(self, name: str) -> None:
        self.example = name
        if name:
            for side in "ab":
                self.set_knobs(side, knobs_from_example(name, self.knobs(side)))
        blurb = f"{example_blurb(name)} Its traffic is kept; the knobs set the function." if name else \
            "Traffic from the knobs: one phase of the chosen shape (rate = requests for a burst, the peak for diurnal)."
        self.query_one("#sc-blurb", Static).update(escape(blurb))
        for side in "ab":
            for name_ in ("shape", "rate", "for_s"):
                self.query_one(f"#{side}-{name_}").disabled = bool(name)

    def action_copy_a_to_b(self) -> None:
        self.set_knobs("b", self.knobs("a"))
        self._say("B is now a copy of A: change one knob of B and press F6.")

    # ----- running -------------------------------------------------------------------------------------
    @on(Button.Pressed, "#run-a")
    def action_run_a(self) -> None:
        self._start(("a",))

    @on(Button.Pressed, "#compare")
    def action_compare(self) -> None:
        self._start(("a", "b"))

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy_a_to_b()

    def _start(self, sides: tuple[str, ...]) -> None:
        scenarios = []
        for side in sides:
            try:
                scenarios.append(build_scenario(self.knobs(side)))
            except KnobError as error:
                self._say(f"{side.upper()}: {error}", error=True)
                return
        self.query_one("#sc-progress", ProgressBar).update(progress=0)
        self._say("Simulating…")
        self._simulate(sides, scenarios)

    @work(thread=True, exclusive=True, group="scale")
    def _simulate(self, sides: tuple[str, ...], scenarios: list) -> None:
        from lambdalearn.simulate.engine import simulate
        from lambdalearn.simulate.report import to_json

        worker = get_current_worker()
        results = {}
        shown = [0.0]  # the fraction on the bar: redraw per 1%, not per timeline row (each call waits for the app)
        for index, (side, scenario) in enumerate(zip(sides, scenarios)):
            def progress(fraction: float, index: int = index) -> None:
                if worker.is_cancelled:
                    raise SimulationCancelled
                overall = (index + fraction) / len(sides)
                if overall - shown[0] >= 0.01:
                    shown[0] = overall
                    self.app.call_from_thread(self._progress, overall)

            try:
                result = simulate(scenario, on_progress=progress)
            except SimulationCancelled:
                return
            results[side] = (result, to_json(result))
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, results)

    def _progress(self, fraction: float) -> None:
        self.query_one("#sc-progress", ProgressBar).update(progress=fraction)

    def _show(self, results: dict[str, tuple[Any, dict[str, Any]]]) -> None:
        self.query_one("#sc-progress", ProgressBar).update(progress=1.0)
        for side, (result, figures) in results.items():
            self.results[side.upper()] = result
            self.figures[side.upper()] = figures
        result_a, figures_a = results["a"]
        runs = " and ".join(f"{side.upper()}: {figures['requests']:,} requests" for side, (_, figures) in results.items())
        self._say(f"Simulated {runs} (seed {result_a.scenario.seed}).")
        self.query_one("#sc-summary", Static).update(_summary_text(figures_a))
        self._draw_charts(result_a, figures_a, results.get("b"))
        compare_panel = self.query_one("#sc-compare", Static)
        compare_panel.update(_compare_text(figures_a, results["b"][1]) if "b" in results else "")

    def _draw_charts(self, result, figures: dict[str, Any], b: tuple[Any, dict[str, Any]] | None) -> None:
        from lambdalearn.simulate.report import concurrency_ceiling

        timeline = result.timeline
        unit = {1.0: "s", 60.0: "min", 3600.0: "h"}.get(timeline.step_s, "s")
        xs = [t / timeline.step_s for t in timeline.time_s]
        limit = concurrency_ceiling(result)

        def chart(chart_id: str, title: str) -> Any:
            plt = self.query_one(f"#sc-{chart_id}", PlotextPlot).plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(title)
            return plt

        plt = chart("concurrency", f"Requests running (limit {limit:,}), time in {unit}")
        plt.plot(xs, timeline.concurrency, label="A running", marker="braille")
        if b is not None:
            b_timeline = b[0].timeline
            plt.plot([t / b_timeline.step_s for t in b_timeline.time_s], b_timeline.concurrency, label="B running",
                     marker="braille")
        if max(timeline.concurrency, default=0) >= limit / 4:  # else the limit squashes the curve flat
            plt.plot(xs, [limit] * len(xs), label="limit", marker="braille")
        plt = chart("failures", f"Cold starts and throttles per {unit}")
        plt.plot(xs, timeline.cold_starts, label="cold starts", marker="braille")
        plt.plot(xs, timeline.throttles, label="throttles", marker="braille")
        latency = figures["latency_ms"]
        plt = chart("latency", "Latency percentiles (ms)")
        plt.bar(list(latency), list(latency.values()))
        costs = {line: value for line, value in figures["cost_usd"].items() if line != "total"}
        plt = chart("cost", f"Cost: ${figures['cost_usd']['total']:,.4f}")
        plt.bar(list(costs), list(costs.values()))
        for chart_id in ("concurrency", "failures", "latency", "cost"):
            self.query_one(f"#sc-{chart_id}", PlotextPlot).refresh()

    def _say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#sc-message", Static)
        message.set_class(error, "error")
        message.update(escape(text))

    def action_back(self) -> None:
        self.workers.cancel_group(self, "scale")
        self.app.pop_screen()


def _summary_text(figures: dict[str, Any]) -> str:
    latency, cost = figures["latency_ms"], figures["cost_usd"]
    return (
        f"[b]A[/b]  requests {figures['requests']:,} · cold starts {figures['cold_starts']:,}"
        f" ({figures['cold_start_ratio']:.2%}) · throttles {figures['throttles']:,} ({figures['throttle_ratio']:.2%})"
        f" · peak concurrency {figures['peak_concurrency']:,} · mean environments {figures['mean_environments']:.1f}\n"
        f"    latency p50 {latency['p50']:,.0f} · p90 {latency['p90']:,.0f} · p99 {latency['p99']:,.0f}"
        f" · max {latency['max']:,.0f} ms · cost ${cost['total']:,.4f}"
        f" (requests {cost['requests']:,.4f}, compute {cost['compute']:,.4f}, INIT {cost['init']:,.4f},"
        f" provisioned {cost['provisioned']:,.4f})"
    )


def _compare_text(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The A/B table: each figure for A and B, and B minus A (with the change in percent)."""
    lines = [f"[b]{'A/B':<18}{'A':>14}{'B':>14}{'B − A':>16}{'change':>10}[/b]"]
    for row in compare(a, b):
        shown = {"usd": lambda v: f"${v:,.4f}", "ms": lambda v: f"{v:,.1f} ms", "count": lambda v: f"{v:,.0f}"}[row.unit]
        sign = "+" if row.difference > 0 else "-" if row.difference < 0 else ""
        difference = sign + shown(abs(row.difference))
        change = f"{row.relative:+.1%}" if row.relative is not None else "—"
        lines.append(f"{escape(row.label):<18}{shown(row.a):>14}{shown(row.b):>14}{difference:>16}{change:>10}")
    return "\n".join(lines)
