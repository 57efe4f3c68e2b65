"""One process of the progress-database race test (run as a script by test_store_race.py).

Roles: `writer NAME COUNT` records COUNT answers one transaction at a time, as `quiz --plain` does;
`importer ROUNDS` grows the database in large transactions and checkpoints after each, as a big import does;
`opener SECONDS` opens and closes the store in a loop, as `stats` does. Every role prints the notices the store
gave it, one per line, so the test can see a database being moved aside.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lambdalearn.progress.reviews import record_answer
from lambdalearn.progress.store import ProgressStore

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def writer(data_dir: Path, name: str, count: int) -> None:
    for index in range(count):
        with ProgressStore.open(data_dir) as store:  # a fresh open per answer, like one `quiz --plain` each
            _report(store)
            record_answer(store, "race", f"{name}-{index}", question_type="single", difficulty="beginner",
                          rating=3, correct=True, duration_ms=1000, now=T0 + timedelta(seconds=index))


def importer(data_dir: Path, rounds: int) -> None:
    with ProgressStore.open(data_dir) as store:
        _report(store)
        store.db.execute("PRAGMA wal_autocheckpoint = 50")
        for round_number in range(rounds):
            with store.transaction() as db:
                db.conn.executemany(
                    "INSERT INTO notes (pack_id, lesson_id, text, updated_at) VALUES (?, ?, ?, ?)",
                    [("bulk", f"{round_number}-{i}", "x" * 2000, "2026-01-01") for i in range(400)],
                )
            store.db.execute("PRAGMA wal_checkpoint(PASSIVE)")


def opener(data_dir: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with ProgressStore.open(data_dir) as store:
            _report(store)
            store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()


def _report(store: ProgressStore) -> None:
    for notice in store.notices:
        print(notice, flush=True)


if __name__ == "__main__":
    role, folder, *rest = sys.argv[1:]
    if role == "writer":
        writer(Path(folder), rest[0], int(rest[1]))
    elif role == "importer":
        importer(Path(folder), int(rest[0]))
    else:
        opener(Path(folder), float(rest[0]))
