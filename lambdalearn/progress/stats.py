"""Figures about the learner's progress, for `lambdalearn stats` and the stats screen."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from lambdalearn.progress.clock import as_utc, epoch_ms, local_date, local_day_bounds, utc_text
from lambdalearn.progress.marks import held_card_dues
from lambdalearn.progress.queue import due_count
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.streaks import streak_days
from lambdalearn.progress.xp import level_for, total_xp


def summary(store: ProgressStore, now: datetime | None = None, tz: tzinfo | None = None) -> dict:
    """The headline figures. Keys: xp, level, streak_days, reviews, due_now, cards, lessons_completed,
    and also next_level_xp, level_progress (0..1), leeches (count), retention_30d (None without reviews)."""
    when = as_utc(now)
    xp = total_xp(store)
    level = level_for(xp)
    db = store.db
    return {
        "xp": xp,
        "level": level.level,
        "streak_days": streak_days(store, local_date(when, tz), tz),
        "reviews": db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0],
        "due_now": due_count(store, when),
        "cards": db.execute("SELECT COUNT(*) FROM cards WHERE active = 1").fetchone()[0],
        "lessons_completed": db.execute("SELECT COUNT(*) FROM lessons WHERE completed_at IS NOT NULL").fetchone()[0],
        "next_level_xp": level.next_level_xp,
        "level_progress": round(level.progress, 4),
        "leeches": db.execute("SELECT COUNT(*) FROM cards WHERE leech = 1 AND active = 1").fetchone()[0],
        "retention_30d": true_retention(store, 30, when, tz),
    }


def leeches(store: ProgressStore) -> list[tuple[str, str, int]]:
    """(pack_id, item_id, lapses) of the active leech cards, most lapses first."""
    rows = store.db.execute(
        "SELECT pack_id, item_id, lapses FROM cards WHERE leech = 1 AND active = 1"
        " ORDER BY lapses DESC, pack_id, item_id"
    )
    return [tuple(row) for row in rows.fetchall()]


def reviews_per_day(
    store: ProgressStore, days: int, now: datetime | None = None, tz: tzinfo | None = None
) -> list[tuple[date, int]]:
    """Answers per local day (all kinds) for the last `days` days, oldest first, today included."""
    today = local_date(as_utc(now), tz)
    result = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        start, end = (utc_text(moment) for moment in local_day_bounds(day, tz))
        count = store.db.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?", [start, end]
        ).fetchone()[0]
        result.append((day, count))
    return result


def due_forecast(
    store: ProgressStore, days: int, now: datetime | None = None, tz: tzinfo | None = None
) -> list[tuple[date, int]]:
    """Active cards falling due on each of the next `days` local days, today first (overdue counted today);
    suspended and buried ones are not coming up, so they are left out."""
    today = local_date(as_utc(now), tz)
    held = held_card_dues(store, now)
    result = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        start, end = (epoch_ms(moment) for moment in local_day_bounds(day, tz))
        low = -(2**63) if offset == 0 else start
        count = store.db.execute(
            "SELECT COUNT(*) FROM cards WHERE active = 1 AND due_ms >= ? AND due_ms < ?", [low, end]
        ).fetchone()[0] - sum(low <= due_ms < end for due_ms in held)
        result.append((day, count))
    return result


def true_retention(
    store: ProgressStore, days: int = 30, now: datetime | None = None, tz: tzinfo | None = None
) -> float | None:
    """Share of review answers (not first answers, not cram) answered right over the last `days` local days."""
    today = local_date(as_utc(now), tz)
    start, _ = local_day_bounds(today - timedelta(days=days - 1), tz)
    total, right = store.db.execute(
        "SELECT COUNT(*), SUM(correct) FROM reviews WHERE reviewed_at >= ? AND kind = 'review'",
        [utc_text(start)],
    ).fetchone()
    return right / total if total else None

