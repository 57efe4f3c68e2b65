"""The learner's own notes, one per lesson; saving empty text removes the note."""

from __future__ import annotations

from datetime import datetime

from lambdalearn.progress.clock import as_utc, utc_text
from lambdalearn.progress.store import ProgressStore


def load_note(store: ProgressStore, pack_id: str, lesson_id: str) -> str:
    """The note on the lesson, or "" if there is none."""
    row = store.db.execute(
        "SELECT text FROM notes WHERE pack_id = ? AND lesson_id = ?", [pack_id, lesson_id]
    ).fetchone()
    return row[0] if row else ""


def save_note(store: ProgressStore, pack_id: str, lesson_id: str, text: str, now: datetime | None = None) -> None:
    """Store the note on the lesson (replacing the old one); blank text deletes it."""
    with store.transaction() as db:
        if not text.strip():
            db.execute("DELETE FROM notes WHERE pack_id = ? AND lesson_id = ?", [pack_id, lesson_id])
            return
        db.execute(
            "INSERT INTO notes (pack_id, lesson_id, text, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pack_id, lesson_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            [pack_id, lesson_id, text, utc_text(as_utc(now))],
        )
