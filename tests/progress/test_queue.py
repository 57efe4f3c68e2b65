"""Choosing what to study: due cards first, then new items, within the daily limits; sync of removed items."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from lambdalearn.progress.queue import (
    ahead_items,
    answers_today,
    due_count,
    limits_left,
    new_left_today,
    next_items,
    sync_items,
    unseen,
)
from lambdalearn.progress.settings import Settings, save_settings

from .conftest import PACK, T0, answer, graduate

UTC = timezone.utc


def keys(*items, pack=PACK):
    return [(pack, item) for item in items]


def test_new_items_are_offered_in_candidate_order_when_nothing_is_due(store):
    assert next_items(store, PACK, keys("a", "b", "c"), now=T0) == keys("a", "b", "c")


def test_due_cards_come_first_most_overdue_first_then_new_ones(store):
    answer(store, "late", T0)  # due 10 minutes after T0
    answer(store, "later", T0 + timedelta(minutes=5))  # due 15 minutes after T0
    answer(store, "not-yet", T0 + timedelta(hours=2))
    now = T0 + timedelta(hours=1)
    candidates = keys("new1", "later", "not-yet", "late", "new2")
    assert next_items(store, PACK, candidates, now=now) == keys("late", "later", "new1", "new2")


def test_without_candidates_every_active_due_card_is_offered_and_no_new_ones(store):
    answer(store, "a", T0)
    answer(store, "other", T0, pack_id="other-pack")
    now = T0 + timedelta(hours=1)
    assert next_items(store, None, None, now=now) == [("mini", "a"), ("other-pack", "other")]
    assert next_items(store, "other-pack", None, now=now) == [("other-pack", "other")]


def test_pack_id_filters_the_candidates(store):
    assert next_items(store, PACK, [("elsewhere", "x"), (PACK, "y")], now=T0) == keys("y")


def test_limit_caps_the_total_and_new_limit_the_new_ones(store):
    for item in "abc":
        answer(store, item, T0)
    now = T0 + timedelta(hours=1)
    candidates = keys("a", "b", "c", "n1", "n2", "n3")
    assert next_items(store, PACK, candidates, now=now, limit=2) == keys("a", "b")
    assert next_items(store, PACK, candidates, now=now, limit=4) == keys("a", "b", "c", "n1")
    assert next_items(store, PACK, candidates, now=now, new_limit=1) == keys("a", "b", "c", "n1")
    assert next_items(store, PACK, candidates, now=now, new_limit=0) == keys("a", "b", "c")


def test_new_cards_introduced_today_count_against_the_daily_new_limit(store):
    save_settings(store, Settings(daily_new_limit=3))
    answer(store, "a", T0)
    answer(store, "b", T0)
    candidates = keys("a", "b", "c", "d", "e")
    assert next_items(store, PACK, candidates, now=T0 + timedelta(minutes=1), tz=UTC) == keys("c")
    tomorrow = datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert next_items(store, PACK, candidates, now=tomorrow, tz=UTC)[-3:] == keys("c", "d", "e")


def test_reviews_done_today_count_against_the_daily_review_limit(store):
    save_settings(store, Settings(daily_review_limit=2))
    for item in "abc":
        graduate(store, item, T0)
    later = T0 + timedelta(days=60)
    assert next_items(store, PACK, None, now=later) == keys("a", "b")
    answer(store, "a", later)
    assert answers_today(store, later, tz=UTC)["review"] == 1
    assert next_items(store, PACK, None, now=later) == keys("b")


def test_learning_steps_are_not_held_back_by_the_review_limit(store):
    save_settings(store, Settings(daily_review_limit=1))
    for item in "ab":
        graduate(store, item, T0)
    later = T0 + timedelta(days=60)
    lapse = answer(store, "a", later, rating=1)  # uses up the one review of the day
    relearn_time = lapse.due + timedelta(minutes=1)
    assert next_items(store, PACK, None, now=relearn_time) == keys("a")
    assert next_items(store, PACK, keys("a", "b"), now=relearn_time) == keys("a")
    fresh = answer(store, "new", relearn_time, rating=1)  # a new card in its learning steps
    step_time = fresh.due + timedelta(minutes=1)
    assert next_items(store, PACK, None, now=step_time) == keys("a", "new")
    assert next_items(store, PACK, None, now=step_time, limit=1) == keys("a")


def test_cram_answers_do_not_count_against_the_limits(store):
    save_settings(store, Settings(daily_new_limit=1))
    answer(store, "x", T0, cram=True)
    assert next_items(store, PACK, keys("x", "y"), now=T0) == keys("x")


def test_the_daily_limits_reset_at_local_midnight(store):
    save_settings(store, Settings(daily_new_limit=1))
    east = timezone(timedelta(hours=10))
    answer(store, "a", datetime(2026, 3, 2, 13, 59, tzinfo=UTC))  # 23:59 on March 2 at UTC+10
    candidates = keys("b")
    assert next_items(store, PACK, candidates, now=datetime(2026, 3, 2, 13, 59, 30, tzinfo=UTC), tz=east) == []
    assert next_items(store, PACK, candidates, now=datetime(2026, 3, 2, 14, 0, 1, tzinfo=UTC), tz=east) == candidates


def test_sync_items_deactivates_cards_whose_item_left_the_pack_and_reactivates_returning_ones(store):
    for item in ("kept", "removed"):
        answer(store, item, T0)
    answer(store, "removed", T0, pack_id="other-pack")
    now = T0 + timedelta(hours=1)
    sync_items(store, PACK, ["kept", "brand-new"])
    assert next_items(store, None, None, now=now) == [("mini", "kept"), ("other-pack", "removed")]
    assert due_count(store, now) == 2
    assert store.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 3, "the card is kept"
    sync_items(store, PACK, ["kept", "removed"])
    assert due_count(store, now) == 3


def test_a_candidate_with_an_inactive_card_is_still_offered_as_due(store):
    answer(store, "a", T0)
    sync_items(store, PACK, [])
    assert next_items(store, PACK, keys("a"), now=T0 + timedelta(hours=1)) == keys("a")


def test_due_count_counts_active_due_cards(store):
    assert due_count(store, T0) == 0
    answer(store, "a", T0)
    answer(store, "b", T0 + timedelta(hours=1))
    assert due_count(store, T0 + timedelta(minutes=30)) == 1
    assert due_count(store, T0 + timedelta(hours=2)) == 2


@pytest.mark.parametrize("duplicate", [True, False])
def test_duplicate_candidates_are_offered_once(store, duplicate):
    candidates = keys("a", "a") if duplicate else keys("a")
    assert next_items(store, PACK, candidates, now=T0) == keys("a")


def test_a_requested_selection_is_let_through_the_daily_limits_and_still_counts(store):
    """Quizzing a lesson just read is a request, as Anki's custom study: the daily new limit does not cut it."""
    save_settings(store, Settings(daily_new_limit=1, daily_review_limit=0))
    answer(store, "a", T0)
    graduate(store, "old", T0 - timedelta(days=90))
    candidates = keys("old", "b", "c")
    assert next_items(store, PACK, candidates, now=T0, tz=UTC) == []
    assert next_items(store, PACK, candidates, now=T0, tz=UTC, requested=True) == keys("old", "b", "c")
    assert next_items(store, PACK, candidates, now=T0, tz=UTC, requested=True, new_limit=1) == keys("old", "b")
    answer(store, "b", T0)
    assert answers_today(store, T0, tz=UTC)["new"] == 2  # the requested card counts against today's limit
    assert limits_left(store, T0, tz=UTC) == (0, 0)


def test_unseen_and_ahead_items(store):
    answer(store, "soon", T0)
    graduate(store, "later", T0)
    answer(store, "due", T0 - timedelta(days=1))
    candidates = keys("later", "new", "soon", "due")
    assert unseen(store, candidates) == keys("new")
    assert ahead_items(store, candidates, now=T0 + timedelta(minutes=1)) == keys("soon", "later")
    assert ahead_items(store, candidates, now=T0 + timedelta(minutes=1), limit=1) == keys("soon")


def test_new_left_today_counts_what_next_items_would_start_new(store):
    """The home screen's count of new cards (Continue's "Learn N new cards") agrees with the queue in every
    state: cards answered (active or not), suspended and buried ones, duplicates, another pack, the limit."""
    from lambdalearn.progress.marks import bury, set_suspended

    def new_by_queue(candidates, now):
        return len(next_items(store, None, candidates, now=now, tz=UTC)) - len(
            next_items(store, None, candidates, now=now, tz=UTC, new_limit=0))

    save_settings(store, Settings(daily_new_limit=4))
    candidates = [*keys("a", "b", "c", "d", "a"), *keys("x", "y", pack="other"), *keys("e", "f", "g", "h")]
    now = T0 + timedelta(minutes=1)
    assert new_left_today(store, iter(candidates), now, UTC) == new_by_queue(candidates, now) == 4
    answer(store, "a", T0)
    answer(store, "x", T0, pack_id="other")
    sync_items(store, "other", ["y"])  # x's card goes inactive: still not new
    set_suspended(store, PACK, "b", True, now=T0)
    bury(store, PACK, "c", now=T0)
    assert new_left_today(store, candidates, now, UTC) == new_by_queue(candidates, now) == 2  # 4 - a, x today
    few = keys("a", "b", "c", "d")
    assert new_left_today(store, few, now, UTC) == new_by_queue(few, now) == 1
    save_settings(store, Settings(daily_new_limit=2))
    assert new_left_today(store, candidates, now, UTC) == new_by_queue(candidates, now) == 0
    tomorrow = datetime(2026, 3, 3, 9, tzinfo=UTC)  # c is no longer buried, the limit is back
    assert new_left_today(store, candidates, tomorrow, UTC) == new_by_queue(candidates, tomorrow) == 2
    save_settings(store, Settings(daily_new_limit=50))
    assert new_left_today(store, candidates, tomorrow, UTC) == new_by_queue(candidates, tomorrow) == 7


def test_new_left_today_stops_drawing_candidates_at_the_daily_limit(store):
    """Home asks over every question of every pack: with the limit reached, the rest is never looked at."""
    save_settings(store, Settings(daily_new_limit=3))
    drawn = []

    def candidates():
        for number in range(1000):
            drawn.append(number)
            yield (PACK, f"q{number}")

    assert new_left_today(store, candidates(), T0, UTC) == 3
    assert drawn == [0, 1, 2]
