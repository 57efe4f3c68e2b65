"""Watch mode: run the checks, then again every time a file of the workspace is saved.

`watchfiles` is imported only here. Editor swap files, `__pycache__` and other noise are ignored by its
default filter. `stop` (a threading.Event) ends the loop; so does `max_runs`, which scripts and tests use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from lambdalearn.content.labs import LabSpec
from lambdalearn.labs.report import LabReport
from lambdalearn.labs.runner import run_checks


def watch_lab(
    spec: LabSpec,
    workspace: Path,
    on_report: Callable[[LabReport], None],
    *,
    before_run: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
    max_runs: int | None = None,
) -> int:
    """Run the checks now and after each change in `workspace`; return how many runs were made."""
    from watchfiles import watch

    runs = 0

    def run_once() -> bool:
        nonlocal runs
        if before_run is not None:
            before_run()
        on_report(run_checks(spec, workspace))
        runs += 1
        return max_runs is not None and runs >= max_runs

    if run_once():
        return runs
    for _changes in watch(workspace, stop_event=stop, debounce=300, rust_timeout=500):
        if run_once():
            break
    return runs
