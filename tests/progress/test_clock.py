"""Stored times: fixed-width UTC text that sorts in time order, and local days in any zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambdalearn.progress.clock import local_date, local_day_bounds, parse_utc_text, utc_text

UTC = timezone.utc
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@given(instants, instants)
def test_utc_text_sorts_in_time_order_and_round_trips(a, b):
    assert (utc_text(a) < utc_text(b)) == (a < b)
    assert len(utc_text(a)) == len(utc_text(b)) == 27
    assert parse_utc_text(utc_text(a)) == a


def test_an_aware_time_in_another_zone_is_stored_as_its_utc_instant():
    paris_winter = timezone(timedelta(hours=1))
    assert utc_text(datetime(2026, 1, 1, 0, 30, tzinfo=paris_winter)) == "2025-12-31T23:30:00.000000Z"


def test_local_date_and_day_bounds_follow_the_zone():
    tokyo = timezone(timedelta(hours=9))
    assert local_date(datetime(2026, 3, 1, 16, tzinfo=UTC), tokyo) == date(2026, 3, 2)
    start, end = local_day_bounds(date(2026, 3, 2), tokyo)
    assert (start, end) == (datetime(2026, 3, 1, 15, tzinfo=UTC), datetime(2026, 3, 2, 15, tzinfo=UTC))


def test_a_daylight_saving_day_is_23_hours_long():
    try:
        new_york = ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        pytest.skip("time zone data is not installed")
    start, end = local_day_bounds(date(2026, 3, 8), new_york)
    assert end - start == timedelta(hours=23)
    assert start == datetime(2026, 3, 8, 5, tzinfo=UTC)
