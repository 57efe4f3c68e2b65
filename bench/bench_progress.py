"""Benchmark of the progress store on a large collection: the due query, the due count and one answer.

Fills a fresh database with 100,000 cards and 1,000,000 reviews (one transaction, executemany), then times
`next_items` (with a realistic candidate list: one pack's 2,000 items, most known, some new, and without
candidates), `due_count`, `record_answer`, `summary` and `sync_items` on the largest pack, each the median
of several runs, optionally with N cards suspended in the browser. Goal: <= 20 ms for the due query and one
answer. Run alone:

    python bench/bench_progress.py [--cards N] [--reviews N] [--runs N] [--suspended N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card, State

from lambdalearn.progress.clock import epoch_ms, utc_text
from lambdalearn.progress.queue import due_count, next_items, sync_items
from lambdalearn.progress.reviews import record_answer
from lambdalearn.progress.stats import summary
from lambdalearn.progress.store import ProgressStore

NOW = datetime.now(timezone.utc).replace(microsecond=0)
PACKS = ["aws-lambda", "aws-lambda-advanced", "serverless-patterns", "python-basics", "community-extra"]
COURSE_PACK = PACKS[0]
CANDIDATES_PER_PACK = 2000
NEW_CANDIDATES = 200
REVIEWS_TODAY = 150


def fill(store: ProgressStore, cards: int, reviews: int, rng: random.Random) -> list[tuple[str, str]]:
    """Insert `cards` cards (5% due now) and `reviews` reviews over two years; return the card keys."""
    keys = [(PACKS[n % len(PACKS)], f"q{n // len(PACKS):06d}") for n in range(cards)]
    card_rows = []
    for card_id, (pack_id, item_id) in enumerate(keys, start=1):
        overdue = rng.random() < 0.05
        due = NOW - timedelta(days=rng.uniform(0, 30)) if overdue else NOW + timedelta(days=rng.uniform(0.01, 365))
        last = due - timedelta(days=rng.uniform(1, 60))
        card = Card(card_id=card_id, state=State.Review, step=None, stability=rng.uniform(1, 300),
                    difficulty=rng.uniform(1, 10), due=due, last_review=last)
        lapses = rng.choice([0, 0, 0, 1, 2, 9])
        card_rows.append((card_id, pack_id, item_id, "single", card.to_json(), epoch_ms(due), int(State.Review),
                          rng.randint(1, 30), lapses, int(lapses >= 8), utc_text(last - timedelta(days=90)),
                          utc_text(last)))
    review_rows = []
    for n in range(reviews):
        card_id = rng.randrange(1, cards + 1)
        pack_id, item_id = keys[card_id - 1]
        if n < REVIEWS_TODAY:
            when = NOW - timedelta(minutes=rng.uniform(0, 60))
        else:
            when = NOW - timedelta(days=rng.uniform(1, 730))
        rating = rng.choice([1, 2, 3, 3, 3, 3])
        review_rows.append((card_id, pack_id, item_id, "review", rating, int(rating > 1),
                            rng.randint(2000, 40000), utc_text(when)))
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT INTO cards (id, pack_id, item_id, question_type, card_json, due_ms, state, reps, lapses,"
            " leech, created_at, last_review_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            card_rows,
        )
        db.conn.executemany(
            "INSERT INTO reviews (card_id, pack_id, item_id, kind, rating, correct, duration_ms, reviewed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            review_rows,
        )
    store.db.execute("ANALYZE")
    return keys


def median_ms(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median, min, max) in milliseconds of `runs` calls, after one warm-up call."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--keep", type=Path, help="build the database in this (empty) folder and keep it")
    parser.add_argument("--suspended", type=int, default=0, help="suspend this many random cards (browser marks)")
    options = parser.parse_args()
    rng = random.Random(42)
    folder = options.keep or Path(tempfile.mkdtemp(prefix="bench-progress-"))

    store = ProgressStore.open(folder)
    started = time.perf_counter()
    keys = fill(store, options.cards, options.reviews, rng)
    with store.transaction() as db:
        db.conn.executemany("INSERT INTO card_marks (pack_id, item_id, suspended, updated_at) VALUES (?, ?, 1, ?)",
                       [(*key, utc_text(NOW)) for key in rng.sample(keys, options.suspended)])
    fill_seconds = time.perf_counter() - started
    size_mb = store.path.stat().st_size / 1e6

    course_items = [item_id for pack_id, item_id in keys if pack_id == COURSE_PACK]
    course_keys = [(COURSE_PACK, item_id) for item_id in course_items[: CANDIDATES_PER_PACK - NEW_CANDIDATES]]
    candidates = course_keys + [(COURSE_PACK, f"new-{n:04d}") for n in range(NEW_CANDIDATES)]
    rng.shuffle(candidates)
    due_keys = iter(store.db.execute(
        "SELECT pack_id, item_id FROM cards WHERE due_ms <= ? ORDER BY random()", [epoch_ms(NOW)]
    ).fetchall())

    def answer_one() -> None:
        pack_id, item_id = next(due_keys)
        record_answer(store, pack_id, item_id, question_type="single", difficulty="intermediate", rating=3,
                      correct=True, duration_ms=6000, now=NOW)

    timings = [
        (f"next_items(pack, {len(candidates)} candidates)",
         lambda: next_items(store, COURSE_PACK, candidates, now=NOW, limit=50)),
        ("next_items(all packs, no candidates)", lambda: next_items(store, None, None, now=NOW, limit=50)),
        ("due_count", lambda: due_count(store, NOW)),
        ("record_answer (one due card)", answer_one),
        ("summary (stats --json)", lambda: summary(store, now=NOW)),
        (f"sync_items(pack of {len(course_items):,} items)", lambda: sync_items(store, COURSE_PACK, course_items)),
    ]
    print(f"database: {options.cards:,} cards, {options.reviews:,} reviews, {size_mb:.0f} MB, "
          f"{options.suspended:,} suspended, filled in {fill_seconds:.1f} s ({store.path})")
    print(f"due now: {due_count(store, NOW):,}; median of {options.runs} runs after one warm-up\n")
    print(f"{'operation':<42} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, action in timings:
        median, low, high = median_ms(action, options.runs)
        print(f"{name:<42} {median:>10.2f} {low:>8.2f} {high:>8.2f}")
    store.close()
    if options.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
