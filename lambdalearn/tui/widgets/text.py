"""Authored text for the screen: never parsed as markup, never carrying terminal control codes.

Pack text is data. `inline` turns it into a Textual `Content` (no markup parsing, so a prompt ending
`(see [/tmp` or holding backslashes shows exactly as written), and `assemble` puts such pieces beside the app's
own markup. `escape` remains for the app's own strings (paths, messages) that go inside markup templates.
"""

from __future__ import annotations

import re
from datetime import datetime

from textual.content import Content

from lambdalearn.textsafe import printable

_CODE = re.compile(r"`([^`]+)`")


def escape(text: str) -> str:
    """`text` for use inside a markup template: every `[` is escaped (Textual reads a run of N backslashes
    before `[` as N-1 backslashes and a literal `[`, so one more backslash keeps any text as it was).
    A backslash at the very end would escape a tag that follows it: authored text goes through `inline`."""
    return printable(text).replace("[", "\\[")


def inline(text: str) -> Content:
    """Plain authored text as Content (never parsed as markup), backtick spans shown as code."""
    parts = _CODE.split(printable(text.strip()))
    return Content.assemble(*((part, "b $text-accent") if index % 2 else part for index, part in enumerate(parts)))


def assemble(*pieces: str | Content) -> Content:
    """One Content from the app's markup (`str` pieces) and authored text (`Content` pieces, from `inline`)."""
    return Content.assemble(*(Content.from_markup(piece) if isinstance(piece, str) else piece for piece in pieces))


def relative_time(when: datetime, now: datetime) -> str:
    """`now`, `in 10 min`, `in 3 h`, `in 4 days` (the app passes its own clock, so tests can fix it)."""
    seconds = (when - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 90:
        return "in a minute"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400 * 1.5:
        return f"in {round(seconds / 3600)} h"
    return f"in {round(seconds / 86400)} days"
