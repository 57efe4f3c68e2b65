"""A study plan to an exam date: how many new cards a day, and about how many reviews that brings, to reach
the mock exam's pass mark with a margin on the day.

The schedule is simulated with FSRS from the learner's real cards: each day, every card due is reviewed
(recalled, rated Good, with the chance its retrievability gives, else Again), then `new_per_day` unseen
exam questions are introduced (rated Good first time with the learner's prior chance, else Again) and their
learning steps answered the same day. On the exam morning the simulated cards' retrievability feeds the
readiness prediction. The smallest daily new count whose prediction clears the pass mark by `MARGIN` wins.
The simulation is seeded, so the same data gives the same plan. Suspended questions are never studied in it
(as in the real queue): their cards only decay, and readiness still counts them (see `readiness`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from fsrs import Card, Rating, Scheduler, State

from lambdalearn.content.models import Pack
from lambdalearn.progress.marks import load_marks
from lambdalearn.progress.settings import load_settings
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.exam import exam_pools
from lambdalearn.study.readiness import Readiness, predict, prior_recall

MARGIN = 5.0  # points above the pass mark the plan aims for
NEW_PER_DAY_OPTIONS = (0, 5, 10, 15, 20, 30, 40, 60, 80)
STUDY_HOUR = 18  # simulated study time of day (UTC)
EXAM_HOUR = 9


class PlanError(ValueError):
    """The plan cannot be made (a date in the past, no exam blueprint); the message says why."""


@dataclass(frozen=True)
class Plan:
    exam_date: date
    days: int
    new_per_day: int
    reviews_per_day: float  # on average over the days
    peak_reviews: int
    readiness: Readiness
    reaches: bool  # whether the predicted score clears the pass mark by MARGIN


def make_plan(store: ProgressStore, pack: Pack, exam_date: date, today: date, seed: int = 0) -> Plan:
    """The lightest plan (fewest new cards a day) that reaches the pass mark with margin; else the best one."""
    if pack.manifest.exam is None:
        raise PlanError(f"pack '{pack.id}' has no mock exam blueprint")
    days = (exam_date - today).days
    if days < 1:
        raise PlanError(f"the exam date {exam_date} must be after today ({today})")
    best: Plan | None = None
    for new_per_day in NEW_PER_DAY_OPTIONS:
        plan = simulate(store, pack, exam_date, today, new_per_day, seed)
        if plan.reaches:
            return plan
        if best is None or plan.readiness.predicted > best.readiness.predicted:
            best = plan
    return best


def simulate(store: ProgressStore, pack: Pack, exam_date: date, today: date, new_per_day: int, seed: int = 0) -> Plan:
    """Study `new_per_day` new exam questions a day and every due review until `exam_date` (see the module
    docstring); return the plan with the predicted readiness on the exam morning."""
    rng = random.Random(seed)
    # The app's scheduler, without its random fuzz of intervals, so that the same data gives the same plan.
    scheduler = Scheduler(desired_retention=load_settings(store).desired_retention, enable_fuzzing=False)
    cards = {item: Card.from_json(card) for item, card in store.db.execute(
        "SELECT item_id, card_json FROM cards WHERE pack_id = ? AND active = 1", [pack.id]).fetchall()}
    suspended = {item for (pack_id, item), marks in load_marks(store).items() if pack_id == pack.id and marks.suspended}
    unseen = [entry.question.id for pool in exam_pools(pack, pack.manifest.exam).values() for entry in pool
              if entry.question.id not in cards and entry.question.id not in suspended]
    first_right, _variance = prior_recall(store, pack)
    daily: list[int] = []
    days = (exam_date - today).days
    for offset in range(days):
        when = datetime.combine(today + timedelta(days=offset), time(STUDY_HOUR), tzinfo=timezone.utc)
        done = 0
        for item, card in list(cards.items()):
            if card.due <= when and item not in suspended:
                recalled = rng.random() < scheduler.get_card_retrievability(card, when)
                cards[item], _log = scheduler.review_card(card, Rating.Good if recalled else Rating.Again, when)
                done += 1
        for item in unseen[:new_per_day]:
            card, step_time = Card(), when
            rating = Rating.Good if rng.random() < first_right else Rating.Again
            card, _log = scheduler.review_card(card, rating, step_time)
            done += 1
            while card.state != State.Review and card.due.date() == when.date():  # same-day learning steps
                step_time = card.due
                card, _log = scheduler.review_card(card, Rating.Good, step_time)
                done += 1
            cards[item] = card
        del unseen[:new_per_day]
        daily.append(done)
    exam_time = datetime.combine(exam_date, time(EXAM_HOUR), tzinfo=timezone.utc)
    recall = {item: scheduler.get_card_retrievability(card, exam_time) for item, card in cards.items()}
    readiness = predict(store, pack, exam_time, recall=recall)
    return Plan(exam_date, days, new_per_day, sum(daily) / len(daily), max(daily), readiness,
                readiness.predicted >= readiness.pass_mark + MARGIN)
