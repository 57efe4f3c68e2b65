"""The schema of the progress database, as an ordered list of forward migrations.

Migration N (1-based) takes a database from version N-1 to N. A migration is frozen once released: to change
the schema, append a new function, never edit an old one (databases in the wild were built by it).
`schema_version` holds one row per applied migration; the database's version is the highest.
All pending migrations run in one transaction, so a failed upgrade leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from lambdalearn.progress.clock import utc_now, utc_text
from lambdalearn.progress.database import Database


def _v1_core(db: Database) -> None:
    """Cards with their FSRS state, the review log, XP, lessons, notes and settings."""
    statements = [
        # One FSRS card per question, keyed by (pack_id, item_id) so that progress survives a pack update.
        # card_json is fsrs.Card.to_json(); due_ms/state/lapses are copies for indexed queries.
        # active=0: the item no longer exists in its pack (kept, not scheduled). leech=1: 8+ lapses.
        """CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            question_type TEXT NOT NULL,
            card_json TEXT NOT NULL,
            due_ms INTEGER NOT NULL,
            state INTEGER NOT NULL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            leech INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            last_review_at TEXT,
            UNIQUE (pack_id, item_id)
        )""",
        # state splits due cards into learning steps (1, 3: not held back by the daily review limit) and reviews (2)
        "CREATE INDEX cards_due ON cards (active, state, due_ms)",
        "CREATE INDEX cards_pack_due ON cards (pack_id, active, state, due_ms)",
        "CREATE INDEX cards_leeches ON cards (leech) WHERE leech = 1",
        # Every answer. kind: 'new' (a card's first answer), 'learn' (a card in a learning or relearning step),
        # 'review' (a card in the Review state), 'cram' (did not touch the card).
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            card_id INTEGER REFERENCES cards (id),
            pack_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'learn', 'review', 'cram')),
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
            reviewed_at TEXT NOT NULL
        )""",
        "CREATE INDEX reviews_time ON reviews (reviewed_at, kind, correct)",
        "CREATE INDEX reviews_card ON reviews (card_id)",
        # The XP ledger, and its running total (kept in the same transaction as each award).
        """CREATE TABLE xp_events (
            id INTEGER PRIMARY KEY,
            amount INTEGER NOT NULL CHECK (amount > 0),
            reason TEXT NOT NULL,
            pack_id TEXT,
            item_id TEXT,
            awarded_at TEXT NOT NULL
        )""",
        "CREATE TABLE totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT INTO totals (name, value) VALUES ('xp', 0)",
        """CREATE TABLE lessons (
            pack_id TEXT NOT NULL,
            lesson_id TEXT NOT NULL,
            opened_at TEXT,
            completed_at TEXT,
            xp_awarded INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (pack_id, lesson_id)
        )""",
        "CREATE INDEX lessons_completed ON lessons (completed_at)",
        """CREATE TABLE notes (
            pack_id TEXT NOT NULL,
            lesson_id TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (pack_id, lesson_id)
        )""",
        # One row per setting; value is JSON.
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]
    for statement in statements:
        db.execute(statement)


def _v2_lab_and_exam_results(db: Database) -> None:
    """Results of lab check runs and of mock exams (one row per attempt)."""
    statements = [
        # report_json: the runner's structured report (status per check, message, output).
        """CREATE TABLE lab_results (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            lab_id TEXT NOT NULL,
            passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            checks_passed INTEGER NOT NULL,
            checks_total INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            report_json TEXT NOT NULL,
            finished_at TEXT NOT NULL
        )""",
        "CREATE INDEX lab_results_lab ON lab_results (pack_id, lab_id, finished_at)",
        # domains_json: {domain: {"questions": n, "correct": n}} following the pack's exam blueprint.
        """CREATE TABLE exam_results (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            questions INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            score REAL NOT NULL,
            passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            domains_json TEXT NOT NULL
        )""",
        "CREATE INDEX exam_results_pack ON exam_results (pack_id, finished_at)",
    ]
    for statement in statements:
        db.execute(statement)


def _v3_strict_tables(db: Database) -> None:
    """Every table rebuilt STRICT, with the value checks an import once skipped (a text due_ms crashed every
    quiz, state 99 left a card never scheduled). Rows that break a rule are not lost: they move, as JSON, to
    `set_aside_rows`, and reviews of a card set aside keep their history without the link."""
    checks = {
        "cards": ["due_ms >= 0", "state IN (1, 2, 3)", "reps >= 0", "lapses >= 0",
                  "leech IN (0, 1)", "active IN (0, 1)"],
        "lessons": ["xp_awarded >= 0"],
        "settings": ["json_valid(value)"],
        "lab_results": ["json_valid(report_json)", "checks_passed >= 0", "checks_total >= 0", "duration_ms >= 0"],
        "exam_results": ["json_valid(domains_json)", "questions >= 0", "correct >= 0", "score BETWEEN 0 AND 100"],
    }
    db.execute("""CREATE TABLE set_aside_rows (
        id INTEGER PRIMARY KEY,
        table_name TEXT NOT NULL,
        row_json TEXT NOT NULL,
        set_aside_at TEXT NOT NULL
    ) STRICT""")
    # Each table is copied aside, dropped and made again under its own name, so references to it (reviews ->
    # cards) never change. Foreign keys cannot be switched off inside the migration's transaction; deferred,
    # they are checked at commit, once every card is back (and reviews of cards set aside lost their link).
    db.execute("PRAGMA defer_foreign_keys = ON")
    now = utc_text(utc_now())
    tables = ["cards", "reviews", "xp_events", "totals", "lessons", "notes", "settings", "lab_results",
              "exam_results", "schema_version"]
    kinds = {"INTEGER": "('integer')", "REAL": "('integer', 'real')", "TEXT": "('text')"}
    for table in tables:
        create_sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
        index_sql = [row[0] for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table])]
        columns = db.execute(f"PRAGMA table_info({table})").fetchall()  # (cid, name, type, notnull, default, pk)
        rules = checks.get(table, [])
        db.execute(f"CREATE TEMP TABLE {table}__old AS SELECT * FROM {table}")
        db.execute(f"DROP TABLE {table}")
        head, _, _ = create_sql.rstrip().rpartition(")")
        db.execute(head + "".join(f",\n            CHECK ({rule})" for rule in rules) + "\n        ) STRICT")
        fits = " AND ".join(
            [f"({name} IS NULL OR typeof({name}) IN {kinds[kind.upper()]})" for _, name, kind, *_ in columns]
            + [f"({rule})" for rule in rules]
        )
        names = ", ".join(column[1] for column in columns)
        as_json = ", ".join(f"'{column[1]}', {column[1]}" for column in columns)
        db.execute(f"INSERT INTO set_aside_rows (table_name, row_json, set_aside_at) SELECT ?, json_object({as_json}), ?"
                   f" FROM {table}__old WHERE ({fits}) IS NOT 1", [table, now])
        db.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table}__old WHERE ({fits}) IS 1")
        db.execute(f"DROP TABLE {table}__old")
        for sql in index_sql:
            db.execute(sql)
    db.execute("UPDATE reviews SET card_id = NULL WHERE card_id IS NOT NULL AND card_id NOT IN (SELECT id FROM cards)")
    db.execute("UPDATE totals SET value = (SELECT COALESCE(SUM(amount), 0) FROM xp_events) WHERE name = 'xp'")


def _v4_card_marks(db: Database) -> None:
    """What the learner sets on a question in the browser: suspended (never scheduled until unsuspended),
    buried until an instant (the start of the next local day), flagged, and a personal note. Keyed like
    cards, by (pack_id, item_id), so it survives a pack update; kept apart from `cards` because a question
    never answered (no card) can be suspended or noted too, and making it a card would make it not new."""
    db.execute("""CREATE TABLE card_marks (
        pack_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        suspended INTEGER NOT NULL DEFAULT 0,
        buried_until_ms INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pack_id, item_id),
        CHECK (suspended IN (0, 1)),
        CHECK (buried_until_ms >= 0),
        CHECK (flagged IN (0, 1))
    ) STRICT""")


def _v5_natural_key_indexes(db: Database) -> None:
    """An import matches reviews and XP awards on their natural key; without an index that leads with what
    tells them apart, rows sharing one instant (a bulk import from another tool) made each lookup scan the rest."""
    db.execute("CREATE INDEX reviews_item_time ON reviews (pack_id, item_id, reviewed_at, kind)")
    db.execute("CREATE INDEX xp_events_item_time ON xp_events (item_id, awarded_at)")


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_core,
    _v2_lab_and_exam_results,
    _v3_strict_tables,
    _v4_card_marks,
    _v5_natural_key_indexes,
]
LATEST_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    """The version of this database: 0 when it has no `schema_version` table (new or pre-versioning)."""
    if not db.has_table("schema_version"):
        return 0
    return db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def apply_pending(db: Database, current: int) -> list[int]:
    """Run the migrations after version `current` (inside the caller's transaction); return their numbers."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    applied = []
    for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        migration(db)
        db.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", [number, utc_text(utc_now())]
        )
        applied.append(number)
    return applied
