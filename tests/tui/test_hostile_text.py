"""Authored text on the quiz screen is shown as written: never parsed as markup, never terminal codes."""

from __future__ import annotations

from textual.widgets import Button, DataTable, OptionList, Select, Static

from lambdalearn.tui.app import QuizRequest
from lambdalearn.tui.screens.filters import FilterScreen
from lambdalearn.tui.screens.lesson import LessonScreen
from lambdalearn.tui.screens.quiz import QuizScreen

from .conftest import loaded
from .conftest import type_text
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


HOSTILE = "x [/] and [b]bold[/b] [link=x]"


async def test_pack_text_with_markup_shows_as_written_on_every_screen_that_lists_it(make_app, mini_pack):
    """Titles went to tables, option lists and selects as markup strings: `[/]` in a lesson's title ended the
    app on its first frame (MarkupError), in a `##` heading the lesson's contents, in a deck title or a tag
    the quiz filters and the browser, in a prompt the stats screen's leeches."""
    lesson = mini_pack / "content" / "01-handlers.md"
    lesson.write_text(lesson.read_text().replace("title: Handlers", f"title: 'Handlers {HOSTILE}'", 1)
                      .replace("## The handler", f"## The handler {HOSTILE}", 1))
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text().replace("title: Handlers", f"title: 'Deck {HOSTILE}'", 1)
                    .replace("tags: [basics]", f"tags: ['{HOSTILE}']", 1)
                    .replace("prompt: Which argument carries the input?", f"prompt: 'Prompt {HOSTILE}'", 1))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        home = app.screen
        table = home.query_one("#course-map", DataTable)
        assert f"Handlers {HOSTILE}" in [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert HOSTILE in str(home.query_one("#continue", Button).label)

        await pilot.press("enter")  # the first row: the lesson
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        app.screen.action_toc()
        await pilot.pause()
        assert f"1. The handler {HOSTILE}" in [str(o.prompt) for o in app.screen.query_one("#toc", OptionList).options]
        app.screen.dismiss() if app.screen.is_modal else app.pop_screen()
        await pilot.pause()

        app.push_screen(FilterScreen(QuizRequest()))
        await pilot.pause()
        shown = {}
        for select, value in (("deck", "handlers-quiz"), ("lesson", "handlers"), ("tag", HOSTILE)):
            app.screen.query_one(f"#{select}", Select).value = value  # the select then shows its option
            await pilot.pause()
            shown[select] = str(app.screen.query_one(f"#{select} SelectCurrent Static").render())
        assert shown == {"deck": f"Deck {HOSTILE}", "lesson": f"1. Handlers {HOSTILE}", "tag": HOSTILE}
        app.pop_screen()
        await pilot.pause()

        app.action_browse()
        await pilot.pause()
        app.screen.query_one("#browse-deck", Select).value = "handlers-quiz"
        await pilot.pause()
        assert str(app.screen.query_one("#browse-deck SelectCurrent Static").render()) == f"Deck {HOSTILE}"
        app.pop_screen()
        await pilot.pause()

        app.action_stats()
        await pilot.pause()
        stats = app.screen
        stats._leeches([("mini", "h-single", 9)])
        await pilot.pause()
        leeches = stats.query_one("#leeches", DataTable)
        assert str(leeches.get_row_at(0)[1]) == f"Prompt {HOSTILE}"


async def test_the_command_palette_and_the_code_picker_show_pack_text_as_written(make_app, mini_pack):
    """The palette reads its commands' titles as markup and the code picker its choices: a lesson titled with
    `[/]` ended the app on Ctrl+P, and `y` on a page whose code held `print("[/]")` ended it too."""
    lesson = mini_pack / "content" / "01-handlers.md"
    lesson.write_text(lesson.read_text().replace("title: Handlers", f"title: 'Handlers {HOSTILE}'", 1)
                      .replace("## The handler\n", '## The handler\n\n```python\nprint("[/]")\n```\n\n'
                               "```python\nx = a[b]\n```\n", 1))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app.action_command_palette()
        await pilot.pause()
        await type_text(pilot, "handlers")
        for _ in range(100):
            await pilot.pause(0.02)
            hits = [str(option.prompt) for option in app.screen.query_one("CommandList").options]
            if any("Handlers x" in hit for hit in hits):
                break
        assert any(f"Lesson 1: Handlers {HOSTILE}" in hit for hit in hits), hits
        await pilot.press("escape")
        await pilot.pause()

        app.open_lesson(app.catalog.packs[0], next(l for l in app.catalog.packs[0].lessons if l.id == "handlers"))
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("y")
        await pilot.pause()
        assert [str(option.prompt) for option in app.screen.query_one("#choices", OptionList).options] == [
            'print("[/]")', "x = a[b]"]
