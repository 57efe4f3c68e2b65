"""The help screen: what each screen's keys do, and the keys that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

HELP = """\
## Everywhere
`Ctrl+P` command palette: every screen, lesson, action and theme · `F1` or `?` this help · `Esc` back ·
`Ctrl+Q` or `F10` quit (answers are saved as you give them, notes as you type; an unfinished exam asks)

## Home
`c` continue · `Enter` or click opens a lesson or a lab (⚗) · `r` review due cards · `e` mock exam ·
`s` stats · `/` or Ctrl+F search lessons · `,` or F2 settings · `p` playground · `a` scale · `f` show one pack only
(with several packs: the map, quizzes, exams and labs follow it) · `v` what failed validation ·
`b` browse questions

## Browse
Type to search (id, prompt, answers, explanation; best match first), pick a deck, type or state (new, due,
suspended, buried, flagged, leech, ...) · `↓` or Enter to the table, `/` back to the search · on the
highlighted question: `s` suspend (never comes up until unsuspended), `b` bury until tomorrow, `f` flag,
`n` your note (Ctrl+S saves; shown with the question's feedback in quizzes), `o` its lesson section · `Esc` back

## Lesson
`←`/`→` (or `h`/`l`) pages · `<`/`>` (or Ctrl+B/Ctrl+N) lessons · `t` contents · `d` mark done ·
`q` quiz me · `n` or F3 notes · `y` copy a code block · Shift+`←`/`→` scroll wide code blocks (or drag
their scrollbar) · links: Tab/Shift+Tab (or `]`/`[`) select one, Enter (or a click) follows it; in-course
ones open here, web links are shown

## Quiz
Choices: `1`-`9` or click (multi: toggle, then Enter) · true/false: `t`/`f` · text, number, cloze: type
and Enter · order: `↑`/`↓` pick a step, `-`/`+` (or Shift+↑/↓) move it (or click a step, then where it goes), Enter submits · flashcard:
Space shows the answer, `1`-`4` rates it and moves on (each key shows when the card comes back) · after the
verdict: Enter next, `o` open the lesson section · `u` (or Ctrl+Z) undo the last answer · a card you missed
comes back before the end ·
`s` or Ctrl+N skip · `f` or F4 filters (deck, lesson, tag, cram) · when nothing is left: `m` study more
today (10 new, past the daily limit), `a` study ahead, `c` cram

## Lab
`r` run the checks · `w` watch (run again on every save) · `e` edit in `$EDITOR`, then run · `i` next
hint · Shift+`←`/`→` wide code · `x` reset to the starter (yours is kept as a backup) · `s` solution (after a first run) · `←`/`→`
pages of the instructions · the bottom pane is your function's log

## Playground
F5 fire a burst (N requests, at most C at once) · F6 fire a steady rate · F7 stop sending · F8 shut
down idle environments · memory, reserved and provisioned concurrency apply to the next run · the Event row
picks what each request carries (`{}`, a generated sample, a JSON file) · failed invocations are listed under
the chart: ↑/↓ shows each one's log

## Scale (the simulator)
Pick an example or set the knobs of A and B · F5 run A · F6 run A and B and compare them · F7 copy A to B ·
charts show A (and B's concurrency); a lesson link `scale:NAME` opens an example here

## Mock exam
PgUp/PgDn (or F7/F8) move between questions · `f` or F6 flag for review · Ctrl+S or F9 submit ·
F5 pause (clock stopped; F5 on the mock-exam screen resumes) · the clock submits for you at zero

## Stats and settings
Stats show the same figures as `lambdalearn stats`. Settings: Ctrl+S or F2 saves.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Label("[b]lambdalearn keys[/]  (↑/↓ scroll, Esc closes)")
            with VerticalScroll():
                yield Markdown(HELP, id="help-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
