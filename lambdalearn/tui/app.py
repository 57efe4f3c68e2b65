"""The lambdalearn study app: screens, key bindings, the command palette, themes and start-up.

The first frame shows at once: the course (about a second of YAML) loads in a thread worker and the
progress database opens right after, on the app's thread (SQLite connections stay on the thread that made
them). Screens that need them wait for `ready`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from lambdalearn.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from lambdalearn.content.models import Lesson, Pack
    from lambdalearn.labs.finder import FoundLab
    from lambdalearn.progress.settings import Settings
    from lambdalearn.progress.store import ProgressStore
    from lambdalearn.study.catalog import Catalog, Entry


@dataclass(frozen=True)
class QuizRequest:
    """Which questions a quiz session draws from (the same filters as `lambdalearn quiz`)."""

    pack: str | None = None
    deck: str | None = None
    lesson: str | None = None
    tag: str | None = None
    limit: int | None = None
    new_limit: int | None = None
    cram: bool = False
    ahead: bool = False  # study ahead of schedule

    def describe(self) -> str:
        parts = [f"{name} {value}" for name, value in (("pack", self.pack), ("deck", self.deck),
                 ("lesson", self.lesson), ("tag", self.tag)) if value]
        mode = "cram · " if self.cram else "ahead · " if self.ahead else ""
        return mode + (", ".join(parts) or "all packs")


class LambdaLearnApp(App[None]):
    TITLE = "lambdalearn"
    SUB_TITLE = "learn AWS Lambda"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f10", "quit", "Quit", show=False, priority=True),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    ready: reactive[bool] = reactive(False)

    def __init__(
        self,
        data_dir: Path | None,
        *,
        pack_roots: list[Path] | None = None,
        catalog: Catalog | None = None,
        start_quiz: QuizRequest | None = None,
        start_screen: Callable[[], Screen] | None = None,
        preview: Path | None = None,
        seed: int | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = Path(data_dir) if data_dir is not None else None  # None: resolved when loading
        self.pack_roots = pack_roots
        self.catalog: Catalog | None = catalog
        self.store: ProgressStore | None = None
        self.settings: Settings | None = None
        self.start_quiz_request = start_quiz
        self.start_screen = start_screen  # pushed over home at once (the playground needs no course)
        self.preview = preview  # a pack folder being written: reloaded on every save, problems shown
        self.rng = random.Random(seed)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.load_error: str | None = None  # why the app ended early: the command line prints it
        self.pack_filter: str | None = None  # the id of the one pack home, quizzes, exams and labs show

    def now(self) -> datetime:
        return self.clock()

    def shown_packs(self) -> list[Pack]:
        """The loaded packs the pack filter keeps (all of them without a filter)."""
        from lambdalearn.study.packs import keep_packs

        return keep_packs(self.catalog.packs, self.pack_filter)

    # ----- start-up -------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """The home screen is the base of the stack (no blank default screen to paint first)."""
        return HomeScreen()

    def on_mount(self) -> None:
        if self.start_screen is not None:
            self.push_screen(self.start_screen())

    @work(thread=True, exclusive=True, group="load")
    def load_study(self) -> None:
        """Find the data folder, import the services and load the packs (about a second) off the app's thread."""
        from lambdalearn.progress.paths import resolve_data_dir
        from lambdalearn.progress.store import StoreError
        from lambdalearn.study.catalog import Catalog

        try:
            self.data_dir = resolve_data_dir(self.data_dir)
        except StoreError as error:
            self.call_from_thread(self._fail, str(error))
            return
        catalog = self.catalog or Catalog.load(self.pack_roots, self.data_dir)
        self.call_from_thread(self._open_store, catalog)

    @work(thread=True, group="warm")
    def warm_screens(self) -> None:
        """Import the screens a learner opens next, so the first lesson opens as fast as the rest. Home starts
        this once its map shows: run earlier, it would compete with drawing the map."""
        import textual.highlight  # noqa: F401  (code blocks in lessons)
        import lambdalearn.tui.screens.lesson  # noqa: F401
        import lambdalearn.tui.screens.quiz  # noqa: F401

    def _fail(self, message: str) -> None:
        """The data folder or database cannot be used: leave, and let the command line print why."""
        self.load_error = message
        self.exit(return_code=1)

    def _open_store(self, catalog: Catalog) -> None:
        from lambdalearn.progress.settings import load_settings
        from lambdalearn.progress.store import ProgressStore, StoreError

        self.catalog = catalog
        try:
            self.store = ProgressStore.open(self.data_dir)
        except StoreError as error:
            self._fail(str(error))
            return
        self.settings = load_settings(self.store)
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=15, markup=False)  # it names the data folder
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.ready = True
        if self.preview is not None:
            self.watch_preview()
        if self.start_quiz_request is not None:
            self.start_quiz(self.start_quiz_request)

    # ----- pack preview ---------------------------------------------------------------------------------
    @work(exclusive=True, group="preview")
    async def watch_preview(self) -> None:
        """Reload the previewed pack each time one of its files is saved (loading runs in a thread)."""
        import asyncio

        from watchfiles import awatch

        from lambdalearn.study.catalog import Catalog

        async for _changes in awatch(self.preview, debounce=300, rust_timeout=500):
            catalog = await asyncio.to_thread(Catalog.load, [self.preview], None)
            self.reload_catalog(catalog)

    def reload_catalog(self, catalog: Catalog) -> None:
        """Show the freshly loaded packs: home redraws, an open lesson is shown again from the new copy."""
        from lambdalearn.tui.screens.lesson import LessonScreen

        self.catalog = catalog
        problems = sum(len(pack.problems) for pack in catalog.packs)
        self.notify(f"Reloaded the pack: {problems} problem{'s' if problems != 1 else ''}.", timeout=3,
                    severity="warning" if problems else "information")
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.query("#course-map"):
                screen.refresh_figures()
        if isinstance(self.screen, LessonScreen):
            pack = catalog.pack(self.screen.pack.id)
            lesson = pack.lesson(self.screen.lesson.id) if pack is not None else None
            if lesson is not None:
                self.screen.show_lesson(pack, lesson, self.screen.pages[self.screen.page_index].anchor)

    def _handle_exception(self, error: Exception) -> None:
        """The app's error boundary (its workers' failures come here too): the traceback goes to the log in
        the data folder and the command line prints one line saying what and where (see `errors`)."""
        from textual.worker import WorkerFailed

        from lambdalearn.errors import report_failure

        cause = error.error if isinstance(error, WorkerFailed) else error
        self.load_error = report_failure(cause, self.data_dir, "the lambdalearn app")
        super()._handle_exception(error)  # exits with status 1; under run_test the error is raised again
        self._exit_renderables.clear()  # Textual's traceback on the terminal gives way to the one line

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()

    # ----- themes ---------------------------------------------------------------------------------------
    def watch_theme(self, theme: str) -> None:
        """Remember the theme the learner picks (palette or settings) in their settings."""
        if not self.ready or self.settings is None or self.settings.theme == theme:
            return
        from lambdalearn.progress.settings import save_settings

        self.settings.theme = theme
        save_settings(self.store, self.settings)

    # ----- navigation -----------------------------------------------------------------------------------
    def require_ready(self) -> bool:
        if not self.ready:
            self.notify(self.load_error or "Still loading the course…", severity="warning")
        return self.ready

    def go_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def open_lesson(self, pack: Pack, lesson: Lesson, anchor: str = "") -> None:
        from lambdalearn.tui.screens.lesson import LessonScreen

        if self.require_ready():
            if isinstance(self.screen, LessonScreen):
                self.screen.show_lesson(pack, lesson, anchor)
            else:
                self.push_screen(LessonScreen(pack, lesson, anchor))

    def open_lab(self, found: FoundLab) -> None:
        from lambdalearn.tui.screens.lab import LabScreen

        if self.require_ready():
            self.push_screen(LabScreen(found))

    def action_playground(self) -> None:
        from lambdalearn.tui.screens.playground import PlaygroundScreen

        self.push_screen(PlaygroundScreen())

    def action_scale(self, example: str = "") -> None:
        from lambdalearn.tui.screens.scale import ScaleScreen

        self.push_screen(ScaleScreen(example))

    def start_quiz(self, request: QuizRequest | None = None) -> None:
        from lambdalearn.tui.screens.quiz import QuizScreen

        if self.require_ready():
            self.push_screen(QuizScreen(request or QuizRequest(pack=self.pack_filter)))

    def select(self, request: QuizRequest) -> list[Entry]:
        """The questions a request draws from, in course order (new cards come in the order lessons teach
        them); SelectionError for an unknown name."""
        from lambdalearn.study.course import in_course_order

        entries = self.catalog.select(pack=request.pack, deck=request.deck, lesson=request.lesson, tag=request.tag)
        return in_course_order(entries)

    def start_exam(self, pack: Pack | None = None) -> None:
        from lambdalearn.tui.screens.exam_setup import ExamSetupScreen

        if self.require_ready():
            packs = [p for p in self.shown_packs() if p.manifest.exam is not None]
            if not packs:
                where = f"Pack {self.pack_filter} has" if self.pack_filter else "No loaded pack has"
                self.notify(f"{where} no exam blueprint.", severity="warning")
                return
            self.push_screen(ExamSetupScreen(packs, pack))

    def action_home(self) -> None:
        self.go_home()

    def action_quiz(self) -> None:
        self.start_quiz()

    def action_cram(self) -> None:
        self.start_quiz(QuizRequest(pack=self.pack_filter, cram=True, limit=20))

    def action_exam(self) -> None:
        self.start_exam()

    def action_stats(self) -> None:
        from lambdalearn.tui.screens.stats import StatsScreen

        if self.require_ready():
            self.push_screen(StatsScreen())

    def action_browse(self) -> None:
        from lambdalearn.tui.screens.browse import BrowseScreen

        if self.require_ready():
            self.push_screen(BrowseScreen())

    def action_settings(self) -> None:
        from lambdalearn.tui.screens.settings import SettingsScreen

        if self.require_ready():
            self.push_screen(SettingsScreen())

    def action_help(self) -> None:
        from lambdalearn.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_search(self) -> None:
        from lambdalearn.tui.screens.search import SearchScreen

        if self.require_ready():
            self.push_screen(SearchScreen(), self._open_search_hit)

    def _open_search_hit(self, hit) -> None:
        if hit is not None:
            self.open_lesson(hit.pack, hit.lesson, hit.anchor)

    def action_continue(self) -> None:
        home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
        if home is not None and self.require_ready():
            home.action_continue()

    async def action_quit(self) -> None:
        """Leave cleanly: screens save what is pending (notes) or ask first (an unfinished exam)."""
        for screen in reversed(self.screen_stack):
            prepare = getattr(screen, "prepare_quit", None)
            if prepare is not None and not prepare():
                return
        self.exit()

    # ----- command palette ------------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from lambdalearn.tui.widgets.text import escape

        yield SystemCommand("Home", "Back to the home screen and the course map", self.go_home)
        yield SystemCommand("Continue", "Do the next thing worth doing", self.action_continue)
        yield SystemCommand("Quiz: due cards", "Study what is due, then new cards", self.action_quiz)
        yield SystemCommand("Quiz: cram", "20 questions, due or not; the schedule is left alone", self.action_cram)
        yield SystemCommand("Mock exam", "A timed exam built from the pack's blueprint", self.action_exam)
        yield SystemCommand("Stats", "Reviews, forecast, heatmap, retention, XP and leeches", self.action_stats)
        yield SystemCommand("Settings", "Retention, daily limits, exam defaults, theme", self.action_settings)
        yield SystemCommand("Playground", "Fire traffic at a function and watch its environments",
                            self.action_playground)
        yield SystemCommand("Scale: simulate Lambda at scale", "Cold starts, throttles and cost for millions of requests",
                            self.action_scale)
        yield SystemCommand("Search lessons", "Find a word or phrase in every lesson", self.action_search)
        yield SystemCommand("Browse questions", "Search and filter every question; suspend, bury, flag, note",
                            self.action_browse)
        yield SystemCommand("Help", "Keys and how the app works", self.action_help)
        if self.ready:
            for pack in self.shown_packs():
                for lesson in sorted(pack.lessons, key=lambda lesson: lesson.order):
                    yield SystemCommand(  # the palette reads titles as markup: pack text is escaped
                        escape(f"Lesson {lesson.order}: {lesson.title}"), escape(lesson.summary or pack.manifest.title),
                        lambda p=pack, l=lesson: self.open_lesson(p, l),
                    )
                    yield SystemCommand(
                        escape(f"Quiz me on: {lesson.title}"), f"Questions about lesson {lesson.order}",
                        lambda l=lesson: self.start_quiz(QuizRequest(lesson=l.id)),
                    )
            from lambdalearn.labs.finder import course_order

            for found in course_order(self.shown_packs()):
                yield SystemCommand(
                    escape(f"Lab: {found.spec.title}"), escape(f"Hands-on: {found.spec.difficulty}, {found.spec.xp} XP"),
                    lambda f=found: self.open_lab(f),
                )
            if hasattr(screen, "system_commands"):
                yield from screen.system_commands()
        yield from super().get_system_commands(screen)
