"""Lab progress: every check run (attempts, checks passed, completion), XP once, hints taken, the workspace.

Each `lambdalearn lab check` (or a run from the lab screen) adds one row to `lab_results` with the runner's
report. The first run that passes every check completes the lab and awards its XP; later passes award
nothing. How many hints the learner has seen and where their workspace is are kept per lab as one JSON value
in the `settings` table under `lab:<pack_id>:<lab_id>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lambdalearn.progress.clock import as_utc, utc_text
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.xp import award_xp

NEW, STARTED, ATTEMPTED, COMPLETED = "new", "started", "attempted", "completed"


@dataclass(frozen=True)
class LabProgress:
    """Where the learner stands on one lab."""

    attempts: int = 0
    best_checks_passed: int = 0
    checks_total: int = 0
    completed_at: str | None = None
    hints_shown: int = 0
    workspace: str | None = None

    @property
    def status(self) -> str:
        """`new`, `started` (a workspace exists), `attempted` (checks were run) or `completed`."""
        if self.completed_at is not None:
            return COMPLETED
        if self.attempts:
            return ATTEMPTED
        return STARTED if self.workspace else NEW


def record_lab_result(
    store: ProgressStore, pack_id: str, lab_id: str, report: dict[str, Any], xp: int, now: datetime | None = None
) -> int:
    """Store one check run (`report` is `LabReport.to_dict()`); return the XP awarded (the lab's `xp` on the
    first full pass, else 0)."""
    if xp < 0:
        raise ValueError(f"lab XP must be >= 0, got {xp}")
    checks = report.get("checks", [])
    passed = bool(report.get("passed"))
    with store.transaction() as db:
        already = db.execute(
            "SELECT 1 FROM lab_results WHERE pack_id = ? AND lab_id = ? AND passed = 1 LIMIT 1", [pack_id, lab_id]
        ).fetchone()
        db.execute(
            "INSERT INTO lab_results (pack_id, lab_id, passed, checks_passed, checks_total, duration_ms, report_json,"
            " finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [pack_id, lab_id, int(passed), sum(bool(c.get("passed")) for c in checks), len(checks),
             int(report.get("duration_ms", 0)), json.dumps(report), utc_text(as_utc(now))],
        )
        if passed and already is None:
            award_xp(store, xp, "lab completed", pack_id, lab_id, now=now)
            return xp
    return 0


_RESULTS = ("SELECT COUNT(*), COALESCE(MAX(checks_passed), 0), COALESCE(MAX(checks_total), 0),"
            " MIN(CASE WHEN passed = 1 THEN finished_at END) FROM lab_results")


def lab_progress(store: ProgressStore, pack_id: str, lab_id: str) -> LabProgress:
    """The learner's progress on one lab (all zeros for a lab never touched)."""
    row = store.db.execute(_RESULTS + " WHERE pack_id = ? AND lab_id = ?", [pack_id, lab_id]).fetchone()
    return _progress(row, _state(store, pack_id, lab_id))


def labs_progress(store: ProgressStore, labs: list[tuple[str, str]]) -> dict[tuple[str, str], LabProgress]:
    """The learner's progress on each (pack id, lab id) of `labs`, in two queries however many labs there are
    (the course map shows every lab of every pack)."""
    results = {(row[0], row[1]): row[2:] for row in store.db.execute(
        _RESULTS.replace("SELECT ", "SELECT pack_id, lab_id, ", 1) + " GROUP BY pack_id, lab_id")}
    states = dict(store.db.execute("SELECT key, value FROM settings WHERE key LIKE 'lab:%'").fetchall())
    return {(pack_id, lab_id): _progress(results.get((pack_id, lab_id), (0, 0, 0, None)),
                                         _parse_state(states.get(_key(pack_id, lab_id))))
            for pack_id, lab_id in labs}


def _progress(row, state: dict[str, Any]) -> LabProgress:
    return LabProgress(row[0], row[1], row[2], row[3], int(state.get("hints_shown", 0)), state.get("workspace"))


def take_hint(store: ProgressStore, pack_id: str, lab_id: str, available: int) -> int:
    """Count one more hint seen (at most `available`); return how many the learner has now seen."""
    state = _state(store, pack_id, lab_id)
    state["hints_shown"] = min(available, int(state.get("hints_shown", 0)) + 1)
    _save_state(store, pack_id, lab_id, state)
    return state["hints_shown"]


def remember_workspace(store: ProgressStore, pack_id: str, lab_id: str, workspace: Path) -> None:
    """Remember where the learner's workspace is, so later commands find it without --dir."""
    state = _state(store, pack_id, lab_id)
    state["workspace"] = str(Path(workspace).resolve())
    _save_state(store, pack_id, lab_id, state)


def _key(pack_id: str, lab_id: str) -> str:
    return f"lab:{pack_id}:{lab_id}"


def _state(store: ProgressStore, pack_id: str, lab_id: str) -> dict[str, Any]:
    row = store.db.execute("SELECT value FROM settings WHERE key = ?", [_key(pack_id, lab_id)]).fetchone()
    return _parse_state(row[0] if row is not None else None)


def _parse_state(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _save_state(store: ProgressStore, pack_id: str, lab_id: str, state: dict[str, Any]) -> None:
    with store.transaction() as db:
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [_key(pack_id, lab_id), json.dumps(state)],
        )
