"""Recording answers: FSRS round trips, lapses and leeches, XP per answer, cram mode, argument checks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fsrs import Card, State

from lambdalearn.progress.reviews import LEECH_LAPSES, record_answer
from lambdalearn.progress.settings import Settings, save_settings
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.xp import total_xp

from .conftest import PACK, T0, answer, card_row, graduate


def test_the_first_answer_creates_a_card_and_moves_its_due_date(store):
    result = answer(store, "q1", T0, rating=3)
    assert result.new_card and result.correct and result.rating == 3
    assert result.due > T0
    card = Card.from_json(card_row(store, "q1")[0])
    assert card.card_id == store.db.execute("SELECT id FROM cards").fetchone()[0]
    assert card.due == result.due and card.last_review == T0


def test_good_answers_grow_the_interval_to_days(store):
    when, result = graduate(store, "q1", T0)
    assert result.due - when >= timedelta(days=1)
    later = answer(store, "q1", result.due)
    assert later.due - result.due > result.due - when


def test_again_on_a_learned_card_gives_a_short_interval_and_counts_a_lapse(store):
    _, learned = graduate(store, "q1", T0)
    lapse = answer(store, "q1", learned.due, rating=1)
    assert not lapse.correct and lapse.lapses == 1
    assert lapse.due - learned.due <= timedelta(minutes=10)
    assert card_row(store, "q1")[3] == 1


def test_again_on_a_new_card_is_not_a_lapse(store):
    assert answer(store, "q1", T0, rating=1).lapses == 0


def test_the_card_json_survives_closing_and_reopening(store, data_dir):
    _, result = graduate(store, "q1", T0)
    before = card_row(store, "q1")
    store.close()
    with ProgressStore.open(data_dir) as reopened:
        after = card_row(reopened, "q1")
        assert after == before
        card = Card.from_json(after[0])
        assert card.due == result.due and card.state == State.Review and card.stability > 0
        assert after[1] == int(result.due.timestamp() * 1000)
        assert answer(reopened, "q1", result.due).due > result.due


def test_every_answer_is_logged_with_rating_time_duration_and_correctness(store):
    answer(store, "q1", T0, rating=3)
    answer(store, "q1", T0 + timedelta(minutes=20), rating=1)
    rows = store.db.execute(
        "SELECT kind, rating, correct, duration_ms, reviewed_at FROM reviews ORDER BY id"
    ).fetchall()
    assert rows == [
        ("new", 3, 1, 4000, "2026-03-02T12:00:00.000000Z"),
        ("learn", 1, 0, 4000, "2026-03-02T12:20:00.000000Z"),
    ]


def test_answers_are_logged_as_new_learning_step_or_review_by_the_card_state(store):
    _, learned = graduate(store, "q1", T0)
    lapse = answer(store, "q1", learned.due, rating=1)
    answer(store, "q1", lapse.due)
    kinds = [row[0] for row in store.db.execute("SELECT kind FROM reviews ORDER BY id")]
    # first answer, the learning step that graduates it, the lapse in Review, then a relearning step
    assert kinds == ["new", "learn", "review", "learn"]


@pytest.mark.parametrize(
    "difficulty, first_xp, review_xp",
    [("beginner", 10, 5), ("intermediate", 15, 8), ("advanced", 20, 10)],
)
def test_xp_for_new_and_review_answers_scales_with_difficulty(store, difficulty, first_xp, review_xp):
    assert answer(store, "q1", T0, difficulty=difficulty).xp_awarded == first_xp
    assert answer(store, "q1", T0 + timedelta(hours=1), difficulty=difficulty).xp_awarded == review_xp
    assert total_xp(store) == first_xp + review_xp


def test_a_wrong_answer_earns_no_xp(store):
    assert answer(store, "q1", T0, rating=1).xp_awarded == 0
    assert total_xp(store) == 0


@pytest.mark.parametrize("rating, right", [(1, False), (2, True), (3, True), (4, True)])
def test_flashcards_count_as_right_from_hard_up(store, rating, right):
    """Hard is a pass (recalled with effort), as in Anki; only Again is wrong (issue 17, finding 5)."""
    result = answer(store, "f1", T0, rating=rating, correct=not right, question_type="flashcard")
    assert result.correct is right
    assert result.xp_awarded == (10 if right else 0)


def test_cram_logs_without_moving_the_card_or_awarding_xp(store):
    """Cramming the same deck again and again must not farm XP (issue 17, finding 5)."""
    first = answer(store, "q1", T0)
    before = card_row(store, "q1")
    crammed = answer(store, "q1", T0 + timedelta(minutes=1), rating=1, cram=True)
    crammed_right = answer(store, "q1", T0 + timedelta(minutes=2), cram=True)
    assert card_row(store, "q1") == before
    assert crammed.due == first.due and not crammed.new_card
    assert crammed_right.correct and crammed_right.xp_awarded == 0
    kinds = [row[0] for row in store.db.execute("SELECT kind FROM reviews ORDER BY id")]
    assert kinds == ["new", "cram", "cram"]


def test_cram_on_an_item_never_studied_creates_no_card(store):
    result = answer(store, "q9", T0, cram=True)
    assert card_row(store, "q9") is None and result.due == T0 and not result.new_card
    assert store.db.execute("SELECT card_id FROM reviews").fetchone()[0] is None


def test_a_card_becomes_a_leech_at_eight_lapses_reported_once(store):
    when, learned = graduate(store, "q1", T0)
    results = []
    for _ in range(LEECH_LAPSES + 1):
        lapse = answer(store, "q1", learned.due, rating=1)
        results.append(lapse)
        # one Good from Relearning brings the card back to Review, ready to lapse again
        learned = answer(store, "q1", lapse.due)
    assert [r.lapses for r in results] == list(range(1, LEECH_LAPSES + 2))
    assert [r.became_leech for r in results] == [False] * (LEECH_LAPSES - 1) + [True, False]
    assert card_row(store, "q1")[4] == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"rating": 5}, "rating must be 1"),
        ({"rating": True}, "rating must be 1"),
        ({"question_type": "essay"}, "unknown question type 'essay'"),
        ({"difficulty": "expert"}, "unknown difficulty 'expert'"),
        ({"duration_ms": -1}, "duration_ms must be >= 0"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(store, kwargs, message):
    arguments = dict(question_type="single", difficulty="beginner", rating=3, correct=True, duration_ms=10)
    with pytest.raises(ValueError, match=message):
        record_answer(store, PACK, "q1", **{**arguments, **kwargs}, now=T0)
    assert store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    assert card_row(store, "q1") is None


def test_the_desired_retention_setting_shapes_the_interval(store):
    _, normal = graduate(store, "q1", T0)
    save_settings(store, Settings(desired_retention=0.97))
    _, strict = graduate(store, "q2", T0)
    assert json.loads(card_row(store, "q1")[0])["stability"] == json.loads(card_row(store, "q2")[0])["stability"]
    assert strict.due < normal.due


def test_interval_previews_grow_with_the_rating_and_match_the_scheduler(store):
    """Anki shows on each rating button when the card comes back (issue 17)."""
    from lambdalearn.progress.reviews import interval_previews, short_interval

    new = interval_previews(store, PACK, "fresh", T0)
    assert new[1] < new[2] < new[3] < new[4]
    answer(store, "known", T0, rating=3)
    answer(store, "known", T0 + timedelta(minutes=10), rating=3)
    later = T0 + timedelta(days=3)
    previews = interval_previews(store, PACK, "known", later)
    assert previews[1] < previews[3] < previews[4] and previews[3] >= timedelta(days=1)
    assert [short_interval(timedelta(seconds=s)) for s in (20, 600, 7200, 86400 * 4, 86400 * 70, 86400 * 800)] == [
        "<1m", "10m", "2h", "4d", "2mo", "2.2y"]


def test_undo_takes_an_answer_back_entirely(store):
    """Anki's undo (issue 17): the review row, the XP and the card's state are as before the answer."""
    from lambdalearn.progress.reviews import undo_answer

    first = answer(store, "q1", T0)
    before = card_row(store, "q1")
    xp_before = total_xp(store)
    second = answer(store, "q1", T0 + timedelta(minutes=10))
    assert card_row(store, "q1") != before and total_xp(store) > xp_before
    undo_answer(store, second.undo)
    assert card_row(store, "q1") == before and total_xp(store) == xp_before
    assert store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1
    undo_answer(store, first.undo)  # the answer that created the card: the card goes too
    assert card_row(store, "q1") is None and total_xp(store) == 0
    crammed = answer(store, "q2", T0, cram=True)
    undo_answer(store, crammed.undo)
    assert store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
