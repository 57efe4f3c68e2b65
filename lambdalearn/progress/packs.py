"""Progress that belongs to one pack, for `pack remove --purge`.

XP already earned stays: it records what the learner did, not what the pack holds.
"""

from __future__ import annotations

from lambdalearn.progress.store import ProgressStore

_TABLES = ("reviews", "cards", "lessons", "notes", "lab_results", "exam_results")


def purge_pack(store: ProgressStore, pack_id: str) -> dict[str, int]:
    """Delete the pack's cards, reviews, lesson marks, notes, lab and exam results in one transaction."""
    counts = {}
    with store.transaction() as db:
        for table in _TABLES:
            counts[table] = db.execute(f"DELETE FROM {table} WHERE pack_id = ?", [pack_id]).rowcount
    return counts
