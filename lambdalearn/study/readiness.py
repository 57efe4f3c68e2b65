"""Exam readiness: the mock-exam score the learner would most likely get today, per blueprint domain and
overall, with a band that the real score falls in 90% of the time.

Each question the exam can draw is answered right with probability R + (1 - R) * g: R, the chance to recall
it, is the FSRS retrievability of its card at that moment; g is the chance to get it right by guessing (one
of the choices of a single, one set of k of n for a "select k" multi, 1/2 for true/false, one of n! orders,
nothing for typed answers). An item never studied has no card: its R is `prior_recall`, what the learner
knew before studying, estimated from their own first answers corrected for guessing, starting from a weak
Beta(1, 3) prior (before any answer a candidate is taken to know a quarter of the facts, a belief worth four
answers that the first answers soon override).

A domain's prediction is the mean over its pool, the overall one the blueprint-weighted mean. The band adds
the spread of an exam of the blueprint's length (each drawn question a Bernoulli trial) to the uncertainty
of the prior, at z = 1.645. Past mock exams calibrate it: the mean of (actual - predicted) over the exams
that carried a prediction, shrunk towards 0 as if two more exams had hit the mark, is added back.

Questions the learner suspended or buried (`progress.marks`) still count, at their own card's recall: they are
hidden from study, not from the mock exam (nor the real one), so leaving them out would raise the prediction
exactly where the learner stopped studying, and break its calibration against the mock exams taken.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from fsrs import Card

from lambdalearn.content.models import Pack
from lambdalearn.content.questions import MultiChoice, Ordering, Question, SingleChoice, TrueFalse
from lambdalearn.progress.clock import as_utc
from lambdalearn.progress.exams import exam_history
from lambdalearn.progress.reviews import scheduler_for
from lambdalearn.progress.settings import load_settings
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.exam import domain_quotas, exam_pools

Z_90 = 1.645  # two-sided 90% band
PRIOR_KNOWN, PRIOR_UNKNOWN = 1.0, 3.0  # Beta(1, 3): a quarter known before study, worth four answers
CALIBRATION_SHRINK = 2  # past exams' bias is shrunk as if this many more exams had hit the mark


@dataclass(frozen=True)
class Readiness:
    """Percentages (0-100): the predicted score, its 90% band, the pass mark, and the prediction per domain."""

    predicted: float
    low: float
    high: float
    pass_mark: float
    domains: dict[str, float] = field(default_factory=dict)
    calibration: float = 0.0  # points added from past exams' (actual - predicted)

    def as_json(self) -> dict:
        return {"predicted": self.predicted, "low": self.low, "high": self.high, "pass_mark": self.pass_mark,
                "domains": dict(self.domains)}


def guess_rate(question: Question) -> float:
    """The chance to answer `question` right without knowing it (see the module docstring)."""
    if isinstance(question, SingleChoice):
        return 1 / len(question.choices)
    if isinstance(question, MultiChoice):
        return 1 / math.comb(len(question.choices), len(question.answer))
    if isinstance(question, TrueFalse):
        return 0.5
    if isinstance(question, Ordering):
        return 1 / math.factorial(len(question.items))
    return 0.0


def recall_by_item(store: ProgressStore, pack_id: str, now: datetime | None = None) -> dict[str, float]:
    """FSRS retrievability at `now` of each active card of the pack, by item id."""
    scheduler = scheduler_for(load_settings(store).desired_retention)
    when = as_utc(now)
    rows = store.db.execute("SELECT item_id, card_json FROM cards WHERE pack_id = ? AND active = 1", [pack_id])
    return {item: scheduler.get_card_retrievability(Card.from_json(card), when) for item, card in rows.fetchall()}


def prior_recall(store: ProgressStore, pack: Pack) -> tuple[float, float]:
    """(mean, variance) of what the learner knew of an item before studying it (see the module docstring)."""
    questions = {q.id: q for q in pack.questions()}
    rows = store.db.execute("SELECT item_id, correct FROM reviews WHERE pack_id = ? AND kind = 'new'", [pack.id])
    known, unknown = PRIOR_KNOWN, PRIOR_UNKNOWN
    for item, correct in rows.fetchall():
        question = questions.get(item)
        if question is None or not question.gradable:
            continue
        g = guess_rate(question)
        estimate = (correct - g) / (1 - g)  # unbiased for "knew it": E[correct] = r + (1 - r) g
        known += estimate
        unknown += 1 - estimate
    known, unknown = max(known, 0.01), max(unknown, 0.01)
    mean = known / (known + unknown)
    variance = known * unknown / ((known + unknown) ** 2 * (known + unknown + 1))
    return mean, variance


def predict(store: ProgressStore, pack: Pack, now: datetime | None = None,
            recall: dict[str, float] | None = None) -> Readiness | None:
    """The readiness for `pack`'s mock exam at `now` (None when the pack has no blueprint or no questions).

    `recall` replaces the cards' retrievability (the planner passes simulated values)."""
    blueprint = pack.manifest.exam
    if blueprint is None:
        return None
    pools = exam_pools(pack, blueprint)
    quotas = domain_quotas(blueprint.domains, {d: len(pool) for d, pool in pools.items()}, blueprint.questions)
    total = sum(quotas.values())
    if not total:
        return None
    recall = recall_by_item(store, pack.id, now) if recall is None else recall
    r0, r0_var = prior_recall(store, pack)
    by_domain: dict[str, float] = {}
    sampling_var = param_sd = 0.0
    for domain in blueprint.domains:
        pool, n = pools[domain.id], quotas[domain.id]
        if not pool:
            continue
        chances = []
        unseen_weight = 0.0
        for entry in pool:
            g = guess_rate(entry.question)
            r = recall.get(entry.question.id)
            if r is None:
                r = r0
                unseen_weight += 1 - g
            chances.append(r + (1 - r) * g)
        mean = sum(chances) / len(chances)
        by_domain[domain.id] = mean
        sampling_var += n * mean * (1 - mean)
        param_sd += n * unseen_weight / len(pool)
    overall = sum(quotas[d] * p for d, p in by_domain.items()) / total
    calibration = _calibration(store, pack.id)
    sd = math.sqrt(sampling_var / total ** 2 + (param_sd / total) ** 2 * r0_var)
    centre = _clip(overall + calibration)
    return Readiness(
        predicted=_pct(centre), low=_pct(_clip(centre - Z_90 * sd)), high=_pct(_clip(centre + Z_90 * sd)),
        pass_mark=blueprint.pass_mark, domains={d: _pct(_clip(p + calibration)) for d, p in by_domain.items()},
        calibration=round(100 * calibration, 1),
    )


def prediction_record(readiness: Readiness) -> dict[str, float]:
    """What an exam keeps of the prediction made before it: the predicted share right per domain (0-1)."""
    return {domain: round(value / 100, 4) for domain, value in readiness.domains.items()}


def predicted_vs_actual(store: ProgressStore, pack_id: str) -> list[tuple[datetime, float, float]]:
    """(finished at, predicted %, actual %) of the pack's past exams that carried a prediction, newest first."""
    rows = []
    for record in exam_history(store, pack_id):
        predicted = _predicted_score(record.domains)
        if predicted is not None:
            rows.append((record.finished_at, round(100 * predicted, 1), record.score))
    return rows


def predicted_for(result, predicted: dict[str, float] | None) -> float | None:
    """The score (%) the prediction made before this exam gave it, for the domains it drew (None without one)."""
    if not predicted:
        return None
    share = _predicted_score({s.domain.id: {"questions": s.questions, "predicted": predicted[s.domain.id]}
                              for s in result.domains if s.domain.id in predicted})
    return None if share is None else round(100 * share, 1)


def _predicted_score(domains: dict[str, dict]) -> float | None:
    """The exam's predicted share right: the per-domain predictions weighted by the questions each drew."""
    parts = [(d["questions"], d["predicted"]) for d in domains.values() if "predicted" in d]
    asked = sum(n for n, _p in parts)
    return sum(n * p for n, p in parts) / asked if parts and asked else None


def _calibration(store: ProgressStore, pack_id: str) -> float:
    residuals = [(actual - predicted) / 100 for _when, predicted, actual in predicted_vs_actual(store, pack_id)]
    return sum(residuals) / (len(residuals) + CALIBRATION_SHRINK) if residuals else 0.0


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _pct(value: float) -> float:
    return round(100 * value, 1)
