"""Streaks over local days and time zones; the summary and the figures for the stats screen."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from lambdalearn.progress.lessons import complete_lesson
from lambdalearn.progress.queue import sync_items
from lambdalearn.progress.reviews import LEECH_LAPSES
from lambdalearn.progress.stats import due_forecast, leeches, reviews_per_day, summary, true_retention
from lambdalearn.progress.streaks import streak_days

from .conftest import PACK, T0, answer, graduate

UTC = timezone.utc
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def zone(name):
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        pytest.skip(f"time zone data for {name} is not installed")


def at(day, hour, minute=0, tz=UTC):
    return datetime(2026, 3, day, hour, minute, tzinfo=tz)


def test_no_activity_no_streak(store):
    assert streak_days(store, date(2026, 3, 2), UTC) == 0


def test_consecutive_days_of_reviews_and_lessons_make_a_streak(store):
    answer(store, "a", at(1, 9))
    complete_lesson(store, PACK, "intro", 10, now=at(2, 9))
    answer(store, "b", at(3, 9))
    assert streak_days(store, date(2026, 3, 3), UTC) == 3


def test_the_streak_still_counts_until_today_is_over(store):
    answer(store, "a", at(1, 9))
    answer(store, "b", at(2, 9))
    assert streak_days(store, date(2026, 3, 3), UTC) == 2, "nothing yet today: ends yesterday"
    assert streak_days(store, date(2026, 3, 4), UTC) == 0, "a missed day breaks it"


def test_a_gap_breaks_the_streak(store):
    answer(store, "a", at(1, 9))
    answer(store, "b", at(3, 9))
    assert streak_days(store, date(2026, 3, 3), UTC) == 1


def test_a_review_at_23_30_local_counts_for_that_local_day(store):
    # 23:30 on March 1 in New York (UTC-5) is 04:30 on March 2 in UTC
    answer(store, "a", at(1, 23, 30, tz=NEW_YORK_WINTER))
    answer(store, "b", at(2, 20, tz=NEW_YORK_WINTER))
    assert streak_days(store, date(2026, 3, 2), NEW_YORK_WINTER) == 2
    assert streak_days(store, date(2026, 3, 2), UTC) == 1, "in UTC both fall on March 2"


def test_streaks_follow_a_named_zone_across_a_daylight_saving_change(store):
    new_york = zone("America/New_York")  # clocks go forward on 2026-03-08
    for day in (7, 8, 9):
        answer(store, f"q{day}", datetime(2026, 3, day, 23, 30, tzinfo=new_york))
    assert streak_days(store, date(2026, 3, 9), new_york) == 3


def test_summary_has_the_agreed_keys_and_figures(store):
    answer(store, "a", T0, difficulty="advanced")  # 20 XP
    answer(store, "b", T0, rating=1)
    complete_lesson(store, PACK, "intro", 90, now=T0)
    figures = summary(store, now=T0 + timedelta(hours=1), tz=UTC)
    assert {key: figures[key] for key in
            ("xp", "level", "streak_days", "reviews", "due_now", "cards", "lessons_completed")} == {
        "xp": 110, "level": 2, "streak_days": 1, "reviews": 2, "due_now": 2, "cards": 2, "lessons_completed": 1,
    }
    assert figures["next_level_xp"] == 300 and figures["leeches"] == 0 and figures["retention_30d"] is None


def test_summary_counts_only_cards_still_in_their_pack(store):
    answer(store, "a", T0)
    answer(store, "gone", T0)
    sync_items(store, PACK, ["a"])
    figures = summary(store, now=T0 + timedelta(hours=1), tz=UTC)
    assert figures["cards"] == 1 and figures["due_now"] == 1


def test_leeches_are_listed_with_their_lapses(store):
    store.db.execute(
        "INSERT INTO cards (pack_id, item_id, question_type, card_json, due_ms, state, lapses, leech, created_at)"
        " VALUES (?, ?, 'single', '{}', 0, 2, ?, 1, 'x'), (?, ?, 'single', '{}', 0, 2, 3, 0, 'x')",
        [PACK, "hard-one", LEECH_LAPSES + 1, PACK, "fine"],
    )
    assert leeches(store) == [(PACK, "hard-one", LEECH_LAPSES + 1)]


def test_reviews_per_day_counts_every_answer_by_local_day(store):
    answer(store, "a", at(1, 9))
    answer(store, "b", at(1, 23, 30, tz=NEW_YORK_WINTER))
    answer(store, "c", at(3, 9), cram=True)
    assert reviews_per_day(store, 3, now=at(3, 12), tz=NEW_YORK_WINTER) == [
        (date(2026, 3, 1), 2), (date(2026, 3, 2), 0), (date(2026, 3, 3), 1),
    ]


def test_due_forecast_puts_overdue_cards_on_today(store):
    answer(store, "overdue", at(1, 9))  # due 10 minutes later
    for item in ("soon", "soon2"):
        answer(store, item, at(3, 9))
    store.db.execute("UPDATE cards SET due_ms = ? WHERE item_id = 'soon2'", [int(at(4, 9).timestamp() * 1000)])
    assert due_forecast(store, 3, now=at(3, 8), tz=UTC) == [
        (date(2026, 3, 3), 2), (date(2026, 3, 4), 1), (date(2026, 3, 5), 0),
    ]


def test_true_retention_is_the_share_of_reviews_answered_right(store):
    assert true_retention(store, 30, now=T0, tz=UTC) is None
    answer(store, "never-learned", T0, rating=1)  # first answers and learning steps do not count
    _, learned = graduate(store, "a", T0)
    right = answer(store, "a", learned.due)
    wrong = answer(store, "a", right.due, rating=1)
    relearned = answer(store, "a", wrong.due)  # a relearning step
    answer(store, "a", relearned.due, rating=1, cram=True)  # cram does not count
    last = answer(store, "a", relearned.due)
    assert true_retention(store, 365, now=last.due, tz=UTC) == pytest.approx(2 / 3)
    assert true_retention(store, 1, now=relearned.due + timedelta(minutes=1), tz=UTC) == 1.0
