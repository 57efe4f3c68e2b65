"""Settings: desired retention, daily limits, exam defaults and theme, validated and stored by
`progress.settings` (the same rules as everywhere else)."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select

from lambdalearn.progress.settings import SettingsError, save_settings

FIELDS = (
    ("desired_retention", "Desired retention (0.70-0.99)", "number"),
    ("daily_new_limit", "New cards a day", "integer"),
    ("daily_review_limit", "Reviews a day", "integer"),
    ("exam_questions", "Exam questions (empty: pack's)", "integer"),
    ("exam_minutes", "Exam minutes (empty: pack's)", "integer"),
)


class SettingsScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+s,f2", "save", "Save")]

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        yield Header(icon="λ")
        with Vertical(id="settings-form"):
            for name, label, kind in FIELDS:
                value = getattr(settings, name)
                with Horizontal(classes="form-row"):
                    yield Label(label)
                    yield Input("" if value is None else str(value), type=kind, id=name)
            with Horizontal(classes="form-row"):
                yield Label("Theme")
                themes = sorted(self.app.available_themes)
                yield Select([(t, t) for t in themes], value=self.app.theme, allow_blank=False, id="theme")
            yield Label("", id="settings-error")
            yield Button("Save (Ctrl+S / F2)", id="save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Settings"

    def on_select_changed(self, event: Select.Changed) -> None:
        self.app.theme = str(event.value)  # a preview; saved with the rest (and remembered by the app)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save()

    def action_save(self) -> None:
        values: dict[str, object] = {}
        for name, _label, kind in FIELDS:
            text = self.query_one(f"#{name}", Input).value.strip()
            if not text:
                values[name] = None if name.startswith("exam_") else text  # blank required: reported below
                continue
            try:
                values[name] = float(text) if kind == "number" else int(text)
            except ValueError:
                values[name] = text
        candidate = replace(self.app.settings, **values, theme=str(self.query_one("#theme", Select).value))
        try:
            save_settings(self.app.store, candidate)
        except SettingsError as error:
            self.query_one("#settings-error", Label).update(str(error))
            return
        self.app.settings = candidate
        self.query_one("#settings-error", Label).update("")
        self.notify("Settings saved.", timeout=3)

    def action_back(self) -> None:
        self.dismiss()
