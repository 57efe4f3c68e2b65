"""A quiz session: which questions come up, grading each answer and recording it as one learner action."""

from __future__ import annotations

import random
from typing import Any
from dataclasses import dataclass, field
from datetime import datetime

from lambdalearn.content.questions import Choice, Flashcard, MultiChoice, Question, SingleChoice, Verdict
from lambdalearn.progress.queue import next_items, sync_items
from lambdalearn.progress.ratings import rating_for
from lambdalearn.progress.reviews import AnswerResult, record_answer
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.catalog import Entry


@dataclass(frozen=True)
class Outcome:
    """The result of one answer: the verdict, what was recorded, and the why of each wrong pick."""

    entry: Entry
    verdict: Verdict
    recorded: AnswerResult
    wrong_picks: tuple[tuple[int, Choice], ...] = ()


@dataclass
class Summary:
    answered: int = 0
    right: int = 0
    wrong: int = 0
    skipped: int = 0
    xp: int = 0
    next_due: datetime | None = None
    new_leeches: list[str] = field(default_factory=list)


class QuizSession:
    """Due questions first, then new ones, within the learner's daily limits; or, in cram mode, any.

    Cram mode ignores due dates and limits and never moves a card's schedule (it still logs and gives XP).
    """

    def __init__(
        self,
        store: ProgressStore,
        entries: list[Entry],
        *,
        limit: int | None = None,
        new_limit: int | None = None,
        cram: bool = False,
        rng: random.Random | None = None,
    ):
        self.store = store
        self.cram = cram
        self.summary = Summary()
        by_key = {entry.key: entry for entry in entries}
        if cram:
            chosen = list(entries)
            (rng or random.Random()).shuffle(chosen)
            self.queue = chosen[:limit] if limit is not None else chosen
            return
        for pack in {entry.pack.id: entry.pack for entry in entries}.values():
            sync_items(store, pack.id, [q.id for q in pack.questions()])
        keys = next_items(store, None, list(by_key), limit=limit, new_limit=new_limit)
        self.queue = [by_key[key] for key in keys]

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
        self._count(entry, recorded)
        return Outcome(entry, verdict, recorded, wrong_picks(question, response))

    def skip(self) -> None:
        self.summary.skipped += 1

    def _count(self, entry: Entry, recorded: AnswerResult) -> None:
        s = self.summary
        s.answered += 1
        s.right += int(recorded.correct)
        s.wrong += int(not recorded.correct)
        s.xp += recorded.xp_awarded
        if not self.cram and (s.next_due is None or recorded.due < s.next_due):
            s.next_due = recorded.due
        if recorded.became_leech:
            s.new_leeches.append(entry.question.id)


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
