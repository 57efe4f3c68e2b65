"""Consistent copies of the progress database: before migrations and imports, and on request.

SQLite's online backup API copies a live WAL database page by page under its own locking, so the copy is
consistent even while the app writes. It must not run on a connection inside an open write transaction
(it would wait for itself), so callers take copies before they begin one.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lambdalearn.progress.store import ProgressStore

BACKUP_DIR_NAME = "backups"
BACKUPS_KEPT = 5


def copy_database(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the database behind `conn` to the new file `target` (written whole or not at all)."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    destination = sqlite3.connect(partial)
    try:
        conn.backup(destination)
    finally:
        destination.close()
    partial.replace(target)
    return target


def automatic_copy(conn: sqlite3.Connection, db_path: Path, label: str) -> Path:
    """A copy in backups/ beside the database, named after `label`; only the newest `BACKUPS_KEPT` stay."""
    return keep_copy(pending_copy(conn, db_path, label), db_path)


def pending_copy(conn: sqlite3.Connection, db_path: Path, label: str) -> Path:
    """A copy in backups/ that is not one of the kept backups yet: `keep_copy` makes it one, or delete it
    (an import that turns out to add nothing takes no backup, and prunes none)."""
    folder = db_path.parent / BACKUP_DIR_NAME
    return copy_database(conn, folder / f".pending-{db_path.stem}-{datetime.now():%Y%m%d-%H%M%S-%f}-{label}.db")


def keep_copy(pending: Path, db_path: Path) -> Path:
    """Make a `pending_copy` one of the automatic backups; only the newest `BACKUPS_KEPT` stay."""
    kept = pending.with_name(pending.name.removeprefix(".pending-"))
    pending.replace(kept)
    for old in sorted(kept.parent.glob(f"{db_path.stem}-*.db"))[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return kept


def backup_to(store: ProgressStore, target: Path) -> Path:
    """`lambdalearn backup FILE`: a copy of the learner's database at `target`, once SQLite finds it sound.

    A copy of a damaged database would look like a safe backup and not be one, so `PRAGMA quick_check` runs
    first and a damaged database raises `StoreError` (nothing is written).
    """
    from lambdalearn.progress.store import StoreError, learner_message

    try:
        verdict = store.db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise StoreError(learner_message(error, store.path) or str(error)) from error
    if verdict != [("ok",)]:
        raise StoreError(
            f"Your progress database {store.path} is damaged ({verdict[0][0]}), so no backup was taken. "
            "Restore a copy from the backups folder beside it, or move the file away to start afresh."
        )
    return copy_database(store.db.conn, target)


def automatic_backup(store: ProgressStore, reason: str) -> Path:
    """A pruned copy in backups/ before a risky change (`reason`: "import", ...)."""
    return automatic_copy(store.db.conn, store.path, reason)
