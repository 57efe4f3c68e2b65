"""Mock-exam results: one row per finished attempt, with the score of each blueprint domain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from lambdalearn.progress.clock import parse_utc_text, utc_text
from lambdalearn.progress.store import ProgressStore


@dataclass(frozen=True)
class ExamRecord:
    """A stored attempt. `domains` maps a domain id to {"questions": n, "correct": n}, plus "predicted" (the
    share right the readiness prediction gave it before the exam) when one was made."""

    id: int
    pack_id: str
    started_at: datetime
    finished_at: datetime
    questions: int
    correct: int
    score: float  # percent
    passed: bool
    domains: dict[str, dict[str, float]]


def save_exam_result(
    store: ProgressStore,
    pack_id: str,
    *,
    started_at: datetime,
    finished_at: datetime,
    questions: int,
    correct: int,
    score: float,
    passed: bool,
    domains: dict[str, dict[str, float]],
) -> int:
    """Store one finished attempt (one transaction); return its id."""
    if not 0 <= correct <= questions:
        raise ValueError(f"correct must be between 0 and questions ({questions}), got {correct}")
    with store.transaction() as db:
        cursor = db.execute(
            "INSERT INTO exam_results (pack_id, started_at, finished_at, questions, correct, score, passed,"
            " domains_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [pack_id, utc_text(started_at), utc_text(finished_at), questions, correct, score, int(passed),
             json.dumps(domains, sort_keys=True)],
        )
        return cursor.lastrowid


def exam_history(store: ProgressStore, pack_id: str | None = None) -> list[ExamRecord]:
    """Stored attempts, newest first, optionally of one pack."""
    sql = ("SELECT id, pack_id, started_at, finished_at, questions, correct, score, passed, domains_json"
           " FROM exam_results")
    params: list[str] = []
    if pack_id is not None:
        sql += " WHERE pack_id = ?"
        params.append(pack_id)
    rows = store.db.execute(sql + " ORDER BY finished_at DESC, id DESC", params).fetchall()
    return [
        ExamRecord(row[0], row[1], parse_utc_text(row[2]), parse_utc_text(row[3]), row[4], row[5], row[6],
                   bool(row[7]), json.loads(row[8]))
        for row in rows
    ]
