"""`lambdalearn pack new`: a small, valid pack to start from, showing each part of the format once."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.content.fields import ID_PATTERN


class ScaffoldError(Exception):
    """The pack cannot be created where asked."""


_MANIFEST = """\
id: {id}
title: {title}
version: 0.1.0
authors: [Your Name]
license: CC-BY-4.0
description: >
  One paragraph: what this pack teaches and who it is for.
exam:
  # Raise these as your decks grow: each domain needs as many gradable questions as its share of the exam.
  questions: 1
  minutes: 2
  pass_mark: 70
  domains:
    - id: basics
      title: Basics
      weight: 100
"""

_LESSON = """\
---
id: first-lesson
title: Your first lesson
order: 1
difficulty: beginner
xp: 30
minutes: 1
tags: [basics]
summary: Replace this with one or two sentences for the course map.
---

## Learning objectives

- Say what a handler receives.

## The handler

A Lambda handler receives an `event` (the input) and a `context` (facts about this invocation).

```python
def handler(event, context):
    return {{"hello": event.get("name", "world")}}
```

## Cheat sheet

| argument | what it is |
|---|---|
| `event` | the input document |
| `context` | request id, time left, function name |
"""

_DECK = """\
id: first-lesson-quiz
title: Your first lesson
lesson: first-lesson
domain: basics
questions:
  - id: first-01
    type: single
    level: remember  # remember, apply or analyse: what the item asks the learner to do
    prompt: Which handler argument carries the input?
    choices:
      - text: context
        why: The context describes the invocation, not its input.
      - text: event
    answer: 2
    explanation: The event is the document the caller sent.
    lesson_section: the-handler
  - id: first-02
    type: flashcard
    front: What does the context tell a handler?
    back: The request id, the time left before the timeout, the function's name and memory.
    lesson_section: cheat-sheet
"""


def create_pack(target: Path, pack_id: str | None = None, title: str | None = None) -> list[Path]:
    """Write a new pack into `target` (which must be missing or empty); returns the files written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target}: already exists and is not empty; choose a new folder")
    pack_id = pack_id or target.name.lower().replace("_", "-").replace(" ", "-")
    if not ID_PATTERN.match(pack_id):
        raise ScaffoldError(f"'{pack_id}' is not a valid pack id (lowercase letters, digits and hyphens); pass --id")
    files = {
        target / "pack.yaml": _MANIFEST.format(id=pack_id, title=title or pack_id.replace("-", " ").capitalize()),
        target / "content" / "01-first-lesson.md": _LESSON.format(),
        target / "quizzes" / "first-lesson.yaml": _DECK,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "labs").mkdir(exist_ok=True)
    return list(files)
