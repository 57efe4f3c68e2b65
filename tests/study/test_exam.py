"""Mock exams: built by blueprint weight from gradable questions, timed, scored per domain, saved."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.content.models import Domain, ExamBlueprint
from lambdalearn.progress.exams import exam_history
from lambdalearn.progress.settings import Settings
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.exam import ExamError, domain_quotas, build_exam, exam_options, save_result

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
RIGHT = {"h-single": 2, "h-multi": {1, 3}, "h-tf": True, "h-text": "ctx", "h-order": [1, 2, 3, 4],
         "l-num": 900.0, "l-cloze": ["128", "10,240"]}


def right(question) -> object:
    """The right response to `question` as shown: choices are shuffled at every showing, so a choice question's
    right numbers are the shown question's own; the others' come from RIGHT."""
    if question.type == "single":
        return question.answer
    if question.type == "multi":
        return set(question.answer)
    return RIGHT[question.id]


@pytest.fixture
def pack(mini_pack: Path):
    return load_pack(mini_pack)


def test_exam_uses_gradable_questions_by_domain_weight(pack):
    exam = build_exam(pack, rng=random.Random(1), now=T0)
    assert len(exam.items) == 4  # the blueprint's count
    assert Counter(item.domain.id for item in exam.items) == {"basics": 2, "limits": 2}  # 60/40 of 4, limits has 2
    assert all(item.entry.question.type != "flashcard" for item in exam.items)
    assert exam.minutes == 5 and exam.deadline == T0 + timedelta(minutes=5)


def test_fewer_questions_get_proportionally_fewer_minutes(pack):
    exam = build_exam(pack, questions=2, rng=random.Random(1), now=T0)
    assert len(exam.items) == 2 and exam.minutes == 3  # ceil(5 * 2 / 4)
    assert exam_options(pack.manifest.exam, Settings(exam_questions=2)) == (2, 3)
    assert exam_options(pack.manifest.exam, Settings(exam_questions=2, exam_minutes=9)) == (2, 9)


def testdomain_quotas_follow_weights_and_move_seats_a_domain_cannot_fill():
    domains = (Domain("a", "A", 50), Domain("b", "B", 30), Domain("c", "C", 20))
    assert domain_quotas(domains, {"a": 99, "b": 99, "c": 99}, 10) == {"a": 5, "b": 3, "c": 2}
    assert domain_quotas(domains, {"a": 99, "b": 1, "c": 99}, 10) == {"a": 7, "b": 1, "c": 2}
    assert domain_quotas(domains, {"a": 1, "b": 1, "c": 1}, 10) == {"a": 1, "b": 1, "c": 1}


def test_bundled_course_fills_its_blueprint():
    course = load_pack(bundled_pack_root())
    exam = build_exam(course, rng=random.Random(3))
    blueprint = course.manifest.exam
    assert len(exam.items) == blueprint.questions
    counts = Counter(item.domain.id for item in exam.items)
    for domain in blueprint.domains:
        assert abs(counts[domain.id] - blueprint.questions * domain.weight / 100) <= 1


def test_scoring_per_domain_with_misses_and_unanswered(pack):
    exam = build_exam(pack, rng=random.Random(2), now=T0)
    for index, item in enumerate(exam.items):
        question = item.entry.question
        if item.domain.id == "basics":
            exam.answer(index, right(question))
        elif question.type == "numeric":
            exam.answer(index, 60.0)  # wrong; the cloze stays unanswered
    assert exam.toggle_flag(0) and not exam.toggle_flag(0)
    result = exam.finish(T0 + timedelta(minutes=2))
    assert (result.questions, result.correct, result.score, result.passed) == (4, 2, 50.0, True)
    by_domain = {s.domain.id: (s.correct, s.questions, s.passed) for s in result.domains}
    assert by_domain == {"basics": (2, 2, True), "limits": (0, 2, False)}
    missed = {m.item.entry.question.id: m for m in result.misses}
    assert set(missed) == {"l-num", "l-cloze"}
    assert missed["l-cloze"].response is None and "10240" in missed["l-cloze"].verdict.expected
    assert not result.timed_out


def test_wrong_picks_carry_their_why(pack):
    exam = build_exam(pack, rng=random.Random(2), now=T0)
    index = next(i for i, item in enumerate(exam.items) if item.entry.question.id == "h-single")
    shown_context = [c.text for c in exam.items[index].entry.question.choices].index("context") + 1
    exam.answer(index, shown_context)
    miss = next(m for m in exam.finish(T0).misses if m.item.entry.question.id == "h-single")
    assert miss.wrong_picks[0][0] == shown_context and "context describes" in miss.wrong_picks[0][1].why


def test_time_out_is_reported_and_the_clock_never_goes_negative(pack):
    exam = build_exam(pack, rng=random.Random(2), now=T0)
    late = T0 + timedelta(minutes=6)
    assert exam.timed_out(late) and exam.remaining(late) == timedelta(0)
    assert exam.finish(late).timed_out


def test_result_is_saved_in_the_database(pack, tmp_path):
    exam = build_exam(pack, rng=random.Random(2), now=T0)
    result = exam.finish(T0 + timedelta(minutes=1))
    with ProgressStore.open(tmp_path / "data") as store:
        save_result(store, result)
        saved = exam_history(store, "mini")
    assert len(saved) == 1 and saved[0].correct == 0 and not saved[0].passed
    assert saved[0].domains == {"basics": {"questions": 2, "correct": 0}, "limits": {"questions": 2, "correct": 0}}


def test_bad_options_and_packs_without_blueprint_are_refused(pack):
    with pytest.raises(ExamError, match="at least 1 question"):
        build_exam(pack, questions=0)
    with pytest.raises(ExamError, match="at least 1 minute"):
        build_exam(pack, minutes=0)
    no_exam = replace(pack, manifest=replace(pack.manifest, exam=None))
    with pytest.raises(ExamError, match="has no exam blueprint"):
        build_exam(no_exam)
    empty = replace(pack, manifest=replace(pack.manifest, exam=ExamBlueprint(4, 5, 50, (Domain("x", "X", 1),))))
    with pytest.raises(ExamError, match="no gradable questions"):
        build_exam(empty)
