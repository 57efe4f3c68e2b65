"""Question and explanation text as Textual markup: escaped, with `code` spans highlighted."""

from __future__ import annotations

import re
from datetime import datetime

from textual.markup import escape as _textual_escape

_CODE = re.compile(r"`([^`]+)`")


def escape(text: str) -> str:
    """Textual's markup escape, and a final `[` too: Textual leaves it, and then the closing tag that follows
    it (`[b]items[[/]`) is read as text."""
    escaped = _textual_escape(text)
    return escaped[:-1] + "\\[" if escaped.endswith("[") and not escaped.endswith("\\[") else escaped


def inline(text: str) -> str:
    """Markup for plain authored text: everything escaped, backtick spans shown as code."""
    parts = _CODE.split(text.strip())
    return "".join(f"[b $text-accent]{escape(part)}[/]" if odd else escape(part) for odd, part in
                   ((index % 2 == 1, part) for index, part in enumerate(parts)))


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
