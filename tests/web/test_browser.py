"""`lambdalearn web` in a real browser: headless Chromium opens the served app, reads the home screen, opens a
lesson, answers a question, and the answer is in the learner's database; two tabs lose no answer.

A screenshot of the home screen is kept at artifacts/browser-home.png (gitignored) after each run.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.web.conftest import Terminal, app_pids, wait_until

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
QUESTION = r"(\d+)/(\d+) · [\w-]+ · (\w+)"
VERDICT = r"✓ Right\.|✗ Not quite\."


def reviews(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "progress.db") as db:
        return db.execute("SELECT pack_id, item_id, kind, correct FROM reviews ORDER BY id").fetchall()


def lesson_question_ids(deck_id: str) -> set[str]:
    from lambdalearn.content.bundled import bundled_pack_root
    from lambdalearn.content.loader import load_pack

    return {question.id for question in load_pack(bundled_pack_root()).questions() if question.deck_id == deck_id}


def open_first_lesson_quiz(terminal: Terminal) -> int:
    """From home: Enter opens lesson 1 (the map's selected row), `q` quizzes on it; returns the mark from
    which its first question is drawn."""
    terminal.wait_for("Quiz me", terminal.press("Enter"))
    return terminal.press("q")


def next_question(terminal: Terminal) -> int:
    """From a verdict, on to the next question (`n`, which no question's pad takes as an answer); returns the
    mark from which it is drawn."""
    mark = terminal.mark()
    press_until(terminal, "n", QUESTION)
    return mark


def answer_a_choice_question(terminal: Terminal, mark: int) -> str:
    """From the question drawn since `mark`, skip to a single-choice one and pick its first choice; returns the
    verdict drawn."""
    for _ in range(25):
        if terminal.latest(QUESTION, mark).group(3) == "single":
            for _attempt in range(6):  # a key typed before the pad takes the focus is dropped: press again
                found = terminal.find(VERDICT, terminal.press("1"), timeout_s=5.0)
                if found:
                    return found.group(0)
                if terminal.latest(QUESTION, mark).group(3) != "single":
                    break  # on a loaded machine a skip pressed twice drew the next question after all: go on
            else:
                screenshot_and_fail(terminal, f"1 never led to {VERDICT!r}")
        mark = terminal.mark()
        press_until(terminal, "Control+n", QUESTION)  # skip: another type of question
    pytest.fail("no single-choice question came up in 25 questions")


def press_until(terminal: Terminal, key: str, pattern: str) -> re.Match:
    """Press `key` until `pattern` is drawn: a key typed before the new question's pad takes the focus is
    dropped, as in a terminal. Pressing again cannot answer twice (the screen takes one answer a question),
    and a question skipped twice is harmless (the kind is read from the latest question drawn)."""
    for _attempt in range(6):
        found = terminal.find(pattern, terminal.press(key), timeout_s=5.0)
        if found:
            return found
    screenshot_and_fail(terminal, f"{key} never led to {pattern!r}")


def screenshot_and_fail(terminal: Terminal, what: str) -> None:
    terminal.page.screenshot(path=ARTIFACTS / "browser-failure.png")
    pytest.fail(f"{what}; the page is in {ARTIFACTS / 'browser-failure.png'}")


def test_browser_reads_home_opens_a_lesson_and_saves_an_answer(served, open_page):
    terminal = open_page(served.url)
    terminal.wait_for(r"Read lesson 1: Why serverless\?")
    terminal.wait_for(r"Pack: AWS Lambda.*\d+ lessons")
    ARTIFACTS.mkdir(exist_ok=True)
    terminal.page.screenshot(path=ARTIFACTS / "browser-home.png")
    print(f"home screen screenshot: {ARTIFACTS / 'browser-home.png'}")

    verdict = answer_a_choice_question(terminal, open_first_lesson_quiz(terminal))

    saved = reviews(served.data_dir)
    assert len(saved) == 1
    pack_id, item_id, kind, correct = saved[0]
    assert (pack_id, kind) == ("lambda-core", "new")
    assert item_id in lesson_question_ids("why-serverless-quiz")
    assert correct == (verdict.startswith("✓"))


def test_two_tabs_on_one_data_folder_lose_no_answer(served, open_page):
    """Each tab is its own app process on the same database; answers given in turn all land, none twice."""
    tabs = [open_page(served.url), open_page(served.url)]
    marks = []
    for tab in tabs:
        tab.wait_for("(Read|Resume) lesson 1")  # Resume when the other tab opened it first: one data folder
        marks.append(open_first_lesson_quiz(tab))
    wait_until(lambda: len(app_pids(served)) >= 2, "two app processes, one per tab")
    for round_ in range(3):
        for index, tab in enumerate(tabs):
            answer_a_choice_question(tab, marks[index])
            marks[index] = next_question(tab)
    saved = reviews(served.data_dir)
    assert len(saved) == 6
    with sqlite3.connect(served.data_dir / "progress.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
