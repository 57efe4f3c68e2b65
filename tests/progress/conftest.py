"""Fixtures for the progress store: a fresh database per test and a helper to record answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fsrs import Card, State

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


def card_row(store: ProgressStore, item_id: str, pack_id: str = PACK) -> tuple | None:
    """(card_json, due_ms, state, lapses, leech, reps) of a card, or None."""
    return store.db.execute(
        "SELECT card_json, due_ms, state, lapses, leech, reps FROM cards WHERE pack_id = ? AND item_id = ?",
        [pack_id, item_id],
    ).fetchone()


def graduate(store: ProgressStore, item_id: str, start: datetime) -> tuple[datetime, AnswerResult]:
    """Answer Good until the card reaches the Review state; return (time of the last answer, its result)."""
    when = start
    result = answer(store, item_id, when)
    while Card.from_json(card_row(store, item_id)[0]).state != State.Review:
        when = result.due
        result = answer(store, item_id, when)
    return when, result
