"""The bundled course stays exam-grade: the figures issue 16 set, the exhibits it named, the 2025-26 lessons.

The figures are counted by `lambdalearn.content.bank`, the same code `pack stats` prints, so a deck edit
that drops the bank below a target fails here with the figure in the message.
"""

import json
from datetime import date

import pytest

from lambdalearn.content.bank import bank_figures, is_scenario, rank_distribution
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.content.questions import Flashcard, MultiChoice, SingleChoice

NEW_LESSONS = ("managed-instances", "durable-functions", "tenant-isolation-and-microvms", "lambda-in-2026")


@pytest.fixture(scope="module")
def course():
    return load_pack(bundled_pack_root())


@pytest.fixture(scope="module")
def figures(course):
    return bank_figures(course.questions(), date(2026, 12, 5))


def test_at_least_30_percent_of_choice_items_are_scenarios(figures):
    assert figures["scenario_percent"] >= 30, figures["scenario_percent"]


def test_at_least_160_scenarios_15_select_three_and_20_cross_service_items(figures):
    assert figures["scenarios"] >= 160, figures["scenarios"]
    assert figures["select_three"] >= 15, figures["select_three"]
    assert figures["cross_service"] >= 20, figures["cross_service"]


def test_at_least_40_items_carry_an_exhibit_of_several_kinds(figures):
    assert figures["exhibits"] >= 40, figures["exhibits"]
    assert {"log", "report", "error", "policy", "template", "metrics", "code"} <= set(figures["exhibits_by_kind"])


def test_explanations_teach(figures):
    assert figures["median_explanation_words"] >= 50


def _exhibits(course):
    return [q.exhibit for q in course.questions() if q.exhibit is not None]


@pytest.mark.parametrize("needle", [
    "Runtime.ImportModuleError",
    "Sandbox.Timedout",
    "INIT_REPORT",
    "ReservedFunctionConcurrentInvocationLimitExceeded",
    "ConcurrentInvocationLimitExceeded",
    "REPORT RequestId",
    "Runtime.OutOfMemory",
])
def test_the_exhibits_the_issue_names_are_in_the_bank(course, needle):
    """Errors and log lines from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
    and the Invoke API's TooManyRequestsException Reason values."""
    assert any(needle in exhibit.text for exhibit in _exhibits(course)), needle


def test_a_function_url_policy_missing_lambda_invoke_function_is_shown(course):
    """Every function URL needs lambda:InvokeFunctionUrl and lambda:InvokeFunction since 1 November 2026
    (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)."""
    missing = []
    for exhibit in _exhibits(course):
        if exhibit.kind != "policy":
            continue
        actions = {s["Action"] if isinstance(s["Action"], str) else tuple(s["Action"]) for s in json.loads(exhibit.text)["Statement"]}
        if "lambda:InvokeFunctionUrl" in actions and "lambda:InvokeFunction" not in actions:
            missing.append(exhibit)
    assert missing


def test_provisioned_concurrency_on_latest_appears_in_a_template(course):
    """Provisioned concurrency needs a published version or an alias, never $LATEST
    (https://docs.aws.amazon.com/lambda/latest/dg/API_PutProvisionedConcurrencyConfig.html)."""
    assert any(e.kind == "template" and "$LATEST" in e.text and "ProvisionedConcurrencyConfig" in e.text
               for e in _exhibits(course))


def test_scenario_keys_are_not_given_away_by_length(course):
    """No length rank holds more than half of the single-choice scenario keys."""
    singles = [q for q in course.questions() if isinstance(q, SingleChoice) and is_scenario(q)]
    ranks = rank_distribution(singles)
    assert max(ranks.values()) <= len(singles) / 2, ranks


def test_select_three_items_have_exactly_three_keys(course):
    for q in course.questions():
        if isinstance(q, MultiChoice) and "Select THREE" in q.prompt:
            assert len(q.answer) == 3, q.id


@pytest.mark.parametrize("lesson_id", NEW_LESSONS)
def test_each_2025_26_lesson_has_a_what_changed_note_questions_and_flashcards(course, lesson_id):
    lesson = next(lesson for lesson in course.lessons if lesson.id == lesson_id)
    assert "what-changed" in lesson.anchors
    questions = [q for deck in course.decks_for_lesson(lesson_id) for q in deck.questions]
    assert len([q for q in questions if isinstance(q, Flashcard)]) >= 5
    assert len([q for q in questions if is_scenario(q)]) >= 7
