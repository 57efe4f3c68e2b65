"""A quiz session: which questions come up, grading each answer and recording it as one learner action."""

from __future__ import annotations

import random
from typing import Any
from dataclasses import dataclass, field, replace
from datetime import datetime

from lambdalearn.content.questions import (
    Choice, Flashcard, MultiChoice, Question, SingleChoice, Verdict, with_shuffled_choices,
)
from lambdalearn.progress.marks import held_keys, marks_of
from lambdalearn.progress.queue import ahead_items, limits_left, next_items, sync_items, unseen
from lambdalearn.progress.settings import load_settings
from lambdalearn.progress.ratings import rating_for
from lambdalearn.progress.reviews import AnswerResult, interval_previews, record_answer, short_interval, undo_answer
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.catalog import Entry


AGAIN_REPEATS = 3  # how many times one card answered Again comes back in the same session


@dataclass(frozen=True)
class Outcome:
    """The result of one answer: the verdict, what was recorded, the why of each wrong pick, and the learner's
    own note on the question (shown with the feedback)."""

    entry: Entry
    verdict: Verdict
    recorded: AnswerResult
    wrong_picks: tuple[tuple[int, Choice], ...] = ()
    note: str = ""


@dataclass
class Summary:
    answered: int = 0
    right: int = 0
    wrong: int = 0
    skipped: int = 0
    xp: int = 0
    next_due: datetime | None = None
    new_leeches: list[str] = field(default_factory=list)


def held_back_notice(session: QuizSession) -> str:
    """One sentence saying that the daily new-card limit kept questions out, and how many."""
    n = session.held_back
    return (f"Today's new-card limit ({session.daily_new_limit}) is reached: {n} new question{'s' if n != 1 else ''}"
            f" wait{'s' if n == 1 else ''} for another day.")


def is_request(*, deck: str | None = None, lesson: str | None = None, new_limit: int | None = None) -> bool:
    """Whether the learner asked for these questions (a lesson or deck by name, or a number of new cards),
    so that the daily limits let them through: quizzing a lesson just read is a request, not a review."""
    return bool(deck or lesson) or new_limit is not None


class QuizSession:
    """Due questions first, then new ones, within the learner's daily limits; or, in cram mode, any.

    Suspended and buried questions never come up (see `progress.marks`).
    Cram mode ignores due dates and limits and never moves a card's schedule (it logs the answer but gives no XP).
    A `requested` session is let through the daily limits (its answers still count against them). `ahead`
    studies cards before they are due, soonest first, and schedules them as real reviews.
    `held_back` counts the new questions the daily new-card limit kept out of this session
    (`daily_new_limit` says what that limit is), so the shells can say so and offer to study more today.
    """

    def __init__(
        self,
        store: ProgressStore,
        entries: list[Entry],
        *,
        limit: int | None = None,
        new_limit: int | None = None,
        cram: bool = False,
        requested: bool = False,
        ahead: bool = False,
        rng: random.Random | None = None,
    ):
        self.store = store
        self.cram = cram
        self.summary = Summary()
        self.held_back = 0
        self.daily_new_limit = load_settings(store).daily_new_limit
        rng = rng or random.Random()
        self.rng = rng
        self.again_shown: dict[tuple[str, str], int] = {}
        self.last: tuple[Outcome, bool] | None = None  # the last answer, and whether it brought its card back
        self.dues: list[datetime] = []  # when each card answered comes back: the summary's next review
        by_key = {entry.key: entry for entry in entries}
        if cram:  # suspended and buried questions stay out of cramming too, as Anki's filtered decks leave them out
            held = held_keys(store)
            chosen = [entry for entry in entries if entry.key not in held]
            rng.shuffle(chosen)
            self.queue = [shown(entry, rng) for entry in (chosen[:limit] if limit is not None else chosen)]
            return
        for pack in {entry.pack.id: entry.pack for entry in entries}.values():
            sync_items(store, pack.id, [q.id for q in pack.questions()])
        if ahead:
            keys = ahead_items(store, list(by_key), limit=limit)
        else:
            keys = next_items(store, None, list(by_key), limit=limit, new_limit=new_limit, requested=requested)
            if not requested and (limit is None or len(keys) < limit):
                waiting = set(unseen(store, list(by_key)))
                wanted = len(waiting) if new_limit is None else min(new_limit, len(waiting))
                if limits_left(store)[1] < wanted:
                    self.held_back = wanted - len(waiting & set(keys))
        self.queue = [shown(by_key[key], rng) for key in keys]

    def answer(self, entry: Entry, response, duration_ms: int) -> Outcome:
        """Grade and record one answer (one transaction); flashcards take the learner's 1-4 as `response`."""
        question = entry.question
        verdict = question.grade(response)
        if isinstance(question, Flashcard):
            rating = int(response)
        else:
            rating = rating_for(verdict.correct, duration_ms / 1000, question.type)
        recorded = record_answer(
            self.store, entry.pack.id, question.id, question_type=question.type, difficulty=question.difficulty,
            rating=rating, correct=verdict.correct, duration_ms=duration_ms, cram=self.cram,
        )
        self._count(entry, recorded, +1)
        queued = len(self.queue)
        self._again(entry, recorded)
        note = marks_of(self.store, entry.pack.id, question.id).note
        outcome = Outcome(entry, verdict, recorded, wrong_picks(question, response), note)
        self.last = (outcome, len(self.queue) > queued)
        return outcome

    def undo_last(self) -> Entry | None:
        """Take the last answer back (Anki's undo): the database forgets it, the summary too, and a card it
        brought back leaves the queue. Return its entry, to be asked again; None when there is nothing to undo."""
        if self.last is None or self.last[0].recorded.undo is None:
            return None
        outcome, brought_back = self.last
        self.last = None
        undo_answer(self.store, outcome.recorded.undo)
        if brought_back:
            self.queue.pop()
            self.again_shown[outcome.entry.key] -= 1
        self._count(outcome.entry, outcome.recorded, -1)
        return outcome.entry

    def _again(self, entry: Entry, recorded: AnswerResult) -> None:
        """As in Anki, a card answered Again comes back before the session ends (choices shuffled anew), at
        most `AGAIN_REPEATS` times, so one stubborn card cannot hold the session forever."""
        if self.cram or recorded.rating != 1 or self.again_shown.get(entry.key, 0) >= AGAIN_REPEATS:
            return
        self.again_shown[entry.key] = self.again_shown.get(entry.key, 0) + 1
        self.queue.append(shown(entry, self.rng))

    def previews(self, entry: Entry) -> dict[int, str]:
        """When the card would come back after each rating 1-4, in short ("10m", "3d"), for the rating keys."""
        intervals = interval_previews(self.store, entry.pack.id, entry.question.id)
        return {rating: short_interval(interval) for rating, interval in intervals.items()}

    def skip(self) -> None:
        """Pass the question shown; the answer before it can no longer be undone (undo follows a verdict)."""
        self.summary.skipped += 1
        self.last = None

    def _count(self, entry: Entry, recorded: AnswerResult, sign: int) -> None:
        """Add one answer to the summary (`sign` +1), or take it out again (-1, after an undo)."""
        s = self.summary
        s.answered += sign
        s.right += sign * int(recorded.correct)
        s.wrong += sign * int(not recorded.correct)
        s.xp += sign * recorded.xp_awarded
        if not self.cram:
            if sign > 0:
                self.dues.append(recorded.due)
            else:
                self.dues.remove(recorded.due)
            s.next_due = min(self.dues, default=None)
        if recorded.became_leech:
            if sign > 0:
                s.new_leeches.append(entry.question.id)
            else:
                s.new_leeches.remove(entry.question.id)


def shown(entry: Entry, rng: random.Random) -> Entry:
    """The entry as shown this time: its choices shuffled (see `with_shuffled_choices`)."""
    return replace(entry, question=with_shuffled_choices(entry.question, rng))


def wrong_picks(question: Question, response: Any) -> tuple[tuple[int, Choice], ...]:
    """The choices a learner picked that are not right, with their number, so their `why` can be shown."""
    if isinstance(question, SingleChoice):
        picked = {response}
        right = {question.answer}
    elif isinstance(question, MultiChoice):
        picked, right = set(response), set(question.answer)
    else:
        return ()
    return tuple((n, question.choices[n - 1]) for n in sorted(picked - right))
