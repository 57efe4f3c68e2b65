"""Lab progress in the database: attempts, best result, completion with XP once, hints, the workspace."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.progress.labs import lab_progress, record_lab_result, remember_workspace, take_hint
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.xp import total_xp


def report(passed: int, total: int = 3) -> dict:
    checks = [{"name": f"c{i}", "passed": i < passed, "message": ""} for i in range(total)]
    return {"lab": "demo", "passed": passed == total, "checks": checks, "duration_ms": 120}


def test_xp_is_awarded_on_the_first_full_pass_only(tmp_path: Path):
    with ProgressStore.open(tmp_path) as store:
        assert lab_progress(store, "p", "demo").status == "new"
        remember_workspace(store, "p", "demo", tmp_path / "ws")
        assert lab_progress(store, "p", "demo").status == "started"
        assert record_lab_result(store, "p", "demo", report(1), 50) == 0
        assert lab_progress(store, "p", "demo").status == "attempted"
        assert record_lab_result(store, "p", "demo", report(3), 50) == 50
        assert record_lab_result(store, "p", "demo", report(3), 50) == 0
        assert record_lab_result(store, "other", "demo", report(3), 10) == 10  # keyed by pack and lab
        progress = lab_progress(store, "p", "demo")
        assert (progress.attempts, progress.best_checks_passed, progress.checks_total) == (3, 3, 3)
        assert progress.status == "completed" and progress.workspace == str((tmp_path / "ws").resolve())
        assert total_xp(store) == 60


def test_hints_taken_are_counted_up_to_the_number_available(tmp_path: Path):
    with ProgressStore.open(tmp_path) as store:
        assert [take_hint(store, "p", "demo", 2) for _ in range(3)] == [1, 2, 2]
        assert lab_progress(store, "p", "demo").hints_shown == 2
