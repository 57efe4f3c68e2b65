"""A small dialog to pick one of several things (a code block to copy, a quiz filter value)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList

from lambdalearn.textsafe import printable


class PickScreen(ModalScreen[int | None]):
    """Dismisses with the index picked, or None on escape. Choices are plain text (a line of a lesson's code,
    a pack's name, a validation problem), never markup."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"[b]{self.title_text}[/]  (Enter picks, Esc cancels)")
            yield OptionList(*(Content(printable(choice)) for choice in self.choices), id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)
