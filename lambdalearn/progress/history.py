"""XP over time, for the stats screen's chart: the XP ledger summed per local day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from lambdalearn.progress.clock import as_utc, local_date, local_day_bounds, utc_text
from lambdalearn.progress.store import ProgressStore


def xp_per_day(
    store: ProgressStore, days: int, now: datetime | None = None, tz: tzinfo | None = None
) -> list[tuple[date, int, int]]:
    """(day, XP earned that day, total XP at the end of it) for the last `days` local days, oldest first."""
    today = local_date(as_utc(now), tz)
    first_start, _ = local_day_bounds(today - timedelta(days=days - 1), tz)
    running = store.db.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM xp_events WHERE awarded_at < ?", [utc_text(first_start)]
    ).fetchone()[0]
    result = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        start, end = (utc_text(moment) for moment in local_day_bounds(day, tz))
        earned = store.db.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM xp_events WHERE awarded_at >= ? AND awarded_at < ?", [start, end]
        ).fetchone()[0]
        running += earned
        result.append((day, earned, running))
    return result
