"""Reading one lesson: YAML front matter between `---` lines, then a Markdown body."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lambdalearn.content.anchors import scan
from lambdalearn.content.fields import Fields
from lambdalearn.content.models import Lesson
from lambdalearn.content.packfiles import read_pack_text
from lambdalearn.content.problems import Problem
from lambdalearn.content.provenance import aws_doc_url_problem, read_verified, require_together
from lambdalearn.content.questions import DIFFICULTIES
from lambdalearn.content.yamlsource import YamlError, parse_yaml

_KEYS = frozenset({"id", "title", "order", "difficulty", "xp", "minutes", "tags", "summary", "cheat_sheet"})
_CHEAT_SHEET_KEYS = frozenset({"sources", "verified"})


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
    sources, verified = _cheat_sheet(fields)
    if fields.failed:
        return None
    headings, links = scan(body)
    return Lesson(
        id=lesson_id, title=title, order=order, difficulty=difficulty, xp=xp, minutes=minutes, tags=tags,
        summary=summary, body=body, headings=tuple(headings), links=tuple(links), source=rel, body_line=body_line,
        cheat_sheet_sources=sources, cheat_sheet_verified=verified,
    )


def _cheat_sheet(fields: Fields) -> tuple[tuple[str, ...], date | None]:
    """`cheat_sheet: {sources: [AWS doc pages], verified: YYYY-MM-DD}`: where the cheat sheet's numbers come
    from and when they were last checked there; both or neither."""
    if not fields.has("cheat_sheet"):
        return (), None
    if not isinstance(fields.mapping["cheat_sheet"], dict):
        fields.problem("cheat_sheet", "expected a mapping with 'sources' (AWS doc pages) and 'verified' (a date)")
        return (), None
    sheet = Fields(fields.source, ("cheat_sheet",), fields.problems)
    sheet.reject_unknown(_CHEAT_SHEET_KEYS)
    sources = []
    for index, url in enumerate(sheet.text_list("sources", required=False) or ()):
        if problem := aws_doc_url_problem(url):
            line = sheet.source.line("cheat_sheet", "sources", index)
            fields.problems.append(Problem(sheet.source.path, line, f"cheat_sheet.sources[{index}]", problem))
            sheet.failed = True
        else:
            sources.append(url)
    verified = read_verified(sheet)
    require_together(sheet, "sources")
    fields.failed = fields.failed or sheet.failed
    return tuple(sources), verified
