"""Writing the learner's own note on a question, in a dialog: Ctrl+S (or F2) keeps it, Esc leaves it as it was."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from lambdalearn.tui.widgets.text import assemble, inline


class CardNoteScreen(ModalScreen[str | None]):
    """Dismisses with the note's new text ("" removes it), or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding("ctrl+s,f2", "save", "Save")]

    def __init__(self, question_id: str, text: str) -> None:
        super().__init__()
        self.question_id, self.text = question_id, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="card-note-dialog"):
            yield Label(assemble("[b]Your note on[/] ", inline(self.question_id), "  (Ctrl+S or F2 saves, Esc cancels)"))
            yield TextArea(self.text, id="card-note", soft_wrap=True,
                           placeholder="What to remember about this question (empty removes the note)")
            with Horizontal(classes="buttons"):
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        editor = self.query_one("#card-note", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#card-note", TextArea).text)
