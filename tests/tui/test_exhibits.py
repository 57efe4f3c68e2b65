"""A question's exhibit shows above its prompt, bordered and verbatim, in the quiz and in the mock exam."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.content.loader import load_pack
from lambdalearn.study.catalog import Entry
from lambdalearn.study.exam import ExamItem, MockExam
from lambdalearn.tui.app import QuizRequest
from lambdalearn.tui.screens.exam import ExamScreen
from lambdalearn.tui.widgets.exhibit import ExhibitView

from .conftest import T0, loaded

DECK = """\
id: exhibits-quiz
title: Exhibits
lesson: handlers
domain: basics
questions:
  - id: x-policy
    type: single
    level: analyse
    exhibit:
      kind: policy
      title: Resource-based policy of function orders
      text: |
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl",
            "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:orders",
            "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
          }]
        }
    prompt: Callers of the function URL get 403 Forbidden. What is missing from the policy?
    choices:
      - text: A statement that allows lambda:InvokeFunction
      - text: A statement that allows lambda:GetFunctionUrlConfig
        why: That only reads the URL's configuration.
      - text: An IAM role for the callers
        why: The URL's auth type is NONE, so callers sign nothing.
    answer: 1
    explanation: Every function URL needs both lambda:InvokeFunctionUrl and lambda:InvokeFunction.
"""


@pytest.fixture
def exhibit_pack(mini_pack: Path) -> Path:
    (mini_pack / "quizzes" / "exhibits.yaml").write_text(DECK)
    return mini_pack


def exhibit_text(view: ExhibitView) -> str:
    """The text handed to the exhibit's body (coloured kinds get a rich Syntax, plain ones a Text)."""
    from rich.syntax import Syntax

    content = view.query_one(".exhibit-text").content
    return content.code if isinstance(content, Syntax) else str(content)


async def test_the_quiz_shows_the_exhibit_above_the_prompt_and_hides_it_for_the_next_question(make_app, exhibit_pack):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(tag=None, deck="exhibits-quiz"))
        await pilot.pause()
        view = app.screen.query_one(ExhibitView)
        assert view.display and view.border_title == "Exhibit · policy · Resource-based policy of function orders"
        assert '"Action": "lambda:InvokeFunctionUrl"' in exhibit_text(view)
        assert view.region.y < app.screen.query_one("#prompt").region.y  # above the question
        await pilot.press(str(app.screen.entry.question.answer))  # the right number as shown (choices are shuffled)
        await pilot.pause()
        assert app.screen.outcome.verdict.correct
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=1))
        await pilot.pause()
        assert not app.screen.query_one(ExhibitView).display


async def test_a_long_exhibit_scrolls_inside_its_border(make_app, exhibit_pack):
    app = make_app()
    async with app.run_test(size=(60, 30)) as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="exhibits-quiz"))
        await pilot.pause()
        view = app.screen.query_one(ExhibitView)
        assert view.max_scroll_x > 0  # the Resource line is wider than 60 columns: it scrolls, it does not wrap
        view.focus()
        await pilot.press("right", "right")
        await pilot.wait_for_scheduled_animations()  # scrolling animates: on a busy machine it is not over yet
        assert view.scroll_x > 0


async def test_the_exam_shows_the_exhibit_of_the_current_question(make_app, exhibit_pack):
    pack = load_pack(exhibit_pack)
    with_exhibit, plain = pack.question("x-policy"), pack.question("h-single")
    domain = pack.manifest.exam.domains[0]
    exam = MockExam(pack, [ExamItem(Entry(pack, with_exhibit), domain), ExamItem(Entry(pack, plain), domain)], 5, 50, T0)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        app.push_screen(ExamScreen(exam))
        await pilot.pause()
        view = app.screen.query_one(ExhibitView)
        assert view.display and "lambda:FunctionUrlAuthType" in exhibit_text(view)
        await pilot.press("pagedown")
        await pilot.pause()
        assert not view.display
        await pilot.press("pageup")
        await pilot.pause()
        assert view.display


def test_question_with_an_exhibit_snapshot(snap_compare, make_app, exhibit_pack):
    async def open_question(pilot) -> None:
        await loaded(pilot)
        pilot.app.start_quiz(QuizRequest(deck="exhibits-quiz"))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 36), run_before=open_question)


async def test_the_exam_result_shows_the_exhibit_of_a_missed_question(make_app, exhibit_pack):
    from lambdalearn.tui.screens.exam_result import ExamResultScreen

    pack = load_pack(exhibit_pack)
    domain = pack.manifest.exam.domains[0]
    items = [ExamItem(Entry(pack, pack.question("h-single")), domain), ExamItem(Entry(pack, pack.question("x-policy")), domain)]
    exam = MockExam(pack, items, 5, 50, T0)
    exam.answer(1, 3)  # wrong; h-single stays unanswered
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        app.push_screen(ExamResultScreen(exam.finish(T0)))
        await pilot.pause()
        view = app.screen.query_one(ExhibitView)
        assert not view.display  # the first miss, h-single, has no exhibit
        await pilot.press("down")
        await pilot.pause()
        assert view.display and "lambda:InvokeFunctionUrl" in exhibit_text(view)
