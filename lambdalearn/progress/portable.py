"""Progress that is the learner's to keep: export to versioned JSON, import by idempotent merge.

Importing the same file twice changes nothing: every row is matched on its natural key (a card by pack and
item, a review by everything it records, ...). Where both sides hold a row, the merge keeps the most
informed one (the card reviewed last, the note written last, the earliest completion). A file that is
malformed, holds a value of the wrong type or out of range (see `export_fields`), or comes from a newer
lambdalearn is refused before anything is written, with its first problems listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lambdalearn.progress import migrations
from lambdalearn.progress.clock import utc_now, utc_text
from lambdalearn.progress.export_fields import row_problems
from lambdalearn.progress.store import ProgressStore, StoreError

FORMAT = "lambdalearn-progress"
EXPORT_VERSION = 2  # 2: card_marks (suspended, buried, flagged, the learner's note on a question)
PROBLEMS_LISTED = 10  # a refused file lists this many of its problems, then how many more there are

# table -> (exported columns, natural key columns); `id` columns are local and never exported.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cards": (
        ("pack_id", "item_id", "question_type", "card_json", "due_ms", "state", "reps", "lapses", "leech", "active",
         "created_at", "last_review_at"),
        ("pack_id", "item_id"),
    ),
    "reviews": (
        ("pack_id", "item_id", "kind", "rating", "correct", "duration_ms", "reviewed_at"),
        ("pack_id", "item_id", "kind", "rating", "correct", "duration_ms", "reviewed_at"),
    ),
    "xp_events": (("amount", "reason", "pack_id", "item_id", "awarded_at"),) * 2,
    "lessons": (("pack_id", "lesson_id", "opened_at", "completed_at", "xp_awarded"), ("pack_id", "lesson_id")),
    "notes": (("pack_id", "lesson_id", "text", "updated_at"), ("pack_id", "lesson_id")),
    "lab_results": (
        ("pack_id", "lab_id", "passed", "checks_passed", "checks_total", "duration_ms", "report_json", "finished_at"),
    ) * 2,
    "exam_results": (
        ("pack_id", "started_at", "finished_at", "questions", "correct", "score", "passed", "domains_json"),
    ) * 2,
    "settings": (("key", "value"), ("key",)),
    "card_marks": (
        ("pack_id", "item_id", "suspended", "buried_until_ms", "flagged", "note", "updated_at"),
        ("pack_id", "item_id"),
    ),
}


class ImportRefused(Exception):
    """The file cannot be imported; nothing was changed. `str()` says why, naming the table and row."""


@dataclass(frozen=True)
class ImportReport:
    added: dict[str, int]
    updated: dict[str, int]

    @property
    def changed_anything(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())


def export_progress(store: ProgressStore, now: datetime | None = None) -> dict[str, Any]:
    """Everything the learner has, as plain JSON-ready data."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": EXPORT_VERSION,
        "schema_version": migrations.schema_version(store.db),
        "exported_at": utc_text(now or utc_now()),
    }
    for table, (columns, _key) in TABLES.items():
        rows = store.db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
        data[table] = [dict(zip(columns, row)) for row in rows]
    return data


def write_export(store: ProgressStore, path: Path) -> dict[str, int]:
    """Write the export to `path` atomically; returns the row count of each table."""
    data = export_progress(store)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return {table: len(data[table]) for table in TABLES}


def read_export(path: Path) -> dict[str, Any]:
    """Parse and check an export file completely; ImportRefused names the first thing wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportRefused(f"{path}: not a lambdalearn progress export (not valid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(f"{path}: not a lambdalearn progress export (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportRefused(f"{path}: 'version' must be a positive integer, got {version!r}")
    if version > EXPORT_VERSION:
        raise ImportRefused(
            f"{path}: written by a newer lambdalearn (export version {version}; this one reads up to "
            f"{EXPORT_VERSION}). Upgrade lambdalearn to import it."
        )
    problems: list[str] = []
    for table, (columns, _key) in TABLES.items():
        rows = data.get(table, [])
        if not isinstance(rows, list):
            raise ImportRefused(f"{path}: '{table}' must be a list")
        for index, row in enumerate(rows):
            if not isinstance(row, dict) or set(row) != set(columns):
                missing = sorted(set(columns) - set(row)) if isinstance(row, dict) else columns
                extra = sorted(set(row) - set(columns)) if isinstance(row, dict) else []
                problems.append(
                    f"{table}[{index}]: expected the fields {', '.join(columns)}"
                    + (f"; missing {', '.join(missing)}" if missing else "")
                    + (f"; unknown {', '.join(extra)}" if extra else "")
                )
                continue
            problems.extend(f"{table}[{index}].{problem}" for problem in row_problems(table, row))
    if problems:
        more = len(problems) - PROBLEMS_LISTED
        raise ImportRefused(f"{path}: {len(problems)} problem(s): " + "; ".join(problems[:PROBLEMS_LISTED])
                            + (f"; and {more} more" if more > 0 else ""))
    return data


def import_progress(store: ProgressStore, data: dict[str, Any]) -> ImportReport:
    """Merge `data` (from `read_export`) into the store in one transaction; repeatable without effect."""
    added = dict.fromkeys(TABLES, 0)
    updated = dict.fromkeys(TABLES, 0)
    try:
        with store.transaction() as db:
            for table in TABLES:
                for row in data.get(table, []):
                    outcome = _merge_row(db, table, row)
                    if outcome == "added":
                        added[table] += 1
                    elif outcome == "updated":
                        updated[table] += 1
            # The running total follows the ledger, which now holds every award from both sides.
            db.execute("UPDATE totals SET value = (SELECT COALESCE(SUM(amount), 0) FROM xp_events) WHERE name = 'xp'")
    except Exception as exc:  # a constraint or type error in the file: roll back, report, change nothing
        if isinstance(exc, (ImportRefused, StoreError)):
            raise
        raise ImportRefused(f"the file has a value the database rejects ({exc}); nothing was changed") from None
    return ImportReport(added, updated)


def _merge_row(db, table: str, row: dict[str, Any]) -> str | None:
    """Insert `row` when its key is new, or merge it into the existing row; returns what happened."""
    columns, key = TABLES[table]
    where = " AND ".join(f"{column} IS ?" for column in key)
    existing = db.execute(
        f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE {where}", [row[c] for c in key]
    ).fetchone()
    if existing is None:
        values = dict(row)
        if table == "reviews":
            card = db.execute("SELECT id FROM cards WHERE pack_id = ? AND item_id = ?", [row["pack_id"], row["item_id"]]).fetchone()
            values["card_id"] = card[0] if card else None
        names = list(values)
        db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", [values[n] for n in names])
        return "added"
    rowid, current = existing[0], dict(zip(columns, existing[1:]))
    merged = _MERGE_RULES.get(table, _keep_local)(current, row)
    if merged == current:
        return None
    assignments = ", ".join(f"{column} = ?" for column in columns)
    db.execute(f"UPDATE {table} SET {assignments} WHERE rowid = ?", [merged[c] for c in columns] + [rowid])
    return "updated"


def _keep_local(current: dict, _incoming: dict) -> dict:
    return current


def _latest_review(current: dict, incoming: dict) -> dict:
    return incoming if (incoming["last_review_at"] or "") > (current["last_review_at"] or "") else current


def _latest_note(current: dict, incoming: dict) -> dict:
    return incoming if incoming["updated_at"] > current["updated_at"] else current


def _earliest(a: str | None, b: str | None) -> str | None:
    return min((t for t in (a, b) if t), default=None)


def _merged_lesson(current: dict, incoming: dict) -> dict:
    return {
        **current,
        "opened_at": _earliest(current["opened_at"], incoming["opened_at"]),
        "completed_at": _earliest(current["completed_at"], incoming["completed_at"]),
        "xp_awarded": max(current["xp_awarded"], incoming["xp_awarded"]),
    }


_MERGE_RULES = {"cards": _latest_review, "notes": _latest_note, "card_marks": _latest_note, "lessons": _merged_lesson}
