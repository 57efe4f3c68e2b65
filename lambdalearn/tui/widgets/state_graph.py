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
    """One state machine; `see(event)` with each timeline line moves the colours along."""

    def __init__(self, name: str, definition: dict[str, Any], **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.machine = name
        self.rows = graph_rows(definition)
        self.progress = ExecutionProgress()

    def on_mount(self) -> None:
        self.update(self.markup())

    def see(self, event: dict[str, Any]) -> None:
        if event.get("state_machine") == self.machine:
            self.progress.see(event)
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
