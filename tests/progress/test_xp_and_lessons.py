"""XP and the level curve; lessons award their XP once; notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambdalearn.progress.lessons import complete_lesson, completed_lessons, mark_lesson_opened, opened_lessons
from lambdalearn.progress.notes import load_note, save_note
from lambdalearn.progress.xp import answer_xp, award_xp, level_for, total_xp, xp_to_reach

from .conftest import PACK, T0


@pytest.mark.parametrize(
    "total, level, floor, next_at",
    [(0, 1, 0, 100), (99, 1, 0, 100), (100, 2, 100, 300), (299, 2, 100, 300), (300, 3, 300, 600),
     (600, 4, 600, 1000), (4499, 9, 3600, 4500), (4500, 10, 4500, 5500)],
)
def test_level_curve_edges(total, level, floor, next_at):
    result = level_for(total)
    assert (result.level, result.level_floor_xp, result.next_level_xp) == (level, floor, next_at)
    assert result.total_xp == total


def test_progress_is_the_share_of_the_way_to_the_next_level():
    assert level_for(200).progress == 0.5
    assert level_for(100).progress == 0.0


@given(st.integers(min_value=0, max_value=10**12))
def test_level_for_places_any_total_between_its_level_floor_and_the_next(total):
    result = level_for(total)
    assert result.level >= 1
    assert result.level_floor_xp == xp_to_reach(result.level) <= total < result.next_level_xp
    assert result.next_level_xp == xp_to_reach(result.level + 1)
    assert 0 <= result.progress < 1


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_more_xp_never_means_a_lower_level(a, b):
    low, high = sorted((a, b))
    assert level_for(low).level <= level_for(high).level


def test_negative_xp_has_no_level():
    with pytest.raises(ValueError, match="total_xp must be >= 0"):
        level_for(-1)


def test_answer_xp_rounds_half_up():
    assert answer_xp(True, "intermediate", first_time=False) == 8  # 5 * 1.5 = 7.5
    assert answer_xp(False, "advanced", first_time=True) == 0


def test_award_xp_adds_to_the_total_and_ledger(store):
    award_xp(store, 30, "lab passed", PACK, "lab-1", now=T0)
    award_xp(store, 0, "nothing", None, None, now=T0)
    assert total_xp(store) == 30
    assert store.db.execute("SELECT amount, reason, pack_id, item_id FROM xp_events").fetchall() == [
        (30, "lab passed", PACK, "lab-1")
    ]


def test_a_lesson_awards_its_xp_once(store):
    assert complete_lesson(store, PACK, "intro", 40, now=T0) == 40
    assert complete_lesson(store, PACK, "intro", 40, now=T0 + timedelta(days=1)) == 0
    assert total_xp(store) == 40
    assert completed_lessons(store) == {(PACK, "intro")}
    assert completed_lessons(store, "other") == set()


def test_opened_lessons_are_in_progress_until_completed(store):
    mark_lesson_opened(store, PACK, "intro", now=T0)
    mark_lesson_opened(store, PACK, "intro", now=T0 + timedelta(hours=1))
    mark_lesson_opened(store, PACK, "cold-starts", now=T0)
    assert opened_lessons(store, PACK) == {(PACK, "intro"), (PACK, "cold-starts")}
    complete_lesson(store, PACK, "intro", 10, now=T0)
    assert opened_lessons(store) == {(PACK, "cold-starts")}
    opened_at = store.db.execute("SELECT opened_at FROM lessons WHERE lesson_id = 'intro'").fetchone()[0]
    assert opened_at == "2026-03-02T12:00:00.000000Z", "the first opening is kept"


def test_notes_are_saved_replaced_and_removed(store):
    assert load_note(store, PACK, "intro") == ""
    save_note(store, PACK, "intro", "INIT runs once per environment")
    save_note(store, PACK, "intro", "INIT runs once per execution environment")
    assert load_note(store, PACK, "intro") == "INIT runs once per execution environment"
    assert load_note(store, PACK, "other") == ""
    save_note(store, PACK, "intro", "  \n")
    assert load_note(store, PACK, "intro") == ""
