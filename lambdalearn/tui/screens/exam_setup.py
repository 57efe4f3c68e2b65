"""Before a mock exam: which pack, how many questions, how many minutes (defaults from settings and the
blueprint), and the last results."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from lambdalearn.content.models import Pack
from lambdalearn.progress.exams import exam_history
from lambdalearn.study.exam import ExamError, build_exam, exam_options, minutes_for
from lambdalearn.study.exam_pause import paused_path, paused_summary, resume_exam
from lambdalearn.study.readiness import predict, prediction_record
from lambdalearn.tui.widgets.readiness import readiness_markup
from lambdalearn.tui.widgets.text import escape, inline


class ExamSetupScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+s,f9", "start", "Start"),
                Binding("f5", "resume", "Resume paused")]

    def __init__(self, packs: list[Pack], pack: Pack | None = None) -> None:
        super().__init__()
        self.packs = packs
        self.pack = pack if pack in packs else packs[0]

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Vertical(id="exam-setup"):
            yield Static("[b]Mock exam[/]: questions drawn from each domain by its weight, a clock, a pass mark.")
            if len(self.packs) > 1:
                yield Select([(inline(p.manifest.title), p.id) for p in self.packs], value=self.pack.id, allow_blank=False, id="pack")
            yield Static("", id="blueprint")
            yield Static("", id="readiness")
            yield Static("", id="paused")
            with Horizontal(classes="form-row"):
                yield Label("Questions")
                yield Input(type="integer", id="questions")
            with Horizontal(classes="form-row"):
                yield Label("Minutes")
                yield Input(type="integer", id="minutes")
            yield Label("", id="setup-error", classes="pad-error")
            yield Button("Start the exam (Ctrl+S / F9)", id="start", variant="primary")
            yield Static("", id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Mock exam"
        self._show_pack()
        self.query_one("#start").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Fewer questions get proportionally fewer minutes, until the learner sets the minutes themselves."""
        if event.input.id == "minutes" and event.value != self._suggested_minutes:
            self._minutes_edited = True
        if event.input.id != "questions" or self._minutes_edited or not event.value.isdigit():
            return
        self._suggested_minutes = str(minutes_for(self.pack.manifest.exam, int(event.value)))
        self.query_one("#minutes", Input).value = self._suggested_minutes

    def on_select_changed(self, event: Select.Changed) -> None:
        self.pack = next(p for p in self.packs if p.id == event.value)
        self._show_pack()

    def _show_pack(self) -> None:
        blueprint = self.pack.manifest.exam
        questions, minutes = exam_options(blueprint, self.app.settings)
        self._minutes_edited = bool(self.app.settings.exam_minutes)
        self._suggested_minutes = str(minutes)
        self.query_one("#questions", Input).value = str(questions)
        self.query_one("#minutes", Input).value = str(minutes)
        domains = ", ".join(f"{d.title} {d.weight:g}%" for d in blueprint.domains)
        self.query_one("#blueprint", Static).update(
            f"{escape(self.pack.manifest.title)}: blueprint {blueprint.questions} questions in {blueprint.minutes} min, "
            f"pass mark {blueprint.pass_mark:g}%.\n[dim]Domains: {escape(domains)}[/]"
        )
        self.readiness = predict(self.app.store, self.pack, self.app.now())
        self.query_one("#readiness", Static).update(readiness_markup(self.readiness) if self.readiness else "")
        paused = paused_summary(paused_path(self.app.data_dir))
        self.query_one("#paused", Static).update(f"[b $warning]A paused exam[/]: {paused} · F5 resumes it" if paused else "")
        past = exam_history(self.app.store, self.pack.id)[:5]
        lines = [f"{r.finished_at:%Y-%m-%d %H:%M}  {r.score:5.1f}%  {'passed' if r.passed else 'not passed'}"
                 f"  ({r.correct}/{r.questions})" for r in past]
        self.query_one("#history", Static).update(("[b]Last results[/]\n" + "\n".join(lines)) if lines else "")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_start()

    def action_start(self) -> None:
        from lambdalearn.tui.screens.exam import ExamScreen

        try:
            questions = int(self.query_one("#questions", Input).value or 0)
            minutes = int(self.query_one("#minutes", Input).value or 0)
            exam = build_exam(self.pack, questions=questions, minutes=minutes, rng=self.app.rng, now=self.app.now())
        except (ValueError, ExamError) as error:
            self.query_one("#setup-error", Label).update(str(error))
            return
        if self.readiness:
            exam.predicted = prediction_record(self.readiness)
        self.app.switch_screen(ExamScreen(exam))

    def action_resume(self) -> None:
        from lambdalearn.tui.screens.exam import ExamScreen

        try:
            exam = resume_exam(paused_path(self.app.data_dir), self.packs, self.app.now())
        except ExamError as error:
            self.query_one("#setup-error", Label).update(str(error))
            return
        self.app.switch_screen(ExamScreen(exam))

    def action_back(self) -> None:
        self.dismiss()
