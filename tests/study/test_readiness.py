"""Exam readiness, tested on simulated learners whose true recall is known (issue 17).

A simulated learner follows FSRS exactly: an item they studied is recalled with the card's retrievability,
an item they never studied with their own hidden chance of knowing it already. They answer their first
answers and a mock exam of the bundled course's blueprint by drawing from those chances (seeded).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, State

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.content.questions import MultiChoice, SingleChoice, TrueFalse
from lambdalearn.progress.clock import epoch_ms, utc_text
from lambdalearn.progress.exams import save_exam_result
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.exam import build_exam, save_result
from lambdalearn.study.readiness import guess_rate, predict, predicted_vs_actual, prediction_record, recall_by_item

NOW = datetime(2026, 6, 1, 9, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def course():
    return load_pack(bundled_pack_root())


def simulate_learner(store: ProgressStore, pack, rng: random.Random) -> float:
    """Give the store a study history; return the learner's hidden chance of knowing an unstudied item."""
    studied_share = rng.uniform(0.0, 1.0)
    knew_before = rng.betavariate(1, 3)
    with store.transaction() as db:
        for question in pack.questions():
            if not question.gradable or rng.random() > studied_share:
                continue
            last = NOW - timedelta(days=rng.uniform(0.5, 60))
            card = Card(state=State.Review, stability=rng.uniform(0.5, 120), difficulty=rng.uniform(2, 9),
                        last_review=last, due=last + timedelta(days=1))
            card_id = db.execute(
                "INSERT INTO cards (pack_id, item_id, question_type, card_json, due_ms, state, created_at, reps)"
                " VALUES (?, ?, ?, '', ?, ?, ?, 1)",
                [pack.id, question.id, question.type, epoch_ms(card.due), int(State.Review), utc_text(last)],
            ).lastrowid
            card.card_id = card_id
            db.execute("UPDATE cards SET card_json = ? WHERE id = ?", [card.to_json(), card_id])
            g = guess_rate(question)
            first_right = rng.random() < knew_before + (1 - knew_before) * g
            db.execute(
                "INSERT INTO reviews (card_id, pack_id, item_id, kind, rating, correct, duration_ms, reviewed_at)"
                " VALUES (?, ?, ?, 'new', ?, ?, 5000, ?)",
                [card_id, pack.id, question.id, 3 if first_right else 1, int(first_right), utc_text(last)],
            )
    return knew_before


def true_exam_score(store, pack, knew_before: float, rng: random.Random) -> float:
    """Sit one mock exam of the blueprint, each question right with the learner's true chance."""
    recall = recall_by_item(store, pack.id, NOW)
    exam = build_exam(pack, rng=rng, now=NOW)
    right = 0
    for item in exam.items:
        question = item.entry.question
        r = recall.get(question.id, knew_before)
        right += rng.random() < r + (1 - r) * guess_rate(question)
    return 100 * right / len(exam.items)


def test_the_prediction_band_holds_the_real_score_for_at_least_80_percent_of_simulated_learners(tmp_path, course):
    inside, learners = 0, 40
    for seed in range(learners):
        rng = random.Random(seed)
        with ProgressStore.open(tmp_path / f"learner-{seed}") as store:
            knew_before = simulate_learner(store, course, rng)
            readiness = predict(store, course, NOW)
            score = true_exam_score(store, course, knew_before, rng)
        assert readiness.low <= readiness.predicted <= readiness.high
        inside += readiness.low <= score <= readiness.high
    assert inside >= 0.8 * learners, f"{inside} of {learners} inside the band"


def test_the_band_is_not_wide_enough_to_be_useless(tmp_path, course):
    with ProgressStore.open(tmp_path / "data") as store:
        simulate_learner(store, course, random.Random(99))
        readiness = predict(store, course, NOW)
    assert readiness.high - readiness.low < 30
    assert set(readiness.domains) == {d.id for d in course.manifest.exam.domains}
    assert readiness.as_json()["pass_mark"] == 72


def test_a_learner_who_never_studied_is_predicted_near_the_guess_rate(tmp_path, course):
    with ProgressStore.open(tmp_path / "data") as store:
        readiness = predict(store, course, NOW)
    assert 20 < readiness.predicted < 50 and readiness.predicted < readiness.pass_mark


def test_guess_rates_follow_the_question_type():
    assert guess_rate(SingleChoice(id="s", choices=("a", "b", "c", "d"), answer=1)) == 0.25
    assert guess_rate(MultiChoice(id="m", choices=("a", "b", "c", "d"), answer=frozenset({1, 3}))) == 1 / 6
    assert guess_rate(TrueFalse(id="t")) == 0.5


def test_past_exams_calibrate_the_prediction_and_are_shown_predicted_vs_actual(tmp_path, course):
    with ProgressStore.open(tmp_path / "data") as store:
        simulate_learner(store, course, random.Random(5))
        before = predict(store, course, NOW)
        exam = build_exam(course, rng=random.Random(1), now=NOW)
        exam.predicted = prediction_record(before)
        result = exam.finish(NOW + timedelta(minutes=30))  # nothing answered: 0%, far below the prediction
        save_result(store, result, exam.predicted)
        [(when, predicted, actual)] = predicted_vs_actual(store, course.id)
        assert actual == 0.0 and abs(predicted - before.predicted) < 3
        after = predict(store, course, NOW)
    assert after.calibration < 0 and after.predicted < before.predicted
    assert round(before.predicted + after.calibration, 1) == pytest.approx(after.predicted, abs=0.2)


def test_an_exam_without_a_prediction_does_not_calibrate(tmp_path, course):
    with ProgressStore.open(tmp_path / "data") as store:
        save_exam_result(store, course.id, started_at=NOW, finished_at=NOW, questions=2, correct=0, score=0.0,
                         passed=False, domains={"scaling": {"questions": 2, "correct": 0}})
        assert predicted_vs_actual(store, course.id) == [] and predict(store, course, NOW).calibration == 0


def test_the_score_trend_is_the_slope_of_the_latest_exams():
    from lambdalearn.study.standing import score_trend

    assert score_trend([50.0]) is None
    assert score_trend([50.0, 60.0, 70.0]) == pytest.approx(10.0)
    assert score_trend([10.0, 90.0, 80.0, 70.0, 60.0, 50.0]) == pytest.approx(-10.0)  # only the last five count
