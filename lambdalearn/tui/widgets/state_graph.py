"""A state machine drawn as rows of states and their transitions, each coloured by how an execution went.

The Flow screen feeds it the run's timeline lines (`see`); the layout and the statuses come from
`lambdalearn.apps.state_graph`, so this is only the drawing.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.widgets import Static

from lambdalearn.apps.state_graph import CAUGHT, FAILED, PENDING, RETRYING, RUNNING, SUCCEEDED, ExecutionProgress, graph_rows

STYLES = {PENDING: "dim", RUNNING: "b $warning", RETRYING: "b $warning", SUCCEEDED: "b $success", FAILED: "b $error", CAUGHT: "b $accent"}
MARKS = {PENDING: "○", RUNNING: "▶", RETRYING: "↻", SUCCEEDED: "✓", FAILED: "✗", CAUGHT: "⤷"}


class StateGraph(Static):
    """One state machine; `see(event)` with each timeline line moves the colours along. It shows the latest
    execution the run started, or, after `show_next`, the one picked (each execution keeps its own progress)."""

    def __init__(self, name: str, definition: dict[str, Any], **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.machine = name
        self.rows = graph_rows(definition)
        self.progress = ExecutionProgress()  # the execution shown
        self.runs: dict[str, ExecutionProgress] = {}  # every execution of the machine, in the order they started
        self.following = True  # show each new execution as it starts

    def on_mount(self) -> None:
        self.update(self.markup())

    def see(self, event: dict[str, Any]) -> None:
        if event.get("state_machine") != self.machine:
            return
        name = event.get("execution")
        if event.get("kind") == "execution" and event.get("status") == "RUNNING" and name not in self.runs:
            self.runs[name] = ExecutionProgress(name)
            if self.following:
                self.progress = self.runs[name]
        if name in self.runs:
            self.runs[name].see(event)
            self.update(self.markup())

    def show_next(self) -> None:
        """Show the next execution, the first after the last; on the latest, follow new ones again."""
        names = list(self.runs)
        if not names:
            return
        shown = names.index(self.progress.execution) if self.progress.execution in names else -1
        self.progress = self.runs[names[(shown + 1) % len(names)]]
        self.following = self.progress.execution == names[-1]
        self.update(self.markup())

    def line_of(self, state: str) -> int:
        """The line, from the widget's top, where `state` is drawn (0, the heading, for a state not drawn)."""
        line = 1
        for row in self.rows:
            if row.state == state:
                return line
            line += 1 + len(row.edges)
        return 0

    def markup(self) -> str:
        progress = self.progress
        head = f"[b]{escape(self.machine)}[/]" + (f"  {escape(progress.execution or '')} {progress.status}" if progress.execution else "  (no execution yet)")
        if len(self.runs) > 1:
            head += f" [dim]({list(self.runs).index(progress.execution) + 1} of {len(self.runs)}, x: next)[/]"
        lines = [head]
        for row in self.rows:
            status = progress.status_of(row.state)
            visits = progress.visits.get(row.state, 0)
            count = f" x{visits}" if visits > 1 else ""
            indent = "    " * row.depth
            lines.append(f"{indent}[{STYLES[status]}]{MARKS[status]} {escape(row.state)}[/] [dim]({row.type}){count}[/]")
            for label, target in row.edges:
                arrow = f"→ {escape(target)}" if target else ""
                lines.append(f"{indent}    [dim]{escape(label)}[/] {arrow}".rstrip())
        return "\n".join(lines)
