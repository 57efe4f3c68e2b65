"""`lambdalearn browse`: the question browser on the command line, as a table (or JSON), and the actions on one
question (suspend, bury, flag, note) by its id. The app's Browse screen (`b` on home) does the same."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import click

from lambdalearn.commands.common import echo, load_catalog, open_store, secho
from lambdalearn.progress.clock import utc_now, utc_text
from lambdalearn.progress.reviews import short_interval
from lambdalearn.study.browser import STATES, Filters, Row, browse as browse_rows, find_question, question_rows, state_label
from lambdalearn.study.catalog import Catalog, SelectionError

PROMPT_MIN = 20  # the prompt column never gets narrower than this; the line wraps instead


@click.command()
@click.option("--search", "text", default="", metavar="WORDS", help="Only questions holding every word (id, prompt, answers, explanation); best match first.")
@click.option("--pack", "pack_id", help="Only questions of this pack.")
@click.option("--deck", help="Only questions of this deck.")
@click.option("--lesson", help="Only questions about this lesson.")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--type", "question_type", help="Only questions of this type (single, multi, truefalse, numeric, text, cloze, order, flashcard).")
@click.option("--state", help="Only questions in this state: " + ", ".join(STATES) + ".")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as a JSON list.")
@click.option("--show", metavar="ID", help="Show one question in full, with its card and your note.")
@click.option("--suspend", metavar="ID", multiple=True, help="Suspend a question: it never comes up until unsuspended.")
@click.option("--unsuspend", metavar="ID", multiple=True, help="Let a suspended question come up again.")
@click.option("--bury", metavar="ID", multiple=True, help="Hold a question back until tomorrow.")
@click.option("--unbury", metavar="ID", multiple=True, help="Let a buried question come up today.")
@click.option("--flag", metavar="ID", multiple=True, help="Flag a question (find them with --state flagged).")
@click.option("--unflag", metavar="ID", multiple=True, help="Take a question's flag off.")
@click.option("--note", nargs=2, metavar="ID TEXT", help="Keep TEXT as your note on a question (\"\" removes it).")
@click.option("--pack-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Browse this pack folder (as `quiz --pack-dir`, for authors trying a pack before installing it).")
@click.pass_context
def browse(ctx: click.Context, text: str, pack_id, deck, lesson, tag, question_type, state, limit, as_json: bool,
           show, suspend, unsuspend, bury, unbury, flag, unflag, note, pack_dir: Path | None) -> None:
    """Browse every question with its card (state, due, reps, lapses, last answer) and your marks.

    IDs are those of the ID column (`pack/ID` when two packs share one). Actions print one line each.
    """
    catalog = load_catalog(ctx, [pack_dir] if pack_dir else None)
    actions = [(name, ids) for name, ids in (("suspend", suspend), ("unsuspend", unsuspend), ("bury", bury),
               ("unbury", unbury), ("flag", flag), ("unflag", unflag)) if ids]
    if actions or note or show:
        keys = {question_id: _find(catalog, question_id)
                for question_id in [*(i for _, ids in actions for i in ids), *([note[0]] if note else []),
                                    *([show] if show else [])]}  # every id is checked before anything changes
        store = open_store(ctx)
        for name, ids in actions:
            for question_id in ids:
                echo(_act(store, name, keys[question_id]))
        if note:
            echo(_act(store, "note", keys[note[0]], note[1]))
        if show:
            _show(question_rows(store, [keys[show]])[0])
        return
    filters = Filters(text, pack_id, deck, lesson, tag, question_type, state)
    store = open_store(ctx)
    try:
        rows = browse_rows(store, catalog, filters)
    except SelectionError as error:
        raise click.ClickException(str(error)) from None
    shown = rows if limit is None else rows[:limit]
    if as_json:
        click.echo(json.dumps([_as_json(row) for row in shown], ensure_ascii=False))
        return
    _print_table(shown, len(rows))


def _find(catalog: Catalog, question_id: str):
    try:
        return find_question(catalog, question_id)
    except SelectionError as error:
        raise click.ClickException(str(error)) from None


def _act(store, action: str, entry, text: str = "") -> str:
    """Do one action on the question of `entry`; the line that says what it did."""
    from lambdalearn.progress import marks

    pack_id, item_id = entry.key
    name = f"{pack_id}/{item_id}"
    if action in ("suspend", "unsuspend"):
        marks.set_suspended(store, pack_id, item_id, action == "suspend")
        return (f"suspended {name}: it will not come up until you unsuspend it" if action == "suspend"
                else f"unsuspended {name}: it comes up when it is due")
    if action == "bury":
        until = marks.bury(store, pack_id, item_id).buried_until
        return f"buried {name} until {until.astimezone():%Y-%m-%d %H:%M} (the start of tomorrow)"
    if action == "unbury":
        marks.unbury(store, pack_id, item_id)
        return f"unburied {name}: it can come up today"
    if action in ("flag", "unflag"):
        marks.set_flagged(store, pack_id, item_id, action == "flag")
        return f"{action}ged {name}"
    saved = marks.save_card_note(store, pack_id, item_id, text)
    return f"saved your note on {name}" if saved.note else f"removed your note on {name}"


def _print_table(rows: list[Row], matched: int) -> None:
    now = utc_now()
    if not rows:
        echo("No question matches.")
        return
    cells = [(row.entry.question.id, row.entry.question.deck_id, row.entry.question.type, state_label(row, now),
              _due(row, now), str(row.reps), str(row.lapses), _last(row, now), _marks(row),
              " ".join(row.entry.question.prompt.split())) for row in rows]
    head = ("ID", "Deck", "Type", "State", "Due", "Reps", "Lapses", "Last", "Marks", "Prompt")
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) for i in range(len(head) - 1)]
    room = max(PROMPT_MIN, shutil.get_terminal_size((120, 24)).columns - sum(widths) - 2 * len(widths) - 1)

    def line(values) -> str:
        prompt = values[-1] if len(values[-1]) <= room else values[-1][: room - 1] + "…"
        return "  ".join(f"{value:<{width}}" for value, width in zip(values, widths)) + "  " + prompt

    secho(line(head), bold=True)
    for values in cells:
        echo(line(values).rstrip())
    more = f" (first {len(rows)} shown)" if matched > len(rows) else ""
    echo(f"{matched} question{'s' if matched != 1 else ''}{more}")


def _show(row: Row) -> None:
    """One question in full: where it is, its card, the prompt and exhibit, the answer, the explanation, the note."""
    now = utc_now()
    question = row.entry.question
    secho(f"{row.entry.pack.id}/{question.id} · {question.deck_id} · {question.type}", bold=True)
    echo(f"state {state_label(row, now)} · due {_due(row, now)} · reps {row.reps} · lapses {row.lapses}"
         f" · last answer {_last(row, now)}" + (" · flagged" if row.marks.flagged else "") + (" · leech" if row.leech else ""))
    if question.exhibit:
        echo(f"\n{question.exhibit.heading}:")
        for text in question.exhibit.text.split("\n"):
            echo(f"    {text}".rstrip())
    from lambdalearn.content.questions import display_prompt

    echo(f"\n{display_prompt(question).strip()}")
    for number, choice in enumerate(getattr(question, "choices", ()), start=1):
        echo(f"  {number}. {choice.text}")
    echo(f"\nAnswer: {question.expected_answer}")
    if question.explanation:
        echo(question.explanation.strip())
    echo(f"\nYour note: {row.marks.note}" if row.marks.note else "\nNo note yet (add one with --note ID TEXT).")


def _due(row: Row, now: datetime) -> str:
    if row.due is None:
        return "-"
    return "now" if row.due <= now else f"in {short_interval(row.due - now)}"


def _last(row: Row, now: datetime) -> str:
    if row.last_answer is None:
        return "-"
    return f"{'✓' if row.last_correct else '✗'} {short_interval(now - row.last_answer)} ago"


def _marks(row: Row) -> str:
    return " ".join(mark for mark, on in (("flag", row.marks.flagged), ("note", bool(row.marks.note)),
                                           ("leech", row.leech)) if on) or "-"


def _as_json(row: Row) -> dict:
    question = row.entry.question
    return {
        "pack": row.entry.pack.id, "id": question.id, "deck": question.deck_id, "type": question.type,
        "state": row.state, "due": utc_text(row.due) if row.due else None, "reps": row.reps, "lapses": row.lapses,
        "leech": row.leech, "last_answer": utc_text(row.last_answer) if row.last_answer else None,
        "last_correct": row.last_correct, "suspended": row.marks.suspended, "buried": row.marks.buried(),
        "flagged": row.marks.flagged, "note": row.marks.note, "prompt": question.prompt,
    }
