"""A short mock exam taken to the end by keys: flags, free movement, submit or time-out, result saved."""

from __future__ import annotations

from datetime import timedelta

from lambdalearn.progress.exams import exam_history
from lambdalearn.progress.store import ProgressStore
from lambdalearn.tui.screens.confirm import ConfirmScreen
from lambdalearn.tui.screens.exam import ExamScreen
from lambdalearn.tui.screens.exam_result import ExamResultScreen
from lambdalearn.tui.widgets.answer_pads import AnswerPad

from .conftest import T0, loaded, sort_steps, type_text

RIGHT_KEYS = {"truefalse": ["t"], "text": list("context") + ["enter"],
              "numeric": ["9", "0", "0", "enter"]}


async def start_exam(pilot) -> ExamScreen:
    await loaded(pilot)
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExamScreen)
    return pilot.app.screen


async def answer_right(pilot, screen: ExamScreen) -> None:
    question = screen.exam.items[screen.index].entry.question
    if question.type == "order":
        await sort_steps(pilot, screen.query_one(f"#pad-{screen.index}", AnswerPad))
        await pilot.press("enter")
    elif question.type == "cloze":
        for blank in ("128", "10240"):
            await type_text(pilot, blank)
            await pilot.press("enter")
    elif question.type in ("single", "multi"):  # choices are shuffled: the item's question has the shown numbers
        answer = {question.answer} if question.type == "single" else question.answer
        await pilot.press(*(str(n) for n in sorted(answer)), *(["enter"] if question.type == "multi" else []))
    else:
        await pilot.press(*RIGHT_KEYS[question.type])
    await pilot.pause()


async def test_take_a_short_exam_to_the_end(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        screen = await start_exam(pilot)
        exam = screen.exam
        assert len(exam.items) == 4 and "05:00" in str(screen.query_one("#countdown").render())
        await pilot.press("f6")  # flag the first question (F6, as "f" may go into a text answer), answer it, come back
        await answer_right(pilot, screen)
        assert screen.index == 1 and exam.flagged == {0}
        nav = screen.query_one("#exam-nav")  # answered ● or not ○: never ✓, which would read as "right"
        assert str(nav.get_option_at_index(0).prompt).startswith("● ") and str(nav.get_option_at_index(1).prompt).startswith("○ ")
        await pilot.press("pageup")
        await pilot.pause()
        await pilot.press("f6")
        assert screen.index == 0 and exam.flagged == set()
        await pilot.press("pagedown")
        await pilot.pause()
        for _ in range(3):
            await answer_right(pilot, screen)
        assert len(exam.responses) == 4
        await pilot.press("ctrl+s")
        await pilot.pause()
        result_screen = app.screen
        assert isinstance(result_screen, ExamResultScreen)
        assert "100.0%" in str(result_screen.query_one("#score").render())
        assert "PASSED" in str(result_screen.query_one("#score").render())
    with ProgressStore.open(data_dir) as store:
        [saved] = exam_history(store)
        assert (saved.questions, saved.correct, saved.passed) == (4, 4, True)
        assert store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0  # exams leave the schedule alone


async def test_submitting_with_unanswered_questions_asks_and_reviews_every_miss(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        screen = await start_exam(pilot)
        await answer_right(pilot, screen)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        result = app.screen
        assert isinstance(result, ExamResultScreen)
        assert len(result.result.misses) == 3
        assert "Your answer: (not answered)" in str(result.query_one("#miss-detail").render())
        domains = result.query_one("#domains")
        assert domains.row_count == 2
    with ProgressStore.open(data_dir) as store:
        assert exam_history(store)[0].correct == 1


async def test_the_clock_submits_at_zero(make_app, data_dir):
    now = [T0]
    app = make_app()
    app.clock = lambda: now[0]
    async with app.run_test() as pilot:
        screen = await start_exam(pilot)
        now[0] = T0 + timedelta(minutes=5, seconds=1)
        screen._tick()
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen) and app.screen.result.timed_out
    with ProgressStore.open(data_dir) as store:
        assert exam_history(store)[0].correct == 0


async def test_quitting_an_unfinished_exam_asks_first(make_app, data_dir):
    app = make_app()
    async with app.run_test() as pilot:
        await start_exam(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # keep going
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")  # submit, then quit
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    with ProgressStore.open(data_dir) as store:
        assert len(exam_history(store)) == 1


async def test_setup_refuses_bad_options(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#questions").value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "at least 1 question" in str(app.screen.query_one("#setup-error").render())


async def test_setup_scales_minutes_with_the_question_count_until_minutes_are_set(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        setup = app.screen
        assert (setup.query_one("#questions").value, setup.query_one("#minutes").value) == ("4", "5")
        setup.query_one("#questions").value = "2"
        await pilot.pause()
        assert setup.query_one("#minutes").value == "3"
        setup.query_one("#minutes").value = "9"
        await pilot.pause()
        setup.query_one("#questions").value = "1"
        await pilot.pause()
        assert setup.query_one("#minutes").value == "9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.screen.exam.items) == 1 and app.screen.exam.minutes == 9


async def test_readiness_is_shown_before_the_exam_and_compared_after_it(make_app, data_dir):
    """Issue 17: the predicted score before an exam, predicted vs actual after it, kept for calibration."""
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert "Exam readiness" in str(app.screen.query_one("#progress").render())
        await pilot.press("e")
        await pilot.pause()
        before = str(app.screen.query_one("#readiness").render())
        assert "Exam readiness:" in before and "predicted" in before and "pass mark 50%" in before
        await pilot.press("ctrl+s")
        await pilot.pause()
        exam = app.screen.exam
        assert set(exam.predicted) == {"basics", "limits"}
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "predicted" in str(app.screen.query_one("#score").render()) and "before it" in str(app.screen.query_one("#score").render())
    with ProgressStore.open(data_dir) as store:
        [saved] = exam_history(store)
        assert all("predicted" in domain for domain in saved.domains.values())


async def test_the_unfinished_exam_dialog_has_a_key_for_abandon_and_a_visible_focus(make_app, data_dir):
    """Issue 17, finding 5: Abandon had no key, and Tab+Enter submitted an exam on an unseen focus."""
    app = make_app()
    async with app.run_test() as pilot:
        screen = await start_exam(pilot)
        await pilot.press("escape")
        await pilot.pause()
        dialog = app.screen
        assert str(dialog.query_one("#other").label) == "Abandon (a)"
        focused = app.focused
        assert focused.id == "no" and focused.styles.outline_top[0] == "heavy"  # the focus is drawn
        await pilot.press("a")
        await pilot.pause()
        assert screen.finished and app.screen is not screen
    with ProgressStore.open(data_dir) as store:
        assert exam_history(store) == []  # abandoned: nothing saved


async def test_an_exam_pauses_and_resumes_with_its_answers_and_time(make_app, data_dir):
    """Issue 17: F5 pauses (clock stopped, kept on disk); the mock-exam screen offers it back (F5)."""
    app = make_app()
    async with app.run_test() as pilot:
        screen = await start_exam(pilot)
        await answer_right(pilot, screen)
        first = screen.exam.items[0].entry.question
        await pilot.press("f5")
        await pilot.pause()
        assert (data_dir / "paused-exam.json").is_file() and not isinstance(app.screen, ExamScreen)
        await pilot.press("e")
        await pilot.pause()
        assert "A paused exam: 1 of 4 answered, 5 min left" in str(app.screen.query_one("#paused").render())
        await pilot.press("f5")
        await pilot.pause()
        resumed = app.screen
        assert isinstance(resumed, ExamScreen) and resumed.exam.items[0].entry.question == first
        assert len(resumed.exam.responses) == 1 and "Your answer before the pause" in str(resumed.query_one("#prompt").render())
    assert not (data_dir / "paused-exam.json").exists()
