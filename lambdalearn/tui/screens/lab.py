"""The lab screen: the instructions (paged by `##`, hints only when asked) beside the checks and their live
status, the function's log as it comes, and keys to run, watch, edit, take a hint, reset and see the solution.

The checks run in an async worker on the app's loop (the runner is asyncio and never blocks it); a new run
cancels one in progress, which stops every environment the old run started. Watch mode waits for saves
with watchfiles in another worker; a manual run always works beside it. Results are recorded through the
progress services, which award the lab's XP once.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, RichLog, Static

from lambdalearn.labs.finder import FoundLab
from lambdalearn.labs.report import PASS, CheckResult, LabReport
from lambdalearn.labs.workspace import holds_files
from lambdalearn.study.labs import (
    InstructionPage, choose_editor, completed_notice, hints_markdown, instruction_pages, lab_workspace, open_workspace,
    passing_workspace,
)
from lambdalearn.tui.widgets.code_blocks import CodeSidewaysMixin
from lambdalearn.textsafe import printable
from lambdalearn.tui.widgets.text import escape

_MARKS = {PASS: "[b $success]✓[/]", "fail": "[b $error]✗[/]", "error": "[b $warning]![/]"}
_MESSAGE_LINES = 8  # of a failed check's message in the list (the diff can be long)
_LAMBDA_LINES = ("START ", "END ", "REPORT ", "INIT_START", "INIT_REPORT")


class LabScreen(CodeSidewaysMixin, Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r,ctrl+r", "run", "Run checks"),
        Binding("w", "watch", "Watch"),
        Binding("i", "hint", "Hint"),
        Binding("e", "edit", "Edit"),
        Binding("x", "reset", "Reset"),
        Binding("s", "solution", "Solution"),
        Binding("right,l", "page(1)", "Page", key_display="→"),
        Binding("shift+right", "code_sideways(1)", "Code →", show=False),
        Binding("shift+left", "code_sideways(-1)", "Code ←", show=False),
        Binding("left,h", "page(-1)", "Page", key_display="←", show=False),
    ]

    def __init__(self, found: FoundLab) -> None:
        super().__init__()
        self.found = found
        self.spec = found.spec
        self.results: dict[str, CheckResult | None] = {check.name: None for check in self.spec.checks}
        self.running = False
        self.watching = False
        self.runs = 0
        self.last_report: LabReport | None = None
        self._watch_stop: asyncio.Event | None = None
        self.workspace = None  # opened (made from the starter if new) when the screen mounts
        self.hints_shown = 0
        self.pages: list[InstructionPage] = instruction_pages(found)
        self.page_index = 0

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Horizontal(id="lab-body"):
            with Vertical(id="lab-reader"):
                yield Static("", id="lab-badges")
                with VerticalScroll(id="lab-page-scroll"):
                    yield Markdown(self.pages[0].text, id="lab-page", open_links=False)
                yield Static("", id="lab-pager")
            with Vertical(id="lab-side"):
                yield Static("", id="lab-state")
                with VerticalScroll(id="lab-checks-scroll"):
                    yield Static("", id="lab-checks")
        yield RichLog(id="lab-log", max_lines=1000, wrap=False)
        yield Footer()

    def on_mount(self) -> None:
        from lambdalearn.tui.screens.confirm import ConfirmScreen

        app = self.app
        passing = passing_workspace(app.store, app.data_dir, self.found)
        if passing is None:
            self._open()
            return
        # As `lab start` does: a completed lab is never quietly swapped for a fresh starter.
        if holds_files(passing):
            question, yes, other = (f"{completed_notice(self.found, passing)} Open it, or start over from the starter "
                                    "(it is kept as a backup)?"), "Open it", "Start over"
        else:
            question, yes, other = f"{completed_notice(self.found, passing)} Start over from the starter?", "Start over", None
        app.push_screen(ConfirmScreen(question, yes=yes, no="Back", other=other), self._completed_choice)

    def _completed_choice(self, answer: str | None) -> None:
        from lambdalearn.labs.workspace import reset_workspace

        if answer not in ("yes", "other"):
            self.dismiss()
            return
        backup = None
        if answer == "other":
            backup = reset_workspace(self.spec, lab_workspace(self.app.store, self.app.data_dir, self.found))
        self._open()
        if backup is not None:
            self._log(f"── started over from the starter; your passing workspace is kept in {backup} ──")
            self.notify(f"Fresh workspace. Your passing workspace is kept in {backup}.", timeout=8, markup=False)

    def _open(self) -> None:
        """Open the workspace (made from the starter if there is none) and show the lab."""
        from lambdalearn.progress.labs import lab_progress

        app = self.app
        self.workspace = open_workspace(app.store, app.data_dir, self.found)
        progress = lab_progress(app.store, self.found.pack_id, self.spec.id)
        self.hints_shown = progress.hints_shown
        self._with_hints()
        self.sub_title = f"Lab: {self.spec.title}"
        self.query_one("#lab-log", RichLog).write(
            Text(f"workspace: {self.workspace}\nedit {', '.join(self.spec.editable)}, then press r "
                 "(or w to re-run on every save); the function's output shows here.", style="dim")
        )
        self._show_page()
        self._show_checks()
        self.query_one("#lab-page-scroll").focus()

    # ----- showing -----------------------------------------------------------------------------------------
    def _with_hints(self) -> None:
        """The instruction pages, plus one page of the hints taken so far."""
        self.pages = instruction_pages(self.found)
        if self.hints_shown:
            self.pages.append(InstructionPage("Hints", hints_markdown(self.found, self.hints_shown)))

    def _show_page(self) -> None:
        page = self.pages[self.page_index]
        spec = self.spec
        self.query_one("#lab-badges", Static).update(
            f"[reverse] {spec.difficulty} [/] [reverse] {spec.xp} XP [/] [reverse] {spec.minutes} min [/]"
        )
        self.query_one("#lab-pager", Static).update(
            f"{self.page_index + 1}/{len(self.pages)} {escape(page.title)} · ←/→ pages · ⇧←/→ code"
        )
        self.query_one("#lab-page-scroll", VerticalScroll).scroll_home(animate=False)
        self.query_one("#lab-page", Markdown).update(page.text)

    def _show_checks(self) -> None:
        """The checks with their marks; names and messages go in as markup variables, so brackets in them
        (a JSON diff ends lines with `[`) are always text."""
        lines = []
        for name, result in self.results.items():
            if result is None:
                mark = "[$text-muted]…[/]" if self.running else "[$text-muted]·[/]"
                lines.append(Content.from_markup(f"{mark} $name", name=printable(name)))
                continue
            lines.append(Content.from_markup(f"{_MARKS[result.status]} $name", name=printable(name)))
            message = printable(result.message).splitlines()
            shown = message if len(message) <= _MESSAGE_LINES else [*message[:_MESSAGE_LINES - 1], "… (lab check shows all)"]
            lines.extend(Content.from_markup("   [$text-muted]$line[/]", line=line) for line in shown)
        self.query_one("#lab-checks", Static).update(Content("\n").join(lines))
        passed = sum(1 for r in self.results.values() if r is not None and r.passed)
        state = "running…" if self.running else f"{passed}/{len(self.results)} passed" if self.runs else "not run yet"
        watch = " · [b]watching[/] (w stops)" if self.watching else ""
        self.query_one("#lab-state", Static).update(f"[b]Checks[/] {state}{watch}")

    def _log(self, line: str) -> None:
        style = "dim" if line.startswith(_LAMBDA_LINES) else ""
        self.query_one("#lab-log", RichLog).write(Text(printable(line), style=style))  # the learner's output

    # ----- running the checks ------------------------------------------------------------------------------
    def action_run(self) -> None:
        self.run_checks()

    @work(exclusive=True, group="lab-run")
    async def run_checks(self) -> LabReport:
        """Run every check against the workspace; a run started meanwhile cancels this one."""
        from lambdalearn.labs.runner import LabRunner

        self.running = True
        self.runs += 1
        self.results = {check.name: None for check in self.spec.checks}
        self._show_checks()
        self._log(f"── run {self.runs}: checking {self.spec.id} ──")
        runner = LabRunner(self.spec, self.workspace, on_check=self._check_done, on_log=self._log,
                           pack_id=self.found.pack_id)
        try:
            report = await runner.run()
        finally:
            self.running = False
        self._finish(report)
        return report

    def _check_done(self, result: CheckResult) -> None:
        self.results[result.name] = result
        self._show_checks()

    def _finish(self, report: LabReport) -> None:
        from lambdalearn.progress.labs import record_lab_result

        self.last_report = report
        for result in report.checks:
            self.results[result.name] = result
        self._show_checks()
        awarded = record_lab_result(self.app.store, self.found.pack_id, self.spec.id, report.to_dict(),
                                    self.spec.xp, self.app.now())
        if report.error is not None:
            self.notify(printable(f"Cannot run the checks: {report.error}"), severity="error", timeout=8, markup=False)
        elif report.passed:
            self._log(f"── all {len(report.checks)} checks passed in {report.duration_ms / 1000:.1f} s ──")
        else:
            self._log(f"── {report.checks_passed} of {len(report.checks)} checks passed ──")
        if awarded:
            self.notify(f"Every check passes: +{awarded} XP.", title="Lab completed")

    # ----- watch mode ----------------------------------------------------------------------------------------
    def action_watch(self) -> None:
        if self.watching:
            self.watching = False
            if self._watch_stop is not None:
                self._watch_stop.set()
            self.workers.cancel_group(self, "lab-watch")
            self.notify("Stopped watching. r still runs the checks.", timeout=3)
        else:
            self.watching = True
            self._start_watching()
            self.run_checks()
            self.notify("Watching the workspace: the checks run again each time you save.", timeout=4)
        self._show_checks()

    def _start_watching(self) -> None:
        """Watch the workspace folder as it is now (a reset puts a new folder in its place)."""
        if self._watch_stop is not None:
            self._watch_stop.set()
        self._watch_stop = asyncio.Event()
        self._watch(self._watch_stop)

    @work(exclusive=True, group="lab-watch")
    async def _watch(self, stop: asyncio.Event) -> None:
        from watchfiles import awatch

        async for _changes in awatch(self.workspace, stop_event=stop, debounce=300, rust_timeout=500):
            self.run_checks()

    # ----- the other keys ------------------------------------------------------------------------------------
    def action_page(self, step: int) -> None:
        index = self.page_index + step
        if 0 <= index < len(self.pages):
            self.page_index = index
            self._show_page()

    def action_hint(self) -> None:
        from lambdalearn.content.labs import read_hints
        from lambdalearn.progress.labs import take_hint

        available = len(read_hints(self.spec))
        if not available:
            self.notify("This lab has no hints: read the instructions again, or the failing check's message.")
            return
        if self.hints_shown >= available:
            self.notify("That was the last hint. s shows the solution once you have run the checks.", timeout=4)
        self.hints_shown = take_hint(self.app.store, self.found.pack_id, self.spec.id, available)
        self._with_hints()
        self.page_index = len(self.pages) - 1
        self._show_page()

    def action_edit(self) -> None:
        """Open the editable files in $VISUAL or $EDITOR, else a common editor that is installed (the app
        steps aside), then run the checks."""
        from textual.app import SuspendNotSupported

        editor, fallback = choose_editor(dict(os.environ), shutil.which)
        if not editor:
            self.notify(f"No editor found: set $EDITOR, or edit {self.workspace} in your own editor (w re-runs on "
                        "save).", severity="warning", timeout=8, markup=False)
            return
        if fallback:
            self.notify(f"$EDITOR is not set: opening {editor} (set $EDITOR to choose another).", timeout=6, markup=False)
        files = [str(self.workspace / name) for name in self.spec.editable]
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), *files], check=False)
        except (SuspendNotSupported, OSError) as problem:
            self.notify(f"Could not open {editor}: {problem}", severity="error", timeout=8, markup=False)
            return
        self.run_checks()

    def action_reset(self) -> None:
        from lambdalearn.tui.screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(f"Start {self.spec.title} over from the starter? Your workspace is kept as a backup.",
                          yes="Reset"),
            self._reset,
        )

    def _reset(self, answer: str | None) -> None:
        from lambdalearn.labs.workspace import reset_workspace

        if answer != "yes":
            return
        self.workers.cancel_group(self, "lab-run")
        backup = reset_workspace(self.spec, self.workspace)
        if self.watching:
            self._start_watching()
        self.results = {check.name: None for check in self.spec.checks}
        self.runs = 0
        self._show_checks()
        self._log(f"── reset from the starter; your previous files are in {backup} ──")
        self.notify(f"Fresh workspace. Your previous files are kept in {backup}.", timeout=8, markup=False)

    def action_solution(self) -> None:
        from lambdalearn.progress.labs import lab_progress
        from lambdalearn.tui.screens.lab_solution import SolutionScreen

        if lab_progress(self.app.store, self.found.pack_id, self.spec.id).attempts == 0:
            self.notify("Run the checks once (r) before you look at the solution.", severity="warning")
            return
        self.app.push_screen(SolutionScreen(self.found))

    def action_back(self) -> None:
        self.dismiss()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    def system_commands(self):
        from textual.app import SystemCommand

        yield SystemCommand("Run the checks", "Run every check against your workspace", self.action_run)
        yield SystemCommand("Toggle watch mode", "Run the checks again on every save", self.action_watch)
        yield SystemCommand("Next hint", "Show one more hint", self.action_hint)
        yield SystemCommand("Open in $EDITOR", "Edit the workspace, then run the checks", self.action_edit)
        yield SystemCommand("Reset the lab", "Start over from the starter (yours is kept)", self.action_reset)
        yield SystemCommand("Show the solution", "After a first run of the checks", self.action_solution)
