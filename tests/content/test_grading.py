"""Each question type grades right and wrong answers as a learner would expect."""

from pathlib import Path

import pytest

from lambdalearn.content.loader import load_pack

MINI = Path(__file__).parent.parent / "fixtures" / "packs" / "mini"


@pytest.fixture(scope="module")
def questions():
    pack = load_pack(MINI)
    assert pack.ok, pack.problems
    return {q.id: q for q in pack.questions()}


@pytest.mark.parametrize(
    "qid, right, wrong",
    [
        ("h-single", 2, 1),
        ("h-multi", {1, 3}, {1}),
        ("h-multi", {3, 1}, {1, 2, 3}),
        ("h-tf", True, False),
        ("h-text", "  Context ", "event"),
        ("h-text", "CTX", "contact"),
        ("h-order", [1, 2, 3, 4], [2, 1, 3, 4]),
        ("l-num", 900.0, 899.0),
        ("l-cloze", ["128", "10,240"], ["128", "1024"]),
        ("l-cloze", [" 128", "10240"], ["128"]),
        ("h-card", 3, 1),
        ("h-card", 2, 1),
    ],
)
def test_grading_right_and_wrong(questions, qid, right, wrong):
    question = questions[qid]
    assert question.grade(right).correct
    assert not question.grade(wrong).correct


def test_verdict_names_the_right_answer(questions):
    assert questions["h-single"].grade(1).expected == "2. event"
    assert questions["l-num"].grade(1).expected == "900 seconds"
    assert questions["l-cloze"].grade([]).expected == "Memory goes from 128 MB to 10240 MB."
    assert questions["h-order"].grade([]).expected.startswith("Download the code → Start the runtime")


def test_numeric_tolerance(mini_pack):
    deck = mini_pack / "quizzes" / "limits.yaml"
    deck.write_text(deck.read_text().replace("    answer: 900\n", "    answer: 900\n    tolerance: 5\n"))
    question = load_pack(mini_pack).question("l-num")
    assert question.grade(895).correct and question.grade(905).correct
    assert not question.grade(906).correct


def test_text_case_sensitive_when_asked(mini_pack):
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text().replace("    answer: [context, ctx]\n", "    answer: Context\n    case_sensitive: true\n"))
    question = load_pack(mini_pack).question("h-text")
    assert question.grade("Context").correct
    assert not question.grade("context").correct


def test_cloze_masks_blanks_for_the_learner(questions):
    assert questions["l-cloze"].masked == "Memory goes from [1] ____ MB to [2] ____ MB."


def test_flashcards_are_not_gradable_for_exams(questions):
    assert not questions["h-card"].gradable
    assert all(q.gradable for q in questions.values() if q.type != "flashcard")


def test_question_difficulty_defaults_to_the_lessons(questions):
    assert questions["h-single"].difficulty == "beginner"
    assert questions["l-num"].difficulty == "intermediate"
    assert questions["l-cloze"].difficulty == "advanced"


def test_shuffled_choices_grade_and_explain_in_the_numbers_shown(questions):
    """Finding 3 of issue 17: the position of the right choice changes between showings, the grading follows."""
    import random

    from lambdalearn.content.questions import with_shuffled_choices
    from lambdalearn.study.session import wrong_picks

    single, multi = questions["h-single"], questions["h-multi"]
    rng = random.Random(3)
    positions = set()
    for _ in range(30):
        shown = with_shuffled_choices(single, rng)
        texts = [c.text for c in shown.choices]
        assert sorted(texts) == sorted(c.text for c in single.choices)
        positions.add(texts.index("event") + 1)
        assert shown.grade(texts.index("event") + 1).correct and shown.answer == texts.index("event") + 1
        assert shown.expected_answer == f"{shown.answer}. event"
        context = texts.index("context") + 1
        assert wrong_picks(shown, context) == ((context, shown.choices[context - 1]),)
        many = with_shuffled_choices(multi, rng)
        right = {i + 1 for i, c in enumerate(many.choices) if c.text in ("aws_request_id", "get_remaining_time_in_millis")}
        assert many.grade(right).correct and not many.grade(right | {min({1, 2, 3, 4} - right)}).correct
    assert positions == {1, 2, 3}
    assert with_shuffled_choices(questions["h-tf"], rng) is questions["h-tf"]


def test_expected_answers_read_as_sentences():
    """Issue 17, finding 8: no ".;" between choices that end in a full stop; "True", not "true"."""
    from lambdalearn.content.questions import Choice, MultiChoice, TrueFalse

    multi = MultiChoice(id="m", choices=(Choice("One."), Choice("Two."), Choice("Three.")), answer=frozenset({1, 3}))
    assert multi.expected_answer == "1. One; 3. Three"
    assert TrueFalse(id="t", answer=True).expected_answer == "True"
