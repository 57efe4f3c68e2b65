"""FSRS ratings from how a question was answered: correctness and answer time.

Wrong -> 1 (Again). Right but slower than the question type's expected time -> 2 (Hard). Right -> 3 (Good).
Expected times, in seconds, for reading the prompt and answering:

    single, truefalse        20
    numeric, text, cloze     30
    multi                    40
    order                    45

Flashcards are self-graded: the learner picks 1-4 and the caller passes it to `record_answer` directly.
"""

from __future__ import annotations

from fsrs import Rating

EXPECTED_SECONDS: dict[str, float] = {
    "single": 20,
    "truefalse": 20,
    "numeric": 30,
    "text": 30,
    "cloze": 30,
    "multi": 40,
    "order": 45,
}
SELF_GRADED_TYPES = frozenset({"flashcard"})
QUESTION_TYPES = frozenset(EXPECTED_SECONDS) | SELF_GRADED_TYPES


def rating_for(correct: bool, duration_s: float, question_type: str) -> int:
    """The FSRS rating (1-3) for an answer of a graded question type."""
    if question_type in SELF_GRADED_TYPES:
        raise ValueError(f"question type {question_type!r} is self-graded: pass the learner's rating (1-4)")
    if question_type not in EXPECTED_SECONDS:
        raise ValueError(f"unknown question type {question_type!r}; expected one of {sorted(QUESTION_TYPES)}")
    if duration_s < 0:
        raise ValueError(f"duration_s must be >= 0, got {duration_s}")
    if not correct:
        return int(Rating.Again)
    if duration_s > EXPECTED_SECONDS[question_type]:
        return int(Rating.Hard)
    return int(Rating.Good)
