"""What the learner sets on one question, as in Anki's browser: suspend, bury, flag, and a personal note.

A suspended question is never scheduled (not as a due card, not as a new one, not crammed) until it is
unsuspended. A buried one is held back until the next local day begins, the day the queue's daily limits
count in (`clock.local_day_start`), and then comes back by itself. A flag is a marker to find the question
again. The note is the learner's own text, shown with the question's feedback.

Marks live in `card_marks`, keyed by (pack_id, item_id) like cards, so they survive a pack update; a question
never answered (no card yet) can carry them too. A row whose marks are all cleared is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from lambdalearn.progress.clock import UTC, as_utc, epoch_ms, local_date, local_day_start, utc_text
from lambdalearn.progress.store import ProgressStore

Key = tuple[str, str]


@dataclass(frozen=True)
class Marks:
    """The marks on one question; `buried_until` is the instant a bury ends (None: not buried)."""

    suspended: bool = False
    buried_until: datetime | None = None
    flagged: bool = False
    note: str = ""

    def buried(self, now: datetime | None = None) -> bool:
        """Whether the question is buried at `now` (a bury from an earlier day has run out)."""
        return self.buried_until is not None and self.buried_until > as_utc(now)

    def held(self, now: datetime | None = None) -> bool:
        """Whether the queue leaves the question out at `now` (suspended, or buried)."""
        return self.suspended or self.buried(now)


NO_MARKS = Marks()


def not_held_sql(table: str) -> str:
    """A WHERE term keeping the rows of `table` (which has pack_id and item_id) that are neither suspended
    nor buried; it takes one parameter, the instant as epoch milliseconds (`clock.epoch_ms`)."""
    return (f"NOT EXISTS (SELECT 1 FROM card_marks AS held WHERE held.pack_id = {table}.pack_id"
            f" AND held.item_id = {table}.item_id AND (held.suspended = 1 OR held.buried_until_ms > ?))")


def load_marks(store: ProgressStore) -> dict[Key, Marks]:
    """Every question's marks, by (pack_id, item_id)."""
    rows = store.db.execute("SELECT pack_id, item_id, suspended, buried_until_ms, flagged, note FROM card_marks")
    return {(pack_id, item_id): _marks(*values) for pack_id, item_id, *values in rows.fetchall()}


def marks_of(store: ProgressStore, pack_id: str, item_id: str) -> Marks:
    """The marks on one question (`NO_MARKS` when it has none)."""
    row = store.db.execute(
        "SELECT suspended, buried_until_ms, flagged, note FROM card_marks WHERE pack_id = ? AND item_id = ?",
        [pack_id, item_id],
    ).fetchone()
    return _marks(*row) if row else NO_MARKS


def held_keys(store: ProgressStore, now: datetime | None = None) -> set[Key]:
    """The questions the queue leaves out at `now`: suspended or buried."""
    rows = store.db.execute(
        "SELECT pack_id, item_id FROM card_marks WHERE suspended = 1 OR buried_until_ms > ?", [epoch_ms(as_utc(now))]
    )
    return {tuple(row) for row in rows.fetchall()}


def held_card_dues(store: ProgressStore, now: datetime | None = None) -> list[int]:
    """The due dates (epoch ms) of the active cards held back at `now`: counts of due cards subtract these,
    which costs a lookup per mark instead of one per due card (a join on every due card made `due_count`
    500 times slower on 100,000 cards). The marks are the outer loop (a join let SQLite's planner scan the cards)."""
    rows = store.db.execute(
        "SELECT (SELECT c.due_ms FROM cards AS c WHERE c.pack_id = m.pack_id AND c.item_id = m.item_id AND c.active = 1)"
        " FROM card_marks AS m WHERE m.suspended = 1 OR m.buried_until_ms > ?", [epoch_ms(as_utc(now))]
    )
    return [due_ms for (due_ms,) in rows.fetchall() if due_ms is not None]


def set_suspended(store: ProgressStore, pack_id: str, item_id: str, suspended: bool,
                  now: datetime | None = None) -> Marks:
    """Suspend the question (never scheduled) or unsuspend it; returns its marks."""
    return _change(store, pack_id, item_id, now, suspended=suspended)


def bury(store: ProgressStore, pack_id: str, item_id: str, now: datetime | None = None,
         tz: tzinfo | None = None) -> Marks:
    """Hold the question back until the next local day begins (in zone `tz`; None: the system's)."""
    return _change(store, pack_id, item_id, now, buried_until=next_day_start(now, tz))


def unbury(store: ProgressStore, pack_id: str, item_id: str, now: datetime | None = None) -> Marks:
    """Let a buried question come back at once."""
    return _change(store, pack_id, item_id, now, buried_until=None)


def set_flagged(store: ProgressStore, pack_id: str, item_id: str, flagged: bool,
                now: datetime | None = None) -> Marks:
    """Flag the question, or take the flag off."""
    return _change(store, pack_id, item_id, now, flagged=flagged)


def save_card_note(store: ProgressStore, pack_id: str, item_id: str, text: str,
                   now: datetime | None = None) -> Marks:
    """Keep the learner's note on the question (blank text removes it); surrounding blank lines are dropped."""
    return _change(store, pack_id, item_id, now, note=text.strip() if text.strip() else "")


def next_day_start(now: datetime | None = None, tz: tzinfo | None = None) -> datetime:
    """The UTC instant at which the local day after the one holding `now` begins."""
    return local_day_start(local_date(as_utc(now), tz) + timedelta(days=1), tz)


def _change(store: ProgressStore, pack_id: str, item_id: str, now: datetime | None, **changes) -> Marks:
    """Apply `changes` to the question's marks in one transaction (deleting the row when nothing is left)."""
    with store.transaction() as db:
        marks = replace(marks_of(store, pack_id, item_id), **changes)
        if marks.buried_until is not None and not marks.buried(now):
            marks = replace(marks, buried_until=None)  # a bury that ran out is no mark
        if marks == NO_MARKS:
            db.execute("DELETE FROM card_marks WHERE pack_id = ? AND item_id = ?", [pack_id, item_id])
            return marks
        db.execute(
            "INSERT INTO card_marks (pack_id, item_id, suspended, buried_until_ms, flagged, note, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pack_id, item_id) DO UPDATE SET"
            " suspended = excluded.suspended, buried_until_ms = excluded.buried_until_ms,"
            " flagged = excluded.flagged, note = excluded.note, updated_at = excluded.updated_at",
            [pack_id, item_id, int(marks.suspended), epoch_ms(marks.buried_until) if marks.buried_until else 0,
             int(marks.flagged), marks.note, utc_text(as_utc(now))],
        )
    return marks


def _marks(suspended: int, buried_until_ms: int, flagged: int, note: str) -> Marks:
    buried_until = datetime.fromtimestamp(buried_until_ms / 1000, UTC) if buried_until_ms else None
    return Marks(bool(suspended), buried_until, bool(flagged), note)
