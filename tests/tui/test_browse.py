"""The Browse screen driven by keys: the table of questions, search and filters, suspend/bury/flag/note on the
highlighted row (shown in the table and kept in the database), and a suspended question left out of the quiz."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static, TextArea
from textual.widgets.data_table import ColumnKey

from lambdalearn.progress.marks import marks_of
from lambdalearn.progress.store import ProgressStore
from lambdalearn.tui.app import QuizRequest
from lambdalearn.tui.screens.browse import BrowseScreen

from .conftest import T0, loaded, type_text
from .test_quiz import answer

ALL_IDS = ["h-single", "h-multi", "h-tf", "h-text", "h-order", "h-card", "l-num", "l-cloze"]


async def open_browse(pilot) -> BrowseScreen:
    await loaded(pilot)
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(pilot.app.screen, BrowseScreen)
    return pilot.app.screen


def column(screen: BrowseScreen, name: str) -> list[str]:
    table = screen.query_one("#browse-table", DataTable)
    return [str(cell) for cell in table.get_column(name)]


def cell(screen: BrowseScreen, item: str, name: str) -> str:
    return str(screen.query_one("#browse-table", DataTable).get_cell(f"mini/{item}", name))


def marks(data_dir, item):
    with ProgressStore.open(data_dir) as store:
        return marks_of(store, "mini", item)


async def open_note(pilot) -> None:
    """Press n and wait for the note dialog (keys pressed before it is up would reach the browser)."""
    from lambdalearn.tui.screens.card_note import CardNoteScreen

    await pilot.press("n")
    for _ in range(100):
        if isinstance(pilot.app.screen, CardNoteScreen) and pilot.app.screen.query_one("#card-note", TextArea).has_focus:
            return
        await pilot.pause(0.02)
    raise AssertionError("the note dialog did not open")


async def test_b_on_home_opens_every_question_with_its_state(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(pilot)
        assert column(screen, "id") == ALL_IDS
        assert set(column(screen, "state")) == {"new"}
        assert "Which argument carries the input?" in str(screen.query_one("#browse-prompt", Static).render())
        assert "8 questions" in str(screen.query_one("#browse-count").render())


async def test_suspend_bury_and_flag_act_on_the_highlighted_row_and_toggle(make_app, data_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert cell(screen, "h-single", "state") == "suspended" and marks(data_dir, "h-single").suspended
        await pilot.press("down", "b", "down", "f")
        await pilot.pause()
        assert cell(screen, "h-multi", "state") == "buried"
        assert marks(data_dir, "h-multi").buried_until > T0  # until the next day, by the app's clock
        assert cell(screen, "h-tf", "marks") == "⚑ " and marks(data_dir, "h-tf").flagged
        assert "flagged" in str(screen.query_one("#browse-card", Static).render())
        await pilot.press("f", "up", "b", "up", "s")
        await pilot.pause()
        assert column(screen, "state") == ["new"] * 8 and set(column(screen, "marks")) == {"  "}
        assert not any(marks(data_dir, item).held(T0) or marks(data_dir, item).flagged for item in ALL_IDS[:3])


async def test_n_edits_the_note_which_shows_in_the_table_the_detail_and_the_quiz_feedback(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(pilot)
        await open_note(pilot)
        await type_text(pilot, "event is the input")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and cell(screen, "h-single", "marks") == " ✎"
        assert "Your note: event is the input" in str(screen.query_one("#browse-note", Static).render())
        await open_note(pilot)
        await type_text(pilot, " not")
        await pilot.press("escape")  # Esc leaves the note as it was
        await pilot.pause()
        assert app.screen is screen
        assert "event is the input" in str(screen.query_one("#browse-note", Static).render())
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=1))
        await pilot.pause()
        await answer(pilot, right=True)
        assert "Your note: event is the input" in str(app.screen.query_one("#verdict", Static).render())


async def test_a_suspended_question_is_no_longer_offered_by_the_quiz(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(pilot)
        await pilot.press("s", "escape")
        await pilot.pause()
        app.start_quiz(QuizRequest(deck="handlers-quiz"))
        await pilot.pause()
        offered = [entry.question.id for entry in app.screen.session.queue]
        assert "h-single" not in offered and len(offered) == 5


async def test_search_and_filters_narrow_the_table(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("slash")
        await type_text(pilot, "l-num")
        await pilot.pause()
        assert column(screen, "id") == ["l-num"]
        screen.query_one("#browse-search", Input).value = ""
        screen.query_one("#browse-type", Select).value = "cloze"
        await pilot.pause()
        assert column(screen, "id") == ["l-cloze"]
        screen.query_one("#browse-type", Select).clear()
        screen.query_one("#browse-deck", Select).value = "limits-quiz"
        await pilot.press("enter")  # from the search box to the table
        await pilot.pause()
        assert column(screen, "id") == ["l-num", "l-cloze"] and screen.query_one("#browse-table").has_focus
        flagged = screen.current.entry.question.id  # the highlight stays on the question it was on (l-cloze)
        await pilot.press("f")
        screen.query_one("#browse-deck", Select).clear()
        screen.query_one("#browse-state", Select).value = "flagged"
        await pilot.pause()
        assert column(screen, "id") == [flagged] == ["l-cloze"]


async def test_every_column_and_the_detail_pane_fit_at_80x24_and_120x40(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(pilot)
        for size in ((80, 24), (120, 40), (160, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            table = screen.query_one("#browse-table", DataTable)
            detail = screen.query_one("#browse-detail")
            assert table.virtual_size.width <= table.size.width + 1, size  # no sideways scroll
            assert table.columns[ColumnKey("prompt")].width >= (12 if size[0] < 120 else 40)
            assert detail.region.height >= 8 and detail.region.right <= size[0]
            assert screen.query_one("#browse-search").region.width >= 16
        assert screen.has_class("wide")


async def test_home_due_count_leaves_out_a_card_suspended_in_the_browser(make_app, data_dir):
    from datetime import timedelta

    from lambdalearn.progress.reviews import record_answer

    with ProgressStore.open(data_dir) as store:
        for item in ("h-single", "h-multi"):  # due ten minutes after the answer: due by T0
            record_answer(store, "mini", item, question_type="single", difficulty="beginner", rating=3, correct=True,
                          duration_ms=3000, now=T0 - timedelta(hours=1))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert "2 due now" in str(app.screen.query_one("#today", Static).render())
        await open_browse(pilot)
        assert cell(app.screen, "h-single", "due") == "now"
        await pilot.press("s", "escape")
        await pilot.pause()
        assert "1 due now" in str(app.screen.query_one("#today", Static).render())
