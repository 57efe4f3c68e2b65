"""Search across lessons: type words, pick a section, it opens in the reader."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from lambdalearn.tui.widgets.text import assemble, inline


class SearchScreen(ModalScreen):
    """Dismisses with the SearchHit chosen, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "results", "Results", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("[b]Search lessons[/]  (↓ to the results, Enter opens, Esc closes)")
            yield Input(placeholder="words to find, e.g. reserved concurrency", id="query")
            yield OptionList(id="hits")
            yield Label("", id="hit-count")

    @on(Input.Changed, "#query")
    def _search(self, event: Input.Changed) -> None:
        from lambdalearn.study.course import search

        self.hits = search(self.app.catalog.packs, event.value)
        results = self.query_one("#hits", OptionList)
        results.clear_options()
        results.add_options(
            Option(assemble(inline(h.lesson.title).stylize("bold"), " › ", inline(h.heading), "\n  ",
                            inline(h.snippet).stylize("dim")))
            for h in self.hits
        )
        count = len(self.hits)
        self.query_one("#hit-count", Label).update(
            f"{count} section{'s' if count != 1 else ''}" if event.value.strip() else ""
        )

    @on(Input.Submitted, "#query")
    def _first(self) -> None:
        if getattr(self, "hits", None):
            self.dismiss(self.hits[0])

    def action_results(self) -> None:
        self.query_one("#hits", OptionList).focus()

    @on(OptionList.OptionSelected, "#hits")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])
