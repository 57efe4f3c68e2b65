"""Lesson progress: opened (for "in progress" on the course map) and completed (XP once, counts for streaks)."""

from __future__ import annotations

from datetime import datetime

from lambdalearn.progress.clock import as_utc, utc_text
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.xp import award_xp


def mark_lesson_opened(store: ProgressStore, pack_id: str, lesson_id: str, now: datetime | None = None) -> None:
    """Remember that the lesson was opened (the first time is kept)."""
    with store.transaction() as db:
        db.execute(
            "INSERT INTO lessons (pack_id, lesson_id, opened_at) VALUES (?, ?, ?)"
            " ON CONFLICT (pack_id, lesson_id) DO UPDATE SET opened_at = COALESCE(opened_at, excluded.opened_at)",
            [pack_id, lesson_id, utc_text(as_utc(now))],
        )


def complete_lesson(store: ProgressStore, pack_id: str, lesson_id: str, xp: int, now: datetime | None = None) -> int:
    """Mark the lesson completed; award its `xp` the first time only. Return the XP awarded (0 after that)."""
    if xp < 0:
        raise ValueError(f"lesson XP must be >= 0, got {xp}")
    when = utc_text(as_utc(now))
    with store.transaction() as db:
        row = db.execute(
            "SELECT completed_at FROM lessons WHERE pack_id = ? AND lesson_id = ?", [pack_id, lesson_id]
        ).fetchone()
        if row is not None and row[0] is not None:
            return 0
        db.execute(
            "INSERT INTO lessons (pack_id, lesson_id, opened_at, completed_at, xp_awarded) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (pack_id, lesson_id) DO UPDATE SET completed_at = excluded.completed_at,"
            " xp_awarded = excluded.xp_awarded, opened_at = COALESCE(opened_at, excluded.opened_at)",
            [pack_id, lesson_id, when, when, xp],
        )
        award_xp(store, xp, "lesson completed", pack_id, lesson_id, now=now)
    return xp


def completed_lessons(store: ProgressStore, pack_id: str | None = None) -> set[tuple[str, str]]:
    """(pack_id, lesson_id) of every completed lesson, optionally of one pack."""
    return _lessons_where(store, "completed_at IS NOT NULL", pack_id)


def opened_lessons(store: ProgressStore, pack_id: str | None = None) -> set[tuple[str, str]]:
    """(pack_id, lesson_id) of lessons opened but not completed: "in progress" on the map."""
    return _lessons_where(store, "opened_at IS NOT NULL AND completed_at IS NULL", pack_id)


def _lessons_where(store: ProgressStore, condition: str, pack_id: str | None) -> set[tuple[str, str]]:
    sql = f"SELECT pack_id, lesson_id FROM lessons WHERE {condition}"
    params: list[str] = []
    if pack_id is not None:
        sql += " AND pack_id = ?"
        params.append(pack_id)
    return {(pack, lesson) for pack, lesson in store.db.execute(sql, params).fetchall()}

