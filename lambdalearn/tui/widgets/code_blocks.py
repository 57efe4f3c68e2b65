"""Code blocks in Markdown (lessons, lab instructions): long lines scroll sideways, by mouse on the visible
scrollbar or by keys (Shift+←/→ move every code block of the page together)."""

from __future__ import annotations

from textual.dom import DOMNode

SIDEWAYS_STEP = 8


def scroll_code_sideways(root: DOMNode, columns: int) -> bool:
    """Scroll every code block under `root` by `columns`; False when none is wider than its room."""
    from textual.widgets._markdown import MarkdownFence

    wide = [fence for fence in root.query(MarkdownFence) if fence.max_scroll_x > 0]
    for fence in wide:
        fence.scroll_relative(x=columns, animate=False)
    return bool(wide)


class CodeSidewaysMixin:
    """Shift+←/→ on a screen with lessons or lab instructions: scroll its wide code blocks sideways."""

    def action_code_sideways(self, direction: int) -> None:
        if not scroll_code_sideways(self, direction * SIDEWAYS_STEP):
            self.notify("No code block on this page is wider than the screen.", timeout=3)
