"""Opening the progress database: creation, migrations with backups, bad files, newer versions, transactions."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path

import pytest

from lambdalearn.progress import migrations
from lambdalearn.progress.backup import BACKUPS_KEPT
from lambdalearn.progress.store import ProgressStore, StoreError
from lambdalearn.progress.xp import award_xp, total_xp

# The schema exactly as version 1 shipped it, written out by hand: the upgrade test must not depend on the
# current code to build its "old" database.
V1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00.000000Z');
CREATE TABLE cards (id INTEGER PRIMARY KEY, pack_id TEXT NOT NULL, item_id TEXT NOT NULL,
    question_type TEXT NOT NULL, card_json TEXT NOT NULL, due_ms INTEGER NOT NULL, state INTEGER NOT NULL,
    reps INTEGER NOT NULL DEFAULT 0, lapses INTEGER NOT NULL DEFAULT 0, leech INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, last_review_at TEXT, UNIQUE (pack_id, item_id));
CREATE INDEX cards_due ON cards (active, state, due_ms);
CREATE INDEX cards_pack_due ON cards (pack_id, active, state, due_ms);
CREATE INDEX cards_leeches ON cards (leech) WHERE leech = 1;
CREATE TABLE reviews (id INTEGER PRIMARY KEY, card_id INTEGER REFERENCES cards (id), pack_id TEXT NOT NULL,
    item_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('new', 'learn', 'review', 'cram')),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4), correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0), reviewed_at TEXT NOT NULL);
CREATE INDEX reviews_time ON reviews (reviewed_at, kind, correct);
CREATE INDEX reviews_card ON reviews (card_id);
CREATE TABLE xp_events (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL CHECK (amount > 0), reason TEXT NOT NULL,
    pack_id TEXT, item_id TEXT, awarded_at TEXT NOT NULL);
CREATE TABLE totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO totals VALUES ('xp', 40);
INSERT INTO xp_events VALUES (1, 40, 'lesson completed', 'mini', 'intro', '2026-01-01T10:00:00.000000Z');
CREATE TABLE lessons (pack_id TEXT NOT NULL, lesson_id TEXT NOT NULL, opened_at TEXT, completed_at TEXT,
    xp_awarded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pack_id, lesson_id));
INSERT INTO lessons VALUES ('mini', 'intro', '2026-01-01T09:00:00.000000Z', '2026-01-01T10:00:00.000000Z', 40);
CREATE INDEX lessons_completed ON lessons (completed_at);
CREATE TABLE notes (pack_id TEXT NOT NULL, lesson_id TEXT NOT NULL, text TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (pack_id, lesson_id));
INSERT INTO notes VALUES ('mini', 'intro', 'cold starts!', '2026-01-01T10:00:00.000000Z');
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO settings VALUES ('daily_new_limit', '7');
"""


def write_v1_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_names(store: ProgressStore) -> set[str]:
    return set(store.db.table_names())


def test_empty_folder_gets_a_database_at_the_latest_version_in_wal_mode(data_dir):
    with ProgressStore.open(data_dir) as store:
        assert store.path == data_dir / "progress.db"
        assert migrations.schema_version(store.db) == migrations.LATEST_VERSION
        assert {"cards", "reviews", "xp_events", "lessons", "notes", "settings", "lab_results"} <= table_names(store)
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.notices == []
    assert not (data_dir / "backups").exists(), "a brand-new database needs no backup"


def test_reopening_an_up_to_date_database_changes_nothing(data_dir):
    ProgressStore.open(data_dir).close()
    with ProgressStore.open(data_dir) as store:
        versions = [row[0] for row in store.db.execute("SELECT version FROM schema_version ORDER BY version")]
        assert versions == list(range(1, migrations.LATEST_VERSION + 1))
    assert not (data_dir / "backups").exists()


def test_an_empty_file_is_treated_as_a_new_database(data_dir):
    data_dir.mkdir()
    (data_dir / "progress.db").write_bytes(b"")
    with ProgressStore.open(data_dir) as store:
        assert migrations.schema_version(store.db) == migrations.LATEST_VERSION
        assert store.notices == []


def test_a_version_1_database_is_backed_up_then_upgraded_keeping_its_data(data_dir):
    write_v1_database(data_dir / "progress.db")
    with ProgressStore.open(data_dir) as store:
        assert migrations.schema_version(store.db) == migrations.LATEST_VERSION
        assert {"lab_results", "exam_results"} <= table_names(store)
        assert total_xp(store) == 40
        assert store.db.execute("SELECT text FROM notes").fetchone()[0] == "cold starts!"
    backups = list((data_dir / "backups").glob("*.db"))
    assert len(backups) == 1 and backups[0].name.endswith("-v1.db")
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert "lab_results" not in {row[0] for row in old.execute("SELECT name FROM sqlite_master")}
    old.close()


def test_a_pre_versioning_database_with_tables_is_backed_up_before_migrating(data_dir):
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / "progress.db")
    conn.execute("CREATE TABLE scratch (x)")  # version 0: no schema_version table, but not empty
    conn.commit()
    conn.close()
    with ProgressStore.open(data_dir) as store:
        assert migrations.schema_version(store.db) == migrations.LATEST_VERSION
    assert [p.name.endswith("-v0.db") for p in (data_dir / "backups").iterdir()] == [True]


def test_only_the_last_five_backups_are_kept(data_dir):
    backups = data_dir / "backups"
    backups.mkdir(parents=True)
    for n in range(7):
        (backups / f"progress-20250101-00000{n}-000000-v1.db").write_bytes(b"old")
    write_v1_database(data_dir / "progress.db")
    ProgressStore.open(data_dir).close()
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == BACKUPS_KEPT
    assert kept[-1].endswith("-v1.db") and not kept[-1].startswith("progress-2025")


def test_a_failing_migration_leaves_the_database_as_it_was(data_dir, monkeypatch):
    write_v1_database(data_dir / "progress.db")

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [migrations.MIGRATIONS[0], broken])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 2)
    with pytest.raises(StoreError, match="from version 1 to 2.*Nothing was changed"):
        ProgressStore.open(data_dir)
    conn = sqlite3.connect(data_dir / "progress.db")
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert "half_done" not in {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()


def _garbage(size: int, seed: int) -> bytes:
    """Seeded noise: os.urandom here once drew a WAL-mode version byte into the header (about 1 run in 256)."""
    return random.Random(seed).randbytes(size)


SQLITE_MAGIC = b"SQLite format 3\x00"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(_garbage(8192, seed=1), id="random-bytes"),
        pytest.param(b"my shopping list\neggs\nmilk\n" * 50, id="text-file"),
        pytest.param(SQLITE_MAGIC + b"\x10\x00\x01\x01" + _garbage(3996, seed=2), id="sqlite-header-then-garbage"),
        # Read and write versions 2 mean WAL mode: SQLite makes an empty -wal beside it while reading it.
        pytest.param(SQLITE_MAGIC + b"\x10\x00\x02\x02" + _garbage(3996, seed=3), id="wal-mode-header-then-garbage"),
    ],
)
def test_an_unreadable_file_is_copied_aside_and_emptied_in_place(data_dir, content):
    data_dir.mkdir()
    path = data_dir / "progress.db"
    path.write_bytes(content)
    inode = path.stat().st_ino
    with ProgressStore.open(data_dir) as store:
        assert migrations.schema_version(store.db) == migrations.LATEST_VERSION
        [notice] = store.notices
    [broken] = list(data_dir.glob("progress.db.broken-*"))
    assert broken.read_bytes() == content, "the learner's file is kept byte for byte"
    assert str(broken) in notice and "could not be read" in notice
    assert path.stat().st_ino == inode, "never renamed: another process may hold the file open"


def test_a_broken_files_wal_with_content_is_copied_aside_with_it(data_dir):
    data_dir.mkdir()
    (data_dir / "progress.db").write_bytes(b"my shopping list\n" * 50)
    wal = b"WAL frames the learner may still need" * 20
    (data_dir / "progress.db-wal").write_bytes(wal)
    ProgressStore.open(data_dir).close()
    [copy_wal] = list(data_dir.glob("progress.db.broken-*-wal"))
    assert copy_wal.read_bytes() == wal


def test_a_truncated_database_is_copied_aside_on_sqlites_verdict(data_dir):
    with ProgressStore.open(data_dir) as store:
        award_xp(store, 10, "test", None, None)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.db.execute("PRAGMA journal_mode = DELETE")
    path = data_dir / "progress.db"
    truncated = path.read_bytes()[: 3 * 4096]
    path.write_bytes(truncated)
    with ProgressStore.open(data_dir) as store:
        [notice] = store.notices
        assert total_xp(store) == 0
    assert "(database disk image is malformed)" in notice
    [broken] = list(data_dir.glob("progress.db.broken-*"))
    assert broken.read_bytes() == truncated


def test_a_failed_first_read_of_a_sound_database_sets_nothing_aside(data_dir, monkeypatch):
    """Another process's checkpoint can make one read fail; only quick_check under the lock may condemn."""
    from lambdalearn.progress import store as store_module

    with ProgressStore.open(data_dir) as store:
        award_xp(store, 10, "kept", None, None)
    real = store_module._existing_version
    calls = []

    def fails_once(path):
        calls.append(path)
        if len(calls) == 1:
            raise store_module._UnreadableDatabase("database disk image is malformed")
        return real(path)

    monkeypatch.setattr(store_module, "_existing_version", fails_once)
    with ProgressStore.open(data_dir) as store:
        assert store.notices == []
        assert total_xp(store) == 10
    assert len(calls) == 2
    assert not list(data_dir.glob("progress.db.broken-*"))


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(data_dir):
    data_dir.mkdir()
    path = data_dir / "progress.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (?, 'later')", [migrations.LATEST_VERSION + 5])
    conn.execute("CREATE TABLE future_things (x)")
    conn.commit()
    conn.close()
    before, mtime = digest(path), path.stat().st_mtime_ns
    with pytest.raises(StoreError) as raised:
        ProgressStore.open(data_dir)
    message = str(raised.value)
    assert "newer lambdalearn" in message and "Upgrade" in message and "\n" not in message
    assert digest(path) == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in data_dir.iterdir()) == ["progress.db"]


def test_a_data_dir_that_is_a_file_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Cannot create the data folder"):
        ProgressStore.open(blocker)


def test_a_transaction_is_all_or_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            award_xp(store, 10, "first", None, None)
            raise RuntimeError("the action failed half-way")
    assert total_xp(store) == 0
    with store.transaction():
        award_xp(store, 10, "first", None, None)
        award_xp(store, 5, "second", None, None)
    assert total_xp(store) == 15


def test_a_failing_inner_step_rolls_back_the_whole_outer_transaction(store):
    with pytest.raises(ValueError):
        with store.transaction():
            award_xp(store, 10, "kept only if everything succeeds", None, None)
            award_xp(store, -1, "invalid", None, None)
    assert total_xp(store) == 0


def test_an_inner_step_that_fails_is_undone_and_the_outer_work_kept_when_the_caller_carries_on(store):
    """A nested transaction is a savepoint of the outer one (the store's own layer over sqlite3)."""
    with store.transaction():
        award_xp(store, 10, "kept", None, None)
        with pytest.raises(RuntimeError):
            with store.transaction():
                award_xp(store, 5, "undone", None, None)
                raise RuntimeError("the inner step failed")
        award_xp(store, 1, "kept too", None, None)
    assert total_xp(store) == 11
    assert [row[0] for row in store.db.execute("SELECT reason FROM xp_events ORDER BY id")] == ["kept", "kept too"]


def test_a_second_connection_sees_committed_work(store, data_dir):
    award_xp(store, 25, "lesson", "mini", "intro")
    with ProgressStore.open(data_dir) as other:
        assert total_xp(other) == 25


def test_a_database_busy_in_another_process_gives_a_clear_error(store, data_dir):
    with ProgressStore.open(data_dir) as other:
        other.db.execute("PRAGMA busy_timeout = 50")
        with store.transaction():
            award_xp(store, 5, "holding the write lock", None, None)
            with pytest.raises(StoreError, match="is busy: another lambdalearn is writing"):
                award_xp(other, 5, "blocked", None, None)
        award_xp(other, 5, "now free", None, None)
        assert total_xp(other) == 10


def test_closing_twice_is_harmless(data_dir):
    store = ProgressStore.open(data_dir)
    store.close()
    store.close()


def test_migration_3_makes_every_table_strict_and_sets_aside_rows_that_break_a_rule(data_dir):
    """A text due_ms crashed every quiz and state 99 hid a card for ever: version 3 keeps them out for good."""
    write_v1_database(data_dir / "progress.db")
    conn = sqlite3.connect(data_dir / "progress.db")
    conn.executescript("""
        INSERT INTO cards (id, pack_id, item_id, question_type, card_json, due_ms, state, created_at)
            VALUES (1, 'mini', 'good', 'single', '{}', 1000, 2, 't'),
                   (2, 'mini', 'text-due', 'single', '{}', 'soon', 2, 't'),
                   (3, 'mini', 'state-99', 'single', '{}', 1000, 99, 't');
        INSERT INTO reviews (card_id, pack_id, item_id, kind, rating, correct, duration_ms, reviewed_at)
            VALUES (1, 'mini', 'good', 'new', 3, 1, 10, 't'), (3, 'mini', 'state-99', 'new', 3, 1, 10, 't');
    """)
    conn.commit()
    conn.close()
    with ProgressStore.open(data_dir) as store:
        [notice] = [n for n in store.notices if "set_aside_rows" in n]
        assert notice.startswith("2 row(s) of your progress database held values out of range")
        assert [r[0] for r in store.db.execute("SELECT item_id FROM cards")] == ["good"]
        aside = [json.loads(r[0]) for r in store.db.execute("SELECT row_json FROM set_aside_rows ORDER BY id")]
        assert [(r["item_id"], r["due_ms"], r["state"]) for r in aside] == [("text-due", "soon", 2), ("state-99", 1000, 99)]
        assert store.db.execute("SELECT item_id, card_id FROM reviews ORDER BY id").fetchall() == [("good", 1), ("state-99", None)]
        strict = store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%STRICT'").fetchall()
        assert strict == []
        assert total_xp(store) == 40
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute("UPDATE cards SET due_ms = 'later' WHERE item_id = 'good'")
