"""The last failed invocations of a run, listed by error, with the highlighted one's log beside the list.

Function output is the learner's data: it is shown as plain `Content`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from lambdalearn.runtime.records import InvocationRecord
from lambdalearn.study.playground import failure_headline, log_tail
from lambdalearn.textsafe import printable


def _plain(text: str) -> Content:
    return Content(printable(text))


class FailuresPane(Horizontal):
    """Newest failure first; the newest is highlighted unless the learner is reading the list."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.failures: list[InvocationRecord] = []
        self.total = 0

    def compose(self) -> ComposeResult:
        yield OptionList(id="pg-failures")
        with VerticalScroll(id="pg-failure-scroll"):
            yield Static("", id="pg-failure-log")

    def show(self, failures: Sequence[InvocationRecord], total: int) -> None:
        """List `failures` (oldest first, as kept) of the run's `total`; hidden when there are none."""
        newest_first = list(reversed(failures))
        if [r.request_id for r in newest_first] == [r.request_id for r in self.failures] and total == self.total:
            return
        listing = self.query_one(OptionList)
        reading = listing.highlighted_option.id if listing.has_focus and listing.highlighted_option else None
        self.failures, self.total = newest_first, total
        self.display = bool(newest_first)
        listing.clear_options()
        listing.add_options(Option(_plain(f"{r.request_id[:8]} {failure_headline(r)}"), id=r.request_id)
                            for r in newest_first)
        ids = [record.request_id for record in newest_first]
        if ids:
            listing.highlighted = ids.index(reading) if reading in ids else 0
        self._show_log()

    @on(OptionList.OptionHighlighted)
    def _show_log(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        record = next((r for r in self.failures if option is not None and r.request_id == option.id), None)
        log = self.query_one("#pg-failure-log", Static)
        if record is None:
            log.update("")
            return
        more = f" of {self.total}" if self.total > len(self.failures) else ""
        log.update(Content.assemble(
            Content.from_markup(f"[b $error]Failed[/] (the latest {len(self.failures)}{more}): request "),
            _plain(record.request_id), "\n", _plain(failure_headline(record)).stylize("bold"), "\n",
            _plain("\n".join(log_tail(record))),
        ))
