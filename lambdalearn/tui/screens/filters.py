"""Choosing what a quiz draws from: deck, lesson, tag, cram mode and a limit (like `lambdalearn quiz`)."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from lambdalearn.tui.widgets.text import inline


class FilterScreen(ModalScreen):
    """Dismisses with a new QuizRequest, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding("ctrl+s,f2", "apply", "Apply")]

    def __init__(self, request) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        packs = self.app.catalog.packs
        decks = sorted({(d.id, d.title) for p in packs for d in p.decks})
        lessons = [(inline(f"{lesson.order}. {lesson.title}"), lesson.id) for p in packs
                   for lesson in sorted(p.lessons, key=lambda x: x.order)]
        tags = sorted({t for p in packs for q in p.questions() for t in q.tags})
        r = self.request
        with Vertical(classes="dialog"):
            yield Label("[b]Quiz filters[/]  (Ctrl+S or F2 applies, Esc cancels)")
            yield Select([(inline(title), deck_id) for deck_id, title in decks], prompt="any deck", value=r.deck or Select.NULL, id="deck")
            yield Select(lessons, prompt="any lesson", value=r.lesson or Select.NULL, id="lesson")
            yield Select([(inline(t), t) for t in tags], prompt="any tag", value=r.tag or Select.NULL, id="tag")
            yield Checkbox("Cram: any question, due or not; the schedule is left alone", value=r.cram, id="cram")
            with Horizontal(classes="form-row"):
                yield Label("At most (questions)")
                yield Input(str(r.limit or ""), placeholder="no limit", type="integer", id="limit")
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.dismiss(None)

    def action_apply(self) -> None:
        def value(name: str) -> str | None:
            chosen = self.query_one(f"#{name}", Select).value
            return None if chosen is Select.NULL else str(chosen)

        limit_text = self.query_one("#limit", Input).value.strip()
        limit = int(limit_text) if limit_text.isdigit() and int(limit_text) > 0 else None
        self.dismiss(replace(self.request, deck=value("deck"), lesson=value("lesson"), tag=value("tag"),
                             cram=self.query_one("#cram", Checkbox).value, limit=limit))
