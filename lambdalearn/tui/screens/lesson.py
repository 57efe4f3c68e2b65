"""The lesson reader: one `##` section per page (Textual's Markdown is slow on long documents), a table of
contents, badges, a notes pane that saves as you type, mark as done, quiz me, links, copy code blocks.
"""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from lambdalearn.content.models import Lesson, Pack
from lambdalearn.study.course import link_target, page_of, pages
from lambdalearn.tui.widgets.code_blocks import CodeSidewaysMixin
from lambdalearn.tui.widgets.markdown_links import PageLink, page_links, show_selected
from lambdalearn.tui.widgets.text import inline

NOTE_DEBOUNCE_S = 0.4
NOTE_MAX_AT_RISK_S = 1.0
SCALE_LINK = "scale:"  # a lesson link `scale:launch-day` opens the Scale screen on that example


class LessonScreen(CodeSidewaysMixin, Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("right,l", "page(1)", "Page", key_display="→"),
        Binding("shift+right", "code_sideways(1)", "Code →", show=False),
        Binding("shift+left", "code_sideways(-1)", "Code ←", show=False),
        Binding("left,h", "page(-1)", "Page", key_display="←"),
        Binding("greater_than_sign,ctrl+n", "lesson(1)", "Next lesson", show=False),
        Binding("less_than_sign,ctrl+b", "lesson(-1)", "Prev lesson", show=False),
        Binding("d", "done", "Done"),
        Binding("q", "quiz_me", "Quiz me"),
        Binding("n", "notes", "Notes"),
        Binding("f3", "notes", "Notes", show=False),
        Binding("t", "toc", "Contents", show=False),
        Binding("y", "copy_code", "Copy code", show=False),
        Binding("slash,ctrl+f", "app.search", "Search", show=False),
        Binding("tab,right_square_bracket", "link(1)", "Next link", show=False),
        Binding("shift+tab,left_square_bracket", "link(-1)", "Previous link", show=False),
        Binding("enter", "follow_link", "Follow link", show=False),
    ]

    def __init__(self, pack: Pack, lesson: Lesson, anchor: str = "") -> None:
        super().__init__()
        self.pack = pack
        self.lesson = lesson
        self.anchor = anchor
        self.pages = pages(lesson)
        self.page_index = page_of(lesson, anchor) if anchor else 0
        self._note_dirty_since: float | None = None
        self.links: list[PageLink] = []  # the links of the page shown, for Tab and Enter
        self.link_index: int | None = None  # the one selected, if any
        self._note_text = ""
        self._note_timer = None

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Horizontal(id="lesson-body"):
            yield Vertical(id="toc-pane", classes="hidden")  # the contents list is mounted when shown
            with Vertical(id="reader"):
                yield Static("", id="badges")
                with VerticalScroll(id="page-scroll"):
                    # The first page is composed with the screen, so the first frame already shows it.
                    yield Markdown(self.pages[self.page_index].text, id="page", open_links=False)
                yield Static("", id="pager")
            with Vertical(id="notes-pane", classes="hidden"):
                yield Label("Notes (saved as you type)", id="notes-title")  # the editor is mounted when shown
        yield Footer()

    def on_mount(self) -> None:
        self._layout_for_width(self.app.size.width)
        self.show_lesson(self.pack, self.lesson, self.anchor, composed=True)
        self.query_one("#page-scroll").focus()

    def on_resize(self) -> None:
        self._layout_for_width(self.size.width)

    def _layout_for_width(self, width: int) -> None:
        """Side panes only when there is room: contents from 100 columns, notes from 140 (or on demand)."""
        toc, notes = self.query_one("#toc-pane"), self.query_one("#notes-pane")
        if not toc.has_class("opened") and toc.has_class("hidden") != (width < 100):
            toc.set_class(width < 100, "hidden")
            if width >= 100:
                self._contents()
        if not notes.has_class("opened") and notes.has_class("hidden") != (width < 140):
            notes.set_class(width < 140, "hidden")
            if width >= 140:
                self._notes_editor()

    def _contents(self) -> OptionList:
        """The contents list (one entry a page), mounted the first time it shows."""
        found = self.query("#toc")
        if found:
            return found.first(OptionList)
        contents = OptionList(*self._contents_options(), id="toc")
        self.query_one("#toc-pane").mount(contents)
        contents.highlighted = self.page_index
        return contents

    def _contents_options(self) -> list[Option]:
        return [Option(inline(f"{n + 1}. {page.title}"), id=str(n)) for n, page in enumerate(self.pages)]

    def _notes_editor(self) -> TextArea:
        """The notes editor, mounted the first time the pane shows (a TextArea costs a lot to build)."""
        found = self.query("#notes")
        if found:
            return found.first(TextArea)
        editor = TextArea(self._note_text, id="notes", soft_wrap=True,
                          placeholder="Your notes on this lesson: type here (n or F3 opens, Esc leaves)")
        self.query_one("#notes-pane").mount(editor)
        return editor

    # ----- showing a lesson -----------------------------------------------------------------------------
    def show_lesson(self, pack: Pack, lesson: Lesson, anchor: str = "", composed: bool = False) -> None:
        """Show `lesson` (at the section `anchor`); remembers it as opened and loads its note.

        `composed`: the page is already in the Markdown widget (the screen was just built with it)."""
        from lambdalearn.progress.lessons import completed_lessons, mark_lesson_opened
        from lambdalearn.progress.notes import load_note

        if self.lesson is not lesson:
            self.save_note()
        self.pack, self.lesson, self.anchor = pack, lesson, anchor
        self.pages = pages(lesson)
        self.page_index = page_of(lesson, anchor) if anchor else 0
        store = self.app.store
        mark_lesson_opened(store, pack.id, lesson.id, self.app.now())
        self.done = (pack.id, lesson.id) in completed_lessons(store, pack.id)
        self._note_text = load_note(store, pack.id, lesson.id)
        self._note_dirty_since = None
        for editor in self.query("#notes").results(TextArea):
            with editor.prevent(TextArea.Changed):
                editor.load_text(self._note_text)
        self.sub_title = f"Lesson {lesson.order}: {lesson.title}"
        for contents in self.query("#toc").results(OptionList):
            contents.clear_options()
            contents.add_options(self._contents_options())
        self._show_page(anchor, update=not composed)

    def _show_badges(self) -> None:
        lesson = self.lesson
        state = "[b $success]✓ done[/]" if self.done else "[$text-muted]not done[/]"
        self.query_one("#badges", Static).update(
            f"[reverse] {lesson.difficulty} [/] [reverse] {lesson.xp} XP [/] [reverse] {lesson.minutes} min [/]  {state}"
        )

    def _show_page(self, anchor: str = "", update: bool = True) -> None:
        page = self.pages[self.page_index]
        markdown = self.query_one("#page", Markdown)
        scroll = self.query_one("#page-scroll", VerticalScroll)
        self._show_badges()
        self.query_one("#pager", Static).update(
            f"page {self.page_index + 1}/{len(self.pages)} · ←/→ pages · </> lessons · Tab links · d done · q quiz"
            " · ⇧←/→ code"
        )
        self.links, self.link_index = [], None  # found again once the page is drawn
        for contents in self.query("#toc").results(OptionList):
            contents.highlighted = self.page_index
        if update:
            scroll.scroll_home(animate=False)
            self.call_after_refresh(self._update_markdown, markdown, page.text, anchor)
        elif anchor:
            self.call_after_refresh(self._scroll_to, anchor)

    async def _update_markdown(self, markdown: Markdown, text: str, anchor: str) -> None:
        await markdown.update(text)
        if anchor:
            self._scroll_to(anchor)

    def _scroll_to(self, anchor: str) -> None:
        """Scroll to a heading of the current page (by its lesson-wide anchor)."""
        page = self.pages[self.page_index]
        position = next((n for n, h in enumerate(page.headings) if h.anchor == anchor), None)
        entries = self.query_one("#page", Markdown).table_of_contents
        if position is not None and position < len(entries) and position > 0:
            block_id = entries[position][2]
            if block_id:
                self.query_one(f"#{block_id}").scroll_visible(top=True, animate=False)

    # ----- links by keyboard ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Enter follows a link only once one is selected, on the page."""
        if action == "follow_link":
            return self.link_index is not None and self.focused is self.query_one("#page-scroll")
        return True

    def action_link(self, step: int) -> None:
        """Select the next (or previous) link of the page, drawn in reverse and scrolled into view; away from
        the page (contents, notes), Tab moves the focus as usual."""
        if self.focused is not self.query_one("#page-scroll"):
            (self.focus_next if step > 0 else self.focus_previous)()
            return
        if not self.links or not all(link.block.is_attached for link in self.links):
            self.links, self.link_index = page_links(self.query_one("#page", Markdown)), None
        if not self.links:
            self.notify("No links on this page.", timeout=2)
            return
        if self.link_index is not None:
            show_selected(self.links[self.link_index], False)
            self.link_index = (self.link_index + step) % len(self.links)
        else:
            self.link_index = 0 if step > 0 else len(self.links) - 1
        link = self.links[self.link_index]
        show_selected(link, True)
        link.block.scroll_visible(animate=False)

    def action_follow_link(self) -> None:
        if self.link_index is not None:
            self.follow(self.links[self.link_index].href)

    # ----- actions --------------------------------------------------------------------------------------
    def action_page(self, step: int) -> None:
        index = self.page_index + step
        if 0 <= index < len(self.pages):
            self.page_index = index
            self._show_page()
        elif step > 0:
            self.notify("Last page. Press d to mark the lesson done, > for the next lesson.", timeout=4)

    def action_lesson(self, step: int) -> None:
        ordered = sorted(self.pack.lessons, key=lambda lesson: lesson.order)
        index = ordered.index(self.lesson) + step
        if 0 <= index < len(ordered):
            self.show_lesson(self.pack, ordered[index])
        else:
            self.notify("No more lessons that way.", timeout=3)

    def action_done(self) -> None:
        from lambdalearn.progress.lessons import complete_lesson

        awarded = complete_lesson(self.app.store, self.pack.id, self.lesson.id, self.lesson.xp, self.app.now())
        self.done = True
        self._show_badges()
        if awarded:
            self.notify(f"Lesson done: +{awarded} XP. Press q to quiz yourself on it.", title="Well done")
        else:
            self.notify("Already marked done (XP is awarded once).", timeout=3)

    def action_quiz_me(self) -> None:
        from lambdalearn.tui.app import QuizRequest

        self.app.start_quiz(QuizRequest(pack=self.pack.id, lesson=self.lesson.id))

    def action_notes(self) -> None:
        notes = self.query_one("#notes-pane")
        editor = self._notes_editor()
        if notes.has_class("hidden") or not editor.has_focus:
            notes.add_class("opened")
            notes.remove_class("hidden")
            self.call_after_refresh(editor.focus)
        else:
            notes.remove_class("opened")
            self._layout_for_width(self.size.width)
            self.query_one("#page-scroll").focus()

    def action_toc(self) -> None:
        pane = self.query_one("#toc-pane")
        pane.add_class("opened")
        pane.remove_class("hidden")
        self.call_after_refresh(self._contents().focus)

    def action_back(self) -> None:
        if any(editor.has_focus for editor in self.query("#notes")):
            self.query_one("#page-scroll").focus()
            return
        self.dismiss()

    def action_copy_code(self) -> None:
        """Copy a code block of this page to the clipboard (OSC 52); with several, ask which."""
        from textual.widgets._markdown import MarkdownFence

        fences = list(self.query_one("#page", Markdown).query(MarkdownFence))
        if not fences:
            self.notify("No code block on this page.", timeout=3)
            return
        if len(fences) == 1:
            self._copy(fences[0].code)
            return
        from lambdalearn.tui.screens.pick import PickScreen

        choices = [(fence.code.strip().splitlines()[0][:60] if fence.code.strip() else "(empty)") for fence in fences]
        self.app.push_screen(
            PickScreen("Copy which code block?", choices),
            lambda index: self._copy(fences[index].code) if index is not None else None,
        )

    def _copy(self, code: str) -> None:
        self.app.copy_to_clipboard(code)
        self.notify(f"Copied {len(code.splitlines())} line(s) to the clipboard.", timeout=3)

    # ----- events ---------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#toc")
    def _toc_selected(self, event: OptionList.OptionSelected) -> None:
        self.page_index = int(event.option.id)
        self._show_page()
        self.query_one("#page-scroll").focus()

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.follow(event.href)

    def follow(self, href: str) -> None:
        """Open a link of the lesson: a lesson or section here, `scale:` in the simulator, a web link shown."""
        target = link_target(self.pack, self.lesson, href)
        if target is not None:
            lesson, anchor = target
            if lesson is self.lesson:
                self.page_index = page_of(lesson, anchor)
                self._show_page(anchor)
            else:
                self.show_lesson(self.pack, lesson, anchor)
            return
        if href.startswith(SCALE_LINK):  # `scale:EXAMPLE` opens the simulator on that example
            self.app.action_scale(href[len(SCALE_LINK):])
            return
        from lambdalearn.tui.screens.link import LinkScreen

        self.app.push_screen(LinkScreen(href))

    @on(TextArea.Changed, "#notes")
    def _note_changed(self, event: TextArea.Changed) -> None:
        """Save after a short pause in typing, and at least once a second while typing goes on."""
        self._note_text = event.text_area.text
        now = time.monotonic()
        if self._note_dirty_since is None:
            self._note_dirty_since = now
        if self._note_timer is not None:
            self._note_timer.stop()
        if now - self._note_dirty_since >= NOTE_MAX_AT_RISK_S - NOTE_DEBOUNCE_S:
            self.save_note()
        else:
            self._note_timer = self.set_timer(NOTE_DEBOUNCE_S, self.save_note)

    def save_note(self) -> None:
        """Write the note if it changed since the last save."""
        from lambdalearn.progress.notes import save_note

        if self._note_dirty_since is None:
            return
        save_note(self.app.store, self.pack.id, self.lesson.id, self._note_text, self.app.now())
        self._note_dirty_since = None

    def on_unmount(self) -> None:
        """Leaving the reader (back, home, quit) saves the note; its text is kept outside the widget."""
        self.save_note()

    def prepare_quit(self) -> bool:
        self.save_note()
        return True

    def system_commands(self):
        from textual.app import SystemCommand

        yield SystemCommand("Mark lesson done", "Award its XP once", self.action_done)
        yield SystemCommand("Quiz me on this lesson", "Questions about this lesson", self.action_quiz_me)
        yield SystemCommand("Copy a code block", "Copy a code block of this page (OSC 52)", self.action_copy_code)
        yield SystemCommand("Toggle notes", "Show or hide your notes on this lesson", self.action_notes)
