"""Mock-exam results are kept one row per attempt and read back newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lambdalearn.progress.exams import exam_history, save_exam_result
from lambdalearn.progress.history import xp_per_day
from lambdalearn.progress.lessons import complete_lesson
from lambdalearn.progress.store import ProgressStore

from .conftest import T0, answer


def _save(store, finished, correct=3, pack="mini"):
    return save_exam_result(
        store, pack, started_at=finished - timedelta(minutes=5), finished_at=finished, questions=4,
        correct=correct, score=correct * 25.0, passed=correct >= 2,
        domains={"basics": {"questions": 2, "correct": min(correct, 2)}, "limits": {"questions": 2, "correct": max(0, correct - 2)}},
    )


def test_results_are_read_back_newest_first_with_their_domains(store):
    _save(store, T0, correct=1)
    _save(store, T0 + timedelta(days=1), correct=4)
    _save(store, T0, pack="other")
    history = exam_history(store, "mini")
    assert [r.correct for r in history] == [4, 1]
    latest = history[0]
    assert latest.passed and latest.score == 100.0 and latest.finished_at == T0 + timedelta(days=1)
    assert latest.domains == {"basics": {"questions": 2, "correct": 2}, "limits": {"questions": 2, "correct": 2}}
    assert len(exam_history(store)) == 3


def test_results_survive_reopening_the_database(data_dir):
    with ProgressStore.open(data_dir) as store:
        _save(store, T0)
    with ProgressStore.open(data_dir) as store:
        assert exam_history(store)[0].correct == 3


def test_impossible_counts_are_refused(store):
    with pytest.raises(ValueError, match="correct must be between 0 and questions"):
        save_exam_result(store, "mini", started_at=T0, finished_at=T0, questions=2, correct=3, score=150.0,
                         passed=True, domains={})


def test_xp_per_day_gives_daily_gains_and_the_running_total(store):
    complete_lesson(store, "mini", "handlers", 40, now=T0 - timedelta(days=10))  # before the window
    answer(store, "q1", T0 - timedelta(days=1))  # +10
    answer(store, "q2", T0)  # +10
    complete_lesson(store, "mini", "limits", 60, now=T0)
    series = xp_per_day(store, 3, now=T0, tz=T0.tzinfo)
    assert [(day.isoformat(), earned, total) for day, earned, total in series] == [
        ("2026-02-28", 0, 40), ("2026-03-01", 10, 50), ("2026-03-02", 70, 120),
    ]
