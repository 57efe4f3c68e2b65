"""A web link from a lesson, shown rather than followed: the learner copies it, or opens it on purpose."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from lambdalearn.tui.widgets.text import escape


class LinkScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("y,c", "copy", "Copy link"),
        Binding("o", "open", "Open in browser"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("[b]This link leaves the course[/]")
            yield Static(escape(self.url), id="url")
            yield Static("It is not opened for you: copy it, or open it in your browser if you trust it.")
            with Horizontal(classes="buttons"):
                yield Button("Copy (y)", id="copy", variant="primary")
                yield Button("Open in browser (o)", id="open")
                yield Button("Close (Esc)", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"copy": self.action_copy, "open": self.action_open, "close": self.dismiss}[event.button.id]()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.url)
        self.app.notify("Link copied to the clipboard.", timeout=3)
        self.dismiss()

    def action_open(self) -> None:
        self.app.open_url(self.url)
        self.dismiss()
