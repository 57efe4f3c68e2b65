"""Experience points and levels.

XP for answers: 10 for a card's first answer, 5 for a later one, times 1 / 1.5 / 2 for beginner /
intermediate / advanced questions (rounded half up), and 0 for a wrong answer. Lessons award their
front-matter `xp` once (see `lessons`); labs will award theirs.

Level curve: reaching level n takes 50 * n * (n - 1) XP in total, so each level costs 100 XP more than the
one before: L1 at 0, L2 at 100, L3 at 300, L4 at 600, L5 at 1000, L10 at 4500, L20 at 19000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from lambdalearn.progress.clock import as_utc, utc_text
from lambdalearn.progress.store import ProgressStore

NEW_ANSWER_XP = 10
REVIEW_ANSWER_XP = 5
DIFFICULTY_MULTIPLIERS: dict[str, float] = {"beginner": 1.0, "intermediate": 1.5, "advanced": 2.0}
LEVEL_STEP_XP = 50


@dataclass(frozen=True)
class Level:
    """Where a total of XP stands on the level curve; `progress` is the share (0..1) of the way to the next."""

    level: int
    total_xp: int
    level_floor_xp: int
    next_level_xp: int
    progress: float


def xp_to_reach(level: int) -> int:
    """Total XP needed to reach `level` (1-based)."""
    return LEVEL_STEP_XP * level * (level - 1)


def level_for(total_xp: int) -> Level:
    """The level reached with `total_xp` XP."""
    if total_xp < 0:
        raise ValueError(f"total_xp must be >= 0, got {total_xp}")
    # Largest n with n * (n - 1) <= total_xp // 50, from the quadratic formula, then exact integer checks.
    units = total_xp // LEVEL_STEP_XP
    level = max(1, (1 + math.isqrt(1 + 4 * units)) // 2)
    while xp_to_reach(level + 1) <= total_xp:
        level += 1
    while xp_to_reach(level) > total_xp:
        level -= 1
    floor, ceiling = xp_to_reach(level), xp_to_reach(level + 1)
    return Level(level, total_xp, floor, ceiling, (total_xp - floor) / (ceiling - floor))


def answer_xp(correct: bool, difficulty: str, first_time: bool) -> int:
    """XP for one answer (see the module docstring)."""
    if difficulty not in DIFFICULTY_MULTIPLIERS:
        raise ValueError(f"unknown difficulty {difficulty!r}; expected one of {sorted(DIFFICULTY_MULTIPLIERS)}")
    if not correct:
        return 0
    base = NEW_ANSWER_XP if first_time else REVIEW_ANSWER_XP
    return math.floor(base * DIFFICULTY_MULTIPLIERS[difficulty] + 0.5)


def award_xp(
    store: ProgressStore,
    amount: int,
    reason: str,
    pack_id: str | None,
    item_id: str | None,
    now: datetime | None = None,
) -> None:
    """Add `amount` XP to the ledger and the running total (nothing for 0)."""
    if amount < 0:
        raise ValueError(f"XP amount must be >= 0, got {amount}")
    if amount == 0:
        return
    with store.transaction() as db:
        db.execute(
            "INSERT INTO xp_events (amount, reason, pack_id, item_id, awarded_at) VALUES (?, ?, ?, ?, ?)",
            [amount, reason, pack_id, item_id, utc_text(as_utc(now))],
        )
        db.execute("UPDATE totals SET value = value + ? WHERE name = 'xp'", [amount])


def total_xp(store: ProgressStore) -> int:
    """All XP ever awarded."""
    return store.db.execute("SELECT value FROM totals WHERE name = 'xp'").fetchone()[0]
