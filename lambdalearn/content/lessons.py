"""Reading one lesson: YAML front matter between `---` lines, then a Markdown body."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.content.anchors import scan
from lambdalearn.content.fields import Fields
from lambdalearn.content.models import Lesson
from lambdalearn.content.packfiles import read_pack_text
from lambdalearn.content.problems import Problem
from lambdalearn.content.questions import DIFFICULTIES
from lambdalearn.content.yamlsource import YamlError, parse_yaml

_KEYS = frozenset({"id", "title", "order", "difficulty", "xp", "minutes", "tags", "summary"})


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, 1-based line where the body starts), or None when there is no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None


def load_lesson(path: Path, rel: str, problems: list[Problem]) -> Lesson | None:
    """The lesson in `path`, or None (with problems recorded) when it cannot be used."""
    text = read_pack_text(path, rel, problems)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(rel, 1, "", "no front matter: start the file with '---', the lesson's keys, then '---'"))
        return None
    front, body, body_line = parts
    try:
        source, found = parse_yaml(front, rel, line_offset=1)
    except YamlError as exc:
        problems.append(exc.problem)
        return None
    problems.extend(found)
    if not isinstance(source.data, dict):
        problems.append(Problem(rel, 2, "", "front matter must be a mapping of keys (id, title, order, ...)"))
        return None
    fields = Fields(source, (), problems)
    fields.reject_unknown(_KEYS)
    lesson_id = fields.ident("id")
    title = fields.text("title")
    order = fields.integer("order", minimum=0)
    difficulty = fields.choice("difficulty", DIFFICULTIES)
    xp = fields.integer("xp", minimum=0, maximum=10_000)
    minutes = fields.integer("minutes", minimum=1, maximum=600)
    tags = fields.text_list("tags")
    summary = fields.text("summary")
    if fields.failed:
        return None
    headings, links = scan(body)
    return Lesson(
        id=lesson_id, title=title, order=order, difficulty=difficulty, xp=xp, minutes=minutes, tags=tags,
        summary=summary, body=body, headings=tuple(headings), links=tuple(links), source=rel, body_line=body_line,
    )
