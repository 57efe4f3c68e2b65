"""`lambdalearn backup`: a consistent copy of the progress database, safe while the app is running.

SQLite's online backup API copies a live WAL database page by page under its own locking, so the copy is
consistent even if the app writes at the same moment.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from lambdalearn.progress.store import BACKUP_DIR_NAME, ProgressStore

AUTOMATIC_BACKUPS_KEPT = 5


def backup_to(store: ProgressStore, target: Path) -> Path:
    """Copy the store to `target` (a new file) with the online backup API."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    destination = sqlite3.connect(partial)
    try:
        store.db.conn.backup(destination)
    finally:
        destination.close()
    partial.replace(target)
    return target


def automatic_backup(store: ProgressStore, reason: str) -> Path:
    """A copy in the data folder's backups/ before a risky change (`reason`: "import", ...), keeping the last few."""
    folder = store.path.parent / BACKUP_DIR_NAME
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    copy = backup_to(store, folder / f"{store.path.stem}-{stamp}-{reason}.db")
    for old in sorted(folder.glob(f"{store.path.stem}-*.db"))[:-AUTOMATIC_BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return copy
