"""The exhibit above a question: a bordered, monospaced block that scrolls both ways when it is long or wide."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.widgets import Static

from lambdalearn.content.exhibits import SYNTAX_OF_KIND, Exhibit
from lambdalearn.textsafe import printable


class ExhibitView(ScrollableContainer, can_focus=True):
    """Shows one exhibit verbatim (JSON, YAML and code coloured, logs as they are); hidden when there is none."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exhibit: Exhibit | None = None
        self.display = False  # until a question with an exhibit is shown

    def compose(self) -> ComposeResult:
        yield Static("", classes="exhibit-text")

    def show(self, exhibit: Exhibit | None) -> None:
        self.exhibit = exhibit
        self.display = exhibit is not None
        if exhibit is None:
            return
        self.border_title = Text(printable(exhibit.heading))  # authored text: never markup, never control codes
        syntax = SYNTAX_OF_KIND.get(exhibit.kind)
        text = printable(exhibit.text)
        body = (Syntax(text, syntax, theme="ansi_dark", word_wrap=False, background_color="default")
                if syntax else Text(text, no_wrap=True))
        self.query_one(".exhibit-text", Static).update(body)
        self.scroll_home(animate=False)
