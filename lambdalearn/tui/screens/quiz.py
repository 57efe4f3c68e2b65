"""The quiz: due cards then new ones (or cram), one answer widget per question type, an immediate verdict,
a progress bar and a session summary. Every answer is recorded the moment it is given."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ProgressBar, Static

from lambdalearn.content.questions import Flashcard, display_prompt
from lambdalearn.study.catalog import SelectionError
from lambdalearn.study.course import section_target
from lambdalearn.study.session import QuizSession, held_back_notice, is_request
from lambdalearn.tui.widgets.answer_pads import AnswerPad, FlashcardPad, pad_for
from lambdalearn.tui.widgets.exhibit import ExhibitView
from lambdalearn.tui.widgets.text import escape
from lambdalearn.tui.widgets.text import assemble, inline, relative_time
from lambdalearn.tui.widgets.verdict import RATING_NAMES, flashcard_notes, verdict_markup


class QuizScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter,space,n", "next", "Next", show=True),
        Binding("o", "open_section", "Read more"),
        Binding("ctrl+n", "skip", "Skip"),
        Binding("s", "skip", "Skip", show=False),
        Binding("f4", "filters", "Filters"),
        Binding("f", "filters", "Filters", show=False),
        Binding("c", "cram", "Cram these"),
        Binding("r", "again", "Again"),
        Binding("m", "more", "Study more today"),
        Binding("a", "ahead", "Study ahead"),
        Binding("u,ctrl+z", "undo", "Undo", key_display="u"),  # Ctrl+Z too: a typed answer's box takes u
    ]

    MORE_NEW = 10  # new cards one "study more today" adds, as Anki's custom study suggests

    def __init__(self, request) -> None:
        super().__init__()
        self.request = request
        self.session: QuizSession | None = None
        self.position = 0
        self.state = "question"  # question, verdict, empty, summary, error
        self.outcome = None

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Horizontal(id="quiz-top"):
            yield Label("", id="quiz-meta")
            yield ProgressBar(total=1, show_eta=False, id="quiz-progress")
        with VerticalScroll(id="quiz-body"):
            yield ExhibitView(id="exhibit")
            yield Static("", id="prompt", classes="prompt")
            yield Vertical(id="pad-holder")
            yield Static("", id="verdict", classes="hidden")
            with Horizontal(id="verdict-actions", classes="hidden"):
                yield Button("Next (Enter)", id="next", variant="primary")
                yield Button("Read more (o)", id="read-more")
            yield Static("", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.start()

    def start(self) -> None:
        """Build the session for the current filters and show its first question."""
        app = self.app
        self.sub_title = f"Quiz · {self.request.describe()}"
        try:
            entries = app.select(self.request)
        except SelectionError as error:
            self._show_message(f"[b $error]{escape(str(error))}[/]\n\nPress f to change the filters.")
            self.state = "error"
            self.refresh_bindings()
            return
        r = self.request
        requested = is_request(deck=r.deck, lesson=r.lesson, new_limit=r.new_limit)
        self.session = QuizSession(app.store, entries, limit=r.limit, new_limit=r.new_limit, cram=r.cram,
                                   requested=requested, ahead=r.ahead, rng=app.rng)
        self.position = 0
        total = len(self.session.queue)
        self.query_one("#quiz-progress", ProgressBar).update(total=max(total, 1), progress=0)
        if self.session.held_back and total:
            self.notify(held_back_notice(self.session) + " m studies more today (after this session).", timeout=6)
        if not total:
            lines = [f"Nothing is due here right now ({len(entries)} questions in this selection)."]
            if self.session.held_back:
                lines.append(held_back_notice(self.session))
            hint = (f"m studies more today (+{self.MORE_NEW} new) · a studies ahead · c crams them (the schedule is"
                    " left alone) · f filters · Esc back")
            self._show_message("\n".join(lines) + f"\n\n[dim]{hint}[/]")
            self.state = "empty"
            self.refresh_bindings()
            return
        self.show_question()

    def _show_message(self, text: str) -> None:
        self.query_one("#prompt", Static).update(text)
        self.query_one(ExhibitView).show(None)
        self.query_one("#pad-holder").remove_children()
        self.query_one("#verdict").add_class("hidden")
        self.query_one("#verdict-actions").add_class("hidden")
        self.query_one("#quiz-body").focus()  # not the buttons just hidden
        self.query_one("#quiz-meta", Label).update("")

    @property
    def entry(self):
        return self.session.queue[self.position]

    def show_question(self) -> None:
        entry = self.entry
        question = entry.question
        self._show_meta()
        self.query_one(ExhibitView).show(question.exhibit)
        self.query_one("#prompt", Static).update(inline(display_prompt(question)))
        self.query_one("#prompt").display = True
        self.query_one("#verdict").add_class("hidden")
        self.query_one("#verdict-actions").add_class("hidden")
        self.query_one("#summary", Static).update("")
        holder = self.query_one("#pad-holder")
        holder.remove_children()
        pad = pad_for(question, self.app.rng)
        if isinstance(pad, FlashcardPad):
            pad.notes = flashcard_notes(entry.pack, question)
            if not self.session.cram:
                pad.previews = self.session.previews(entry)
        holder.mount(pad)  # it takes the focus once mounted
        self.state = "question"
        self.started = time.monotonic()
        self.refresh_bindings()

    def _show_meta(self) -> None:
        question = self.entry.question
        self.query_one("#quiz-meta", Label).update(
            f"{self.position + 1}/{len(self.session.queue)} · {question.deck_id} · {question.type}")

    @on(AnswerPad.Answered)
    def _answered(self, event: AnswerPad.Answered) -> None:
        if self.state != "question":
            return
        duration_ms = int((time.monotonic() - self.started) * 1000)
        recorded_at = datetime.now(timezone.utc)  # the session records on the real clock; intervals follow it
        outcome = self.session.answer(self.entry, event.response, duration_ms)
        self.outcome = outcome
        event.pad.disabled = True
        event.pad.show_verdict(event.response)
        question = self.entry.question
        extras = []
        if outcome.recorded.xp_awarded:
            extras.append(f"+{outcome.recorded.xp_awarded} XP")
        if not self.session.cram:
            extras.append(f"next review {relative_time(outcome.recorded.due, recorded_at)}")
        if outcome.recorded.became_leech:
            extras.append("this card is now a leech: reread its lesson section")
        progress = self.query_one("#quiz-progress", ProgressBar)
        progress.update(total=len(self.session.queue))  # a card missed comes back at the end of the session
        progress.advance(1)
        if isinstance(question, Flashcard):  # its back was the feedback: the rating moves on, as in Anki
            rating = RATING_NAMES[outcome.recorded.rating]
            self.notify(" · ".join([f"Recorded: {rating}", *extras, "u or Ctrl+Z: undo"]), timeout=4)
            self.action_next()
            return
        text = verdict_markup(self.entry.pack, question, outcome.verdict, outcome.wrong_picks)
        extras.append("Enter: next · u: undo")
        verdict = self.query_one("#verdict", Static)
        note = ("\n[b]Your note:[/] ", inline(outcome.note)) if outcome.note else ()
        verdict.update(assemble(text, *note, "\n[dim]" + escape(" · ".join(extras)) + "[/]"))
        verdict.set_classes("right" if outcome.verdict.correct else "wrong")
        self._show_meta()
        self.state = "verdict"
        actions = self.query_one("#verdict-actions")
        actions.remove_class("hidden")
        self.query_one("#read-more").display = section_target(self.entry.pack, question) is not None
        self.query_one("#next", Button).focus()
        self.call_after_refresh(actions.scroll_visible)
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if self.state != "verdict":  # a hidden button that kept the focus must not act after the last answer
            return
        if event.button.id == "next":
            self.action_next()
        elif event.button.id == "read-more":
            self.action_open_section()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        allowed = {
            "next": ("verdict",),
            "open_section": ("verdict",),
            "skip": ("question",),
            "cram": ("empty",),
            "again": ("summary",),
            "more": ("empty", "summary"),
            "undo": ("verdict", "question", "summary"),
            "ahead": ("empty", "summary"),
        }
        if action == "undo" and (self.session is None or self.session.last is None):
            return False
        if action == "open_section" and self._revealed_flashcard():
            return True
        if action in allowed:
            return self.state in allowed[action]
        return True

    def _revealed_flashcard(self) -> bool:
        """A flashcard with its back shown: its notes say "Read more (o)", as a verdict does."""
        pads = self.query(FlashcardPad)
        return self.state == "question" and bool(pads) and pads.first().revealed

    def action_next(self) -> None:
        self.position += 1
        if self.position < len(self.session.queue):
            self.show_question()
        else:
            self.show_summary()

    def action_undo(self) -> None:
        """Take the last answer back and ask its question again (as Anki's undo): from its verdict, or from the
        question or summary that a rated flashcard moved on to."""
        if self.session.undo_last() is None:
            return
        if self.state != "verdict":
            self.position -= 1
        self.query_one("#quiz-progress", ProgressBar).update(total=len(self.session.queue),
                                                              progress=self.position)
        self.notify("Answer taken back: the question is asked again.", timeout=3)
        self.show_question()

    def action_skip(self) -> None:
        self.session.skip()
        self.query_one("#quiz-progress", ProgressBar).advance(1)
        self.action_next()

    def show_summary(self) -> None:
        s = self.session.summary
        lines = [
            "[b]Session summary[/]",
            f"answered {s.answered}: [b $success]{s.right} right[/], [b $error]{s.wrong} wrong[/]"
            + (f", {s.skipped} skipped" if s.skipped else ""),
            f"XP earned: [b]{s.xp}[/]",
        ]
        if s.next_due is not None:
            lines.append(f"next review: {relative_time(s.next_due, datetime.now(timezone.utc))}")
        for item in s.new_leeches:
            lines.append(f"leech: {escape(item)} (missed 8 times; reread its lesson)")
        if self.session.held_back:
            lines.append(held_back_notice(self.session))
        lines.append(f"\n[dim]r another round · m study more today (+{self.MORE_NEW} new) · a study ahead · Esc back home[/]")
        self._show_message("")
        self.query_one("#prompt").display = False
        self.query_one("#summary", Static).update("\n".join(lines))
        self.query_one("#quiz-body").scroll_home(animate=False)
        self.query_one("#quiz-meta", Label).update("done")
        self.state = "summary"
        self.refresh_bindings()

    def action_open_section(self) -> None:
        target = section_target(self.entry.pack, self.entry.question)
        if target is None:
            self.notify("This question has no lesson section.", timeout=3)
            return
        lesson, anchor = target
        self.app.open_lesson(self.entry.pack, lesson, anchor)

    def action_cram(self) -> None:
        self.request = replace(self.request, cram=True)
        self.start()

    def action_again(self) -> None:
        self.start()

    def action_more(self) -> None:
        """Study more today: this many more new cards, past the daily limit (they count against it)."""
        self.request = replace(self.request, cram=False, ahead=False, new_limit=self.MORE_NEW)
        self.start()

    def action_ahead(self) -> None:
        self.request = replace(self.request, cram=False, ahead=True, new_limit=None)
        self.start()

    def action_filters(self) -> None:
        from lambdalearn.tui.screens.filters import FilterScreen

        def apply(request) -> None:
            if request is not None:
                self.request = request
                self.start()

        self.app.push_screen(FilterScreen(self.request), apply)

    def action_back(self) -> None:
        self.dismiss()
