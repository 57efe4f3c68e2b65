"""Taking a mock exam: a countdown, free movement between questions, flags for review, submit or time-out.

Answers stay in the exam (no verdicts until the end, no change to the review schedule); the result is
saved the moment the exam ends.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from lambdalearn.content.questions import display_prompt
from lambdalearn.study.exam import MockExam, save_result
from lambdalearn.tui.widgets.answer_pads import AnswerPad, describe_response, pad_for
from lambdalearn.tui.widgets.exhibit import ExhibitView
from lambdalearn.tui.widgets.text import assemble, escape, inline


class ExamScreen(Screen):
    BINDINGS = [
        Binding("pagedown,f8", "move(1)", "Next", key_display="PgDn", priority=True),
        Binding("pageup,f7", "move(-1)", "Prev", key_display="PgUp", priority=True),
        Binding("f,f6", "flag", "Flag"),
        Binding("ctrl+s,f9", "submit", "Submit"),
        Binding("f5", "pause", "Pause"),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, exam: MockExam) -> None:
        super().__init__()
        self.exam = exam
        self.index = 0
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Horizontal(id="exam-top"):
            yield Label("", id="countdown")
            yield Label("", id="exam-meta")
        with Horizontal():
            yield OptionList(id="exam-nav")
            with VerticalScroll(id="exam-body"):
                yield ExhibitView(id="exhibit")
                yield Static("", id="prompt", classes="prompt")
                yield ContentSwitcher(id="exam-pads")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Mock exam · {self.exam.pack.manifest.title}"
        self._refresh_nav()
        self.show(0)
        self._tick()
        self.set_interval(1, self._tick)

    def _tick(self) -> None:
        if self.finished:
            return
        now = self.app.now()
        left = self.exam.remaining(now)
        minutes, seconds = divmod(int(left.total_seconds()), 60)
        countdown = self.query_one("#countdown", Label)
        countdown.update(f"⏱ {minutes:02d}:{seconds:02d}")
        countdown.set_class(left.total_seconds() < 60, "low")
        if self.exam.timed_out(now):
            self.notify("Time is up: the exam was submitted.", title="Mock exam", timeout=6)
            self.finish()

    def _nav_label(self, index: int) -> str:
        mark = "●" if index in self.exam.responses else "○"  # answered or not: ✓ would read as "right"
        flag = " [b $warning]⚑[/]" if index in self.exam.flagged else ""
        return f"{mark} {index + 1:>2}{flag}"

    def _refresh_nav(self) -> None:
        nav = self.query_one("#exam-nav", OptionList)
        if nav.option_count != len(self.exam.items):
            nav.clear_options()
            nav.add_options(Option(self._nav_label(i)) for i in range(len(self.exam.items)))
        else:
            for i in range(len(self.exam.items)):
                nav.replace_option_prompt_at_index(i, self._nav_label(i))
        answered = len(self.exam.responses)
        self.query_one("#exam-meta", Label).update(
            f"question {self.index + 1}/{len(self.exam.items)} · {answered} answered · {len(self.exam.flagged)} flagged"
        )

    def show(self, index: int) -> None:
        """Show question `index` (its answer widget is made once and kept, so answers stay as given)."""
        self.index = index
        item = self.exam.items[index]
        question = item.entry.question
        flag = "  [b $warning]⚑ flagged[/]" if index in self.exam.flagged else ""
        self.query_one(ExhibitView).show(question.exhibit)
        switcher = self.query_one("#exam-pads", ContentSwitcher)
        pad_id = f"pad-{index}"
        existing = switcher.query(f"#{pad_id}")
        earlier = Content("")  # an answer given before a pause has no widget state: say what it was
        if not existing and index in self.exam.responses:
            given = describe_response(question, self.exam.responses[index])
            earlier = assemble("\n[dim]Your answer before the pause: [/]", inline(given).stylize("dim"))
        self.query_one("#prompt", Static).update(
            assemble(f"[dim]{index + 1}. {escape(item.domain.title)} · {question.type}[/]{flag}\n",
                     inline(display_prompt(question)), earlier)
        )
        if not existing:
            pad = pad_for(question, self.app.rng)
            pad.id = pad_id
            switcher.mount(pad)  # it takes the focus once mounted
        switcher.current = pad_id
        if existing:
            self.call_after_refresh(existing.first(AnswerPad).focus_answer)
        self.query_one("#exam-nav", OptionList).highlighted = index
        self._refresh_nav()

    @on(AnswerPad.Answered)
    def _answered(self, event: AnswerPad.Answered) -> None:
        self.exam.answer(self.index, event.response)
        self._refresh_nav()
        if self.index + 1 < len(self.exam.items):
            self.show(self.index + 1)
        else:
            unanswered = len(self.exam.unanswered)
            self.notify("Last question answered. " + (f"{unanswered} still unanswered. " if unanswered else "")
                        + "Ctrl+S or F9 submits.", timeout=5)

    @on(OptionList.OptionSelected, "#exam-nav")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        self.show(event.option_index)

    def action_move(self, step: int) -> None:
        index = self.index + step
        if 0 <= index < len(self.exam.items):
            self.show(index)

    def action_flag(self) -> None:
        flagged = self.exam.toggle_flag(self.index)
        self.show(self.index)
        self.notify("Flagged for review." if flagged else "Flag removed.", timeout=2)

    def action_submit(self) -> None:
        unanswered, flagged = len(self.exam.unanswered), len(self.exam.flagged)
        if not (unanswered or flagged):
            self.finish()
            return
        from lambdalearn.tui.screens.confirm import ConfirmScreen

        question = (f"{unanswered} unanswered (they count as wrong), {flagged} flagged for review. "
                    "Submit the exam now?")
        self.app.push_screen(ConfirmScreen(question, yes="Submit", no="Keep going"),
                             lambda choice: self.finish() if choice == "yes" else None)

    def finish(self, show: bool = True) -> None:
        """Grade and save the result (once), and show it unless the app is quitting."""
        from lambdalearn.tui.screens.exam_result import ExamResultScreen

        if self.finished:
            return
        self.finished = True
        result = self.exam.finish(self.app.now())
        save_result(self.app.store, result, self.exam.predicted)
        if show:
            self.app.switch_screen(ExamResultScreen(result, self.exam.predicted))

    def action_pause(self) -> None:
        """Keep the exam as it is, clock stopped, to resume later from the mock-exam screen (F5 there)."""
        from lambdalearn.study.exam_pause import pause_exam, paused_path

        pause_exam(self.exam, paused_path(self.app.data_dir), self.app.now())
        self.finished = True
        self.notify("Exam paused, clock stopped: e then F5 resumes it.", title="Mock exam", timeout=6)
        self.dismiss()

    def action_leave(self) -> None:
        self._ask_unfinished(quitting=False)

    def prepare_quit(self) -> bool:
        """Quitting with the exam unfinished asks first; True when the app may quit at once."""
        if self.finished:
            return True
        self._ask_unfinished(quitting=True)
        return False

    def _ask_unfinished(self, quitting: bool) -> None:
        """Submit (result saved, shown unless quitting), abandon (nothing saved) or keep going."""
        from lambdalearn.tui.screens.confirm import ConfirmScreen

        def decided(choice: str) -> None:
            if choice == "yes":
                self.finish(show=not quitting)
            elif choice == "other":
                self.finished = True
                if not quitting:
                    self.dismiss()
            if quitting and choice in ("yes", "other"):
                self.app.exit()

        self.app.push_screen(ConfirmScreen(
            "The exam is not finished. Submit it (the result is saved), abandon it (nothing saved), or keep going?",
            yes="Submit", no="Keep going", other="Abandon",
        ), decided)
