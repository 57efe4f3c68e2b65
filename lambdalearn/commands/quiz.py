"""`lambdalearn quiz`: study the questions that are due.

`--plain` is a line-mode session for pipes, scripts and screen readers: questions on stdout, answers read
line by line from stdin (a terminal or not). End of input, `quit` or Ctrl-C ends the session cleanly; every
answer already given is saved, because each one is its own transaction.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from datetime import datetime, timezone

import click

from lambdalearn.commands.common import echo, load_catalog, open_store, secho
from lambdalearn.content.answers import AnswerFormatError, input_hint, parse_response
from lambdalearn.content.exhibits import Exhibit
from lambdalearn.content.questions import (
    Cloze, Flashcard, MultiChoice, Ordering, Question, SingleChoice, display_prompt, wrong_blanks_text,
)
from lambdalearn.study.catalog import Entry, SelectionError
from lambdalearn.study.session import Outcome, QuizSession, held_back_notice, is_request


# Piped input cannot see the prompt: after this many answers that do not fit, move on instead of
# consuming the rest of the script's answers on one question.
MAX_MISFITS_PIPED = 3


class EndOfSession(Exception):
    """The learner typed quit, or input ended."""


class UndoRequested(Exception):
    """The learner typed undo right after a verdict: take that answer back and ask its question again."""


UNDO_WORDS = ("undo", "u")


@click.command()
@click.option("--plain", is_flag=True, help="Line mode: read answers from standard input (for pipes and screen readers).")
@click.option("--pack", "pack_id", help="Only questions of this pack (a pack id; see `lambdalearn pack list`).")
@click.option("--deck", help="Only questions of this deck (a deck id).")
@click.option("--lesson", help="Only questions about this lesson (a lesson id).")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many questions.")
@click.option("--new", "new_limit", type=click.IntRange(min=0), help="At most this many new questions.")
@click.option("--cram", is_flag=True, help="Any questions, due or not; the schedule is left as it is.")
@click.option("--ahead", is_flag=True, help="Study ahead: cards not due yet, soonest first (scheduled as reviews).")
@click.option("--pack-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Study from this pack folder (for authors trying a pack before installing it).")
@click.option("--seed", type=int, hidden=True, help="Seed for shuffling (reproducible sessions in tests).")
@click.pass_context
def quiz(ctx: click.Context, plain: bool, pack_id: str | None, deck, lesson, tag, limit, new_limit, cram: bool,
         ahead: bool, pack_dir: Path | None, seed: int | None) -> None:
    """Study the questions that are due now, then new ones, within your daily limits.

    Naming a --lesson or --deck, or asking for --new N, is a request: it is let through the daily limits
    (and counts against them), to study more today.

    With --plain, type 'skip' to pass a question, 'quit' to stop, and 'undo' (or 'u') right after a verdict
    to take that answer back (its review, XP and the card's schedule) and be asked the question again.
    On a terminal a flashcard takes two keys, as in Anki: Space (or Enter) shows the back, 1-4 rates it.
    """
    if not plain and not (pack_id or deck or lesson or tag or pack_dir):
        from lambdalearn.commands.app import open_app

        # Nothing to check by name: the app shows its first frame at once and loads the packs behind it.
        open_app(ctx, quiz=dict(limit=limit, new_limit=new_limit, cram=cram, ahead=ahead), seed=seed)
        return
    if _stderr_is_terminal():  # loading takes a moment: say so rather than leave the terminal blank
        echo("Loading the course to check the filters…", err=True)
    catalog = load_catalog(ctx, [pack_dir] if pack_dir else None)
    try:
        entries = catalog.select(pack=pack_id, deck=deck, lesson=lesson, tag=tag)
    except SelectionError as exc:
        raise click.UsageError(str(exc)) from None
    if not plain:
        from lambdalearn.commands.app import open_app

        quiz_filters = dict(pack=pack_id, deck=deck, lesson=lesson, tag=tag, limit=limit, new_limit=new_limit, cram=cram,
                            ahead=ahead)
        open_app(ctx, catalog=catalog, quiz=quiz_filters, seed=seed)
        return
    store = open_store(ctx)
    rng = random.Random(seed)
    requested = is_request(deck=deck, lesson=lesson, new_limit=new_limit)
    session = QuizSession(store, entries, limit=limit, new_limit=new_limit, cram=cram, requested=requested,
                          ahead=ahead, rng=rng)
    run_plain(session, rng)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def run_plain(session: QuizSession, rng: random.Random) -> None:
    """Ask every queued question on stdout, read answers from stdin, then print the summary."""
    total = len(session.queue)
    if session.held_back:
        click.echo(held_back_notice(session) + " To study more today: --new 10 (or any number).")
    if total == 0:
        echo("Nothing is due right now. Come back later, study ahead with --ahead, or use --cram to practise"
             " anyway.")
        return
    echo(f"{total} question{'s' if total != 1 else ''} to go. Type 'skip' to pass, 'quit' to stop, 'undo' right"
         " after a verdict to take that answer back.\n")
    position = 0
    try:
        while True:
            try:
                if position == len(session.queue):  # a card missed is appended: it comes back before this
                    _offer_undo_at_the_end(session)
                    break
                _ask(session, session.queue[position], position + 1, len(session.queue), rng)
                position += 1
            except UndoRequested:
                position -= 1
                session.undo_last()
                echo("  Answer taken back: the question is asked again.\n")
    except (EndOfSession, KeyboardInterrupt):
        echo("\nSession ended; your answers so far are saved.")
    _print_summary(session)


def _offer_undo_at_the_end(session: QuizSession) -> None:
    """After the last verdict, one more line, so that the last answer too can be taken back."""
    if session.last is None:
        return
    try:
        _read_line("Enter for the summary, or undo: ", session)
    except EndOfSession:
        pass


def _ask(session: QuizSession, entry: Entry, number: int, total: int, rng: random.Random) -> None:
    question = entry.question
    secho(f"[{number}/{total}] {entry.pack.id} › {question.deck_id} ({question.type})", dim=True)
    if question.exhibit:
        _show_exhibit(question.exhibit)
    echo(display_prompt(question).strip())
    display_order = _show_options(question, rng)
    started = time.monotonic()
    if isinstance(question, Flashcard) and _stdin_is_terminal():
        return _ask_flashcard_by_keys(session, entry, started)
    if isinstance(question, Flashcard):
        if _read_line("Recall the answer, then press Enter to see it: ", session) is None:
            return session.skip()
        echo(question.back.strip())
    hint = _rating_hint(session, entry) if isinstance(question, Flashcard) else input_hint(question)
    misfits = 0
    while True:
        text = _read_line(f"{hint}: ", session)
        if text is None:
            return session.skip()
        try:
            response = parse_response(question, text, display_order)
        except AnswerFormatError as exc:
            echo(f"  {exc}")
            misfits += 1
            if misfits >= MAX_MISFITS_PIPED and not _stdin_is_terminal():
                echo(f"  skipped after {misfits} answers that did not fit this question\n")
                return session.skip()
            continue
        break
    duration_ms = int((time.monotonic() - started) * 1000)
    _show_outcome(session.answer(entry, response, duration_ms), session.cram)


def _rating_hint(session: QuizSession, entry: Entry) -> str:
    """The rating keys of a flashcard, each with when the card would come back (not in cram mode)."""
    if session.cram:
        return input_hint(entry.question)
    previews = session.previews(entry)
    return "rate your recall: " + ", ".join(f"{n} {name} ({previews[n]})" for n, name in _RATINGS.items())


def _ask_flashcard_by_keys(session: QuizSession, entry: Entry, started: float) -> None:
    """On a terminal a flashcard takes two keys, as in Anki: Space or Enter shows the back, 1-4 rates it."""
    question = entry.question
    keys = "s skip, u undo, q quit" if session.last is not None else "s skip, q quit"
    if _read_key(f"Recall the answer, then press Space or Enter to see it ({keys}): ", " \r\n", session) is None:
        return session.skip()
    echo(question.back.strip())
    key = _read_key(f"{_rating_hint(session, entry)}: ", "1234", session)
    if key is None:
        return session.skip()
    duration_ms = int((time.monotonic() - started) * 1000)
    _show_outcome(session.answer(entry, int(key), duration_ms), session.cram)


def _read_key(prompt: str, wanted: str, session: QuizSession) -> str | None:
    """One key press, without Enter: one of `wanted`; None for s (skip); EndOfSession for q, Ctrl+D or the end
    of input; UndoRequested for u while there is an answer to take back. Other keys are ignored."""
    echo(prompt, nl=False)
    while True:
        try:
            key = click.getchar()
        except EOFError:
            key = ""
        if key and key in wanted:
            echo(key.strip())
            return key
        if key in ("", "q", "\x04"):
            echo("quit" if key == "q" else "")
            raise EndOfSession
        if key == "s":
            echo("skip")
            return None
        if key == "u" and session.last is not None:
            echo("undo")
            raise UndoRequested
        if key == "u":
            echo("\n  nothing to undo: undo takes back the answer just given")
            echo(prompt, nl=False)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _show_exhibit(exhibit: Exhibit) -> None:
    """The exhibit verbatim, indented under its heading and closed by a line a screen reader announces."""
    echo(f"{exhibit.heading}:")
    for line in exhibit.text.split("\n"):
        echo(f"    {line}".rstrip())
    echo("End of exhibit.\n")


def _show_options(question: Question, rng: random.Random) -> tuple[int, ...] | None:
    if isinstance(question, (SingleChoice, MultiChoice)):
        for n, choice in enumerate(question.choices, start=1):
            echo(f"  {n}. {choice.text}")
    elif isinstance(question, Ordering):
        order = list(range(1, len(question.items) + 1))
        while len(order) > 1 and order == sorted(order):
            rng.shuffle(order)
        for k, item_number in enumerate(order, start=1):
            echo(f"  {k}. {question.items[item_number - 1]}")
        return tuple(order)
    return None


def _read_line(prompt: str, session: QuizSession) -> str | None:
    """One line of input; None means skip this question; EndOfSession on quit or end of input; UndoRequested
    on undo while the session has an answer to take back (else undo is explained and the line asked again)."""
    while True:
        echo(prompt, nl=False)
        line = sys.stdin.readline()
        if not line:
            raise EndOfSession
        if not _stdin_is_terminal():
            echo(line.rstrip("\n"))
        answer = line.strip()
        if answer.lower() in ("quit", "q", "exit"):
            raise EndOfSession
        if answer.lower() == "skip":
            return None
        if answer.lower() not in UNDO_WORDS:
            return answer
        if session.last is not None:
            raise UndoRequested
        echo("  nothing to undo: undo takes back the answer just given")


def _show_outcome(outcome: Outcome, cram: bool) -> None:
    question = outcome.entry.question
    if isinstance(question, Flashcard):
        secho(f"  Recorded ({_RATINGS[outcome.recorded.rating]}).", fg="cyan")
    elif outcome.verdict.correct:
        secho("  ✓ Right.", fg="green", bold=True)
    else:
        secho(f"  ✗ Not quite. The answer: {outcome.verdict.expected}", fg="red", bold=True)
    for number, choice in outcome.wrong_picks:
        if choice.why:
            echo(f"  Why not {number}: {choice.why}")
    if question.explanation:
        echo(f"  {question.explanation.strip()}")
    if isinstance(question, Cloze) and not outcome.verdict.correct:
        echo(f"  {wrong_blanks_text(question, outcome.verdict)}")  # the answer line already has the whole sentence
    if question.lesson_section:
        secho(f"  Read more: {_section_label(outcome.entry)}", dim=True)
    if outcome.note:
        echo(f"  Your note: {outcome.note}")
    extras = []
    if outcome.recorded.xp_awarded:
        extras.append(f"+{outcome.recorded.xp_awarded} XP")
    if not cram:
        extras.append(f"next review {_when(outcome.recorded.due)}")
    if outcome.recorded.became_leech:
        extras.append("this card is now a leech: reread its lesson section")
    extras.append("undo: take it back")
    secho(f"  {' · '.join(extras)}", dim=True)
    echo()


def _section_label(entry: Entry) -> str:
    ref = entry.question.lesson_section or ""
    lesson_id, anchor = ref.split("#", 1) if "#" in ref else ("", ref)
    deck = next((d for d in entry.pack.decks if d.id == entry.question.deck_id), None)
    lesson = entry.pack.lesson(lesson_id or (deck.lesson if deck else "") or "")
    if lesson is None:
        return ref
    heading = next((h.text for h in lesson.headings if h.anchor == anchor), "")
    return f"{lesson.title} › {heading}" if heading else lesson.title


def _when(due: datetime) -> str:
    seconds = (due - datetime.now(timezone.utc)).total_seconds()
    if seconds < 90:
        return "now"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400 * 1.5:
        return f"in {round(seconds / 3600)} h"
    return f"in {round(seconds / 86400)} days"


def _print_summary(session: QuizSession) -> None:
    s = session.summary
    secho("Session summary", bold=True)
    echo(f"  answered {s.answered}: {s.right} right, {s.wrong} wrong" + (f", {s.skipped} skipped" if s.skipped else ""))
    echo(f"  XP earned: {s.xp}")
    if s.next_due is not None:
        echo(f"  next review: {_when(s.next_due)}")
    for item in s.new_leeches:
        echo(f"  leech: {item} (missed 8 times; reread its lesson)")


_RATINGS = {1: "again", 2: "hard", 3: "good", 4: "easy"}
