"""`lambdalearn quiz --plain` driven through standard input, as a script or screen reader would."""

import json
import sqlite3

from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack

HANDLERS = ("--deck", "handlers-quiz")


def shown_numbers(home, pack, *args) -> list[dict[str, str]]:
    """The number each choice or step was shown with, question by question, in a probe run of the same seed
    (choices are shuffled at every showing, so the right numbers are only known by looking)."""
    probe = quiz(home / "probe", pack, "skip\n" * 20, *args)
    questions: list[dict[str, str]] = []
    for line in probe.output.splitlines():
        if line.startswith("["):
            questions.append({})
        elif line.startswith("  ") and ". " in line and line.strip()[0].isdigit():
            number, _, text = line.strip().partition(". ")
            questions[-1][text] = number
    return questions


def event(home, pack, *args) -> str:
    """The line that answers h-single ("event") rightly, as shown in a session with these arguments."""
    return shown_numbers(home, pack, *args)[0]["event"] + "\n"


def right_answers(home, pack) -> str:
    """Right answers to the first four questions of the handlers deck: single, multi, truefalse, text."""
    single, multi = shown_numbers(home, pack, *HANDLERS)[:2]
    return f"{single['event']}\n{multi['aws_request_id']} {multi['get_remaining_time_in_millis']}\nt\nctx\n"


def quiz(home, pack, stdin, *args):
    runner = CliRunner()
    return runner.invoke(
        cli, ["--data-dir", str(home), "quiz", "--plain", "--pack-dir", str(pack), "--seed", "7", *args],
        input=stdin, catch_exceptions=False,
    )


def stats(home):
    result = CliRunner().invoke(cli, ["--data-dir", str(home), "stats", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def reviews(home):
    with sqlite3.connect(home / "progress.db") as db:
        return db.execute("SELECT item_id, rating, correct, kind FROM reviews ORDER BY id").fetchall()


def test_a_session_records_every_answer_and_summarises(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, right_answers(tmp_path, mini_pack), *HANDLERS, "--limit", "4")
    assert result.exit_code == 0, result.output
    assert "4 questions to go" in result.output
    assert result.output.count("✓ Right.") == 4
    assert "Read more: Handlers › The handler" in result.output
    assert "answered 4: 4 right, 0 wrong" in result.output
    assert "XP earned: 40" in result.output
    assert [r[:3] for r in reviews(tmp_path)] == [("h-single", 3, 1), ("h-multi", 3, 1), ("h-tf", 3, 1), ("h-text", 3, 1)]
    figures = stats(tmp_path)
    readiness = figures.pop("readiness")  # of the bundled course's exam (the mini pack was studied with --pack-dir)
    course = load_pack(bundled_pack_root())  # the course grows: count it rather than pin its size
    assert figures.pop("course") == {"percent": 0.0, "lessons_done": 0, "lessons": len(course.lessons), "labs_done": 0,
                                     "labs": len(course.labs)}
    assert figures == {"xp": 40, "level": 1, "streak_days": 1, "reviews": 4, "due_now": 0, "cards": 4, "lessons_completed": 0}
    assert set(readiness) == {"predicted", "low", "high", "pass_mark", "domains"}
    assert readiness["low"] <= readiness["predicted"] <= readiness["high"] and readiness["pass_mark"] == 72


def test_wrong_answer_explains_the_wrong_pick_by_its_shown_number_and_rates_again(tmp_path, mini_pack):
    shown = shown_numbers(tmp_path, mini_pack, *HANDLERS)[0]
    result = quiz(tmp_path, mini_pack, f"{shown['context']}\n", *HANDLERS, "--limit", "1")
    assert f"✗ Not quite. The answer: {shown['event']}. event" in result.output
    assert f"Why not {shown['context']}: The context describes the invocation." in result.output
    assert "The event is the input document." in result.output
    assert reviews(tmp_path) == [("h-single", 1, 0, "new")]


def test_piped_input_moves_on_after_three_answers_that_do_not_fit(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, "1\n1 2\nx\n1 3\n", "--tag", "steps")
    assert "type all 4 step numbers in the right order, e.g. 2 3 4 1" in result.output
    assert "  you typed 1 number: type all 4 step numbers" in result.output
    assert "skipped after 3 answers that did not fit this question" in result.output
    assert "answered 0: 0 right, 0 wrong, 1 skipped" in result.output


def test_bad_input_is_explained_and_asked_again(tmp_path, mini_pack):
    right = shown_numbers(tmp_path, mini_pack, *HANDLERS)[0]["event"]
    result = quiz(tmp_path, mini_pack, f"seven\n9\n{right}\n", *HANDLERS, "--limit", "1")
    assert "  type the number of your choice (1-3)" in result.output
    assert "  numbers go from 1 to 3" in result.output
    assert "✓ Right." in result.output
    assert len(reviews(tmp_path)) == 1


def test_end_of_input_ends_cleanly_and_keeps_answers(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, right_answers(tmp_path, mini_pack).split("t\n")[0], *HANDLERS)
    assert result.exit_code == 0
    assert "Session ended; your answers so far are saved." in result.output
    assert "answered 2: 2 right, 0 wrong" in result.output
    assert len(reviews(tmp_path)) == 2


def test_quit_and_skip(tmp_path, mini_pack):
    multi = right_answers(tmp_path, mini_pack).splitlines()[1]
    result = quiz(tmp_path, mini_pack, f"skip\n{multi}\nquit\n", *HANDLERS)
    assert "answered 1: 1 right, 0 wrong, 1 skipped" in result.output
    assert [r[0] for r in reviews(tmp_path)] == ["h-multi"]


def test_numeric_and_cloze_through_stdin(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, "900 seconds\n128; 10,240\n", "--deck", "limits-quiz")
    assert result.output.count("✓ Right.") == 2, result.output
    assert "Memory goes from [1] ____ MB to [2] ____ MB." in result.output
    assert [r[:3] for r in reviews(tmp_path)] == [("l-num", 3, 1), ("l-cloze", 3, 1)]


def test_whole_deck_with_a_wrong_order_and_a_self_graded_flashcard(tmp_path, mini_pack):
    # The shuffle never shows steps in their right order, so "1 2 3 4" is always wrong.
    result = quiz(tmp_path, mini_pack, right_answers(tmp_path, mini_pack) + "1 2 3 4\n\n4\n", *HANDLERS)
    assert result.output.count("✓ Right.") == 4
    assert "✗ Not quite. The answer: Download the code → Start the runtime → Run module code → Run the handler" in result.output
    assert "The response payload, serialised as JSON." in result.output
    assert "Recorded (easy)." in result.output
    assert [r[:3] for r in reviews(tmp_path)][-2:] == [("h-order", 1, 0), ("h-card", 4, 1)]


def test_order_question_answered_in_the_right_order(tmp_path, mini_pack):
    # A first run with no input shows the shuffled steps; the same seed shows them the same way again.
    seen = quiz(tmp_path / "probe", mini_pack, "", "--tag", "steps")
    steps = ["Download the code", "Start the runtime", "Run module code", "Run the handler"]
    shown = {}
    for line in seen.output.splitlines():
        number, _, text = line.strip().partition(". ")
        if text in steps:
            shown[text] = number
    assert len(shown) == 4
    result = quiz(tmp_path / "real", mini_pack, " ".join(shown[step] for step in steps) + "\n", "--tag", "steps")
    assert "✓ Right." in result.output, result.output


def test_nothing_due_after_a_good_session(tmp_path, mini_pack):
    quiz(tmp_path, mini_pack, right_answers(tmp_path, mini_pack), *HANDLERS, "--limit", "4", "--new", "4")
    again = quiz(tmp_path, mini_pack, "", "--deck", "handlers-quiz", "--new", "0")
    assert "Nothing is due right now" in again.output


def test_new_limit_and_limit(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, "", "--new", "3")
    assert "3 questions to go" in result.output


def test_cram_leaves_the_schedule_alone(tmp_path, mini_pack):
    quiz(tmp_path, mini_pack, event(tmp_path, mini_pack, "--tag", "basics"), "--tag", "basics")
    with sqlite3.connect(tmp_path / "progress.db") as db:
        before = db.execute("SELECT item_id, due_ms, card_json FROM cards").fetchall()
    assert [row[0] for row in before] == ["h-single"]
    not_due = quiz(tmp_path, mini_pack, "", "--tag", "basics", "--new", "0")
    assert "Nothing is due right now" in not_due.output
    result = quiz(tmp_path, mini_pack, event(tmp_path, mini_pack, "--tag", "basics", "--cram"), "--tag", "basics", "--cram")
    assert "1 question to go" in result.output and "✓ Right." in result.output
    with sqlite3.connect(tmp_path / "progress.db") as db:
        assert db.execute("SELECT item_id, due_ms, card_json FROM cards").fetchall() == before
    assert [r[3] for r in reviews(tmp_path)] == ["new", "cram"]


def test_unknown_filter_is_a_usage_error(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, "", "--deck", "nope")
    assert result.exit_code == 2
    assert "no deck named 'nope'; known: handlers-quiz, limits-quiz" in result.output


def test_corrupt_database_is_set_aside_not_lost(tmp_path, mini_pack):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "progress.db").write_bytes(b"this is not a database" * 100)
    result = quiz(tmp_path, mini_pack, "2\n", "--deck", "handlers-quiz", "--limit", "1")
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    broken = list(tmp_path.glob("progress.db.broken-*"))
    assert len(broken) == 1 and broken[0].read_bytes() == b"this is not a database" * 100
    assert len(reviews(tmp_path)) == 1


def test_database_from_a_newer_version_is_refused_untouched(tmp_path, mini_pack):
    quiz(tmp_path, mini_pack, "2\n", "--deck", "handlers-quiz", "--limit", "1")
    with sqlite3.connect(tmp_path / "progress.db") as db:
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, '2030-01-01T00:00:00Z')")
    before = (tmp_path / "progress.db").read_bytes()
    result = quiz(tmp_path, mini_pack, "2\n", "--deck", "handlers-quiz", "--limit", "1")
    assert result.exit_code == 1
    assert "newer" in result.output and "Traceback" not in result.output
    assert (tmp_path / "progress.db").read_bytes() == before


def test_a_data_folder_that_cannot_be_created_is_a_clear_error(tmp_path, mini_pack):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = quiz(blocker / "home", mini_pack, "", "--deck", "handlers-quiz")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Error:" in result.output


def test_the_daily_new_limit_is_shown_and_a_named_deck_or_new_count_is_let_through(tmp_path, mini_pack):
    """Finding 1 of issue 17: quizzing what you just read is a request, not a review, and the limit is said."""
    from lambdalearn.progress.settings import Settings, save_settings
    from lambdalearn.progress.store import ProgressStore

    with ProgressStore.open(tmp_path) as store:
        save_settings(store, Settings(daily_new_limit=0))
    everything = quiz(tmp_path, mini_pack, "")
    assert "Today's new-card limit (0) is reached: 8 new questions wait for another day." in everything.output
    assert "To study more today: --new 10" in everything.output
    assert "Nothing is due right now" in everything.output
    deck = quiz(tmp_path, mini_pack, "skip\n", "--deck", "handlers-quiz", "--limit", "1")
    assert "1 question to go" in deck.output and "new-card limit" not in deck.output
    more = quiz(tmp_path, mini_pack, event(tmp_path, mini_pack, "--tag", "basics", "--new", "1"), "--tag", "basics", "--new", "1")
    assert "1 question to go" in more.output and "✓ Right." in more.output
    assert [r[3] for r in reviews(tmp_path)] == ["new"]


def test_study_ahead_reviews_cards_before_they_are_due(tmp_path, mini_pack):
    quiz(tmp_path, mini_pack, event(tmp_path, mini_pack, "--tag", "basics"), "--tag", "basics")
    assert "Nothing is due right now" in quiz(tmp_path, mini_pack, "", "--tag", "basics", "--new", "0").output
    ahead = quiz(tmp_path, mini_pack, "1\n", "--tag", "basics", "--ahead")  # right or wrong, it is reviewed
    assert "1 question to go" in ahead.output and "next review" in ahead.output
    assert [r[3] for r in reviews(tmp_path)] == ["new", "learn"]


def test_cloze_feedback_names_the_wrong_blank_and_numbers_take_suffixes(tmp_path, mini_pack):
    """Findings 4 and 5 of issue 17: "10k" is 10,000 (wrong here); the feedback says blank 2 was the wrong one."""
    result = quiz(tmp_path, mini_pack, "15 min\n900 s\n128; 10k\n", "--deck", "limits-quiz")
    assert "  Blank 2 (expected 10240) was wrong." in result.output
    assert result.output.count("Memory goes from 128 MB to 10240 MB.") == 1  # finding 8: the sentence once
    assert "type a number (in seconds)" in result.output  # 15 min is another unit: asked again, not misgraded


def test_a_card_answered_again_comes_back_in_the_same_session(tmp_path, mini_pack):
    """Anki's habit (issue 17): a miss is asked again before the session ends (its choices shuffled anew)."""
    wrong = shown_numbers(tmp_path, mini_pack, "--tag", "basics")[0]["context"]
    result = quiz(tmp_path, mini_pack, f"{wrong}\nskip\n", "--tag", "basics")
    assert "[1/1]" in result.output and "[2/2]" in result.output
    assert result.output.count("Which argument carries the input?") == 2
    assert "answered 1: 0 right, 1 wrong, 1 skipped" in result.output


def test_a_card_comes_back_at_most_three_times(tmp_path, mini_pack):
    from lambdalearn.progress.store import ProgressStore
    from lambdalearn.study.catalog import Entry
    from lambdalearn.study.session import AGAIN_REPEATS, QuizSession

    pack = load_pack(mini_pack)
    with ProgressStore.open(tmp_path / "data") as store:
        session = QuizSession(store, [Entry(pack, pack.question("h-tf"))], requested=True)
        for entry in session.queue:
            session.answer(entry, False, 4000)
        assert len(session.queue) == 1 + AGAIN_REPEATS == 4 and session.summary.wrong == 4


def test_flashcard_ratings_preview_the_next_interval(tmp_path, mini_pack):
    """Anki shows on each rating button when the card comes back (issue 17); new card: 1 and 10 min steps."""
    card = quiz(tmp_path / "b", mini_pack, "skip\n" * 5 + "\n3\n", "--deck", "handlers-quiz")
    assert "rate your recall: 1 again (1m), 2 hard (6m), 3 good (10m), 4 easy (" in card.output


def test_undo_right_after_a_verdict_takes_the_answer_back_and_asks_again(tmp_path, mini_pack):
    """Anki's undo in line mode (issue 17): the review, its XP and the card's state go; the question comes again."""
    shown = shown_numbers(tmp_path, mini_pack, *HANDLERS)[0]
    result = quiz(tmp_path, mini_pack, f"{shown['context']}\nundo\n{shown['event']}\n", *HANDLERS, "--limit", "1")
    assert "undo: take it back" in result.output and "'undo' right after a verdict" in result.output
    assert "Answer taken back: the question is asked again." in result.output
    # Shown, brought back by the miss (where undo was typed), then asked again as the first of one question.
    assert result.output.count("Which argument carries the input?") == 3
    assert result.output.count("[1/1]") == 2 and result.output.count("[2/2]") == 1
    assert "answered 1: 1 right, 0 wrong" in result.output and "XP earned: 10" in result.output
    assert reviews(tmp_path) == [("h-single", 3, 1, "new")]
    assert stats(tmp_path)["xp"] == 10
    help_text = " ".join(CliRunner().invoke(cli, ["quiz", "--help"]).output.split())
    assert "'undo' (or 'u') right after a verdict to take that answer back" in help_text


def test_u_undoes_between_questions_and_nothing_is_undone_twice(tmp_path, mini_pack):
    single, multi = shown_numbers(tmp_path, mini_pack, *HANDLERS)[:2]
    answers = f"{single['event']}\nu\nu\n{single['event']}\n{multi['aws_request_id']} {multi['get_remaining_time_in_millis']}\n"
    result = quiz(tmp_path, mini_pack, answers, *HANDLERS, "--limit", "2")
    assert result.output.count("Answer taken back") == 1
    assert "nothing to undo: undo takes back the answer just given" in result.output
    assert "answered 2: 2 right, 0 wrong" in result.output
    assert [r[0] for r in reviews(tmp_path)] == ["h-single", "h-multi"]


def test_a_skip_is_no_verdict_so_the_answer_before_it_stays(tmp_path, mini_pack):
    single = shown_numbers(tmp_path, mini_pack, *HANDLERS)[0]
    result = quiz(tmp_path, mini_pack, f"{single['event']}\nskip\nundo\n", *HANDLERS, "--limit", "3")
    assert "nothing to undo" in result.output and "Answer taken back" not in result.output
    assert [r[0] for r in reviews(tmp_path)] == ["h-single"]


def test_the_last_answer_can_be_undone_before_the_summary(tmp_path, mini_pack):
    event_number = shown_numbers(tmp_path, mini_pack, "--tag", "basics", "--cram")[0]["event"]
    kept = quiz(tmp_path, mini_pack, f"{event_number}\n\n", "--tag", "basics", "--cram")
    assert "Enter for the summary, or undo: " in kept.output and "answered 1: 1 right" in kept.output
    assert "Session ended" not in kept.output
    result = quiz(tmp_path / "undone", mini_pack, f"{event_number}\nundo\nskip\n", "--tag", "basics", "--cram")
    assert "Answer taken back" in result.output
    assert "answered 0: 0 right, 0 wrong, 1 skipped" in result.output
    assert reviews(tmp_path / "undone") == []


def test_on_a_terminal_a_flashcard_takes_two_keys(tmp_path, mini_pack, monkeypatch):
    """Issue 17, finding 5 ("flashcards take three keys"): Space shows the back, 3 rates it, no Enter, as in
    Anki (keys are read one by one on a terminal; pipes keep reading lines)."""
    monkeypatch.setattr("lambdalearn.commands.quiz._stdin_is_terminal", lambda: True)
    result = quiz(tmp_path, mini_pack, "skip\n" * 5 + " 3", "--deck", "handlers-quiz")
    assert "Recall the answer, then press Space or Enter to see it (s skip, q quit): \nThe response payload" in result.output
    assert "rate your recall: 1 again (1m), 2 hard (6m), 3 good (10m), 4 easy (" in result.output
    assert "Recorded (good)." in result.output and "answered 1: 1 right, 0 wrong, 5 skipped" in result.output
    assert reviews(tmp_path) == [("h-card", 3, 1, "new")]


def test_on_a_terminal_other_keys_are_ignored_and_u_undoes_a_rated_flashcard(tmp_path, mini_pack, monkeypatch):
    monkeypatch.setattr("lambdalearn.commands.quiz._stdin_is_terminal", lambda: True)
    # At the back: x and 9 do nothing, 1 rates Again; the card comes back: u takes the rating back, then
    # Enter shows the back again and 4 rates it; the last prompt before the summary takes a line.
    result = quiz(tmp_path, mini_pack, "skip\n" * 5 + "\rx91u\r4\n", "--deck", "handlers-quiz")
    assert "Recall the answer, then press Space or Enter to see it (s skip, u undo, q quit): undo" in result.output
    assert "Answer taken back: the question is asked again." in result.output
    assert "answered 1: 1 right, 0 wrong, 5 skipped" in result.output and "Recorded (easy)." in result.output
    assert reviews(tmp_path) == [("h-card", 4, 1, "new")]


def test_the_summary_forgets_the_next_review_of_an_answer_taken_back(tmp_path, mini_pack):
    result = quiz(tmp_path, mini_pack, "skip\n" * 5 + "\n3\nundo\nquit\n", "--deck", "handlers-quiz")
    assert "Answer taken back" in result.output and "answered 0: 0 right, 0 wrong, 5 skipped" in result.output
    assert "next review" not in result.output.split("Session summary")[1]
