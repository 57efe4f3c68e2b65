"""Home: where the learner stands (level, XP, streak, due, today's goal), the course map, and "continue".

The first frame is the header, a loading line and the footer; the body (standing, map, packs) is mounted
when the app has loaded the course and opened the database, since it has nothing to show before that. The
exam readiness (FSRS over every exam question, with its imports) is added once the map has been drawn.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets.data_table import ColumnKey

from lambdalearn.tui.widgets.course_map import CourseMap
from lambdalearn.textsafe import printable
from lambdalearn.tui.widgets.text import escape, inline
from textual.widgets import Button, DataTable, Footer, Header, Label, ProgressBar, Static

_STATE_MARKS = {"done": "✓ done", "in progress": "◐ reading", "not started": "·"}
_LAB_MARKS = {"new": "· new", "started": "◐ started", "attempted": "◑ attempted", "completed": "✓ completed"}


FIRST_RUN_TOUR = (
    "[b]New here?[/] ↑/↓ and Enter open a lesson (or [b]c[/] continues where it makes sense) · in a lesson "
    "[b]←/→[/] page, [b]q[/] quizzes it, [b]d[/] marks it done · [b]r[/] reviews · [b]e[/] mock exam · "
    "[b]s[/] stats · [b]/[/] search · [b]p[/] playground · [b]F1[/] every key · [b]Ctrl+P[/] palette"
)


class HomeScreen(Screen):
    BINDINGS = [
        Binding("c", "continue", "Continue"),
        Binding("r", "app.quiz", "Review"),
        Binding("e", "app.exam", "Exam"),
        Binding("s", "app.stats", "Stats"),
        Binding("slash", "app.search", "Search"),
        Binding("ctrl+f", "app.search", "Search", show=False),
        Binding("comma", "app.settings", "Settings", show=False),
        Binding("p", "app.playground", "Playground"),
        Binding("b", "app.browse", "Browse", show=False),
        Binding("a", "app.scale", "Scale", show=False),  # F1 and the palette list it: the footer fits 80 columns
        Binding("f", "pack_filter", "Packs"),
        Binding("v", "skipped", "Skipped", show=False),
        Binding("f2", "app.settings", "Settings", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.complete = False  # every figure shown: the readiness comes just after the map is drawn
        self._course_line = ""
        self._pack_filter_shown = False  # whether the footer offers the pack filter (f)
        self._fill_generation = 0  # counts map fills: rows added after a frame belong to the newest one

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Vertical(id="home"):
            yield Static("Loading the course…", id="loading")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "ready", self._on_ready)
        if not self.app.ready and self.app.start_screen is None:
            self.call_after_refresh(self.app.load_study)  # after the first frame: loading competes for the GIL

    async def _on_ready(self, ready: bool) -> None:
        if ready and not self.query("#course-map"):
            await self._mount_body()
            self.refresh_figures()
            self.call_after_refresh(self.app.warm_screens)

    async def _mount_body(self) -> None:
        standing = Horizontal(
            Label("", id="level"),
            ProgressBar(total=100, show_eta=False, show_percentage=False, id="xp-bar"),
            Label("", id="xp-left"),
            id="standing",
        )
        continue_row = Horizontal(
            Button("Continue", id="continue", variant="primary"), Label("", id="continue-hint"), id="continue-row"
        )
        table = CourseMap(id="course-map", cursor_type="row", zebra_stripes=True)
        body = self.query_one("#home")
        await self.query_one("#loading").remove()
        await body.mount_all([standing, Static("", id="today"), Static("", id="progress"), Static("", id="tour"),
                              continue_row, table, Static("", id="packs")])
        if self.app.preview is not None:
            await body.mount(VerticalScroll(Static("", id="problems"), id="problems-scroll"))
        table.add_column("#", key="order", width=3)
        table.add_column("Lesson", key="title")
        table.add_column("State", key="state", width=10)
        table.add_column("Min", key="minutes", width=4)
        table.add_column("XP", key="xp", width=4)
        self._fit_titles()
        table.focus()

    def on_resize(self) -> None:
        self._fit_titles()

    def _fit_titles(self) -> None:
        """Fit the title column to the terminal so the map never needs a sideways scroll."""
        tables = self.query("#course-map")
        if not tables:
            return
        table = tables.first(DataTable)
        title = table.columns[ColumnKey("title")]
        title.auto_width = False
        title.width = max(16, min(72, self.size.width - 36))
        table._require_update_dimensions = True  # Textual recomputes the width only when cells change
        table.refresh(layout=True)

    def on_screen_resume(self) -> None:
        """Back on home: refresh, or load the course if the app opened on another screen (the playground)
        and put it off so as not to compete with that screen for the interpreter."""
        if not self.app.ready and self.app.start_screen is not None:
            self.app.start_screen = None
            self.app.load_study()
        if self.app.ready and self.query("#course-map"):
            self.refresh_figures()

    def refresh_figures(self) -> None:
        """Read the learner's standing and the course map from the services and show them."""
        from lambdalearn.progress.queue import answers_today
        from lambdalearn.progress.stats import summary
        from lambdalearn.study.course import course_map, new_cards_today, next_step
        from lambdalearn.study.labs import lab_rows

        app = self.app
        self.complete = False
        figures = summary(app.store, app.now())
        level_progress = figures["level_progress"]
        self.query_one("#level", Label).update(f"Level {figures['level']} · {figures['xp']} XP")
        bar = self.query_one("#xp-bar", ProgressBar)
        bar.update(total=100, progress=round(level_progress * 100))
        self.query_one("#xp-left", Label).update(f"{figures['next_level_xp'] - figures['xp']} XP to level {figures['level'] + 1}")
        done = answers_today(app.store, app.now())
        reviewed = done["review"] + done["learn"]  # a due card answered counts, in a learning step or not
        goal_new = app.settings.daily_new_limit
        streak = figures["streak_days"]
        self.query_one("#today", Static).update(
            f"Streak {streak} day{'s' if streak != 1 else ''} · {figures['due_now']} due now · "
            f"today's goal: {reviewed}/{figures['due_now'] + reviewed} reviews, "
            f"{min(done['new'], goal_new)}/{goal_new} new"
        )
        packs = app.shown_packs()
        rows = course_map(app.store, packs)
        labs = lab_rows(app.store, packs)
        self._fill_map(rows, labs)
        self._show_progress(rows, labs, figures["reviews"])
        new_available = new_cards_today(app.store, packs, app.now())
        self._next = next_step(rows, figures["due_now"], new_available)
        button = self.query_one("#continue", Button)
        button.label = inline(f"▶ {self._next.label}")  # it can name a lesson: pack text
        button.disabled = False
        self.query_one("#continue-hint", Label).update("c · Enter or a click opens a lesson")
        self._show_packs()
        self.call_after_refresh(self._show_readiness)

    def _show_progress(self, rows, labs, answered: int) -> None:
        """Course progress (lessons and labs done); before the learner has started anything, a tour of the keys."""
        from lambdalearn.study.course import NOT_STARTED, course_progress

        self._course_line = "Course " + course_progress(rows, labs).describe()
        self.query_one("#progress", Static).update(self._course_line)
        first_run = not answered and all(row.state == NOT_STARTED for row in rows)
        tour = self.query_one("#tour", Static)
        tour.display = first_run  # a tour of the keys until the learner has started something, as Rustlings greets
        tour.update(FIRST_RUN_TOUR)

    def _show_readiness(self) -> None:
        """For a pack with an exam, the readiness prediction after the course line. Called once the map is
        drawn: a learner sees the map without waiting for it."""
        from lambdalearn.study.readiness import predict
        from lambdalearn.study.standing import exam_pack
        from lambdalearn.tui.widgets.readiness import readiness_markup

        if not self.is_attached:
            return
        pack = exam_pack(self.app.shown_packs())
        readiness = predict(self.app.store, pack, self.app.now()) if pack else None
        line = self._course_line + (" · " + readiness_markup(readiness) if readiness else "")
        self.query_one("#progress", Static).update(line)
        self.complete = True

    def _fill_map(self, rows, labs) -> None:
        """Lessons in course order, each followed by its labs; labs of a lesson not shown come last.

        The rows a screen shows (through the cursor's) go in at once and the rest just after that frame is
        drawn: the table measures every row it is given, so a big pack beside the course would otherwise
        hold the whole map back. Cells are plain text: a title is the pack's words, never markup."""
        from lambdalearn.study.labs import LabRow

        table = self.query_one("#course-map", DataTable)
        cursor = table.cursor_row
        table.clear()
        by_lesson: dict[tuple[str, str], list] = {}
        for lab in labs:
            by_lesson.setdefault((lab.pack_id, lab.lesson_id), []).append(lab)
        self._rows = []
        for row in rows:
            self._rows.append(row)
            self._rows.extend(by_lesson.pop((row.pack.id, row.lesson.id), []))
        self._rows.extend(lab for waiting in by_lesson.values() for lab in waiting)
        cells = []
        for row in self._rows:
            if isinstance(row, LabRow):
                spec = row.found.spec
                cells.append(("", f"  ⚗ Lab: {spec.title}", _LAB_MARKS[row.status], str(spec.minutes), str(spec.xp)))
            else:
                lesson = row.lesson
                cells.append((str(lesson.order), lesson.title, _STATE_MARKS[row.state], str(lesson.minutes),
                              str(lesson.xp)))
        self._fill_generation += 1
        first = cursor + 1 + max(self.size.height, 24)  # through the cursor's row, and a screen more
        self._add_map_rows(table, cells, 0, first)
        if self._rows:
            table.move_cursor(row=min(cursor, len(self._rows) - 1))
        if first < len(cells):
            self.call_after_refresh(self._add_map_rows, table, cells, first, len(cells), self._fill_generation)

    def _add_map_rows(self, table: DataTable, cells: list[tuple[str, ...]], start: int, end: int,
                      generation: int | None = None) -> None:
        """Add rows start..end of the map, unless a newer fill has replaced them since (generation)."""
        if generation is not None and generation != self._fill_generation:
            return
        for index in range(start, min(end, len(cells))):
            table.add_row(*(Content(printable(cell)) for cell in cells[index]), key=str(index))

    def _show_packs(self) -> None:
        from lambdalearn.study.packs import pack_lines

        app = self.app
        lines = pack_lines(app.catalog.packs, app.data_dir)
        if len(lines) == 1:
            text = f"Pack: {escape(lines[0].describe())}"
        else:
            shown = f"showing [b]{escape(app.pack_filter)}[/] only" if app.pack_filter else "showing all"
            text = f"{len(lines)} packs, {shown} (f picks): " + "; ".join(
                escape(f"{line.pack.manifest.title} ({line.origin})") for line in lines)
        skipped = app.catalog.skipped
        if skipped:
            text += (f"\n[b $warning]{len(skipped)} item(s) skipped: they failed validation[/]"
                     " [dim](v lists them; `lambdalearn pack validate` too)[/]")
        else:
            text += " · nothing skipped"
        self.query_one("#packs", Static).update(text)
        if self._pack_filter_shown != (len(app.catalog.packs) > 1):  # the footer is rebuilt on every refresh
            self._pack_filter_shown = len(app.catalog.packs) > 1
            self.refresh_bindings()
        if app.preview is not None:
            self._show_problems()

    def _show_problems(self) -> None:
        """Preview: every problem of the pack, file:line: field: message, one a line (the map shows the rest)."""
        problems = [problem for pack in self.app.catalog.packs for problem in pack.problems]
        head = f"[b]Previewing {escape(str(self.app.preview))}[/]: reloads when you save; progress is thrown away."
        if not problems:
            body = "[$success]No problems.[/]"
        else:
            body = f"[b $error]{len(problems)} problem(s):[/]\n" + "\n".join(escape(str(p)) for p in problems)
        self.query_one("#problems", Static).update(f"{head}\n{body}")
        self.query_one("#problems-scroll").set_class(bool(problems), "failing")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The pack filter shows in the footer only when there is more than one pack to pick from."""
        if action == "pack_filter":
            return self.app.ready and len(self.app.catalog.packs) > 1
        return True

    def action_pack_filter(self) -> None:
        """Pick the pack the course map, quizzes, exams and labs show (or all of them)."""
        from lambdalearn.study.packs import pack_lines
        from lambdalearn.tui.screens.pick import PickScreen

        if not self.app.require_ready():
            return
        lines = pack_lines(self.app.catalog.packs, self.app.data_dir)
        choices = ["All packs"] + [line.describe() for line in lines]
        self.app.push_screen(PickScreen("Show which pack?", choices), lambda index: self._filter_by(index, lines))

    def _filter_by(self, index: int | None, lines) -> None:
        if index is None:
            return
        self.app.pack_filter = None if index == 0 else lines[index - 1].pack.id
        self.refresh_figures()

    def action_skipped(self) -> None:
        """List what failed validation, file:line: field: message, one a line."""
        from lambdalearn.tui.screens.pick import PickScreen

        skipped = self.app.catalog.skipped if self.app.ready else []
        if not skipped:
            self.notify("Nothing was skipped: every pack loaded cleanly.", timeout=3)
            return
        self.app.push_screen(PickScreen("Skipped because they failed validation",
                                        [f"{pack.id}: {problem}" for pack, problem in skipped]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        row = self._rows[int(event.row_key.value)]
        if hasattr(row, "found"):  # a lab row
            self.app.open_lab(row.found)
        else:
            self.app.open_lesson(row.pack, row.lesson)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "continue":
            self.action_continue()

    def action_continue(self) -> None:
        if not self.app.require_ready():
            return
        step = self._next
        if step.kind == "lesson":
            self.app.open_lesson(step.pack, step.lesson)
        elif step.kind in ("review", "learn"):
            self.app.start_quiz()
        else:
            self.app.start_exam()
