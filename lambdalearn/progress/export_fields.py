"""What each field of a progress export may hold, checked before an import touches the database.

`read_export` once checked field names only: a `card_json` that was not JSON or a text `due_ms` made every
later quiz crash, XP of 1e300 crashed `stats`, `state: 99` hid a card for ever. Each field here has a type,
a range or the values it may take; `row_problems` says, in words, what a row breaks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from lambdalearn.progress.ratings import QUESTION_TYPES

Check = Callable[[Any], "str | None"]  # a problem in words, or None when the value fits

MAX_COUNT = 1_000_000  # reps, lapses, XP of one award, ...
MAX_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: later than any date Python can hold
MAX_TEXT = 1_000_000


def _integer(low: int, high: int, nullable: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, got {_shown(value)}"
        return None if low <= value <= high else f"must be between {low:,} and {high:,}, got {value:,}"
    return check


def _number(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, got {_shown(value)}"
        return None if low <= value <= high else f"must be between {low:g} and {high:g}, got {value!r}"
    return check


def _choice(*allowed: Any) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or value not in allowed:
            return f"must be one of {', '.join(map(str, allowed))}, got {_shown(value)}"
        return None
    return check


def _text(nullable: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or not value and not nullable:
            return f"must be {'a' if nullable else 'a non-empty'} string, got {_shown(value)}"
        return None if len(value) <= MAX_TEXT else f"is longer than {MAX_TEXT:,} characters"
    return check


def _timestamp(nullable: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value)
                return None
            except ValueError:
                pass
        return f"must be a date and time such as 2026-03-02T12:00:00.000000Z, got {_shown(value)}"
    return check


def _json_text(shape: type) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                pass
            else:
                if shape is object or isinstance(parsed, shape):
                    return None
        return f"must be JSON text{' holding an object' if shape is dict else ''}, got {_shown(value)}"
    return check


def _card_json(value: Any) -> str | None:
    """The scheduler's own reading decides: what `fsrs.Card.from_json` refuses would crash every quiz."""
    problem = _json_text(dict)(value)
    if problem:
        return problem
    from fsrs import Card

    try:
        Card.from_json(value)
    except Exception as error:  # noqa: BLE001 - any refusal of the scheduler is a bad card
        return f"is not a card the scheduler can read ({type(error).__name__}: {error})"
    return None


_FLAG = _choice(0, 1)
_COUNT = _integer(0, MAX_COUNT)

FIELDS: dict[str, dict[str, Check]] = {
    "cards": {
        "pack_id": _text(), "item_id": _text(), "question_type": _choice(*sorted(QUESTION_TYPES)),
        "card_json": _card_json, "due_ms": _integer(0, MAX_MS), "state": _choice(1, 2, 3), "reps": _COUNT,
        "lapses": _COUNT, "leech": _FLAG, "active": _FLAG, "created_at": _timestamp(),
        "last_review_at": _timestamp(nullable=True),
    },
    "reviews": {
        "pack_id": _text(), "item_id": _text(), "kind": _choice("new", "learn", "review", "cram"),
        "rating": _choice(1, 2, 3, 4), "correct": _FLAG, "duration_ms": _integer(0, MAX_MS),
        "reviewed_at": _timestamp(),
    },
    "xp_events": {
        "amount": _integer(1, MAX_COUNT), "reason": _text(), "pack_id": _text(nullable=True),
        "item_id": _text(nullable=True), "awarded_at": _timestamp(),
    },
    "lessons": {
        "pack_id": _text(), "lesson_id": _text(), "opened_at": _timestamp(nullable=True),
        "completed_at": _timestamp(nullable=True), "xp_awarded": _COUNT,
    },
    "notes": {"pack_id": _text(), "lesson_id": _text(), "text": _text(nullable=True), "updated_at": _timestamp()},
    "lab_results": {
        "pack_id": _text(), "lab_id": _text(), "passed": _FLAG, "checks_passed": _COUNT, "checks_total": _COUNT,
        "duration_ms": _integer(0, MAX_MS), "report_json": _json_text(object), "finished_at": _timestamp(),
    },
    "exam_results": {
        "pack_id": _text(), "started_at": _timestamp(), "finished_at": _timestamp(), "questions": _COUNT,
        "correct": _COUNT, "score": _number(0, 100), "passed": _FLAG, "domains_json": _json_text(dict),
    },
    "settings": {"key": _text(), "value": _json_text(object)},
    "card_marks": {
        "pack_id": _text(), "item_id": _text(), "suspended": _FLAG, "buried_until_ms": _integer(0, MAX_MS),
        "flagged": _FLAG, "note": _text(nullable=True), "updated_at": _timestamp(),
    },
}


def row_problems(table: str, row: dict[str, Any]) -> Iterator[str]:
    """`field: what is wrong` for each field of `row` (a row of `table` with the expected field names)."""
    for name, check in FIELDS[table].items():
        problem = check(row[name])
        if problem:
            yield f"{name} {problem}"


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
