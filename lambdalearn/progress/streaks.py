"""Study streaks: consecutive local days with at least one answer (any kind) or one finished lesson."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

from lambdalearn.progress.clock import local_date, local_day_bounds, utc_now, utc_text
from lambdalearn.progress.store import ProgressStore


def studied_on(store: ProgressStore, day: date, tz: tzinfo | None = None) -> bool:
    """True if the learner answered a question or finished a lesson on local `day`."""
    start, end = (utc_text(moment) for moment in local_day_bounds(day, tz))
    row = store.db.execute(
        "SELECT EXISTS (SELECT 1 FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?)"
        " OR EXISTS (SELECT 1 FROM lessons WHERE completed_at >= ? AND completed_at < ?)",
        [start, end, start, end],
    ).fetchone()
    return bool(row[0])


def streak_days(store: ProgressStore, today: date | None = None, tz: tzinfo | None = None) -> int:
    """Consecutive study days ending today, or ending yesterday when nothing is done yet today."""
    day = today if today is not None else local_date(utc_now(), tz)
    if not studied_on(store, day, tz):
        day -= timedelta(days=1)
    streak = 0
    while studied_on(store, day, tz):
        streak += 1
        day -= timedelta(days=1)
    return streak
