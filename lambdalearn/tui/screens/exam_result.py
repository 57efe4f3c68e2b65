"""A finished mock exam: the score against the pass mark, the score of each domain, and every miss with
its explanation (Enter on a miss opens its lesson section)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from lambdalearn.content.questions import display_prompt
from lambdalearn.study.course import section_target
from lambdalearn.study.exam import ExamResult
from lambdalearn.study.readiness import predicted_for
from lambdalearn.tui.widgets.answer_pads import describe_response
from lambdalearn.tui.widgets.exhibit import ExhibitView
from lambdalearn.tui.widgets.text import assemble, inline
from lambdalearn.tui.widgets.verdict import verdict_markup

BAR_WIDTH = 20


class ExamResultScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Home"),
        Binding("o", "open_section", "Read more"),
        Binding("e", "again", "New exam"),
    ]

    def __init__(self, result: ExamResult, predicted: dict[str, float] | None = None) -> None:
        super().__init__()
        self.result = result
        self.predicted = predicted  # the readiness prediction made before the exam, share right per domain

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with VerticalScroll(id="exam-result"):
            yield Static(self._score_text(), id="score")
            yield DataTable(id="domains", cursor_type="none", show_cursor=False)
            yield OptionList(*self._miss_options(), id="misses")
            yield ExhibitView(id="miss-exhibit")
            yield Static("", id="miss-detail")
        yield Footer()

    def _score_text(self) -> str:
        r = self.result
        verdict = "[b $success]PASSED[/]" if r.passed else "[b $error]NOT PASSED[/]"
        timed = " · the clock ran out" if r.timed_out else ""
        expected = predicted_for(r, self.predicted)
        forecast = f" · predicted {expected:.0f}% before it" if expected is not None else ""
        return (f"[b]{r.score:.1f}%[/] ({r.correct}/{r.questions} right) · pass mark {r.pass_mark:g}% · {verdict}{timed}"
                f"{forecast}\n"
                f"[dim]{len(r.misses)} to review below: ↑/↓ to read each, Enter opens its lesson section[/]")

    def on_mount(self) -> None:
        self.sub_title = "Mock exam result"
        table = self.query_one("#domains", DataTable)
        table.add_columns("Domain", "Right", "Score", f"vs pass mark {self.result.pass_mark:g}%")
        for score in self.result.domains:
            filled = round(score.percent / 100 * BAR_WIDTH)
            mark = round(self.result.pass_mark / 100 * BAR_WIDTH)
            bar = "".join("█" if i < filled else ("┆" if i == mark else "░") for i in range(BAR_WIDTH))
            colour = "green" if score.passed else "red"
            table.add_row(inline(score.domain.title), f"{score.correct}/{score.questions}", f"{score.percent:.0f}%",
                          f"[{colour}]{bar}[/]")
        if self.result.misses:
            self.query_one("#misses", OptionList).highlighted = 0
            self.query_one("#misses").focus()
        else:
            self.query_one("#misses").display = False
            self.query_one("#miss-detail", Static).update("[b $success]No misses: every question right.[/]")

    def _miss_options(self) -> list[Option]:
        return [Option(assemble(f"{m.number:>2}. ", inline(_first_line(display_prompt(m.item.entry.question)))))
                for m in self.result.misses]

    @on(OptionList.OptionHighlighted, "#misses")
    def _show_miss(self, event: OptionList.OptionHighlighted) -> None:
        miss = self.result.misses[event.option_index]
        question = miss.item.entry.question
        self.query_one(ExhibitView).show(question.exhibit)
        text = assemble(inline(display_prompt(question)), "\n[b]Your answer:[/] ",
                       inline(describe_response(question, miss.response)), "\n",
                       verdict_markup(miss.item.entry.pack, question, miss.verdict, miss.wrong_picks))
        self.query_one("#miss-detail", Static).update(text)

    @on(OptionList.OptionSelected, "#misses")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open_miss(event.option_index)

    def action_open_section(self) -> None:
        index = self.query_one("#misses", OptionList).highlighted
        if index is not None:
            self._open_miss(index)

    def _open_miss(self, index: int) -> None:
        entry = self.result.misses[index].item.entry
        target = section_target(entry.pack, entry.question)
        if target is None:
            self.notify("This question has no lesson section.", timeout=3)
        else:
            self.app.open_lesson(entry.pack, target[0], target[1])

    def action_back(self) -> None:
        self.dismiss()

    def action_again(self) -> None:
        pack = next(p for p in self.app.catalog.packs if p.id == self.result.pack_id)
        self.dismiss()
        self.app.start_exam(pack)


def _first_line(text: str, width: int = 64) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"
