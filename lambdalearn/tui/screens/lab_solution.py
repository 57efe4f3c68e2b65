"""The reference solution of a lab in a dialog (the lab screen opens it only after a first run)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from lambdalearn.labs.finder import FoundLab
from lambdalearn.study.labs import solution_markdown
from lambdalearn.tui.widgets.text import assemble, inline


class SolutionScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,s", "dismiss(None)", "Close")]

    def __init__(self, found: FoundLab) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="solution"):
            yield Label(assemble("[b]Solution: [/]", inline(self.found.spec.title).stylize("bold"), "  (Esc closes)"))
            with VerticalScroll():
                yield Markdown(solution_markdown(self.found), open_links=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
