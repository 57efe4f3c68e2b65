"""A yes/no (or three-way) question in a dialog; dismisses with "yes", "no" or "other"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from lambdalearn.tui.widgets.text import escape


class ConfirmScreen(ModalScreen[str]):
    BINDINGS = [
        Binding("escape", "dismiss('no')", "Cancel"),
        Binding("y", "dismiss('yes')", "Yes", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", other: str | None = None) -> None:
        super().__init__()
        self.question, self.yes, self.no, self.other = question, yes, no, other

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(escape(self.question))
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="primary")
                if self.other:  # its key is its first letter (Abandon: a), shown on the button
                    yield Button(f"{self.other} ({self.other[0].lower()})", id="other", variant="error")
                yield Button(f"{self.no} (Esc)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def on_key(self, event) -> None:
        if self.other and event.character == self.other[0].lower():
            event.stop()
            self.dismiss("other")
