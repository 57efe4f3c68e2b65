"""Opening the learner's progress database safely: WAL, migrations, backups, and recovery from bad files.

Nothing the learner has is ever deleted. Only SQLite's own verdict calls a file broken: a read that fails as
corrupt or not-a-database is confirmed by `PRAGMA quick_check` while this process holds the write lock, so a
file that another process is checkpointing or growing is never mistaken for a damaged one. A confirmed broken
file is copied to `progress.db.broken-YYYYmmdd-HHMMSS` and emptied in place (never renamed: another process
may hold it open and would go on writing to the renamed file), and a notice says so. A database
written by a newer lambdalearn is left untouched and refused with a clear `StoreError`. Before an existing
database is migrated, a copy goes to `backups/` (the last five are kept).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from lambdalearn.progress import migrations
from lambdalearn.progress.backup import BACKUP_DIR_NAME, automatic_copy
from lambdalearn.progress.database import Database

DB_FILE_NAME = "progress.db"
BUSY_TIMEOUT_MS = 30_000  # a quiz answer waits out a long import (300,000 reviews: ~16 s) rather than fail

_UNREADABLE_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


class StoreError(Exception):
    """The progress database cannot be used; `str()` is a message for the learner."""


class _UnreadableDatabase(Exception):
    """The file is not a readable SQLite database (internal: triggers the move-aside)."""


class ProgressStore:
    """An open progress database. Use `ProgressStore.open(data_dir)`; close it with `close()` or `with`."""

    def __init__(self, db: Database, path: Path, notices: list[str]) -> None:
        self.db = db
        self.path = path
        self.notices = notices

    @classmethod
    def open(cls, data_dir: Path) -> ProgressStore:
        """Open (creating or upgrading as needed) `data_dir/progress.db`; raise `StoreError` if impossible."""
        data_dir = Path(data_dir)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Cannot create the data folder {data_dir}: {error.strerror or error}.") from error
        path = data_dir / DB_FILE_NAME
        notices: list[str] = []
        try:
            found_version = _existing_version(path)
        except _UnreadableDatabase as problem:
            copy = _set_aside_if_broken(path)
            if copy is None:  # SQLite finds the file sound now: the failed read met another process's work
                found_version = _existing_version(path)
            else:
                notices.append(
                    f"Your progress database {path} could not be read ({problem}). A copy of it is at {copy} "
                    "(nothing was deleted) and a fresh database was started."
                )
                found_version = 0
        _refuse_newer(path, found_version)
        db = _connect(path)
        store = cls(db, path, notices)
        try:
            store._migrate()
        except BaseException:
            db.close()
            raise
        return store

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One transaction per learner action; nested uses join the outer one through a savepoint.

        SQLite failures the learner can act on (busy, disk full, read-only, damaged) become `StoreError`.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.savepoint():
                yield self.db
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            _raise_for_learner(error, self.path)
            raise

    def close(self) -> None:
        """Close the database (idempotent)."""
        try:
            self.db.execute("PRAGMA optimize")
        except sqlite3.ProgrammingError:
            return  # already closed
        except sqlite3.Error:
            pass  # optimizing is a courtesy; closing is what matters
        self.db.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> None:
        """Bring the schema up to date, after backing up a database that already holds something."""
        current = migrations.schema_version(self.db)
        if current == migrations.LATEST_VERSION:
            return
        note = ""
        if _holds_data(self.db):  # the backup API cannot run inside our write transaction: copy first
            note = f" A copy of the database before the upgrade is at {_backup(self.db.conn, self.path, current)}."
        with self.transaction():  # BEGIN IMMEDIATE: another process cannot migrate at the same moment
            current = migrations.schema_version(self.db)
            _refuse_newer(self.path, current)
            set_aside_before = _set_aside_count(self.db)
            try:
                migrations.apply_pending(self.db, current)
            except sqlite3.Error as error:
                raise StoreError(
                    f"Could not upgrade your progress database {self.path} from version {current} to "
                    f"{migrations.LATEST_VERSION}: {error}. Nothing was changed.{note}"
                ) from error
            set_aside = _set_aside_count(self.db) - set_aside_before
        if set_aside:
            self.notices.append(
                f"{set_aside} row(s) of your progress database held values out of range; they are kept, as JSON, "
                f"in its table set_aside_rows.{note}"
            )


def _existing_version(path: Path) -> int:
    """The schema version of the database at `path` (0 if absent or empty), read without changing it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    # Read-only and with SQLite's locks (never `immutable`, which would read pages another process is writing).
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if not has_table:
                return 0
            return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") in _UNREADABLE_CODES:
            raise _UnreadableDatabase(str(error)) from error
        _raise_for_learner(error, path)
        raise StoreError(f"Cannot open your progress database {path}: {error}.") from error


def _set_aside_if_broken(path: Path) -> Path | None:
    """Ask SQLite, holding the write lock, whether the file is broken; if so copy it aside and empty it.

    Returns the copy, or None when the integrity check passes (the file is sound and is left alone).
    """
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"Cannot open your progress database {path}: {error}.") from error
    try:
        try:
            conn.execute("BEGIN EXCLUSIVE")  # writers wait; the verdict and the copy see one state of the file
            verdict = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorname", "") not in _UNREADABLE_CODES:
                _raise_for_learner(error, path)
                raise StoreError(f"Cannot open your progress database {path}: {error}.") from error
            verdict = [(str(error),)]
        if verdict == [("ok",)]:
            return None
        copy = _copy_aside(path)
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        _empty_in_place(conn, path)
        return copy
    finally:
        conn.close()


def _copy_aside(path: Path) -> Path:
    """Copy the broken file (and its -wal, if it holds frames) to `progress.db.broken-<timestamp>`.

    An empty -wal is skipped: SQLite makes one itself when it reads a header that says WAL mode, and a
    copy of it would only suggest there was something more to recover. Returns the copy's path.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
    try:
        shutil.copyfile(path, target)
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    except OSError as error:
        raise StoreError(
            f"Your progress database {path} could not be read, and copying it aside failed: "
            f"{error.strerror or error}. Copy it somewhere safe, delete it, then start lambdalearn again."
        ) from error
    return target


def _empty_in_place(conn: sqlite3.Connection, path: Path) -> None:
    """Make the broken file an empty database without renaming it (other processes may hold it open)."""
    empty = sqlite3.connect(":memory:")
    try:
        empty.backup(conn)  # SQLite rewrites a damaged database under its own locks
        return
    except sqlite3.DatabaseError:
        pass  # not a database at all: SQLite cannot lock it, so no lambdalearn can be using it
    finally:
        empty.close()
    try:
        for name in (path.name, path.name + "-wal"):
            if path.with_name(name).exists():
                os.truncate(path.with_name(name), 0)
        path.with_name(path.name + "-shm").unlink(missing_ok=True)
    except OSError as error:
        raise StoreError(
            f"Your progress database {path} could not be read and could not be emptied: "
            f"{error.strerror or error}. A copy is beside it; delete it, then start lambdalearn again."
        ) from error


def _refuse_newer(path: Path, version: int) -> None:
    if version > migrations.LATEST_VERSION:
        raise StoreError(
            f"Your progress database {path} was written by a newer lambdalearn (schema version {version}; "
            f"this one understands up to {migrations.LATEST_VERSION}). It was left untouched. Upgrade "
            "lambdalearn (for example `pip install --upgrade lambdalearn`) to keep using it."
        )


def _connect(path: Path) -> Database:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is safe with WAL: a crash never corrupts; a power cut may lose the last transactions.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as error:
        raise StoreError(f"Cannot open your progress database {path}: {error}.") from error
    return Database(conn)


def _set_aside_count(db: Database) -> int:
    """Rows the migrations moved aside for breaking a rule (0 before migration 3 made the table)."""
    if not db.has_table("set_aside_rows"):
        return 0
    return db.execute("SELECT COUNT(*) FROM set_aside_rows").fetchone()[0]


def _holds_data(db: Database) -> bool:
    """True when the database has any table besides the (possibly just created) version table."""
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name != 'schema_version'").fetchone())


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database (consistently, WAL included) to backups/ before upgrading it from `version`."""
    try:
        return automatic_copy(conn, path, f"v{version}")
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            f"Your progress database {path} needs an upgrade, but the safety copy to "
            f"{path.parent / BACKUP_DIR_NAME} failed: {error}. Nothing was changed."
        ) from error


_LEARNER_MESSAGES = {
    "SQLITE_BUSY": "is busy: another lambdalearn is writing to it. Try again",
    "SQLITE_FULL": "cannot grow: the disk is full. Free some space and try again",
    "SQLITE_READONLY": "is read-only. Check the permissions of the file and its folder",
    "SQLITE_IOERR": "could not be read or written (input/output error). Check the disk",
    "SQLITE_CORRUPT": (
        "is damaged. Quit lambdalearn and restore a copy from the backups folder beside it, "
        "or move the file away to start afresh"
    ),
}


def learner_message(error: sqlite3.Error, path: Path) -> str | None:
    """A one-line message for SQLite failures the learner can act on (by primary result code), else None."""
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        name = "SQLITE_CORRUPT"
    for code, message in _LEARNER_MESSAGES.items():
        if name == code or name.startswith(code + "_"):
            return f"Your progress database {path} {message} ({error})."
    return None


def _raise_for_learner(error: sqlite3.Error, path: Path) -> None:
    """Raise a `StoreError` for failures the learner can act on."""
    message = learner_message(error, path)
    if message is not None:
        raise StoreError(message) from error
