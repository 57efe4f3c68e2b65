"""Time conventions of the progress database, in one place.

Instants are stored as fixed-width UTC text (`2026-01-31T23:30:00.000000Z`), so text order is time order
and range queries can use an index; card due dates are also stored as epoch milliseconds for the due
index. "Today" is a day in the learner's local time zone: functions take an optional `tz`, and `None`
means the system's local zone (with its daylight-saving rules). A naive datetime is read as local time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

UTC = timezone.utc
_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime:
    """`moment` in UTC (now when None; a naive datetime is taken as local time)."""
    if moment is None:
        return utc_now()
    return moment.astimezone(UTC)


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text for storage; sorts in time order."""
    return as_utc(moment).strftime(_TEXT_FORMAT)


def parse_utc_text(text: str) -> datetime:
    """The instant stored by `utc_text`."""
    return datetime.strptime(text, _TEXT_FORMAT).replace(tzinfo=UTC)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch."""
    return int(as_utc(moment).timestamp() * 1000)


def local_date(moment: datetime | None, tz: tzinfo | None = None) -> date:
    """The calendar day on which `moment` falls in the zone `tz` (None: the system's local zone)."""
    utc = as_utc(moment)
    return (utc.astimezone(tz) if tz is not None else utc.astimezone()).date()


def local_day_start(day: date, tz: tzinfo | None = None) -> datetime:
    """The UTC instant at which local `day` begins in the zone `tz` (None: the system's local zone)."""
    midnight = datetime.combine(day, time())
    local = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
    return local.astimezone(UTC)


def local_day_bounds(day: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of local `day`; DST days are 23 or 25 hours long."""
    return local_day_start(day, tz), local_day_start(day + timedelta(days=1), tz)
