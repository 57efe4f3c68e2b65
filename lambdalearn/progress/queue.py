"""What to study now: due cards first (most overdue first), then new items, within the daily limits.

The daily limits come from `Settings`: new cards introduced today count against `daily_new_limit`, and
answers to cards in the Review state today count against `daily_review_limit` (local day). Cards in a
learning or relearning step (minutes apart) are never held back by the review limit, as in Anki, so a
card answered wrong comes back the same day. Cram answers count against nothing. Items that left their
pack keep their cards with `active = 0` and are not scheduled (see `sync_items`).

A *requested* session (the learner asked for these questions: a lesson just read, a deck, an explicit
number of new cards) is let through the daily limits, as Anki's custom study is; its answers still count
against them. `ahead_items` offers cards before they are due, soonest first ("study ahead").

Questions the learner suspended or buried (`marks`) are left out of all of it, new ones included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from fsrs import State

from lambdalearn.progress.clock import as_utc, epoch_ms, local_date, local_day_start, utc_text
from lambdalearn.progress.marks import held_card_dues, held_keys, not_held_sql
from lambdalearn.progress.settings import load_settings
from lambdalearn.progress.store import ProgressStore

Key = tuple[str, str]


def sync_items(store: ProgressStore, pack_id: str, item_ids: Iterable[str]) -> None:
    """Mark the pack's cards active when their item is in `item_ids`, inactive (kept, unscheduled) if not."""
    present = json.dumps(sorted(set(item_ids)))
    with store.transaction() as db:
        db.execute(
            "UPDATE cards SET active = (item_id IN (SELECT value FROM json_each(?)))"
            " WHERE pack_id = ? AND active != (item_id IN (SELECT value FROM json_each(?)))",
            [present, pack_id, present],
        )


def answers_today(store: ProgressStore, now: datetime | None = None, tz: tzinfo | None = None) -> dict[str, int]:
    """How many answers of each kind ('new', 'learn', 'review', 'cram') were recorded on the local day of `now`."""
    when = as_utc(now)
    start = local_day_start(local_date(when, tz), tz)
    counts = {"new": 0, "learn": 0, "review": 0, "cram": 0}
    rows = store.db.execute(
        "SELECT kind, COUNT(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at <= ? GROUP BY kind",
        [utc_text(start), utc_text(when)],
    )
    counts.update(dict(rows.fetchall()))
    return counts


def next_items(
    store: ProgressStore,
    pack_id: str | None,
    candidates: Sequence[Key] | None,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    new_limit: int | None = None,
    tz: tzinfo | None = None,
    requested: bool = False,
) -> list[Key]:
    """(pack_id, item_id) pairs to study now: due cards (most overdue first), then new candidates.

    `candidates` are the items on offer (for example one deck, or a tag); None means every active card
    (so no new ones). `pack_id` restricts both. A candidate is taken as present in its pack, so its card is
    used even if `sync_items` has not reactivated it yet. `limit` caps the total, `new_limit` the new ones,
    on top of what remains of today's limits (or instead of them when `requested`).
    """
    when = as_utc(now)
    if requested:
        reviews_left, new_left = NO_LIMIT, NO_LIMIT
    else:
        reviews_left, new_left = limits_left(store, when, tz)
    if new_limit is not None:
        new_left = min(new_left, max(0, new_limit))
    cap = -1 if limit is None else max(0, limit)  # -1: no cap (as SQLite's LIMIT reads it)
    if candidates is None:
        due = _due_active_cards(store, pack_id, epoch_ms(when), reviews_left, cap)
        new: list[Key] = []
    else:
        offered = [key for key in dict.fromkeys(map(tuple, candidates)) if pack_id is None or key[0] == pack_id]
        due, new = _split_candidates(store, offered, epoch_ms(when), reviews_left, held_keys(store, when))
    if cap >= 0:
        due = due[:cap]
        new_left = min(new_left, cap - len(due))
    return due + new[:new_left]


NO_LIMIT = 1 << 62  # a "limit left" that never runs out


def limits_left(store: ProgressStore, now: datetime | None = None, tz: tzinfo | None = None) -> tuple[int, int]:
    """(reviews, new cards) still allowed today under the learner's daily limits."""
    settings = load_settings(store)
    done = answers_today(store, now, tz)
    return max(0, settings.daily_review_limit - done["review"]), max(0, settings.daily_new_limit - done["new"])


def unseen(store: ProgressStore, candidates: Sequence[Key], now: datetime | None = None) -> list[Key]:
    """The candidates that have no card yet (never answered) and are not held back, in candidate order."""
    offered = list(dict.fromkeys(map(tuple, candidates)))
    return _split_candidates(store, offered, 0, 0, held_keys(store, now))[1]


def new_left_today(store: ProgressStore, candidates: Iterable[Key], now: datetime | None = None,
                   tz: tzinfo | None = None) -> int:
    """How many of the candidates `next_items` would start as new cards now: those without a card and not
    held back, up to what remains of today's new-card limit. Counting stops at that limit, and the cards are
    read once per pack, so asking it over every question of every pack (the home screen's Continue) costs
    little however big the packs are."""
    new_left = limits_left(store, now, tz)[1]
    if not new_left:
        return 0
    held = held_keys(store, now)
    carded: dict[str, set[str]] = {}  # per pack, the items that have a card (active or not)
    counted: set[Key] = set()  # duplicates count once; a set, not dict.fromkeys, keeps the early exit
    for key in map(tuple, candidates):
        pack_id, item_id = key
        if key in counted:
            continue
        if pack_id not in carded:
            rows = store.db.execute("SELECT item_id FROM cards WHERE pack_id = ?", [pack_id]).fetchall()
            carded[pack_id] = {item for (item,) in rows}
        if item_id not in carded[pack_id] and key not in held:
            counted.add(key)
            if len(counted) == new_left:
                break
    return len(counted)


def ahead_items(store: ProgressStore, candidates: Sequence[Key], *, now: datetime | None = None,
                limit: int | None = None) -> list[Key]:
    """Candidates with a card that is not due yet, soonest due first: for studying ahead of schedule."""
    now_ms = epoch_ms(as_utc(now))
    items_by_pack: dict[str, list[str]] = {}
    for pack_id, item_id in dict.fromkeys(map(tuple, candidates)):
        items_by_pack.setdefault(pack_id, []).append(item_id)
    rows = []
    for pack_id, item_ids in items_by_pack.items():
        rows += [(due_ms, (pack_id, item_id)) for item_id, due_ms in store.db.execute(
            "SELECT c.item_id, c.due_ms FROM json_each(?) AS j JOIN cards AS c ON c.pack_id = ? AND c.item_id = j.value"
            f" WHERE c.active = 1 AND c.due_ms > ? AND {not_held_sql('c')}",
            [json.dumps(item_ids), pack_id, now_ms, now_ms],
        ).fetchall()]
    rows.sort(key=lambda row: row[0])
    keys = [key for _due_ms, key in rows]
    return keys if limit is None else keys[:limit]


def due_count(store: ProgressStore, now: datetime | None = None) -> int:
    """How many active cards are due now (no daily limit applied; suspended and buried ones left out)."""
    # Naming every state lets SQLite seek the (active, state, due_ms) index instead of scanning it.
    now_ms = epoch_ms(as_utc(now))
    due = store.db.execute(
        "SELECT COUNT(*) FROM cards WHERE active = 1 AND state IN (?, ?, ?) AND due_ms <= ?",
        [*(int(state) for state in State), now_ms],
    ).fetchone()[0]
    return due - sum(due_ms <= now_ms for due_ms in held_card_dues(store, now))


def _due_active_cards(
    store: ProgressStore, pack_id: str | None, now_ms: int, reviews_left: int, cap: int
) -> list[Key]:
    """Active due cards, most overdue first: all learning steps and at most `reviews_left` reviews."""
    where = "active = 1 AND state = ? AND due_ms <= ?" if pack_id is None else (
        "pack_id = ? AND active = 1 AND state = ? AND due_ms <= ?"
    )
    where += f" AND {not_held_sql('cards')}"
    rows = []
    for state in State:
        state_cap = cap
        if state == State.Review:
            state_cap = reviews_left if cap < 0 else min(reviews_left, cap)
        params = [int(state), now_ms, now_ms, state_cap]
        if pack_id is not None:
            params.insert(0, pack_id)
        rows += store.db.execute(
            f"SELECT due_ms, pack_id, item_id FROM cards WHERE {where} ORDER BY due_ms LIMIT ?", params
        ).fetchall()
    rows.sort()
    return [(pack, item) for _due_ms, pack, item in rows]


def _split_candidates(
    store: ProgressStore, offered: list[Key], now_ms: int, reviews_left: int, held: set[Key]
) -> tuple[list[Key], list[Key]]:
    """The due candidates (most overdue first; at most `reviews_left` in the Review state) and the ones
    without a card, leaving out the `held` ones (suspended or buried)."""
    offered = [key for key in offered if key not in held]
    items_by_pack: dict[str, list[str]] = {}
    for pack_id, item_id in offered:
        items_by_pack.setdefault(pack_id, []).append(item_id)
    due_rows = []
    known: set[Key] = set()
    for pack_id, item_ids in items_by_pack.items():
        rows = store.db.execute(
            "SELECT c.item_id, c.due_ms, c.state FROM json_each(?) AS j"
            " JOIN cards AS c ON c.pack_id = ? AND c.item_id = j.value",
            [json.dumps(item_ids), pack_id],
        ).fetchall()
        known.update((pack_id, item_id) for item_id, _due_ms, _state in rows)
        due_rows += [(due_ms, state, (pack_id, item_id)) for item_id, due_ms, state in rows if due_ms <= now_ms]
    due_rows.sort(key=lambda row: row[0])
    due = []
    for _due_ms, state, key in due_rows:
        if state == State.Review:
            if reviews_left == 0:
                continue
            reviews_left -= 1
        due.append(key)
    new = [key for key in offered if key not in known]
    return due, new
