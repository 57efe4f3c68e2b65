"""Mock exams: built from a pack's blueprint, taken against a clock, scored by domain, kept in the database.

Headless: the app's exam screen only shows an exam and passes the learner's responses in. An exam draws
gradable questions only (flashcards are self-graded), as many from each blueprint domain as its weight says,
and leaves the review schedule alone: it measures, it does not teach. Within a domain the draw leans toward
what certification exams ask: items that apply or analyse, and scenarios, are likelier than recall items,
which still appear, so the mix resembles the real exam rather than the bank.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lambdalearn.content.bank import is_scenario
from lambdalearn.content.models import Domain, ExamBlueprint, Pack
from lambdalearn.content.questions import Choice, Question, Verdict
from lambdalearn.progress.clock import as_utc
from lambdalearn.progress.exams import save_exam_result
from lambdalearn.progress.settings import Settings
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.catalog import Entry
from lambdalearn.study.session import shown, wrong_picks

# How much likelier an item is drawn than a recall item without a scenario (unlevelled items count as recall).
LEVEL_WEIGHT = {"remember": 1.0, "apply": 2.0, "analyse": 3.0}
SCENARIO_WEIGHT = 1.5
# A response that is wrong for every question of the type: how an unanswered question is graded.
_NO_RESPONSE: dict[str, Any] = {
    "single": 0, "multi": frozenset(), "truefalse": None, "numeric": math.nan, "text": "", "cloze": (), "order": (),
}


class ExamError(ValueError):
    """The exam cannot be built (no blueprint, no gradable questions, bad options); the message says why."""


@dataclass(frozen=True)
class ExamItem:
    entry: Entry
    domain: Domain


@dataclass(frozen=True)
class DomainScore:
    domain: Domain
    questions: int
    correct: int
    pass_mark: float

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.questions if self.questions else 0.0

    @property
    def passed(self) -> bool:
        return self.percent >= self.pass_mark


@dataclass(frozen=True)
class Miss:
    """A question answered wrong or not at all, with what the right answer was."""

    number: int  # 1-based position in the exam
    item: ExamItem
    response: Any  # None when unanswered
    verdict: Verdict
    wrong_picks: tuple[tuple[int, Choice], ...] = ()


@dataclass(frozen=True)
class ExamResult:
    pack_id: str
    started_at: datetime
    finished_at: datetime
    questions: int
    correct: int
    pass_mark: float
    domains: tuple[DomainScore, ...]
    misses: tuple[Miss, ...]
    timed_out: bool = False

    @property
    def score(self) -> float:
        """Percent right, one decimal."""
        return round(100.0 * self.correct / self.questions, 1) if self.questions else 0.0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark


@dataclass
class MockExam:
    """One attempt: the questions, the learner's responses and flags, and the deadline."""

    pack: Pack
    items: list[ExamItem]
    minutes: int
    pass_mark: float
    started_at: datetime
    responses: dict[int, Any] = field(default_factory=dict)  # 0-based index -> graded-response value
    flagged: set[int] = field(default_factory=set)
    predicted: dict[str, float] | None = None  # the readiness prediction made before it, share right per domain

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)

    def remaining(self, now: datetime | None = None) -> timedelta:
        """Time left, never below zero."""
        return max(timedelta(0), self.deadline - as_utc(now))

    def timed_out(self, now: datetime | None = None) -> bool:
        return as_utc(now) >= self.deadline

    def answer(self, index: int, response: Any) -> None:
        self._check(index)
        self.responses[index] = response

    def toggle_flag(self, index: int) -> bool:
        """Flag the question for review, or unflag it; return whether it is flagged now."""
        self._check(index)
        self.flagged ^= {index}
        return index in self.flagged

    @property
    def unanswered(self) -> list[int]:
        return [i for i in range(len(self.items)) if i not in self.responses]

    def finish(self, now: datetime | None = None) -> ExamResult:
        """Grade every question; unanswered ones count as wrong."""
        finished = as_utc(now)
        tally = {d.id: [0, 0] for d in self._domains()}
        misses = []
        for index, item in enumerate(self.items):
            question = item.entry.question
            response = self.responses.get(index)
            verdict = question.grade(_NO_RESPONSE[question.type] if response is None else response)
            tally[item.domain.id][0] += 1
            tally[item.domain.id][1] += int(verdict.correct)
            if not verdict.correct:
                picks = wrong_picks(question, response) if response is not None else ()
                misses.append(Miss(index + 1, item, response, verdict, picks))
        domains = tuple(DomainScore(d, *tally[d.id], self.pass_mark) for d in self._domains() if tally[d.id][0])
        return ExamResult(
            self.pack.id, self.started_at, finished, len(self.items), sum(t[1] for t in tally.values()),
            self.pass_mark, domains, tuple(misses), timed_out=finished >= self.deadline,
        )

    def _domains(self) -> tuple[Domain, ...]:
        blueprint = self.pack.manifest.exam
        return blueprint.domains if blueprint else ()

    def _check(self, index: int) -> None:
        if not 0 <= index < len(self.items):
            raise IndexError(f"question {index + 1} is not in this exam of {len(self.items)}")


def minutes_for(blueprint: ExamBlueprint, questions: int) -> int:
    """The blueprint's pace: its minutes scaled to `questions` (rounded up, at least 1)."""
    return max(1, math.ceil(blueprint.minutes * questions / blueprint.questions))


def exam_options(blueprint: ExamBlueprint, settings: Settings) -> tuple[int, int]:
    """(questions, minutes) by default: the learner's settings, else the blueprint; fewer questions than the
    blueprint get proportionally fewer minutes."""
    questions = settings.exam_questions or blueprint.questions
    return questions, settings.exam_minutes or minutes_for(blueprint, questions)


def build_exam(
    pack: Pack,
    *,
    questions: int | None = None,
    minutes: int | None = None,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> MockExam:
    """A new attempt from `pack`'s blueprint: questions drawn per domain by weight, in shuffled order."""
    blueprint = pack.manifest.exam
    if blueprint is None:
        raise ExamError(f"pack '{pack.id}' has no exam blueprint (an `exam:` section in pack.yaml)")
    count = blueprint.questions if questions is None else questions
    if count < 1:
        raise ExamError(f"an exam needs at least 1 question, got {count}")
    if minutes is not None and minutes < 1:
        raise ExamError(f"an exam needs at least 1 minute, got {minutes}")
    rng = rng or random.Random()
    pools = exam_pools(pack, blueprint)
    quotas = domain_quotas(blueprint.domains, {d: len(pool) for d, pool in pools.items()}, count)
    if not sum(quotas.values()):
        raise ExamError(f"pack '{pack.id}' has no gradable questions in its exam domains")
    items = [
        ExamItem(shown(entry, rng), domain)
        for domain in blueprint.domains
        for entry in weighted_sample(pools[domain.id], quotas[domain.id], rng)
    ]
    rng.shuffle(items)
    if minutes is None:
        minutes = minutes_for(blueprint, len(items))
    return MockExam(pack, items, minutes, blueprint.pass_mark, as_utc(now))


def save_result(store: ProgressStore, result: ExamResult, predicted: dict[str, float] | None = None) -> int:
    """Keep the result in the database; return its id. `predicted` (share right per domain, made before
    the exam) is kept beside each domain's score, so later predictions can be calibrated against it."""
    domains: dict[str, dict[str, float]] = {}
    for s in result.domains:
        domains[s.domain.id] = {"questions": s.questions, "correct": s.correct}
        if predicted and s.domain.id in predicted:
            domains[s.domain.id]["predicted"] = predicted[s.domain.id]
    return save_exam_result(
        store, result.pack_id, started_at=result.started_at, finished_at=result.finished_at,
        questions=result.questions, correct=result.correct, score=result.score, passed=result.passed,
        domains=domains,
    )


def draw_weight(question: Question) -> float:
    """An item's weight in the exam draw: by cognitive level, and higher for a scenario."""
    weight = LEVEL_WEIGHT.get(question.level or "remember", 1.0)
    return weight * (SCENARIO_WEIGHT if is_scenario(question) else 1.0)


def weighted_sample(entries: list[Entry], count: int, rng: random.Random) -> list[Entry]:
    """`count` distinct entries, each drawn with probability proportional to its weight (Efraimidis-Spirakis:
    the largest `u ** (1 / weight)` keys win), reproducible for a seeded `rng`."""
    keyed = [(rng.random() ** (1.0 / draw_weight(entry.question)), index) for index, entry in enumerate(entries)]
    return [entries[index] for _key, index in sorted(keyed, reverse=True)[:count]]


def exam_pools(pack: Pack, blueprint: ExamBlueprint) -> dict[str, list[Entry]]:
    """The gradable questions of each blueprint domain (what an exam draws from)."""
    pools: dict[str, list[Entry]] = {d.id: [] for d in blueprint.domains}
    for deck in pack.decks:
        for question in deck.questions:
            domain = question.domain or deck.domain
            if question.gradable and domain in pools:
                pools[domain].append(Entry(pack, question))
    return pools


def domain_quotas(domains: tuple[Domain, ...], available: dict[str, int], count: int) -> dict[str, int]:
    """Questions per domain: proportional to weight (largest remainder), capped by what each domain has;
    seats a domain cannot fill go to the others, heaviest first."""
    count = min(count, sum(available.values()))
    total_weight = sum(d.weight for d in domains) or 1.0
    shares = {d.id: count * d.weight / total_weight for d in domains}
    quotas = {d: min(int(share), available[d]) for d, share in shares.items()}
    by_remainder = sorted(domains, key=lambda d: (int(shares[d.id]) - shares[d.id], -d.weight))
    for domain in by_remainder:
        if sum(quotas.values()) < count and quotas[domain.id] < min(available[domain.id], math.ceil(shares[domain.id])):
            quotas[domain.id] += 1
    by_weight = sorted(domains, key=lambda d: -d.weight)
    while sum(quotas.values()) < count:
        spare = next(d for d in by_weight if quotas[d.id] < available[d.id])
        quotas[spare.id] += 1
    return quotas
