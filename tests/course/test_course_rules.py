"""The bundled course keeps its promises: complete, consistent, every lesson tested, every link alive."""

import math
import re
from collections import Counter

import pytest

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.content.questions import QUESTION_TYPES, MultiChoice, SingleChoice

MIN_QUESTIONS_PER_LESSON = 15
WORDS_PER_MINUTE = 200


@pytest.fixture(scope="module")
def course():
    return load_pack(bundled_pack_root())


def test_the_course_validates_clean(course):
    assert [str(p) for p in course.problems] == []


def test_at_least_22_lessons_in_order(course):
    assert len(course.lessons) >= 22
    assert [lesson.order for lesson in course.lessons] == sorted(lesson.order for lesson in course.lessons)


def test_every_lesson_has_a_deck_with_enough_questions(course):
    short = {
        lesson.id: sum(len(deck.questions) for deck in course.decks_for_lesson(lesson.id))
        for lesson in course.lessons
    }
    assert {k: v for k, v in short.items() if v < MIN_QUESTIONS_PER_LESSON} == {}
    assert len(course.questions()) >= 330


def test_every_question_type_is_used(course):
    assert set(Counter(q.type for q in course.questions())) == set(QUESTION_TYPES)


def test_minutes_match_the_word_count(course):
    off = {}
    for lesson in course.lessons:
        expected = max(1, round(lesson.word_count / WORDS_PER_MINUTE))
        if abs(lesson.minutes - expected) > 1:
            off[lesson.id] = f"says {lesson.minutes} min, {lesson.word_count} words read in about {expected}"
    assert off == {}


def _normalise(text):
    return re.sub(r"\W+", " ", text).strip().casefold()


def test_no_two_questions_share_a_prompt(course):
    seen = Counter(_normalise(q.prompt) for q in course.questions())
    assert [prompt for prompt, count in seen.items() if count > 1] == []


def test_every_question_explains_itself_and_links_its_lesson(course):
    missing = [q.id for q in course.questions() if q.type != "flashcard" and not (q.explanation and q.lesson_section)]
    assert missing == []
    unlinked = [q.id for q in course.questions() if q.type == "flashcard" and q.deck_id not in ("numbers", "interview") and not q.lesson_section]
    assert unlinked == []


def test_every_wrong_choice_says_why(course):
    bare = []
    for q in course.questions():
        if isinstance(q, (SingleChoice, MultiChoice)):
            right = {q.answer} if isinstance(q, SingleChoice) else set(q.answer)
            bare += [f"{q.id} choice {n}" for n, c in enumerate(q.choices, 1) if n not in right and not c.why]
    assert bare == []


def test_extra_decks(course):
    decks = {deck.id: deck for deck in course.decks}
    assert len([q for q in decks["numbers"].questions if q.type == "flashcard"]) >= 60
    assert len(decks["interview"].questions) >= 25


def test_every_domain_can_fill_a_full_mock_exam(course):
    exam = course.manifest.exam
    deck_domain = {deck.id: deck.domain for deck in course.decks}
    gradable = Counter(q.domain or deck_domain[q.deck_id] for q in course.questions() if q.gradable)
    need = {d.id: math.ceil(exam.questions * d.weight / 100) for d in exam.domains}
    assert {d: (gradable[d], n) for d, n in need.items() if gradable[d] < n} == {}


def test_each_lesson_has_objectives_mistakes_and_a_cheat_sheet(course):
    missing = {}
    for lesson in course.lessons:
        anchors = lesson.anchors
        lacks = [name for name in ("learning-objectives", "common-mistakes", "cheat-sheet") if name not in anchors]
        if lacks:
            missing[lesson.id] = lacks
    assert missing == {}
