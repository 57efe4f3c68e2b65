"""Browse: every question with its card and the learner's marks (Anki's browser). Type to search, narrow by
deck, type and state; on the highlighted row `s` suspends, `b` buries until tomorrow, `f` flags and `n`
edits the learner's note. The detail pane shows the question (its exhibit too), its answer and the note.

A shell over `study.browser` and `progress.marks`, like `lambdalearn browse`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static
from textual.widgets.data_table import ColumnKey

from lambdalearn.content.questions import MultiChoice, SingleChoice, display_prompt
from lambdalearn.progress.reviews import short_interval
from lambdalearn.study.browser import STATES, Filters, Row, browse, question_rows, state_label
from lambdalearn.study.catalog import SelectionError
from lambdalearn.tui.widgets.exhibit import ExhibitView
from lambdalearn.tui.widgets.text import assemble, escape, inline, relative_time

WIDE = 150  # from this many columns the detail pane sits beside the table, else under it
ID_WIDTH = (2, 20)  # the ID column fits the longest id of the shown packs, within these bounds
_FIXED_COLUMNS = (("marks", "", 2), ("state", "State", 10), ("due", "Due", 9), ("lapses", "Lps", 3),
                  ("last", "Last", 7))


class BrowseScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("f", "flag", "Flag"),
        Binding("n", "note", "Note"),
        Binding("o", "open_section", "Lesson", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.by_key: dict[str, Row] = {}

    def compose(self) -> ComposeResult:
        packs = self.app.shown_packs()
        decks = sorted({(deck.title, deck.id) for pack in packs for deck in pack.decks})
        types = sorted({question.type for pack in packs for question in pack.questions()})
        yield Header(icon="λ")
        with Horizontal(id="browse-filters"):
            yield Input(placeholder="search: words or an id (/)", id="browse-search")
            yield Select([(inline(title), deck_id) for title, deck_id in decks], prompt="any deck", id="browse-deck")
            yield Select([(t, t) for t in types], prompt="any type", id="browse-type")
            yield Select([(s, s) for s in STATES], prompt="any state", id="browse-state")
        with Horizontal(id="browse-body"):
            with Vertical(id="browse-list"):
                yield DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
                yield Label("", id="browse-count")
            with VerticalScroll(id="browse-detail"):
                yield Static("", id="browse-where")
                yield Static("", id="browse-card")
                yield Static("", id="browse-note")
                yield ExhibitView(id="browse-exhibit")
                yield Static("", id="browse-prompt", classes="prompt")
                yield Static("", id="browse-answer")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Browse questions"
        table = self.query_one("#browse-table", DataTable)
        longest = max((len(q.id) for pack in self.app.shown_packs() for q in pack.questions()), default=0)
        self.id_width = min(max(longest, ID_WIDTH[0]), ID_WIDTH[1])
        table.add_column("", key="marks", width=2)
        table.add_column("ID", key="id", width=self.id_width)
        for key, label, width in _FIXED_COLUMNS[1:]:
            table.add_column(label, key=key, width=width)
        table.add_column("Prompt", key="prompt")
        self.on_resize()
        self.refill()
        table.focus()

    def on_resize(self) -> None:
        """Detail beside the table when wide, under it when not; the prompt column takes what is left."""
        wide = self.size.width >= WIDE
        self.set_class(wide, "wide")
        table = self.query_one("#browse-table", DataTable)
        prompt = table.columns[ColumnKey("prompt")]
        list_width = self.size.width * 3 // 5 if wide else self.size.width
        prompt.auto_width = False
        fixed = sum(width + 2 for *_rest, width in _FIXED_COLUMNS) + self.id_width + 2
        prompt.width = max(12, list_width - fixed - 4)
        table._require_update_dimensions = True  # Textual recomputes widths only when cells change
        table.refresh(layout=True)

    # ----- the list -------------------------------------------------------------------------------------
    def filters(self) -> Filters:
        def chosen(name: str) -> str | None:
            value = self.query_one(f"#browse-{name}", Select).value
            return None if value is Select.NULL else str(value)

        return Filters(self.query_one("#browse-search", Input).value, self.app.pack_filter, chosen("deck"),
                       type=chosen("type"), state=chosen("state"))

    def refill(self) -> None:
        """Find the rows for the current filters and show them, keeping the highlighted question if it stays."""
        app = self.app
        table = self.query_one("#browse-table", DataTable)
        kept = self.highlighted_key()
        try:
            self.rows = browse(app.store, app.catalog, self.filters(), app.now())
        except SelectionError as error:  # a filter from an older pack set: say so, show nothing
            self.rows = []
            self.notify(str(error), severity="warning", markup=False)  # it lists deck and tag names
        self.by_key = {_row_key(row): row for row in self.rows}
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row), key=_row_key(row))
        count = len(self.rows)
        self.query_one("#browse-count", Label).update(
            f"{count} question{'s' if count != 1 else ''} · s suspend · b bury · f flag · n note")
        if kept in self.by_key:
            table.move_cursor(row=table.get_row_index(kept), animate=False)
        self.show_detail()

    def _cells(self, row: Row) -> tuple:
        now = self.app.now()
        question = row.entry.question
        marks = ("⚑" if row.marks.flagged else " ") + ("✎" if row.marks.note else " ")
        due = "-" if row.due is None else relative_time(row.due, now)
        last = "-" if row.last_answer is None else (
            f"{'✓' if row.last_correct else '✗'} {short_interval(now - row.last_answer)}")
        return (marks, inline(question.id), state_label(row, now), due, str(row.lapses), last,
                inline(" ".join(display_prompt(question).split())))

    def highlighted_key(self) -> str | None:
        table = self.query_one("#browse-table", DataTable)
        if not self.rows or table.cursor_row is None or not 0 <= table.cursor_row < table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    @property
    def current(self) -> Row | None:
        key = self.highlighted_key()
        return self.by_key.get(key) if key else None

    @on(Input.Changed, "#browse-search")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        self.refill()

    @on(Input.Submitted, "#browse-search")
    def _to_table(self) -> None:
        self.query_one("#browse-table").focus()

    @on(DataTable.RowHighlighted, "#browse-table")
    def _highlighted(self) -> None:
        self.show_detail()

    # ----- the detail pane ------------------------------------------------------------------------------
    def show_detail(self) -> None:
        row = self.current
        where, prompt, answer, card, note = (self.query_one(f"#browse-{name}", Static)
                                             for name in ("where", "prompt", "answer", "card", "note"))
        exhibit = self.query_one(ExhibitView)
        if row is None:
            exhibit.show(None)
            for part in (where, answer, card, note):
                part.update("")
            prompt.update("No question matches: change the search or the filters.")
            return
        now = self.app.now()
        question = row.entry.question
        where.update(inline(f"{row.entry.pack.id}/{question.id} · {question.deck_id} · {question.type}"
                            f" · {question.difficulty}").stylize("dim"))
        exhibit.show(question.exhibit)
        pieces = [inline(display_prompt(question))]
        if isinstance(question, (SingleChoice, MultiChoice)):
            for number, choice in enumerate(question.choices, start=1):
                pieces += [f"\n  {number}. ", inline(choice.text)]
        prompt.update(assemble(*pieces))
        answer.update(assemble("[b]Answer:[/] ", inline(question.expected_answer),
                               *(["\n", inline(question.explanation)] if question.explanation else [])))
        due = "-" if row.due is None else relative_time(row.due, now)
        last = "never answered" if row.last_answer is None else (
            f"last answer {'right' if row.last_correct else 'wrong'}, {short_interval(now - row.last_answer)} ago")
        holds = [label for label, on in (("flagged", row.marks.flagged), ("leech", row.leech)) if on]
        card.update(escape(f"{state_label(row, now)} · due {due} · {row.reps} reps · {row.lapses} lapses · {last}"
                           + "".join(f" · {hold}" for hold in holds)))
        note.update(assemble("[b]Your note:[/] ", inline(row.marks.note)) if row.marks.note
                    else "[dim]No note yet: n writes one.[/]")

    # ----- actions on the highlighted question ----------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("suspend", "bury", "flag", "note", "open_section"):
            return self.current is not None
        return True

    def action_suspend(self) -> None:
        from lambdalearn.progress.marks import set_suspended

        row = self.current
        set_suspended(self.app.store, *row.key, not row.marks.suspended, now=self.app.now())
        self._changed(row, "Suspended: it will not come up until you unsuspend it (s)." if not row.marks.suspended
                      else "Unsuspended: it comes up when it is due.")

    def action_bury(self) -> None:
        from lambdalearn.progress.marks import bury, unbury

        row, now = self.current, self.app.now()
        if row.marks.buried(now):
            unbury(self.app.store, *row.key, now=now)
            self._changed(row, "Unburied: it can come up today.")
        else:
            bury(self.app.store, *row.key, now=now)
            self._changed(row, "Buried until tomorrow.")

    def action_flag(self) -> None:
        from lambdalearn.progress.marks import set_flagged

        row = self.current
        set_flagged(self.app.store, *row.key, not row.marks.flagged, now=self.app.now())
        self._changed(row, "Flagged." if not row.marks.flagged else "Flag taken off.")

    def action_note(self) -> None:
        from lambdalearn.progress.marks import save_card_note
        from lambdalearn.tui.screens.card_note import CardNoteScreen

        row = self.current

        def save(text: str | None) -> None:
            if text is not None:
                marks = save_card_note(self.app.store, *row.key, text, now=self.app.now())
                self._changed(row, "Note saved." if marks.note else "Note removed.")

        self.app.push_screen(CardNoteScreen(row.entry.question.id, row.marks.note), save)

    def _changed(self, row: Row, message: str) -> None:
        """Show the question's new marks in its row and the detail pane (the row stays until the next search)."""
        fresh = question_rows(self.app.store, [row.entry])[0]
        key = _row_key(fresh)
        self.rows[self.rows.index(row)] = fresh
        self.by_key[key] = fresh
        table = self.query_one("#browse-table", DataTable)
        for column, value in zip(("marks", "id", "state", "due", "lapses", "last", "prompt"), self._cells(fresh)):
            table.update_cell(key, column, value)
        self.show_detail()
        self.notify(message, timeout=3)

    def action_open_section(self) -> None:
        from lambdalearn.study.course import section_target

        row = self.current
        target = section_target(row.entry.pack, row.entry.question)
        if target is None:
            self.notify("This question has no lesson section.", timeout=3)
        else:
            self.app.open_lesson(row.entry.pack, *target)

    def action_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_back(self) -> None:
        if self.query_one("#browse-search", Input).has_focus:
            self.query_one("#browse-table").focus()
        else:
            self.dismiss()


def _row_key(row: Row) -> str:
    return "/".join(row.key)
