"""The course as the learner walks it: the map of lessons with their state, the next thing worth doing,
lessons cut into pages by `##` section, search across lessons, and where a question's "read more" points.

Headless, shared by the app's home and lesson screens (and anything else that wants the same answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lambdalearn.content.anchors import Heading, lesson_link
from lambdalearn.content.models import Lesson, Pack
from lambdalearn.content.questions import Question
from lambdalearn.progress.lessons import completed_lessons, opened_lessons
from lambdalearn.progress.queue import new_left_today
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.catalog import Entry
from lambdalearn.textsafe import printable

DONE, IN_PROGRESS, NOT_STARTED = "done", "in progress", "not started"


@dataclass(frozen=True)
class MapRow:
    pack: Pack
    lesson: Lesson
    state: str  # DONE, IN_PROGRESS or NOT_STARTED


@dataclass(frozen=True)
class NextStep:
    """What "continue" does: kind is 'review' (due cards), 'lesson', 'learn' (new cards) or 'exam'."""

    kind: str
    label: str
    pack: Pack | None = None
    lesson: Lesson | None = None


@dataclass(frozen=True)
class Page:
    """A slice of a lesson: the text before the first `##`, or one `##` section with its sub-sections."""

    title: str
    anchor: str
    text: str
    headings: tuple[Heading, ...]  # the headings inside this page, lines relative to the lesson body


@dataclass(frozen=True)
class SearchHit:
    pack: Pack
    lesson: Lesson
    anchor: str  # the section the hit is in ("" before the first heading)
    heading: str
    snippet: str


def course_map(store: ProgressStore, packs: tuple[Pack, ...] | list[Pack]) -> list[MapRow]:
    """Every lesson of every pack in course order, with whether it is done, in progress or not started."""
    done = completed_lessons(store)
    opened = opened_lessons(store)
    rows = []
    for pack in packs:
        for lesson in sorted(pack.lessons, key=lambda lesson: (lesson.order, lesson.id)):
            key = (pack.id, lesson.id)
            state = DONE if key in done else IN_PROGRESS if key in opened else NOT_STARTED
            rows.append(MapRow(pack, lesson, state))
    return rows


def next_step(rows: list[MapRow], due_now: int, new_available: int) -> NextStep:
    """Due reviews first, then the lesson in progress or the next unread one, then new cards, then an exam."""
    if due_now:
        then = ", then new ones" if new_available else ""
        return NextStep("review", f"Review {due_now} due card{'s' if due_now != 1 else ''}{then}")
    for state, verb in ((IN_PROGRESS, "Resume"), (NOT_STARTED, "Read")):
        row = next((r for r in rows if r.state == state), None)
        if row is not None:
            return NextStep("lesson", f"{verb} lesson {row.lesson.order}: {row.lesson.title}", row.pack, row.lesson)
    if new_available:
        return NextStep("learn", f"Learn {new_available} new card{'s' if new_available != 1 else ''}")
    return NextStep("exam", "Take a mock exam")


def new_cards_today(store: ProgressStore, packs: tuple[Pack, ...] | list[Pack], now: datetime | None = None) -> int:
    """How many new cards the learner may still start today (within the daily new-card limit)."""
    keys = ((pack.id, question.id) for pack in packs for deck in pack.decks for question in deck.questions)
    return new_left_today(store, keys, now)  # deck by deck: decks after the limit stay unread (see LazyQuestions)


def in_course_order(entries: list[Entry]) -> list[Entry]:
    """Questions ordered by the lesson their deck belongs to (decks without a lesson last), so new cards
    come in the order the course teaches them; the authored order is kept within a lesson."""

    def lesson_order(entry: Entry) -> int:
        deck = next((d for d in entry.pack.decks if d.id == entry.question.deck_id), None)
        lesson = entry.pack.lesson(deck.lesson) if deck is not None and deck.lesson else None
        return lesson.order if lesson is not None else 1_000_000

    return sorted(entries, key=lesson_order)


def pages(lesson: Lesson) -> list[Page]:
    """The lesson cut before each level-2 heading (headings inside code fences are not headings)."""
    lines = lesson.body.splitlines()
    cuts = [h for h in lesson.headings if h.level == 2]
    starts = [0] + [h.line for h in cuts]
    result = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        text = "\n".join(lines[start:end]).strip()
        if number == 0:
            if not text:
                continue
            title, anchor = "Introduction", ""
        else:
            title, anchor = cuts[number - 1].text, cuts[number - 1].anchor
        inside = tuple(h for h in lesson.headings if start <= h.line < end)
        result.append(Page(title, anchor, printable(text), inside))  # pack text: no terminal control codes
    return result


def page_of(lesson: Lesson, anchor: str) -> int:
    """Index of the page holding the heading `anchor` (0 when absent or empty)."""
    for index, page in enumerate(pages(lesson)):
        if any(h.anchor == anchor for h in page.headings):
            return index
    return 0


def section_target(pack: Pack, question: Question) -> tuple[Lesson, str] | None:
    """The lesson and anchor a question's `lesson_section` points at (the deck's lesson by default)."""
    deck = next((d for d in pack.decks if d.id == question.deck_id), None)
    ref = question.lesson_section
    if not ref:
        lesson = pack.lesson(deck.lesson) if deck and deck.lesson else None
        return (lesson, "") if lesson else None
    lesson_id, hash_, anchor = ref.partition("#")
    if not hash_ and pack.lesson(ref) is None:
        lesson_id, anchor = (deck.lesson if deck else "") or "", ref
    lesson = pack.lesson(lesson_id)
    return (lesson, anchor) if lesson else None


def link_target(pack: Pack, current: Lesson, href: str) -> tuple[Lesson, str] | None:
    """The lesson and anchor an in-course link opens; None for a web link or a lesson that does not exist."""
    parsed = lesson_link(href)
    if parsed is None:
        return None
    lesson_id, anchor = parsed
    lesson = current if not lesson_id else pack.lesson(lesson_id)
    return (lesson, anchor) if lesson else None


def search(packs: tuple[Pack, ...] | list[Pack], text: str, limit: int = 50) -> list[SearchHit]:
    """Lessons whose title or body contain every word of `text` (case-insensitive), one hit per section,
    best first (see `relevance`), course order among equals."""
    words = [w.casefold() for w in text.split()]
    if not words:
        return []
    phrase = " ".join(words)
    scored = []
    for pack in packs:
        for lesson in sorted(pack.lessons, key=lambda lesson: lesson.order):
            for page in pages(lesson):
                haystack = f"{lesson.title}\n{page.text}".casefold()
                if all(w in haystack for w in words):
                    score = relevance(lesson.title.casefold(), page.title.casefold(), haystack, words, phrase)
                    hit = SearchHit(pack, lesson, page.anchor, page.title, _snippet(page.text, words[0]))
                    scored.append((-score, len(scored), hit))
    return [hit for *_key, hit in sorted(scored)[:limit]]


def relevance(lesson_title: str, section_title: str, haystack: str, words: list[str], phrase: str) -> int:
    """Higher for the phrase in the lesson's title, then in the section's title, then for the phrase in the
    text and how often the words occur (capped, so a long section does not win by length alone)."""
    score = 100 * (phrase in lesson_title) + 50 * (phrase in section_title)
    score += 20 * all(w in section_title for w in words) + 10 * all(w in lesson_title for w in words)
    score += 5 * min(haystack.count(phrase), 6) + min(sum(haystack.count(w) for w in words), 20)
    return score


def _snippet(text: str, word: str, width: int = 70) -> str:
    """A line of plain text around the first match: Markdown links become their text, marks are dropped."""
    unlinked = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    flat = re.sub(r"\s+", " ", re.sub(r"[#*`|>\[\]]", "", unlinked))
    at = flat.casefold().find(word)
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = flat[start : start + width].strip()
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


@dataclass(frozen=True)
class CourseProgress:
    """How far the learner is through the course, as Rustlings counts it: lessons and labs finished."""

    lessons_done: int
    lessons: int
    labs_done: int
    labs: int

    @property
    def percent(self) -> float:
        total = self.lessons + self.labs
        return round(100 * (self.lessons_done + self.labs_done) / total, 1) if total else 0.0

    def describe(self) -> str:
        return (f"{self.percent:.0f}% · {self.lessons_done}/{self.lessons} lessons · "
                f"{self.labs_done}/{self.labs} labs")


def course_progress(rows: list[MapRow], labs: list) -> CourseProgress:
    """Lessons done of the course map's rows and labs completed of `labs` (rows of `study.labs.lab_rows`)."""
    from lambdalearn.progress.labs import COMPLETED

    return CourseProgress(sum(row.state == DONE for row in rows), len(rows),
                          sum(lab.status == COMPLETED for lab in labs), len(labs))
