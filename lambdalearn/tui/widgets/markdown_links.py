"""Links of a rendered Markdown page, for the keyboard: find them in reading order, show one as selected.

Textual's Markdown makes a link a span of its block's text whose style carries `@click=link('href')`: only the
mouse reaches it. The lesson reader walks these spans with Tab and follows the selected one with Enter; the
selection is drawn over the block's own text (reverse video), which is put back when the selection moves on.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

_LINK_ACTION = re.compile(r"^link\((.*)\)$", re.DOTALL)
SELECTED = "reverse bold"


@dataclass(frozen=True)
class PageLink:
    """One link of the page: the block it is in, where its text is in that block, and its target."""

    block: MarkdownBlock
    start: int
    end: int
    href: str

    @property
    def text(self) -> str:
        return self.block._content.plain[self.start:self.end]


def page_links(markdown: Markdown) -> list[PageLink]:
    """The links of `markdown` in reading order (blocks in document order, spans left to right)."""
    links = []
    for block in markdown.query(MarkdownBlock):
        content: Content = block._content
        for span in sorted(content.spans, key=lambda span: span.start):
            href = _href(span.style)
            if href is not None and span.end > span.start:
                links.append(PageLink(block, span.start, span.end, href))
    return links


def show_selected(link: PageLink, selected: bool) -> None:
    """Draw `link` as the selected one, or put its block's text back as it was."""
    content = link.block._content
    link.block.update(content.stylize(SELECTED, link.start, link.end) if selected else content)


def _href(style: object) -> str | None:
    """The target of a span's `@click=link(...)` action, None for a span that is not a link."""
    meta = getattr(style, "meta", None) or {}
    match = _LINK_ACTION.match(str(meta.get("@click", "")))
    if match is None:
        return None
    try:
        href = ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return None
    return href if isinstance(href, str) else None
