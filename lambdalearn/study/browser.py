"""The question browser, as Anki's: every question of the loaded packs with its card's state and the learner's
marks, found by words (ranked as the lesson search ranks sections) and narrowed by pack, deck, lesson, tag,
type and state; and the actions on one question (suspend, bury, flag, note), found by its id.

Headless: the app's Browse screen and `lambdalearn browse` are two shells over it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from fsrs import State

from lambdalearn.content.questions import (
    Cloze, Flashcard, MultiChoice, Question, SingleChoice, TextAnswer, display_prompt,
)
from lambdalearn.progress.clock import UTC, as_utc, parse_utc_text
from lambdalearn.progress.marks import NO_MARKS, Marks, load_marks
from lambdalearn.progress.ratings import QUESTION_TYPES
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.catalog import Catalog, Entry, SelectionError
from lambdalearn.study.course import in_course_order, relevance

NEW = "new"
CARD_STATES = {int(State.Learning): "learning", int(State.Review): "review", int(State.Relearning): "relearning"}
# What the state filter takes: a card state, or what the learner did or would see.
STATES = (NEW, *CARD_STATES.values(), "due", "suspended", "buried", "flagged", "leech", "noted")


@dataclass(frozen=True)
class Filters:
    """What the browser shows: questions matching every filter given (None: any), and `text` (all its words)."""

    text: str = ""
    pack: str | None = None
    deck: str | None = None
    lesson: str | None = None
    tag: str | None = None
    type: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class Row:
    """One question as the browser shows it: its card (state, due, reps, lapses, leech, last answer) and marks."""

    entry: Entry
    state: str  # "new" (no card yet) or a value of CARD_STATES
    due: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False
    last_answer: datetime | None = None
    last_correct: bool | None = None
    marks: Marks = NO_MARKS

    @property
    def key(self) -> tuple[str, str]:
        return self.entry.key

    def is_due(self, now: datetime | None = None) -> bool:
        """Whether a quiz would offer the card now as a due one (not new, not suspended or buried)."""
        return self.due is not None and self.due <= as_utc(now) and not self.marks.held(now)

    def matches(self, state: str, now: datetime | None = None) -> bool:
        """Whether the row is in `state` (one of STATES) at `now`."""
        checks = {
            "due": lambda: self.is_due(now),
            "suspended": lambda: self.marks.suspended,
            "buried": lambda: self.marks.buried(now),
            "flagged": lambda: self.marks.flagged,
            "leech": lambda: self.leech,
            "noted": lambda: bool(self.marks.note),
        }
        return checks[state]() if state in checks else self.state == state


def browse(store: ProgressStore, catalog: Catalog, filters: Filters, now: datetime | None = None) -> list[Row]:
    """The rows `filters` keep: best match first when there is text, else in course order.
    SelectionError (its message lists what exists) for a pack, deck, lesson, tag, type or state that does not."""
    entries = catalog.select(pack=filters.pack, deck=filters.deck, lesson=filters.lesson, tag=filters.tag)
    for kind, value, known in (("type", filters.type, QUESTION_TYPES), ("state", filters.state, STATES)):
        if value is not None and value not in known:
            raise SelectionError(f"no {kind} named '{value}'; known: {', '.join(sorted(known))}")
    if filters.type is not None:
        entries = [entry for entry in entries if entry.question.type == filters.type]
    rows = question_rows(store, in_course_order(entries))
    if filters.state is not None:
        rows = [row for row in rows if row.matches(filters.state, now)]
    return ranked(rows, filters.text)


def question_rows(store: ProgressStore, entries: list[Entry]) -> list[Row]:
    """A row per entry, in the same order, with its card (if it has one) and its marks."""
    cards = {
        (pack_id, item_id): values for pack_id, item_id, *values in store.db.execute(
            "SELECT pack_id, item_id, state, due_ms, reps, lapses, leech, last, correct FROM ("
            " SELECT c.pack_id, c.item_id, c.state, c.due_ms, c.reps, c.lapses, c.leech,"
            " (SELECT r.reviewed_at FROM reviews AS r WHERE r.card_id = c.id ORDER BY r.id DESC LIMIT 1) AS last,"
            " (SELECT r.correct FROM reviews AS r WHERE r.card_id = c.id ORDER BY r.id DESC LIMIT 1) AS correct"
            " FROM cards AS c)"
        ).fetchall()
    }
    marks = load_marks(store)
    rows = []
    for entry in entries:
        card = cards.get(entry.key)
        row = Row(entry, NEW, marks=marks.get(entry.key, NO_MARKS))
        if card is not None:
            state, due_ms, reps, lapses, leech, last, correct = card
            row = replace(row, state=CARD_STATES[state], due=datetime.fromtimestamp(due_ms / 1000, UTC), reps=reps,
                          lapses=lapses, leech=bool(leech), last_answer=parse_utc_text(last) if last else None,
                          last_correct=None if correct is None else bool(correct))
        rows.append(row)
    return rows


def ranked(rows: list[Row], text: str) -> list[Row]:
    """The rows holding every word of `text` (case-insensitive) in their id, prompt, answers or explanation,
    best first by the lesson search's `relevance` (the prompt as the title, the answer as the heading)."""
    words = [word.casefold() for word in text.split()]
    if not words:
        return rows
    phrase = " ".join(words)
    scored = []
    for index, row in enumerate(rows):
        question = row.entry.question
        haystack = searchable_text(question).casefold()
        if all(word in haystack for word in words):
            exact_id = 1000 * (question.id.casefold() == phrase)
            score = exact_id + relevance(display_prompt(question).casefold(), question.expected_answer.casefold(),
                                         haystack, words, phrase)
            scored.append((-score, index, row))
    return [row for *_key, row in sorted(scored, key=lambda item: item[:2])]


def searchable_text(question: Question) -> str:
    """Everything of a question a learner may search for: id, prompt, answers, choices and their why, tags."""
    parts = [question.id, display_prompt(question), question.expected_answer, question.explanation or "",
             " ".join(question.tags)]
    if isinstance(question, (SingleChoice, MultiChoice)):
        parts += [f"{choice.text} {choice.why or ''}" for choice in question.choices]
    elif isinstance(question, TextAnswer):
        parts += question.accepted
    elif isinstance(question, Cloze):
        parts.append(question.filled)
    elif isinstance(question, Flashcard):
        parts += [question.front, question.back]
    return "\n".join(parts)


def find_question(catalog: Catalog, question_id: str) -> Entry:
    """The question named `question_id` (an item id, or `pack/item` when two packs share the id);
    SelectionError saying what is wrong otherwise."""
    pack_id, slash, item_id = question_id.partition("/")
    if slash:
        entry = catalog.entry(pack_id, item_id)
        if entry is None:
            raise SelectionError(f"no question '{item_id}' in pack '{pack_id}'")
        return entry
    found = [entry for pack in catalog.packs if (entry := catalog.entry(pack.id, question_id)) is not None]
    if not found:
        raise SelectionError(f"no question with the id '{question_id}' (the ID column of `lambdalearn browse`)")
    if len(found) > 1:
        names = ", ".join(f"{entry.pack.id}/{question_id}" for entry in found)
        raise SelectionError(f"two packs have a question '{question_id}': name one of {names}")
    return found[0]


def state_label(row: Row, now: datetime | None = None) -> str:
    """The state as a word, the learner's holds first: suspended, buried, else new/learning/review/relearning."""
    if row.marks.suspended:
        return "suspended"
    if row.marks.buried(now):
        return "buried"
    return row.state

