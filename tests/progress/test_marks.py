"""Marks on a question (suspend, bury, flag, note): kept, cleared, and honoured by the queue."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lambdalearn.progress.marks import (
    NO_MARKS, bury, held_keys, marks_of, next_day_start, save_card_note, set_flagged, set_suspended, unbury,
)
from lambdalearn.progress.queue import ahead_items, due_count, next_items, unseen
from lambdalearn.progress.stats import due_forecast

from .conftest import PACK, T0, answer

UTC = timezone.utc
TOKYO = timezone(timedelta(hours=9))


def keys(*items):
    return [(PACK, item) for item in items]


def test_suspend_flag_and_note_round_trip_and_clearing_them_leaves_no_row(store):
    set_suspended(store, PACK, "a", True, now=T0)
    set_flagged(store, PACK, "a", True, now=T0)
    save_card_note(store, PACK, "a", "  remember: 15 min max\n", now=T0)
    marks = marks_of(store, PACK, "a")
    assert (marks.suspended, marks.flagged, marks.note, marks.buried(T0)) == (True, True, "remember: 15 min max", False)
    set_suspended(store, PACK, "a", False, now=T0)
    set_flagged(store, PACK, "a", False, now=T0)
    save_card_note(store, PACK, "a", "   ", now=T0)
    assert marks_of(store, PACK, "a") == NO_MARKS
    assert store.db.execute("SELECT COUNT(*) FROM card_marks").fetchone()[0] == 0


def test_a_bury_lasts_until_the_next_local_day_begins_in_the_learners_zone(store):
    # T0 is 12:00 UTC = 21:00 in Tokyo: the Tokyo day ends at 15:00 UTC.
    marks = bury(store, PACK, "a", now=T0, tz=TOKYO)
    assert marks.buried_until == datetime(2026, 3, 2, 15, 0, tzinfo=UTC) == next_day_start(T0, TOKYO)
    assert held_keys(store, T0 + timedelta(hours=2, minutes=59)) == {(PACK, "a")}
    assert held_keys(store, T0 + timedelta(hours=3)) == set()
    assert not marks_of(store, PACK, "a").buried(T0 + timedelta(hours=3))


def test_unbury_brings_the_question_back_at_once(store):
    bury(store, PACK, "a", now=T0, tz=UTC)
    unbury(store, PACK, "a", now=T0)
    assert held_keys(store, T0) == set() and marks_of(store, PACK, "a") == NO_MARKS


def test_suspended_and_buried_cards_are_neither_due_nor_new_nor_ahead(store):
    for item in ("due-a", "due-b", "due-c"):
        answer(store, item, T0)  # due 10 minutes later
    later = T0 + timedelta(hours=1)
    set_suspended(store, PACK, "due-a", True, now=later)
    bury(store, PACK, "due-b", now=later, tz=UTC)
    set_suspended(store, PACK, "new-a", True, now=later)
    candidates = keys("due-a", "due-b", "due-c", "new-a", "new-b")
    assert next_items(store, PACK, candidates, now=later) == keys("due-c", "new-b")
    assert next_items(store, None, None, now=later) == keys("due-c")
    assert due_count(store, later) == 1
    assert unseen(store, candidates, now=later) == keys("new-b")
    assert due_forecast(store, 1, later, UTC)[0][1] == 1
    assert ahead_items(store, candidates, now=T0) == keys("due-c")


def test_a_buried_card_is_due_again_the_next_day(store):
    answer(store, "a", T0)
    bury(store, PACK, "a", now=T0 + timedelta(hours=1), tz=UTC)
    assert due_count(store, T0 + timedelta(hours=11)) == 0  # 23:00 the same day
    assert due_count(store, T0 + timedelta(hours=12)) == 1  # midnight: a new day
    assert next_items(store, PACK, keys("a"), now=T0 + timedelta(hours=12)) == keys("a")


def test_unsuspending_puts_the_card_back_in_the_queue_where_it_was(store):
    answer(store, "a", T0)
    set_suspended(store, PACK, "a", True, now=T0)
    assert due_count(store, T0 + timedelta(days=3)) == 0
    set_suspended(store, PACK, "a", False, now=T0 + timedelta(days=3))
    assert due_count(store, T0 + timedelta(days=3)) == 1
