"""The StateGraph widget colours a state machine's rows as timeline lines arrive (Pilot)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from lambdalearn.tui.widgets.state_graph import StateGraph

DEFINITION = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "f", "Next": "B"}, "B": {"Type": "Succeed"}}}


class GraphApp(App):
    def compose(self) -> ComposeResult:
        yield StateGraph("Flow", DEFINITION, id="graph")


def test_rows_change_colour_and_mark_as_the_execution_passes():
    async def go():
        app = GraphApp()
        async with app.run_test() as pilot:
            graph = app.query_one(StateGraph)
            before = graph.markup()
            common = {"state_machine": "Flow", "execution": "execution-1"}
            for event in ({**common, "kind": "execution", "status": "RUNNING"}, {**common, "kind": "state_entered", "state": "A"}):
                graph.see(event)
            graph.see({"state_machine": "Other", "execution": "x", "kind": "state_entered", "state": "B"})
            await pilot.pause()
            return before, graph.markup(), str(graph.render())

    before, after, shown = asyncio.run(go())
    assert "(no execution yet)" in before and "○ A" in before
    assert "[b $warning]▶ A[/]" in after and "[dim]○ B[/]" in after
    assert "execution-1 RUNNING" in shown and "next" in shown and "→ B" in shown


def test_each_execution_keeps_its_progress_and_show_next_cycles_through_them():
    async def go():
        async with GraphApp().run_test() as pilot:
            graph = pilot.app.query_one(StateGraph)
            for name, last in (("execution-1", "B"), ("execution-2", "A")):
                common = {"state_machine": "Flow", "execution": name}
                graph.see({**common, "kind": "execution", "status": "RUNNING"})
                graph.see({**common, "kind": "state_entered", "state": last})
            shown = [(graph.progress.execution, graph.progress.status_of("A"), graph.progress.status_of("B"), graph.following)]
            for _ in range(2):
                graph.show_next()
                shown.append((graph.progress.execution, graph.progress.status_of("A"), graph.progress.status_of("B"), graph.following))
            graph.see({"state_machine": "Flow", "execution": "execution-3", "kind": "execution", "status": "RUNNING"})
            return shown, graph.progress.execution, graph.markup()

    shown, latest, markup = asyncio.run(go())
    assert shown == [("execution-2", "running", "pending", True), ("execution-1", "pending", "running", False),
                     ("execution-2", "running", "pending", True)]
    assert latest == "execution-3" and "(3 of 3, x: next)" in markup
