"""Lab progress in the database: attempts, best result, completion with XP once, hints, the workspace."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.progress.labs import labs_progress, lab_progress, record_lab_result, remember_workspace, take_hint
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


def test_the_progress_of_many_labs_at_once_is_each_labs_own(tmp_path: Path):
    """The course map reads every lab's progress in two queries (issue 20): the same answers as one by one."""
    with ProgressStore.open(tmp_path) as store:
        remember_workspace(store, "p", "started", tmp_path / "ws")
        take_hint(store, "p", "started", 3)
        record_lab_result(store, "p", "tried", report(1), 50)
        record_lab_result(store, "p", "tried", report(2), 50)
        record_lab_result(store, "p", "done", report(3), 50)
        record_lab_result(store, "other", "done", report(1), 50)  # same lab id in another pack
        store.db.execute("INSERT INTO settings (key, value) VALUES ('lab:p:odd', '[1, 2]')")  # not an object
        labs = [("p", "new"), ("p", "started"), ("p", "tried"), ("p", "done"), ("other", "done"), ("p", "odd")]
        many = labs_progress(store, labs)
        assert many == {lab: lab_progress(store, *lab) for lab in labs}
        assert [many[lab].status for lab in labs] == ["new", "started", "attempted", "completed", "attempted", "new"]
        assert many["p", "started"].hints_shown == 1 and many["p", "tried"].best_checks_passed == 2
