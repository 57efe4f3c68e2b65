"""The quiz screen driven by keys: every question type answered right and wrong, recorded in the database."""

from __future__ import annotations

from textual.geometry import Region

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.progress.store import ProgressStore
from lambdalearn.tui.app import QuizRequest
from lambdalearn.tui.screens.quiz import QuizScreen
from lambdalearn.tui.widgets.answer_pads import AnswerPad

from .conftest import loaded, sort_steps, type_text

ALL_TYPES = ["h-single", "h-multi", "h-tf", "h-text", "h-order", "h-card", "l-num", "l-cloze"]


async def answer(pilot, right: bool) -> None:
    """Answer the question on screen with keys, rightly or wrongly."""
    screen = pilot.app.screen
    question = screen.entry.question
    pad = screen.query_one(AnswerPad)
    shown = pad.question  # choices are shuffled at every showing: the shown question has the shown numbers
    right_numbers, wrong_number = [], ""
    if question.type in ("single", "multi"):
        right_numbers = [str(n) for n in sorted({shown.answer} if question.type == "single" else shown.answer)]
        texts = [choice.text for choice in shown.choices]
        wrong_number = str(texts.index("context" if "context" in texts else "the event body") + 1)
    keys = {
        "single": right_numbers if right else [wrong_number],
        "multi": [*right_numbers, "enter"] if right else [wrong_number, "enter"],
        "truefalse": ["t"] if right else ["f"],
        "flashcard": ["space", "3"] if right else ["space", "1"],
    }
    if question.type in keys:
        await pilot.press(*keys[question.type])
    elif question.type == "order":
        if right:
            await sort_steps(pilot, pad)
        await pilot.press("enter")
    elif question.type == "cloze":
        for blank in (["128", "10,240"] if right else ["64", "3"]):
            await type_text(pilot, blank)
            await pilot.press("enter")
    else:
        text = {"text": "context", "numeric": "900"}[question.type] if right else {"text": "event", "numeric": "60"}[question.type]
        await type_text(pilot, text)
        await pilot.press("enter")
    await pilot.pause()


def reviews(data_dir):
    with ProgressStore.open(data_dir) as store:
        return store.db.execute("SELECT item_id, kind, rating, correct FROM reviews ORDER BY id").fetchall()


async def test_every_question_type_answered_right_is_recorded_right(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert [e.question.id for e in screen.session.queue] == ALL_TYPES
        for _ in ALL_TYPES:
            flashcard = screen.entry.question.type == "flashcard"
            await answer(pilot, right=True)
            assert screen.outcome.verdict.correct, screen.outcome.entry.question.id
            if flashcard:  # rating a flashcard moves on at once, as in Anki: no verdict to dismiss
                assert screen.state in ("question", "summary")
                continue
            assert screen.state == "verdict"
            await pilot.press("enter")
        assert screen.state == "summary"
        summary = str(screen.query_one("#summary").render())
        assert "8 right" in summary and "0 wrong" in summary and "XP earned" in summary
    rows = reviews(data_dir)
    assert [r[0] for r in rows] == ALL_TYPES
    assert all(kind == "new" and correct == 1 for _, kind, _, correct in rows)


async def test_every_question_type_answered_wrong_shows_why_and_is_recorded_wrong(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("r")
        screen = app.screen
        verdicts = {}
        for _ in ALL_TYPES:
            flashcard = screen.entry.question.type == "flashcard"
            await answer(pilot, right=False)
            if flashcard:
                verdicts["h-card"] = [n.message for n in app._notifications][-1]
                continue
            verdicts[screen.entry.question.id] = str(screen.query_one("#verdict").render())
            await pilot.press("enter")
        # As in Anki, every card answered Again comes back before the session ends: skip them this time.
        assert screen.state == "question" and [e.question.id for e in screen.session.queue[8:]] == ALL_TYPES
        assert str(screen.query_one("#quiz-meta").render()).startswith("9/16")
        for _ in ALL_TYPES:
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert "0 right" in str(screen.query_one("#summary").render())
    assert "Why not" in verdicts["h-single"] and ": The context describes the invocation." in verdicts["h-single"]
    assert "Not quite" in verdicts["l-num"] and "900 seconds" in verdicts["l-num"]
    assert verdicts["l-cloze"].count("Memory goes from 128 MB to 10240 MB.") == 1  # finding 8: not shown twice
    assert "Blanks 1 (expected 128), 2 (expected 10240) were wrong." in verdicts["l-cloze"]
    assert "Read more (o): Handlers › The handler" in verdicts["h-single"]
    assert verdicts["h-card"].startswith("Recorded: again · next review in ") and verdicts["h-card"].endswith("u or Ctrl+Z: undo")
    assert all(correct == 0 for *_, correct in reviews(data_dir))


async def test_typing_a_badly_shaped_answer_explains_instead_of_grading(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="limits-quiz"))
        await pilot.pause()
        await type_text(pilot, "lots")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.state == "question"
        assert "type a number" in str(app.screen.query_one(".pad-error").render())
    assert reviews(data_dir) == []


async def test_read_more_opens_the_lesson_section(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="limits-quiz"))
        await pilot.pause()
        await answer(pilot, right=True)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.lesson.id == "limits"
        assert app.screen.pages[app.screen.page_index].anchor == "timeouts"


async def test_cram_ignores_due_dates_and_leaves_the_schedule_alone(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(tag="steps", cram=True))
        await pilot.pause()
        assert [e.question.id for e in app.screen.session.queue] == ["h-order"]
        await answer(pilot, right=True)
    with ProgressStore.open(data_dir) as store:
        assert store.db.execute("SELECT kind FROM reviews").fetchall() == [("cram",)]
        assert store.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0


async def test_filters_restart_the_session_and_nothing_due_offers_cram(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="limits-quiz", new_limit=0))
        await pilot.pause()
        screen = app.screen
        assert screen.state == "empty"
        await pilot.press("c")
        await pilot.pause()
        assert screen.request.cram and len(screen.session.queue) == 2
        await pilot.press("escape")
        app.start_quiz()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        filters = app.screen
        filters.query_one("#limit").value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.request.limit == 1
        assert len(app.screen.session.queue) == 1


async def test_skip_moves_on_without_recording(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=1))
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.state == "summary" and "1 skipped" in str(app.screen.query_one("#summary").render())
    assert reviews(data_dir) == []


async def test_choices_answer_by_mouse_too(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=1))
        await pilot.pause()
        choices = app.screen.query_one("OptionList")
        row = [choice.text for choice in app.screen.entry.question.choices].index("event") + 1
        await pilot.click(choices, offset=(4, row))  # below the border: the row showing "event"
        await pilot.pause()
        assert app.screen.outcome.verdict.correct
    assert reviews(data_dir)[0][3] == 1


async def test_an_unknown_filter_is_explained_in_the_quiz(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="nope"))
        await pilot.pause()
        await pilot.press("s")  # nothing to skip: ignored
        await pilot.pause()
        assert app.screen.state == "error" and "no deck named 'nope'" in str(app.screen.query_one("#prompt").render())


async def test_ordering_steps_can_be_put_right_with_the_mouse(make_app):
    from lambdalearn.tui.widgets.answer_pads import OrderList, OrderPad

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(tag="steps", cram=True))
        await pilot.pause()
        pad = app.screen.query_one(OrderPad)
        steps = pad.query_one(OrderList)
        row = steps.region.y - steps.content_region.y  # clicks are relative to the widget: skip its border
        for target in range(len(pad.order)):
            at = pad.order.index(target + 1)
            if at != target:
                await pilot.click(steps, offset=(4, -row + at))  # pick the step that belongs here
                await pilot.click(steps, offset=(4, -row + target))  # and drop it in its place
                await pilot.pause()
        assert pad.order == sorted(pad.order), "click a step, then where it goes"
        await pilot.press("enter")
        await pilot.pause()
        assert "right" in app.screen.query_one("#verdict").classes


async def test_the_daily_limit_is_said_and_a_lesson_just_read_or_study_more_gets_through(make_app, data_dir):
    """Finding 1 of issue 17: the dead end after the daily new-card limit, as Anki's "study more today"."""
    from lambdalearn.progress.settings import Settings, save_settings

    with ProgressStore.open(data_dir) as store:
        save_settings(store, Settings(daily_new_limit=0))
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(pack="mini"))
        await pilot.pause()
        screen = app.screen
        text = str(screen.query_one("#prompt").render())
        assert screen.state == "empty"
        assert "Today's new-card limit (0) is reached: 8 new questions wait" in text and "m studies more today" in text
        await pilot.press("m")
        await pilot.pause()
        assert screen.state == "question" and len(screen.session.queue) == 8
        await pilot.press("escape")
        await pilot.pause()
        app.start_quiz(QuizRequest(pack="mini", lesson="limits"))
        await pilot.pause()
        assert app.screen.state == "question" and [e.question.id for e in app.screen.session.queue] == ["l-num", "l-cloze"]
        await answer(pilot, right=True)
        await pilot.press("enter")
        await answer(pilot, right=True)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.state == "summary"
        await pilot.press("a")  # study ahead: both cards, though neither is due
        await pilot.pause()
        assert app.screen.state == "question" and len(app.screen.session.queue) == 2
    assert [row[1] for row in reviews(data_dir)] == ["new", "new"]


async def test_multi_choice_feedback_tells_a_right_pick_from_a_missed_answer(make_app):
    """Issue 17, finding 5: ✓ is a right pick, ✗ a wrong pick, ○ (missed) a right choice left out."""
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=2))
        await pilot.pause()
        screen = app.screen
        await answer(pilot, right=True)  # h-single
        assert screen.state == "verdict"
        await pilot.press("enter")
        await pilot.pause()
        shown = screen.entry.question
        assert shown.id == "h-multi"
        texts = [c.text for c in shown.choices]
        right, wrong = texts.index("aws_request_id") + 1, texts.index("the event body") + 1
        await pilot.press(str(right), str(wrong), "enter")
        await pilot.pause()
        options = screen.query_one("OptionList")
        prompts = {texts[i]: str(options.get_option_at_index(i).prompt) for i in range(len(texts))}
    assert prompts["aws_request_id"].startswith("✓")
    assert prompts["the event body"].startswith("✗")
    assert prompts["get_remaining_time_in_millis"].startswith("○") and "(missed)" in prompts["get_remaining_time_in_millis"]
    assert "(missed)" not in prompts["aws_request_id"] and prompts["the caller's password"].startswith(" ")


async def test_flashcard_rating_buttons_preview_when_the_card_comes_back(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="handlers-quiz"))
        await pilot.pause()
        for _ in range(5):
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert app.screen.entry.question.type == "flashcard"
        await pilot.press("space")
        await pilot.pause()
        labels = [str(app.screen.query_one(f"#rate-{n}").label) for n in (1, 2, 3, 4)]
    assert labels[0] == "1 Again · 1m" and labels[2] == "3 Good · 10m" and labels[3].startswith("4 Easy · ")


async def test_undo_takes_the_last_answer_back_and_asks_again(make_app, data_dir):
    """Anki's undo (issue 17): u after a verdict; the database and the summary forget the answer."""
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="handlers-quiz", limit=2))
        await pilot.pause()
        screen = app.screen
        await answer(pilot, right=False)  # a miss: its card was queued to come back
        assert screen.state == "verdict" and len(screen.session.queue) == 3
        await pilot.press("u")
        await pilot.pause()
        assert screen.state == "question" and screen.position == 0 and len(screen.session.queue) == 2
        assert screen.session.summary.answered == 0 and reviews(data_dir) == []
        await answer(pilot, right=True)
        assert screen.outcome.verdict.correct and screen.session.summary.right == 1
    assert [row[0] for row in reviews(data_dir)] == ["h-single"]


def last_choice_region(screen) -> Region:
    """Where the last line of the choice list is drawn on the screen (the list may scroll inside itself)."""
    choices = screen.query_one("ChoicePad OptionList")
    inner = choices.scrollable_content_region
    bottom = inner.y + choices.virtual_size.height - round(choices.scroll_y)
    return Region(inner.x, bottom - 1, inner.width, 1)


async def show_ws16_after_a_long_verdict(pilot):
    """The course's ws-16 at 80x24, right after ws-15's verdict made the quiz scroll (as the learner met it)."""
    pilot.app.start_quiz(QuizRequest(deck="why-serverless-quiz", new_limit=30))
    await pilot.pause()
    screen = pilot.app.screen
    while screen.entry.question.id != "ws-15":
        await pilot.press("ctrl+n")
        await pilot.pause()
    await type_text(pilot, "wrong answer")
    await pilot.press("enter", "enter")
    await pilot.pause()
    assert screen.entry.question.id == "ws-16"
    return screen


async def test_every_choice_of_ws16_is_on_screen_at_80x24_after_a_verdict(make_app):
    """Issue 17, finding 5: option 4 of ws-16 was hidden until answered; the scrollbar a long verdict brings
    narrowed the list, which then kept wrapped lines and scrolled its last choice out of sight."""
    app = make_app(pack_roots=[bundled_pack_root()])
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = await show_ws16_after_a_long_verdict(pilot)
        choices = screen.query_one("ChoicePad OptionList")
        assert choices.virtual_size.height == choices.scrollable_content_region.height  # all shown, no blank row
        assert choices.scrollable_content_region.contains_region(last_choice_region(screen))
        assert screen.region.contains_region(last_choice_region(screen))


async def test_every_choice_stays_on_screen_through_a_live_resize(make_app):
    app = make_app(pack_roots=[bundled_pack_root()])
    async with app.run_test(size=(120, 24)) as pilot:
        await loaded(pilot)
        app.start_quiz(QuizRequest(deck="why-serverless-quiz", new_limit=30))
        await pilot.pause()
        screen = app.screen
        while screen.entry.question.id != "ws-16":
            await pilot.press("ctrl+n")
            await pilot.pause()
        for width in (78, 74, 80):  # narrower makes a choice wrap; wider again must unwrap it
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            choices = screen.query_one("ChoicePad OptionList")
            assert choices.virtual_size.height == choices.scrollable_content_region.height, width
            assert screen.region.contains_region(last_choice_region(screen)), width


async def reach_the_flashcard(pilot):
    pilot.app.start_quiz(QuizRequest())
    await pilot.pause()
    for _ in range(5):
        await pilot.press("ctrl+n")
        await pilot.pause()
    assert pilot.app.screen.entry.question.id == "h-card"
    return pilot.app.screen


async def test_a_flashcard_takes_two_keys_and_its_notes_show_with_its_back(make_app, mini_pack, data_dir):
    """Issue 17, finding 5 ("flashcards take three keys"): Space shows the back, with the card's explanation
    and where to read more; 3 rates it and the next question follows at once, as in Anki."""
    quiz_file = mini_pack / "quizzes" / "handlers.yaml"
    quiz_file.write_text(quiz_file.read_text().replace(
        "    back: The response payload, serialised as JSON.\n",
        "    back: The response payload, serialised as JSON.\n    explanation: Whatever it returns is serialised.\n"
        "    lesson_section: the-handler\n"))
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        screen = await reach_the_flashcard(pilot)
        await pilot.press("space")
        await pilot.pause()
        back = str(screen.query_one(".flash-back").render())
        assert "The response payload" in back and "Whatever it returns is serialised." in back
        assert "Read more (o): Handlers › The handler" in back
        await pilot.press("3")
        await pilot.pause()
        assert screen.state == "question" and screen.entry.question.id == "l-num" and screen.position == 6
        assert [n.message for n in app._notifications][-1].startswith("Recorded: good · +")
    assert reviews(data_dir) == [("h-card", "new", 3, 1)]


async def test_o_reads_more_from_a_revealed_flashcard(make_app, mini_pack):
    quiz_file = mini_pack / "quizzes" / "handlers.yaml"
    quiz_file.write_text(quiz_file.read_text().replace(
        "    back: The response payload, serialised as JSON.\n",
        "    back: The response payload, serialised as JSON.\n    lesson_section: the-handler\n"))
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        screen = await reach_the_flashcard(pilot)
        await pilot.press("o")  # the back is not shown yet: nothing to read more about
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("space", "o")
        await pilot.pause()
        assert type(app.screen).__name__ == "LessonScreen"


async def test_undo_after_rating_a_flashcard_brings_the_card_back(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        screen = await reach_the_flashcard(pilot)
        await pilot.press("space", "1")  # Again: the card would come back at the end
        await pilot.pause()
        assert screen.state == "question" and len(screen.session.queue) == 9
        await pilot.press("u")  # the next question is typed: its box takes the u...
        await pilot.pause()
        assert screen.entry.question.id == "l-num"
        await pilot.press("ctrl+z")  # ...and Ctrl+Z, Anki's own undo key, takes the rating back
        await pilot.pause()
        assert screen.entry.question.id == "h-card" and screen.position == 5 and len(screen.session.queue) == 8
        assert reviews(data_dir) == [] and screen.session.summary.answered == 0
        await pilot.press("space", "4")
        await pilot.pause()
    assert reviews(data_dir) == [("h-card", "new", 4, 1)]
