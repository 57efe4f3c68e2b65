"""Heading anchors and links in lesson Markdown.

Anchors follow GitHub's rule (lowercase, punctuation dropped, spaces to hyphens, repeats numbered) so that a
lesson read on a code host and in the app links the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from functools import cache

_STRIP = re.compile(r"[^\w\- ]", re.UNICODE)


def slugify(heading: str) -> str:
    """`Cold vs warm starts (and why)` -> `cold-vs-warm-starts-and-why`."""
    text = heading.strip().lower()
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return _STRIP.sub("", text).replace(" ", "-")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int  # 0-based line in the body where the heading starts


@dataclass(frozen=True)
class Link:
    target: str
    line: int  # 0-based line in the body


@cache
def _markdown():
    """The parser, made on first use: a lesson read from the pack cache never needs it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def scan(body: str) -> tuple[list[Heading], list[Link]]:
    """The headings (with unique anchors) and the links of a Markdown body."""
    headings: list[Heading] = []
    links: list[Link] = []
    used: dict[str, int] = {}
    tokens = _markdown().parse(body)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            text = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
            base = slugify(text)
            count = used.get(base, 0)
            used[base] = count + 1
            anchor = base if count == 0 else f"{base}-{count}"
            line = token.map[0] if token.map else 0
            headings.append(Heading(int(token.tag[1]), text, anchor, line))
        elif token.type == "inline":
            line = token.map[0] if token.map else 0
            for child in token.children or []:
                if child.type == "link_open":
                    links.append(Link(str(child.attrGet("href") or ""), line))
    return headings, links


def lesson_link(target: str) -> tuple[str, str] | None:
    """Parse an in-course link: `lesson:ID#anchor`, `ID.md#anchor`, `NN-ID.md#anchor` or `#anchor`.

    Returns (lesson id or "" for this lesson, anchor or ""); None for web and other external links.
    """
    if re.match(r"^[a-z][a-z0-9+.-]*://", target) or target.startswith("mailto:"):
        return None
    if target.startswith("lesson:"):
        target = target[len("lesson:") :]
    elif target.startswith("#"):
        return "", target[1:]
    else:
        path, _, anchor = target.partition("#")
        if not path.endswith(".md"):
            return None
        name = path.rsplit("/", 1)[-1][: -len(".md")]
        return re.sub(r"^\d+-", "", name), anchor
    lesson, _, anchor = target.partition("#")
    return lesson, anchor
