"""A state machine as a screen draws it: its states and transitions, and how far an execution has gone.

`graph_rows` lays the definition out top-down in the order an execution meets the states (StartAt first, then
breadth-first along Next, Choice rules, Default and Catch), with each Parallel branch and Map processor indented
under its state, like the console's graph view read as a list. `ExecutionProgress` reads timeline lines
(`state_entered`, `state_exited`, `task_failed`, `retry`, `caught`, `execution`) and keeps each state's status
for one execution, so a screen colours the rows as the execution passes through them. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdalearn.apps.state_machines import transitions

PENDING, RUNNING, SUCCEEDED, FAILED, CAUGHT, RETRYING = "pending", "running", "succeeded", "failed", "caught", "retrying"


@dataclass(frozen=True)
class GraphRow:
    """One state: its name and type, how deep it is nested, and its transitions (label, target)."""

    state: str
    type: str
    depth: int
    edges: tuple[tuple[str, str], ...]


def _edges(state: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    edges: list[tuple[str, str]] = []
    for rule in state.get("Choices") or []:
        if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
            test = next((f"{key} {rule[key]}" for key in rule if key not in ("Next", "Variable")), "rule")
            edges.append((f"if {rule.get('Variable', '')} {test}".replace("  ", " "), rule["Next"]))
    if isinstance(state.get("Default"), str):
        edges.append(("default", state["Default"]))
    if isinstance(state.get("Next"), str):
        edges.append(("next", state["Next"]))
    for catcher in state.get("Catch") or []:
        if isinstance(catcher, dict) and isinstance(catcher.get("Next"), str):
            edges.append((f"catch {', '.join(catcher.get('ErrorEquals') or [])}", catcher["Next"]))
    if state.get("End") or state.get("Type") in ("Succeed", "Fail"):
        edges.append(("end", ""))
    return tuple(edges)


def graph_rows(definition: dict[str, Any], depth: int = 0) -> list[GraphRow]:
    """The states of `definition` (and of its branches and processors, indented) in the order they are met."""
    declared = definition.get("States") or {}
    order, pending = [], [definition.get("StartAt")]
    while pending:
        name = pending.pop(0)
        if name in order or name not in declared:
            continue
        order.append(name)
        pending.extend(transitions(declared[name]))
    order += [name for name in declared if name not in order]  # unreachable ones last (the check reports them)
    rows: list[GraphRow] = []
    for name in order:
        state = declared[name] if isinstance(declared[name], dict) else {}
        rows.append(GraphRow(name, str(state.get("Type", "?")), depth, _edges(state)))
        for inner in [*(state.get("Branches") or []), *(state.get(key) for key in ("ItemProcessor", "Iterator") if isinstance(state.get(key), dict))]:
            if isinstance(inner, dict):
                rows.extend(graph_rows(inner, depth + 1))
    return rows


@dataclass
class ExecutionProgress:
    """Each state's status in one execution (the latest line wins; a Map's item states sum up as one row)."""

    execution: str | None = None  # the execution shown; None: each execution that starts, in turn
    statuses: dict[str, str] = field(default_factory=dict)
    visits: dict[str, int] = field(default_factory=dict)
    status: str = ""  # the execution's own: RUNNING, SUCCEEDED, FAILED...

    def __post_init__(self) -> None:
        self._follow = self.execution is None

    def see(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == "execution" and event.get("status") == "RUNNING" and self._follow:
            self.execution, self.statuses, self.visits, self.status = event["execution"], {}, {}, ""
        if event.get("execution") != self.execution:
            return
        state = event.get("state", "")
        if kind == "state_entered":  # a Fail or Succeed state ends where it starts (in a branch, it ends the branch)
            self.statuses[state] = {"Fail": FAILED, "Succeed": SUCCEEDED}.get(event.get("type", ""), RUNNING)
            self.visits[state] = self.visits.get(state, 0) + 1
        elif kind == "state_exited" and self.statuses.get(state) not in (CAUGHT,):
            self.statuses[state] = SUCCEEDED
        elif kind == "task_failed":
            self.statuses[state] = FAILED
        elif kind == "retry":
            self.statuses[state] = RETRYING
        elif kind == "caught":
            self.statuses[state] = CAUGHT
        elif kind == "execution":
            self.status = event["status"]
            if event["status"] != "RUNNING":
                for name, status in self.statuses.items():
                    if status == RUNNING:  # a Fail state, or a state the execution ended in
                        self.statuses[name] = FAILED if event["status"] == "FAILED" else SUCCEEDED

    def status_of(self, state: str) -> str:
        return self.statuses.get(state, PENDING)
