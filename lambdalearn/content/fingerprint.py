"""A stable fingerprint of a question's content, to tell an edited question from an unchanged one.

Where a question sits in its file (line, path) and how it is tagged are not content: moving it or retagging
it keeps the learner's schedule untouched. Wording, choices, answers and explanations are content.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from lambdalearn.content.questions import Question

_NOT_CONTENT = {"source", "line", "tags", "deck_id", "lesson_section", "domain", "difficulty"}


def question_fingerprint(question: Question) -> str:
    fields = {
        field.name: getattr(question, field.name)
        for field in dataclasses.fields(question)
        if field.name not in _NOT_CONTENT
    }
    fields["type"] = question.type
    text = json.dumps(fields, sort_keys=True, default=_jsonable, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")
