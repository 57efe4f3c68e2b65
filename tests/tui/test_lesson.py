"""The lesson reader driven by keys: pages, done (XP once), notes saved as you type, links, copy, search."""

from __future__ import annotations

import asyncio

from textual.widgets import Markdown

from lambdalearn.progress.notes import load_note
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.xp import total_xp
from lambdalearn.tui.screens.home import HomeScreen
from lambdalearn.tui.screens.lesson import LessonScreen
from lambdalearn.tui.screens.link import LinkScreen
from lambdalearn.tui.screens.quiz import QuizScreen

from .conftest import loaded, type_text


def page_text(screen: LessonScreen) -> str:
    return screen.query_one("#page", Markdown).source


async def open_first_lesson(pilot) -> LessonScreen:
    await loaded(pilot)
    await pilot.press("enter")  # the course map has the focus; its first row is lesson 1
    await pilot.pause()
    assert isinstance(pilot.app.screen, LessonScreen)
    return pilot.app.screen


async def test_finish_a_lesson_page_by_page_and_get_its_xp_once(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_first_lesson(pilot)
        assert screen.lesson.id == "handlers" and page_text(screen).startswith("## The handler")
        await pilot.press("right")
        await pilot.pause()
        assert page_text(screen).startswith("## The context object")
        await pilot.press("d")
        await pilot.press("d")
        await pilot.pause()
        assert "✓ done" in str(screen.query_one("#badges").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#course-map").get_row_at(0)[2] == "✓ done"
    with ProgressStore.open(data_dir) as store:
        assert total_xp(store) == 40
        assert store.db.execute("SELECT lesson_id FROM lessons WHERE completed_at IS NOT NULL").fetchall() == [("handlers",)]


async def test_next_and_previous_lesson(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert screen.lesson.id == "limits" and page_text(screen).startswith("## Timeouts")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.lesson.id == "handlers"


async def test_notes_save_while_typing_and_when_leaving(make_app, data_dir):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("n")
        await type_text(pilot, "event in, result out")
        await asyncio.sleep(1.2)  # more than the debounce: saved without leaving
        await pilot.pause()
        with ProgressStore.open(data_dir) as store:
            assert load_note(store, "mini", "handlers") == "event in, result out"
        await type_text(pilot, ".")
        await pilot.press("escape", "escape")  # leave the notes, then the lesson: saved on the way out
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        assert screen is not None
    with ProgressStore.open(data_dir) as store:
        assert load_note(store, "mini", "handlers") == "event in, result out."


async def test_quitting_saves_the_note_being_typed(make_app, data_dir):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first_lesson(pilot)
        await pilot.press("n")
        await type_text(pilot, "quick")
        await pilot.press("ctrl+q")
        await pilot.pause()
    with ProgressStore.open(data_dir) as store:
        assert load_note(store, "mini", "handlers") == "quick"


async def test_in_course_links_open_in_the_app_and_web_links_are_only_shown(make_app, monkeypatch):
    app = make_app()
    opened = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test() as pilot:
        screen = await open_first_lesson(pilot)
        markdown = screen.query_one("#page", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "lesson:limits#timeouts"))
        await pilot.pause()
        assert screen.lesson.id == "limits" and page_text(screen).startswith("## Timeouts")
        markdown.post_message(Markdown.LinkClicked(markdown, "#memory"))
        await pilot.pause()
        assert page_text(screen).startswith("## Memory")
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.com/lambda"))
        await pilot.pause()
        assert isinstance(app.screen, LinkScreen) and "https://example.com/lambda" in str(app.screen.query_one("#url").render())
        assert opened == []
        await pilot.press("y")
        await pilot.pause()
        assert opened == [] and not isinstance(app.screen, LinkScreen)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.com/lambda"))
        await pilot.pause()
        await pilot.press("o")  # opening is the learner's explicit choice
        await pilot.pause()
        assert opened == ["https://example.com/lambda"]


async def test_copy_a_code_block(make_app, mini_pack, monkeypatch):
    lesson = mini_pack / "content" / "01-handlers.md"
    lesson.write_text(lesson.read_text() + "\n```python\ndef handler(event, context):\n    return event\n```\n")
    app = make_app()
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test() as pilot:
        await open_first_lesson(pilot)
        await pilot.press("right")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert copied == ["def handler(event, context):\n    return event"]


async def test_quiz_me_on_this_lesson(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await open_first_lesson(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert {e.question.deck_id for e in app.screen.session.queue} == {"handlers-quiz"}


async def test_search_across_lessons_opens_the_section(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        await type_text(pilot, "900")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "limits"
        assert page_text(app.screen).startswith("## Timeouts")


async def test_contents_jump_to_a_page(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert page_text(screen).startswith("## The context object")


async def test_one_click_on_the_course_map_opens_a_lesson(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        table = app.screen.query_one("#course-map")
        await pilot.click(table, offset=(8, 3))  # the second lesson's row (below the header and the first lesson's lab)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "limits"


async def test_a_long_code_line_scrolls_sideways_with_a_visible_bar(make_app, mini_pack):
    lesson = mini_pack / "content" / "01-handlers.md"
    long_line = "result = " + " + ".join(f"value_{n}" for n in range(20))
    text = lesson.read_text()
    lesson.write_text(text.replace("\n## ", f"\n```python\n{long_line}\n```\n\n## ", 1))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        await pilot.pause()
        from textual.widgets._markdown import MarkdownFence

        fence = next(f for f in app.screen.query(MarkdownFence) if long_line in f.code)
        assert fence.max_scroll_x > 0 and fence.show_horizontal_scrollbar, "the rest of the line is one scroll away"
        assert fence.styles.scrollbar_size_horizontal >= 1, "and the bar that says so is visible"
        await pilot.press("shift+right")
        await pilot.pause()
        assert fence.scroll_x > 0, "Shift+→ scrolls the code sideways"
        await pilot.press("shift+left")
        await pilot.pause()
        assert fence.scroll_x == 0


async def test_lesson_text_keeps_a_readable_measure_on_a_wide_terminal(make_app):
    """Issue 17, finding 5: at 200x50 lesson lines ran ~130 columns; the page is capped at 100."""
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#page").size.width <= 100


async def test_links_are_reached_with_tab_shown_selected_and_followed_with_enter(make_app, mini_pack, monkeypatch):
    """Issue 17, finding 5: links in lessons worked only with the mouse."""
    from lambdalearn.tui.widgets.markdown_links import SELECTED

    lesson = mini_pack / "content" / "01-handlers.md"
    lesson.write_text(lesson.read_text().replace(
        "See [limits](lesson:limits#timeouts).",
        "See [limits](lesson:limits#timeouts) and [the guide](https://docs.aws.amazon.com/lambda/)."))
    app = make_app()
    opened = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test() as pilot:
        screen = await open_first_lesson(pilot)
        await pilot.press("tab")
        await pilot.pause()
        assert [(link.text, link.href) for link in screen.links] == [
            ("limits", "lesson:limits#timeouts"), ("the guide", "https://docs.aws.amazon.com/lambda/")]
        first = screen.links[0]
        drawn = first.block.render()
        assert any(span.style == SELECTED and (span.start, span.end) == (first.start, first.end) for span in drawn.spans)
        await pilot.press("tab")  # the second link is selected; the first is drawn as before
        await pilot.pause()
        assert screen.link_index == 1 and first.block.render() == first.block._content
        await pilot.press("enter")  # a web link is shown, to copy or open on purpose, as after a click
        await pilot.pause()
        assert isinstance(app.screen, LinkScreen) and "docs.aws.amazon.com/lambda/" in str(app.screen.query_one("#url").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("shift+tab", "shift+tab")  # back to the first link, then round to the last
        await pilot.pause()
        assert screen.link_index == 1
        await pilot.press("tab")  # and round to the first
        await pilot.pause()
        assert screen.link_index == 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen.lesson.id == "limits" and page_text(screen).startswith("## Timeouts")
        assert opened == []


async def test_brackets_move_between_links_and_tab_still_leaves_the_notes(make_app):
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:  # wide enough for the notes pane beside the page
        screen = await open_first_lesson(pilot)
        await pilot.press("right_square_bracket", "enter")
        await pilot.pause()
        assert screen.lesson.id == "limits"
        await pilot.press("right_square_bracket")  # limits links back to handlers
        await pilot.pause()
        assert screen.links[screen.link_index].href == "01-handlers.md#the-handler"
        await pilot.press("n")
        await pilot.pause()
        assert screen.focused.id == "notes"
        await pilot.press("tab")  # in the notes, Tab is not a link key
        await pilot.pause()
        assert screen.focused.id != "notes" and screen.link_index == 0
