"""Authored text on the quiz screen is shown as written: never parsed as markup, never terminal codes."""

from __future__ import annotations

from textual.widgets import Button, OptionList, Static

from lambdalearn.tui.app import QuizRequest
from lambdalearn.tui.screens.quiz import QuizScreen

from .conftest import loaded
from .test_quiz import answer

PROMPT = "Which argument carries the input? (see [/tmp"
CHOICE = "C:\\\\dir\\\\ [b]event[/b]"


async def test_a_prompt_ending_in_an_open_bracket_and_backslashes_show_as_written(make_app, mini_pack):
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text()
                    .replace("prompt: Which argument carries the input?", f"prompt: '{PROMPT}'")
                    .replace("      - text: event\n", f"      - text: '{CHOICE}'\n"))
    app = make_app(start_quiz=QuizRequest(deck="handlers-quiz", limit=1))
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.entry.question.id == "h-single"
        assert str(screen.query_one("#prompt", Static).render()) == PROMPT
        prompts = [str(option.prompt) for option in screen.query_one(OptionList).options]
        assert any(prompt.endswith("C:\\\\dir\\\\ [b]event[/b]") for prompt in prompts), prompts
        right = screen.entry.question.answer  # choices are shuffled: the shown question has the shown numbers
        await pilot.press("1" if right != 1 else "2")
        await pilot.pause()
        assert screen.state == "verdict"
        verdict = str(screen.query_one("#verdict", Static).render())
        assert f"The answer: {right}. C:\\\\dir\\\\ [b]event[/b]" in verdict


async def test_enter_after_the_summary_does_nothing_instead_of_crashing(make_app):
    """Answer the last question, Enter for the summary, Enter again: the hidden "Read more" button kept the
    focus and opened the section of a question past the end (IndexError)."""
    app = make_app(start_quiz=QuizRequest(deck="handlers-quiz", limit=1, cram=True))
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.pause()
        screen = app.screen
        await answer(pilot, right=True)
        assert screen.state == "verdict"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state == "summary"
        assert not isinstance(app.focused, Button)
        await pilot.press("enter", "enter", "space")
        await pilot.pause()
        assert app.screen is screen and screen.state == "summary"
