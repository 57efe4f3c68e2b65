"""Recording an answer: FSRS scheduling of the card, the review log, XP and leech detection, in one go.

Each card is an `fsrs.Card` stored as JSON (its `card_id` is the row id of `cards`), reviewed by an
`fsrs.Scheduler` at the learner's desired retention. The review log's `kind` says what the answer was:
'new' (the card's first answer), 'learn' (the card was in a learning or relearning step), 'review' (the card
was in the Review state) or 'cram'. A lapse is an Again on a card in the Review state (a card it had
learned, as in Anki); at `LEECH_LAPSES` lapses the card is tagged as a leech and reported once. It stays
scheduled. Cram mode logs the answer but leaves the card and its due date alone, and awards no XP (else
cramming one deck over and over would farm it). A flashcard rated Hard counts as right: Hard is a pass, as
in Anki (only Again is a lapse).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from lambdalearn.progress import xp
from lambdalearn.progress.clock import as_utc, epoch_ms, utc_text
from lambdalearn.progress.ratings import QUESTION_TYPES, SELF_GRADED_TYPES
from lambdalearn.progress.settings import load_settings
from lambdalearn.progress.store import ProgressStore

LEECH_LAPSES = 8


_CARD_COLUMNS = "card_json, due_ms, state, reps, lapses, leech, last_review_at"


@dataclass(frozen=True)
class Undo:
    """What it takes to take one answer back: its review row, the card as it was before (None: there was no
    card), whether it was crammed (the card was not touched) and the XP it gave."""

    review_id: int
    pack_id: str
    item_id: str
    card_before: tuple | None
    cram: bool
    xp: int


@dataclass(frozen=True)
class AnswerResult:
    """What one answer did: its rating, XP, the card's next due date, and whether it just became a leech."""

    rating: int
    correct: bool
    xp_awarded: int
    due: datetime
    new_card: bool
    became_leech: bool
    lapses: int
    undo: Undo | None = None


@functools.lru_cache(maxsize=8)
def scheduler_for(desired_retention: float) -> Scheduler:
    """The FSRS scheduler (default parameters) aiming at `desired_retention`."""
    return Scheduler(desired_retention=desired_retention)


def record_answer(
    store: ProgressStore,
    pack_id: str,
    item_id: str,
    *,
    question_type: str,
    difficulty: str,
    rating: int,
    correct: bool,
    duration_ms: int,
    now: datetime | None = None,
    cram: bool = False,
) -> AnswerResult:
    """Record one answer in one transaction (see the module docstring). Flashcards: rating >= 2 is right."""
    _check_arguments(question_type, difficulty, rating, duration_ms)
    if question_type in SELF_GRADED_TYPES:
        correct = rating >= Rating.Hard
    when = as_utc(now)
    with store.transaction() as db:
        before = db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE pack_id = ? AND item_id = ?",
                            [pack_id, item_id]).fetchone()
        row = db.execute(
            "SELECT id, card_json, lapses, leech FROM cards WHERE pack_id = ? AND item_id = ?",
            [pack_id, item_id],
        ).fetchone()
        if cram:
            card_id = row[0] if row else None
            due = Card.from_json(row[1]).due if row else when
            lapses, became_leech, kind = (row[2] if row else 0), False, "cram"
        else:
            card_id, due, lapses, became_leech, kind = _review_card(
                store, row, pack_id, item_id, question_type, rating, when
            )
        review_id = db.execute(
            "INSERT INTO reviews (card_id, pack_id, item_id, kind, rating, correct, duration_ms, reviewed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [card_id, pack_id, item_id, kind, rating, int(correct), duration_ms, utc_text(when)],
        ).lastrowid
        awarded = 0 if cram else xp.answer_xp(correct, difficulty, first_time=kind == "new")
        xp.award_xp(store, awarded, f"{kind} answer", pack_id, item_id, now=when)
    return AnswerResult(
        rating=rating,
        correct=bool(correct),
        xp_awarded=awarded,
        due=due,
        new_card=kind == "new",
        became_leech=became_leech,
        lapses=lapses,
        undo=Undo(review_id, pack_id, item_id, tuple(before) if before else None, cram, awarded),
    )


def undo_answer(store: ProgressStore, undo: Undo) -> None:
    """Take one answer back in one transaction, as Anki's undo does: its review row and XP are removed and the
    card is put back as it was (removed if the answer created it)."""
    with store.transaction() as db:
        db.execute("DELETE FROM reviews WHERE id = ?", [undo.review_id])
        if not undo.cram:
            if undo.card_before is None:
                db.execute("DELETE FROM cards WHERE pack_id = ? AND item_id = ?", [undo.pack_id, undo.item_id])
            else:
                db.execute(
                    "UPDATE cards SET card_json = ?, due_ms = ?, state = ?, reps = ?, lapses = ?, leech = ?,"
                    " last_review_at = ? WHERE pack_id = ? AND item_id = ?",
                    [*undo.card_before, undo.pack_id, undo.item_id],
                )
        if undo.xp:
            db.execute(
                "DELETE FROM xp_events WHERE id = (SELECT MAX(id) FROM xp_events WHERE pack_id = ? AND item_id = ?"
                " AND amount = ?)", [undo.pack_id, undo.item_id, undo.xp],
            )
            db.execute("UPDATE totals SET value = value - ? WHERE name = 'xp'", [undo.xp])


def _review_card(
    store: ProgressStore,
    row: tuple | None,
    pack_id: str,
    item_id: str,
    question_type: str,
    rating: int,
    when: datetime,
) -> tuple[int, datetime, int, bool, str]:
    """Apply the FSRS review to the card (creating it first if new).

    Return (card id, due, lapses, became_leech, kind of answer)."""
    db = store.db
    if row is None:
        card_id = db.execute(
            "INSERT INTO cards (pack_id, item_id, question_type, card_json, due_ms, state, created_at)"
            " VALUES (?, ?, ?, '', ?, ?, ?)",
            [pack_id, item_id, question_type, epoch_ms(when), int(State.Learning), utc_text(when)],
        ).lastrowid
        card, lapses, was_leech, kind = Card(card_id=card_id, due=when), 0, False, "new"
    else:
        card_id, card_json, lapses, was_leech = row
        card = Card.from_json(card_json)
        kind = "review" if card.state == State.Review else "learn"
    scheduler = scheduler_for(load_settings(store).desired_retention)
    lapsed = rating == Rating.Again and kind == "review"
    card, _log = scheduler.review_card(card, Rating(rating), review_datetime=when)
    lapses += int(lapsed)
    is_leech = bool(was_leech) or lapses >= LEECH_LAPSES
    db.execute(
        "UPDATE cards SET question_type = ?, card_json = ?, due_ms = ?, state = ?, reps = reps + 1,"
        " lapses = ?, leech = ?, last_review_at = ? WHERE id = ?",
        [question_type, card.to_json(), epoch_ms(card.due), int(card.state), lapses, int(is_leech),
         utc_text(when), card_id],
    )
    return card_id, card.due, lapses, is_leech and not was_leech, kind


def interval_previews(store: ProgressStore, pack_id: str, item_id: str, now: datetime | None = None) -> dict[int, timedelta]:
    """How long until the card would be due again after each rating 1-4 (Anki shows these on its buttons).
    Without the random fuzz real answers get, so a preview may differ from the outcome by a few percent."""
    when = as_utc(now)
    row = store.db.execute("SELECT card_json FROM cards WHERE pack_id = ? AND item_id = ?", [pack_id, item_id]).fetchone()
    card = Card.from_json(row[0]) if row else Card(due=when)
    scheduler = Scheduler(desired_retention=load_settings(store).desired_retention, enable_fuzzing=False)
    return {rating: scheduler.review_card(card, Rating(rating), review_datetime=when)[0].due - when for rating in (1, 2, 3, 4)}


def short_interval(interval: timedelta) -> str:
    """"<1m", "10m", "3h", "4d", "2mo", "1.5y": as compact as Anki's buttons."""
    minutes = interval.total_seconds() / 60
    if minutes < 1:
        return "<1m"
    for limit, size, unit in ((60, 1, "m"), (60 * 24, 60, "h"), (60 * 24 * 30, 60 * 24, "d"), (60 * 24 * 365, 60 * 24 * 30, "mo")):
        if minutes < limit:
            return f"{round(minutes / size)}{unit}"
    return f"{minutes / (60 * 24 * 365):.1f}y"


def _check_arguments(question_type: str, difficulty: str, rating: int, duration_ms: int) -> None:
    if question_type not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {question_type!r}; expected one of {sorted(QUESTION_TYPES)}")
    if difficulty not in xp.DIFFICULTY_MULTIPLIERS:
        raise ValueError(f"unknown difficulty {difficulty!r}; expected one of {sorted(xp.DIFFICULTY_MULTIPLIERS)}")
    if isinstance(rating, bool) or rating not in (1, 2, 3, 4):
        raise ValueError(f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}")
    if duration_ms < 0:
        raise ValueError(f"duration_ms must be >= 0, got {duration_ms}")
