"""Exam-grade figures of an item bank: scenarios, "Select THREE", cross-service items, answer cues.

`pack stats` prints these figures and `pack lint` warns on the cues, so both count the same way. What makes
an item a scenario or cross-service is decided here, once, from what an author writes (see docs/authoring.md).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from lambdalearn.content.questions import Flashcard, MultiChoice, Question, SingleChoice, TrueFalse

SCENARIO_WORDS = (60, 120)
# The qualifiers of certification items: the learner must weigh options, not recall one fact.
QUALIFIER = re.compile(r"\b(?:MOST|LEAST|BEST|FEWEST|LOWEST|HIGHEST|FASTEST|SIMPLEST)\b")
SELECT_THREE = re.compile(r"\bselect three\b", re.I)
CROSS_SERVICE_TAG = "cross-service"
SERVICE_TAGS = frozenset({
    "api-gateway", "sqs", "sns", "eventbridge", "step-functions", "dynamodb", "s3", "cloudfront", "rds-proxy",
    "kinesis", "msk", "cloudwatch", "x-ray", "iam", "kms", "secrets-manager", "parameter-store", "appconfig",
    "codedeploy", "elasticache", "efs", "vpc", "alb", "cognito",
})
STALE_AFTER = timedelta(days=365)


def words(text: str | None) -> int:
    return len((text or "").split())


def is_scenario(question: Question) -> bool:
    """A single/multi item whose prompt tells a 60-120-word situation and asks with a capitalised qualifier."""
    if not isinstance(question, (SingleChoice, MultiChoice)):
        return False
    low, high = SCENARIO_WORDS
    return low <= words(question.prompt) <= high and QUALIFIER.search(question.prompt) is not None


def is_select_three(question: Question) -> bool:
    return isinstance(question, MultiChoice) and len(question.answer) == 3 and bool(SELECT_THREE.search(question.prompt))


def is_cross_service(question: Question) -> bool:
    """Tagged `cross-service` and with at least one service it crosses to (e.g. `sqs`, `step-functions`)."""
    return CROSS_SERVICE_TAG in question.tags and any(tag in SERVICE_TAGS for tag in question.tags)


def key_length_rank(question: SingleChoice) -> int:
    """1 when the right choice is the longest (ties share the better rank), 2 when second-longest, ..."""
    key = len(question.choices[question.answer - 1].text)
    return 1 + sum(len(choice.text) > key for choice in question.choices)


def teaching_words(question: Question) -> int:
    """Words a learner reads after answering: the explanation plus every choice's `why`."""
    whys = sum(words(choice.why) for choice in getattr(question, "choices", ()))
    return words(question.explanation) + whys


def rank_distribution(questions: Iterable[Question]) -> dict[int, int]:
    """How many single-choice keys sit at each length rank."""
    ranks = Counter(key_length_rank(q) for q in questions if isinstance(q, SingleChoice))
    return dict(sorted(ranks.items()))


def stale_items(questions: Iterable[Question], today: date) -> list[Question]:
    """Items whose sourced fact was last verified more than a year before `today`."""
    return [q for q in questions if q.verified is not None and today - q.verified > STALE_AFTER]


def bank_figures(questions: list[Question], today: date) -> dict:
    """The figures the issue's targets are stated in, as plain data."""
    choice = [q for q in questions if isinstance(q, (SingleChoice, MultiChoice))]
    singles = [q for q in choice if isinstance(q, SingleChoice)]
    scenarios = sum(is_scenario(q) for q in choice)
    truefalse = [q for q in questions if isinstance(q, TrueFalse)]
    teaching = [teaching_words(q) for q in questions if q.gradable]
    ranks = rank_distribution(singles)
    top_rank, top_count = max(ranks.items(), key=lambda item: item[1]) if ranks else (0, 0)
    return {
        "single_multi": len(choice),
        "scenarios": scenarios,
        "scenario_percent": round(100 * scenarios / len(choice), 1) if choice else 0.0,
        "select_three": sum(is_select_three(q) for q in choice),
        "cross_service": sum(is_cross_service(q) for q in questions),
        "median_explanation_words": statistics.median(teaching) if teaching else 0,
        "exhibits": sum(q.exhibit is not None for q in questions),
        "exhibits_by_kind": dict(sorted(Counter(q.exhibit.kind for q in questions if q.exhibit).items())),
        "key_length_rank": {str(rank): count for rank, count in ranks.items()},
        "key_length_top_percent": round(100 * top_count / len(singles), 1) if singles else 0.0,
        "key_length_top_rank": top_rank,
        "true_false": {"true": sum(q.answer for q in truefalse), "false": sum(not q.answer for q in truefalse)},
        "levels": dict(sorted(Counter(q.level or "(none)" for q in questions if not isinstance(q, Flashcard)).items())),
        "sourced": sum(q.reference is not None for q in questions),
        "stale": [q.id for q in stale_items(questions, today)],
    }
