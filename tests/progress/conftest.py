"""Fixtures for the progress store: a fresh database per test and a helper to record answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from lambdalearn.progress.reviews import AnswerResult, record_answer
from lambdalearn.progress.store import ProgressStore

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # a Monday, noon UTC
PACK = "mini"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[ProgressStore]:
    opened = ProgressStore.open(data_dir)
    yield opened
    opened.close()


def answer(
    store: ProgressStore,
    item_id: str,
    when: datetime,
    rating: int = 3,
    *,
    correct: bool | None = None,
    question_type: str = "single",
    difficulty: str = "beginner",
    pack_id: str = PACK,
    cram: bool = False,
) -> AnswerResult:
    """Record an answer; `correct` defaults to "rating is not Again"."""
    return record_answer(
        store,
        pack_id,
        item_id,
        question_type=question_type,
        difficulty=difficulty,
        rating=rating,
        correct=rating > 1 if correct is None else correct,
        duration_ms=4000,
        now=when,
        cram=cram,
    )
